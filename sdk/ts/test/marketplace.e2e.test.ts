// End-to-end marketplace scenario of the TypeScript SDK against a real
// `gigwired`: categories and gig review, jobs and the review queue, seller
// search, assignments, offers (first accept wins), bookings, reviews and
// ratings, the audit log; then the rejection, cancellation, expiry,
// idempotency and authorization paths, asserting exact codes AND reasons.
//
// The scenario's cases run in order and share state; each other path sets
// up its own job. Skipped when the binary is missing unless
// GIGWIRE_E2E=require; GIGWIRE_E2E_LOG=1 prints the server's output.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Assignment,
  BookingState,
  type Category,
  type CreateJobRequestSchema,
  type Gig,
  GigState,
  type GigwireClient,
  type Job,
  JobState,
  type Money,
  type Offer,
  OfferState,
  Role,
  SellerOrder,
  type SellerPreview,
  createClient,
} from "../src/index.js";
import { expectError } from "./assertions.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Gigwired,
  RELAXED_AUTH_LIMITS,
  USER_PASSWORD,
  createAdmin,
  e2eSkipReason,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";

const DAY_MS = 24 * 3600 * 1000;
const EXPIRY_WAIT_MS = 5_000;
/** Offers past their ttl expire within 0.2 s. */
const FAST_SCHEDULER = ["--scheduler-interval-seconds", "0.2"];

const skip = e2eSkipReason();

/** A registered, logged-in account with its own client. */
interface Account {
  readonly id: string;
  readonly client: GigwireClient;
}

const usd = (amountMinor: bigint): { currencyCode: string; amountMinor: bigint } => ({
  currencyCode: "USD",
  amountMinor,
});

const BUDGET = { min: usd(20_000n), max: usd(50_000n) };

function jobRequest(
  categoryId: string,
  overrides: { title?: string; requestId?: string; due?: Date } = {},
): MessageInitShape<typeof CreateJobRequestSchema> {
  return {
    job: {
      title: overrides.title ?? "Design a logo for a bakery",
      description: "A round logo, warm colours, SVG and PNG.",
      categoryId,
      skills: ["logo", "illustrator"],
      budget: BUDGET,
      dueTime: timestampFromDate(overrides.due ?? new Date(Date.now() + 7 * DAY_MS)),
    },
    requestId: overrides.requestId ?? "",
  };
}

