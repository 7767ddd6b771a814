// Data the browser tests start from, made through the TypeScript SDK's Node entry (gRPC),
// for setup only: a buyer, three sellers with skills (one rated 5 from a finished job, with
// an approved gig and a portfolio item; one with a gig waiting for approval), the category
// tree, a second job already open for assignment, an open project with two proposals, and
// a dozen more sellers so that seller search has more than one page.
import { Availability, Role, SourcingMode, createClient } from "../../../sdk/ts/dist/src/index.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD } from "./harness.mjs";

const DAY_MS = 86_400_000;
/** Sellers beyond a page of seller search (10 a page in the modal), to walk its pages. */
export const EXTRA_SELLERS = 12;
const usd = (amountMinor) => ({ currencyCode: "USD", amountMinor });
const timestamp = (ms) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 });

export const PEOPLE = {
  buyer: { email: "bea@example.com", name: "Bea Buyer", roles: [Role.BUYER] },
  sam: { email: "sam@example.com", name: "Sam Sketch", roles: [Role.SELLER], skills: ["logo design", "branding"],
    bio: "Brand designer; logos that last." },
  sasha: { email: "sasha@example.com", name: "Sasha Pixel", roles: [Role.SELLER], skills: ["logo design", "illustration"],
    bio: "Illustrator and logo designer." },
  otto: { email: "otto@example.com", name: "Otto Words", roles: [Role.SELLER], skills: ["copywriting"],
    bio: "Copywriter." },
};

export const FIXTURE = {
  samGig: "Minimal logo in three concepts",
  sashaGig: "Mascot illustration for your brand",
  portfolio: "Bakery rebrand",
  review: "Great logo, delivered early.",
  openJob: "Icons for a recipe app",
  project: "Labels for a honey brand",
  sashaBid: "I will draw the bees by hand.",
  ottoBid: "Words and labels, quickly.",
};

/**
 * Creates everything; resolves { openJobId, sellerIds, admin (its SDK client, for changes
 * made behind a page's back), close() }.
 */
export async function seed(grpcAddress) {
  const client = createClient({ baseUrl: grpcAddress });
  const admin = await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const users = {};
  for (const [key, p] of Object.entries(PEOPLE)) {
    await client.auth.register({ email: p.email, password: PASSWORD, displayName: p.name, roles: p.roles });
    users[key] = await client.login(p.email, PASSWORD);
    if (p.skills) {
      await users[key].users.updateMe({
        user: { skills: p.skills, bio: p.bio, availability: Availability.AVAILABLE },
        updateMask: { paths: ["skills", "bio", "availability"] },
      });
    }
  }
  const design = await admin.catalog.createCategory({ category: { slug: "design", displayName: "Design" } });
  const logo = await admin.catalog.createCategory({ category: { slug: "logo-design", displayName: "Logo design", parentId: design.id } });
  await admin.catalog.createCategory({ category: { slug: "writing", displayName: "Writing" } });

  const gig = await users.sam.catalog.createGig({ gig: gigDraft(FIXTURE.samGig, logo.id, 25_000n) });
  await users.sam.catalog.submitGig({ id: gig.id });
  await admin.catalog.approveGig({ id: gig.id });
  const pending = await users.sasha.catalog.createGig({ gig: gigDraft(FIXTURE.sashaGig, logo.id, 40_000n) });
  await users.sasha.catalog.submitGig({ id: pending.id });
  await users.sam.portfolio.createPortfolioItem({
    item: { title: FIXTURE.portfolio, description: "Logo and packaging for six shops.", linkUrl: "https://example.com/bakery" },
  });

  const samId = users.sam.session.tokens.user.id;
  const earlier = await postJob(users.buyer, admin, "Logo for a food truck", logo.id);
  await admin.assignments.assignSellers({ jobId: earlier.id, sellerIds: [samId], note: "Fits your portfolio." });
  const [offer] = (await users.sam.offers.listOffers({})).offers;
  const accepted = await users.sam.offers.acceptOffer({ id: offer.id });
  await admin.bookings.completeBooking({ id: accepted.bookingId });
  await users.buyer.reviews.createReview({ review: { bookingId: accepted.bookingId, rating: 5, text: FIXTURE.review } });

  const openJob = await postJob(users.buyer, admin, FIXTURE.openJob, logo.id);
  const project = await postJob(users.buyer, admin, FIXTURE.project, logo.id, { open: true });
  await users.sasha.proposals.submitProposal({
    jobId: project.id, proposal: { price: usd(45_000n), deliveryDays: 7, coverLetter: FIXTURE.sashaBid },
  });
  await users.otto.proposals.submitProposal({
    jobId: project.id, proposal: { price: usd(30_000n), deliveryDays: 5, coverLetter: FIXTURE.ottoBid },
  });
  for (let i = 1; i <= EXTRA_SELLERS; i++) {
    const n = String(i).padStart(2, "0");
    await client.auth.register({ email: `extra${n}@example.com`, password: PASSWORD, displayName: `Extra Seller ${n}`, roles: [Role.SELLER] });
  }
  const sellerIds = Object.fromEntries(["sam", "sasha", "otto"].map((k) => [k, users[k].session.tokens.user.id]));
  return { openJobId: openJob.id, sellerIds, admin, close: () => client.close() };
}

function gigDraft(title, categoryId, amountMinor) {
  return { title, description: `${title}. Two revisions included.`, categoryId, price: usd(amountMinor), deliveryDays: 5, tags: ["logo"] };
}

/** A job posted by `buyer` and approved; `open` makes it an open project taking proposals for a week. */
async function postJob(buyer, admin, title, categoryId, { open = false } = {}) {
  const job = await buyer.jobs.createJob({
    job: {
      title, description: `${title}: brief attached.`, categoryId, skills: ["logo design"],
      budget: { min: usd(20_000n), max: usd(60_000n) }, dueTime: timestamp(Date.now() + 21 * DAY_MS),
      ...(open ? { sourcingMode: SourcingMode.OPEN, biddingCloseTime: timestamp(Date.now() + 7 * DAY_MS) } : {}),
    },
  });
  return admin.jobs.approveJob({ id: job.id });
}