function money(m: Money | undefined): string {
  return `${m?.amountMinor ?? "-"} ${m?.currencyCode ?? ""}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("marketplace end to end", { skip }, () => {
  let server: Gigwired;
  let anon: GigwireClient;
  let admin: Account;

  before(async () => {
    const dir = makeServerDir();
    try {
      createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
      server = await startGigwired(dir, [...RELAXED_AUTH_LIMITS, ...FAST_SCHEDULER]);
    } catch (e) {
      console.error(`e2e: server dir kept at ${dir}`);
      throw e;
    }
    anon = createClient({ baseUrl: server.address });
    const tokens = await anon.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    admin = { id: tokens.user!.id, client: anon.withCredentials({ token: tokens.accessToken }) };
  });

  after(() => {
    anon?.close();
    if (process.env["GIGWIRE_E2E_LOG"]) console.error(`gigwired log:\n${server?.log()}`);
    server?.dispose();
  });

  async function register(prefix: string, role: Role): Promise<Account> {
    const email = `${prefix}-${randomUUID().slice(0, 12)}@example.com`;
    const displayName = `${prefix} person`;
    const user = await anon.auth.register({ email, password: USER_PASSWORD, displayName, roles: [role] });
    const tokens = await anon.auth.login({ email, password: USER_PASSWORD });
    return { id: user.id, client: anon.withCredentials({ token: tokens.accessToken }) };
  }

  async function newCategory(): Promise<Category> {
    const slug = `logo-design-${randomUUID().slice(0, 8)}`;
    const category = await admin.client.catalog.createCategory({ category: { slug, displayName: "Logo design" } });
    assert.match(category.id, /^cat_./);
    assert.deepEqual([category.slug, category.displayName, category.parentId], [slug, "Logo design", ""]);
    const { categories } = await anon.catalog.listCategories({});
    assert.ok(categories.some((c) => c.id === category.id), "ListCategories shows it");
    return category;
  }

  /** A new seller whose gig went DRAFT -> PENDING_REVIEW -> APPROVED. */
  async function sellerWithGig(name: string, category: Category): Promise<{ seller: Account; gig: Gig }> {
    const seller = await register(name, Role.SELLER);
    const draft = await seller.client.catalog.createGig({
      gig: {
        title: `Logo design by ${name}`,
        description: "Three concepts, two revisions.",
        categoryId: category.id,
        price: usd(30_000n),
        deliveryDays: 5,
        tags: ["logo"],
      },
    });
    assert.match(draft.id, /^gig_./);
    assert.deepEqual([draft.sellerId, draft.state], [seller.id, GigState.DRAFT]);
    const submitted = await seller.client.catalog.submitGig({ id: draft.id });
    assert.equal(submitted.state, GigState.PENDING_REVIEW);
    const gig = await admin.client.catalog.approveGig({ id: draft.id });
    assert.equal(gig.state, GigState.APPROVED);
    return { seller, gig };
  }

  async function openJob(buyer: Account, category: Category): Promise<Job> {
    const job = await buyer.client.jobs.createJob(jobRequest(category.id));
    const opened = await admin.client.jobs.approveJob({ id: job.id });
    assert.equal(opened.state, JobState.OPEN);
    return opened;
  }

  async function assign(job: Job, sellers: Account[], note = "", ttlSeconds = 0): Promise<Assignment[]> {
    const { assignments } = await admin.client.assignments.assignSellers({
      jobId: job.id,
      sellerIds: sellers.map((s) => s.id),
      note,
      requestId: randomUUID(),
      ...(ttlSeconds ? { offerTtl: { seconds: BigInt(ttlSeconds) } } : {}),
    });
    return assignments;
  }

  const getOffer = (seller: Account, id: string): Promise<Offer> => seller.client.offers.getOffer({ id });

  async function searchCategory(category: Category): Promise<SellerPreview[]> {
    const request = { categoryId: category.id, orderBy: SellerOrder.RATING };
    const { sellers } = await admin.client.sellers.searchSellers(request);
    return sellers;
  }

  async function auditEntries(action: string, target: string) {
    return (await admin.client.audit.listAuditEntries({ action, target })).entries;
  }

  function checkAssignments(assignments: readonly Assignment[], job: Job, sellers: Account[], note: string): void {
    // Any order: one call's assignments share a create time.
    assert.deepEqual(assignments.map((a) => a.sellerId).sort(), sellers.map((s) => s.id).sort());
    for (const a of assignments) {
      assert.match(a.id, /^asg_./);
      assert.match(a.offerId, /^off_./);
      assert.deepEqual([a.jobId, a.assignerId, a.note], [job.id, admin.id, note]);
    }
  }

  describe("the happy path", () => {
    const NOTE = "Strong logo portfolios; please answer within a day.";
    let category: Category;
    let sellers: Account[];
    let gigs: Map<string, Gig>;
    let buyer: Account;
    let job: Job;
    let offerIds: Map<string, string>;
    let bookingId: string;
    const seller = (i: number): Account => sellers[i]!;

    it("an admin creates a category; three sellers get a gig approved", async () => {
      category = await newCategory();
      const made = [];
      for (const name of ["ann", "ben", "cy"]) made.push(await sellerWithGig(name, category));
      sellers = made.map((m) => m.seller);
      gigs = new Map(made.map((m) => [m.seller.id, m.gig]));
    });

    it("a buyer posts a job; it waits in the PENDING_REVIEW queue; the admin approves it", async () => {
      buyer = await register("buyer", Role.BUYER);
      const posted = await buyer.client.jobs.createJob(jobRequest(category.id));
      assert.match(posted.id, /^job_./);
      assert.deepEqual([posted.buyerId, posted.state], [buyer.id, JobState.PENDING_REVIEW]);
      assert.deepEqual([money(posted.budget?.min), money(posted.budget?.max)], ["20000 USD", "50000 USD"]);

      const queue = await admin.client.jobs.listJobs({ state: JobState.PENDING_REVIEW, pageSize: 500 });
      assert.ok(queue.jobs.some((j) => j.id === posted.id), "job in the review queue");
      assert.ok(queue.jobs.every((j) => j.state === JobState.PENDING_REVIEW), "only PENDING_REVIEW jobs");

      job = await admin.client.jobs.approveJob({ id: posted.id, note: "clear brief" });
      assert.equal(job.state, JobState.OPEN);
    });

    it("SearchSellers by category finds the three sellers with their gigs", async () => {
      const found = await searchCategory(category);
      assert.deepEqual(found.map((s) => s.userId).sort(), sellers.map((s) => s.id).sort());
      for (const preview of found) {
        assert.equal(preview.gigCount, 1);
        assert.deepEqual(preview.sampleGigs.map((g) => g.id), [gigs.get(preview.userId)!.id]);
      }
    });

    it("the admin assigns all three in one call; each seller sees its offer", async () => {
      const assignments = await assign(job, sellers, NOTE);
      assert.deepEqual(assignments.map((a) => a.sellerId), sellers.map((s) => s.id), "request order");
      checkAssignments(assignments, job, sellers, NOTE);
      offerIds = new Map(assignments.map((a) => [a.sellerId, a.offerId]));
      for (const s of sellers) {
        const { offers } = await s.client.offers.listOffers({ jobId: job.id });
        assert.equal(offers.length, 1);
        const offer = offers[0]!;
        assert.equal(offer.id, offerIds.get(s.id));
        assert.deepEqual([offer.sellerId, offer.jobTitle, offer.note], [s.id, job.title, NOTE]);
        assert.equal(offer.state, OfferState.PENDING);
        assert.equal(money(offer.budget?.max), "50000 USD");
        assert.ok(offer.allowedActions.includes("accept") && offer.allowedActions.includes("decline"),
          `allowed actions: ${offer.allowedActions}`);
      }
    });

    it("one declines, one accepts (job BOOKED); the third is SUPERSEDED: FAILED_PRECONDITION", async () => {
      const declined = await seller(0).client.offers.declineOffer({
        id: offerIds.get(seller(0).id)!,
        reason: "Fully booked",
      });
      assert.deepEqual([declined.state, declined.declineReason], [OfferState.DECLINED, "Fully booked"]);

      const accepted = await seller(1).client.offers.acceptOffer({ id: offerIds.get(seller(1).id)! });
      assert.equal(accepted.state, OfferState.ACCEPTED);
      assert.match(accepted.bookingId, /^bkg_./);
      bookingId = accepted.bookingId;
      const booked = await buyer.client.jobs.getJob({ id: job.id });
      assert.deepEqual([booked.state, booked.bookingId], [JobState.BOOKED, bookingId]);

      const late = await getOffer(seller(2), offerIds.get(seller(2).id)!);
      assert.equal(late.state, OfferState.SUPERSEDED);
      const again = seller(2).client.offers.acceptOffer({ id: late.id });
      const err = await expectError(again, "FAILED_PRECONDITION", "INVALID_STATE");
      assert.match(err.metadata["current_state"] ?? "", /SUPERSEDED/);
    });

    it("the seller delivers, the buyer completes", async () => {
      const booking = await seller(1).client.bookings.getBooking({ id: bookingId });
      assert.deepEqual([booking.jobId, booking.buyerId, booking.sellerId, booking.state],
        [job.id, buyer.id, seller(1).id, BookingState.ACTIVE]);
      const note = "Final files attached.";
      const delivered = await seller(1).client.bookings.deliverBooking({ id: bookingId, note });
      assert.deepEqual([delivered.state, delivered.deliveryNote], [BookingState.DELIVERED, note]);
      const completed = await buyer.client.bookings.completeBooking({ id: bookingId });
      assert.equal(completed.state, BookingState.COMPLETED);
      assert.ok(completed.completeTime, "complete_time");
    });

    it("both review; the seller's rating changes", async () => {
      const before = await buyer.client.reviews.listReviews({ userId: seller(1).id });
      assert.deepEqual([before.ratingMilli, before.ratingCount], [0, 0]);

      const review = (author: Account, rating: number, text: string) =>
        author.client.reviews.createReview({ review: { bookingId, rating, text } });
      const byBuyer = await review(buyer, 5, "Great logo.");
      assert.deepEqual([byBuyer.authorId, byBuyer.subjectId], [buyer.id, seller(1).id]);
      const bySeller = await review(seller(1), 4, "Clear brief.");
      assert.deepEqual([bySeller.authorId, bySeller.subjectId], [seller(1).id, buyer.id]);
      await expectError(review(buyer, 1, "Changed my mind."), "ALREADY_EXISTS", "ALREADY_REVIEWED");

      const received = await buyer.client.reviews.listReviews({ userId: seller(1).id });
      assert.deepEqual([received.ratingMilli, received.ratingCount], [5000, 1]);
      assert.deepEqual(received.reviews.map((r) => r.id), [byBuyer.id]);

      const found = await searchCategory(category);
      assert.equal(found[0]?.userId, seller(1).id, "best rated first");
      assert.deepEqual([found[0]?.ratingMilli, found[0]?.ratingCount, found[0]?.completedBookings], [5000, 1, 1]);
    });

    it("ListAssignments shows who assigned whom with the note, to the admin and the buyer", async () => {
      for (const client of [admin.client, buyer.client]) {
        const { assignments } = await client.assignments.listAssignments({ jobId: job.id });
        checkAssignments(assignments, job, sellers, NOTE);
      }
    });

    it("the audit log holds ApproveJob and AssignSellers by the admin", async () => {
      const approvals = await auditEntries("ApproveJob", job.id);
      assert.deepEqual(approvals.map((e) => [e.actorId, e.action, e.note]), [[admin.id, "ApproveJob", "clear brief"]]);
      const assignments = await auditEntries("AssignSellers", job.id);
      assert.deepEqual(assignments.map((e) => [e.actorId, e.action]), [[admin.id, "AssignSellers"]]);
    });
  });

  it("rejection: RejectJob needs a reason (INVALID_ARGUMENT/INVALID_FIELDS); the buyer sees it", async () => {
    const category = await newCategory();
    const buyer = await register("buyer", Role.BUYER);
    const job = await buyer.client.jobs.createJob(jobRequest(category.id));

    const err = await expectError(admin.client.jobs.rejectJob({ id: job.id }), "INVALID_ARGUMENT", "INVALID_FIELDS");
    assert.deepEqual(err.fieldViolations.map((v) => v.field), ["reason"]);

    const rejected = await admin.client.jobs.rejectJob({ id: job.id, reason: "Too vague" });
    assert.deepEqual([rejected.state, rejected.rejectionReason], [JobState.REJECTED, "Too vague"]);
    const seen = await buyer.client.jobs.getJob({ id: job.id });
    assert.deepEqual([seen.state, seen.rejectionReason], [JobState.REJECTED, "Too vague"]);
    const [entry] = await auditEntries("RejectJob", job.id);
    assert.deepEqual([entry?.actorId, entry?.note], [admin.id, "Too vague"]);
  });

  it("cancellation: the pending offer is WITHDRAWN; cancelling again is FAILED_PRECONDITION", async () => {
    const category = await newCategory();
    const { seller } = await sellerWithGig("cancel-seller", category);
    const buyer = await register("buyer", Role.BUYER);
    const job = await openJob(buyer, category);
    const [assignment] = await assign(job, [seller]);
    assert.equal((await getOffer(seller, assignment!.offerId)).state, OfferState.PENDING);

    const cancelled = await buyer.client.jobs.cancelJob({ id: job.id, reason: "Found someone else" });
    assert.deepEqual([cancelled.state, cancelled.cancelReason], [JobState.CANCELLED, "Found someone else"]);
    assert.equal((await getOffer(seller, assignment!.offerId)).state, OfferState.WITHDRAWN);

    const err = await expectError(buyer.client.jobs.cancelJob({ id: job.id }), "FAILED_PRECONDITION", "INVALID_STATE");
    assert.match(err.metadata["current_state"] ?? "", /CANCELLED/);
    const accept = seller.client.offers.acceptOffer({ id: assignment!.offerId });
    await expectError(accept, "FAILED_PRECONDITION", "INVALID_STATE");
  });

  it("expiry: an offer with a 1 s ttl expires; accepting it is FAILED_PRECONDITION/INVALID_STATE", async () => {
    const category = await newCategory();
    const { seller } = await sellerWithGig("slow-seller", category);
    const buyer = await register("buyer", Role.BUYER);
    const job = await openJob(buyer, category);
    const [assignment] = await assign(job, [seller], "", 1);

    const deadline = Date.now() + EXPIRY_WAIT_MS;
    let offer = await getOffer(seller, assignment!.offerId);
    while (offer.state === OfferState.PENDING && Date.now() < deadline) {
      await sleep(100);
      offer = await getOffer(seller, offer.id);
    }
    assert.equal(offer.state, OfferState.EXPIRED, `offer state after ${EXPIRY_WAIT_MS} ms`);
    await expectError(seller.client.offers.acceptOffer({ id: offer.id }), "FAILED_PRECONDITION", "INVALID_STATE");
    assert.equal((await buyer.client.jobs.getJob({ id: job.id })).state, JobState.OPEN);
  });

  it("idempotency: a CreateJob retry returns the same job; other parameters are INVALID_ARGUMENT", async () => {
    const category = await newCategory();
    const buyer = await register("buyer", Role.BUYER);
    const same = { requestId: randomUUID(), due: new Date(Date.now() + 7 * DAY_MS) };
    const first = await buyer.client.jobs.createJob(jobRequest(category.id, same));
    const retried = await buyer.client.jobs.createJob(jobRequest(category.id, same));
    assert.equal(retried.id, first.id);
    const listed = await buyer.client.jobs.listJobs({});
    assert.deepEqual(listed.jobs.map((j) => j.id), [first.id]);

    const other = buyer.client.jobs.createJob(jobRequest(category.id, { ...same, title: "Another title entirely" }));
    const err = await expectError(other, "INVALID_ARGUMENT", "INVALID_FIELDS");
    assert.deepEqual(err.fieldViolations.map((v) => v.field), ["request_id"]);
    assert.deepEqual((await buyer.client.jobs.listJobs({})).jobs.map((j) => j.id), [first.id]);
  });

  it("authorization: NOT_FOUND, NOT_RESOURCE_OWNER and ROLE_REQUIRED", async () => {
    const category = await newCategory();
    const { seller } = await sellerWithGig("nosy-seller", category);
    const buyer = await register("buyer", Role.BUYER);
    const otherBuyer = await register("other-buyer", Role.BUYER);
    const job = await openJob(buyer, category);
    await assign(job, [seller]);

    await expectError(otherBuyer.client.jobs.getJob({ id: job.id }), "NOT_FOUND", "RESOURCE_NOT_FOUND");
    assert.equal((await seller.client.jobs.getJob({ id: job.id })).id, job.id, "a seller with an offer sees the job");
    await expectError(seller.client.jobs.cancelJob({ id: job.id }), "PERMISSION_DENIED", "NOT_RESOURCE_OWNER");
    const pending = await buyer.client.jobs.createJob(jobRequest(category.id));
    await expectError(buyer.client.jobs.approveJob({ id: pending.id }), "PERMISSION_DENIED", "ROLE_REQUIRED");
    await expectError(buyer.client.audit.listAuditEntries({}), "PERMISSION_DENIED", "ROLE_REQUIRED");
    assert.equal((await buyer.client.jobs.getJob({ id: job.id })).state, JobState.OPEN);
  });

  it("exits 0 on SIGTERM", async () => {
    anon.close();
    const code = await server.stop();
    assert.equal(code, 0, `exit code; server log:\n${server.log()}`);
  });
});
