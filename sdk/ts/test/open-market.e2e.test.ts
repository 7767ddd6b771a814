// End-to-end tests of the open market through the TypeScript SDK against a
// real `gigwired` (issue 13): (a) an open project from bids to reviews (three
// proposals, one updated, one withdrawn, shortlist, accept, the booking with
// the milestone plan, deliver, complete, both review); (b) a gig order through
// to completion; (c) bad input, each failure checked for its exact code AND
// reason, and that it changed nothing; (d) sealed bids: a seller never sees
// another seller's proposal, in lists, Get or its event stream.
//
// Skipped when the binary is missing unless GIGWIRE_E2E=require;
// GIGWIRE_E2E_LOG=1 prints the server's output.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Booking,
  BookingSource,
  BookingState,
  type Category,
  type CreateJobRequestSchema,
  type Event,
  EventType,
  type Gig,
  GigState,
  type GigwireClient,
  GigwireError,
  type Job,
  JobState,
  type Money,
  type PlannedMilestone,
  type Proposal,
  ProposalOrder,
  ProposalState,
  Role,
  SourcingMode,
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
/** Slack between the server's clock, ours, and the time between a call and its check. */
const DUE_SLACK_S = 300;
const WATCH_DEADLINE_MS = 10_000;

const skip = e2eSkipReason();

/** A registered, logged-in account with its own client. */
interface Account {
  readonly id: string;
  readonly displayName: string;
  readonly client: GigwireClient;
}

type MoneyInit = { currencyCode: string; amountMinor: bigint };
const usd = (amountMinor: bigint): MoneyInit => ({ currencyCode: "USD", amountMinor });
const inDays = (days: number) => timestampFromDate(new Date(Date.now() + days * DAY_MS));

/** An open project (sourcing mode OPEN) whose bidding closes in 3 days. */
function projectRequest(categoryId: string, title = "Brand kit for a coffee roaster"): MessageInitShape<
  typeof CreateJobRequestSchema
> {
  return {
    job: {
      title,
      description: "Logo, palette and type; open to proposals.",
      categoryId,
      skills: ["branding", "logo"],
      budget: { min: usd(30_000n), max: usd(60_000n) },
      dueTime: inDays(30),
      sourcingMode: SourcingMode.OPEN,
      biddingCloseTime: inDays(3),
    },
    requestId: randomUUID(),
  };
}

/** A milestone plan from [title, amount in USD cents, due in days] steps. */
const plan = (...steps: Array<[string, bigint, number]>) =>
  steps.map(([title, amount, dueInDays]) => ({ title, amount: usd(amount), dueInDays }));

/** A comparable form of a milestone plan. */
const steps = (milestones: readonly PlannedMilestone[] | ReturnType<typeof plan>) =>
  milestones.map((m) => [m.title, m.amount?.currencyCode, m.amount?.amountMinor, m.dueInDays]);

const money = (m: Money | undefined) => [m?.currencyCode, m?.amountMinor];

interface Bid {
  price: MoneyInit;
  deliveryDays: number;
  coverLetter: string;
  milestones?: ReturnType<typeof plan>;
}

const bidOf = (price: MoneyInit, deliveryDays: number, coverLetter = "I have done this many times.") => ({
  price,
  deliveryDays,
  coverLetter,
});

function isViolated(err: GigwireError, field: string): boolean {
  return err.fieldViolations.some(
    (v) => v.field === field || v.field.startsWith(`${field}.`) || v.field.startsWith(`${field}[`),
  );
}

/** Asserts `booking` is due `days` after it was made (between `since` and now). */
function assertDueIn(booking: Booking, days: number, since: number): void {
  const due = Number(booking.dueTime?.seconds ?? 0n);
  const earliest = since / 1000 + days * 86_400 - DUE_SLACK_S;
  const latest = Date.now() / 1000 + days * 86_400 + DUE_SLACK_S;
  assert.ok(earliest <= due && due <= latest, `due ${due}, expected about ${days} days after ${since}`);
}

describe("open market end to end", { skip }, () => {
  let server: Gigwired;
  let anon: GigwireClient;
  let admin: Account;

  before(async () => {
    const dir = makeServerDir();
    try {
      createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
      server = await startGigwired(dir, RELAXED_AUTH_LIMITS);
    } catch (e) {
      console.error(`e2e: server dir kept at ${dir}`);
      throw e;
    }
    anon = createClient({ baseUrl: server.address });
    const tokens = await anon.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    admin = { id: tokens.user!.id, displayName: "admin", client: anon.withCredentials({ token: tokens.accessToken }) };
  });

  after(() => {
    anon?.close();
    if (process.env["GIGWIRE_E2E_LOG"]) console.error(`gigwired log:\n${server?.log()}`);
    server?.dispose();
  });

  async function register(prefix: string, ...roles: Role[]): Promise<Account> {
    const email = `${prefix}-${randomUUID().slice(0, 12)}@example.com`;
    const displayName = `${prefix} person`;
    const user = await anon.auth.register({ email, password: USER_PASSWORD, displayName, roles });
    const tokens = await anon.auth.login({ email, password: USER_PASSWORD });
    return { id: user.id, displayName, client: anon.withCredentials({ token: tokens.accessToken }) };
  }

  async function newCategory(): Promise<Category> {
    const slug = `branding-${randomUUID().slice(0, 8)}`;
    return admin.client.catalog.createCategory({ category: { slug, displayName: "Branding" } });
  }

  /** An open project posted by `buyer`, reviewed and approved by the admin. */
  async function openProject(buyer: Account, category: Category, title?: string): Promise<Job> {
    const posted = await buyer.client.jobs.createJob(projectRequest(category.id, title));
    assert.deepEqual([posted.state, posted.sourcingMode], [JobState.PENDING_REVIEW, SourcingMode.OPEN]);
    const approved = await admin.client.jobs.approveJob({ id: posted.id });
    assert.deepEqual([approved.state, approved.sourcingMode], [JobState.OPEN, SourcingMode.OPEN]);
    assert.ok((approved.awardDeadlineTime?.seconds ?? 0n) >= (approved.biddingCloseTime?.seconds ?? 0n));
    return approved;
  }

  const submit = (seller: Account, jobId: string, proposal: Bid, requestId = randomUUID()) =>
    seller.client.proposals.submitProposal({ jobId, proposal, requestId });

  /** `seller` bids on `job`; checks what SubmitProposal returns. */
  async function bid(seller: Account, job: Job, sent: Bid): Promise<Proposal> {
    const made = await submit(seller, job.id, sent);
    assert.match(made.id, /^prp_./);
    assert.deepEqual([made.jobId, made.sellerId, made.jobTitle], [job.id, seller.id, job.title]);
    assert.equal(made.state, ProposalState.SUBMITTED);
    assert.deepEqual(money(made.price), [sent.price.currencyCode, sent.price.amountMinor]);
    assert.deepEqual([made.deliveryDays, made.coverLetter], [sent.deliveryDays, sent.coverLetter]);
    assert.deepEqual(steps(made.milestones), steps(sent.milestones ?? []));
    assert.ok(made.etag, "an etag");
    assert.equal(made.bookingId, "");
    assert.ok(made.allowedActions.includes("update") && made.allowedActions.includes("withdraw"), `${made.allowedActions}`);
    return made;
  }

  const list = (who: Account, filters: Parameters<GigwireClient["proposals"]["listProposals"]>[0] = {}) =>
    who.client.proposals.listProposals({ pageSize: 500, ...filters });
  const listIds = async (who: Account, filters: Parameters<GigwireClient["proposals"]["listProposals"]>[0] = {}) =>
    (await list(who, filters)).proposals.map((p) => p.id);
  const getProposal = (who: Account, id: string) => who.client.proposals.getProposal({ id });
  const getJob = (who: Account, id: string) => who.client.jobs.getJob({ id });
  const bookingIds = async (who: Account) =>
    (await who.client.bookings.listBookings({ pageSize: 500 })).bookings.map((b) => b.id);

  async function deliverAndComplete(seller: Account, buyer: Account, id: string): Promise<Booking> {
    const delivered = await seller.client.bookings.deliverBooking({ id, note: "Final files attached." });
    assert.equal(delivered.state, BookingState.DELIVERED);
    const completed = await buyer.client.bookings.completeBooking({ id });
    assert.equal(completed.state, BookingState.COMPLETED);
    return completed;
  }

  async function sellerWithGig(name: string, category: Category): Promise<{ seller: Account; gig: Gig }> {
    const seller = await register(name, Role.SELLER);
    const draft = await seller.client.catalog.createGig({
      gig: {
        title: `Brand kit by ${name}`,
        description: "Logo, palette and type.",
        categoryId: category.id,
        price: usd(30_000n),
        deliveryDays: 5,
        tags: ["branding"],
      },
    });
    await seller.client.catalog.submitGig({ id: draft.id });
    const gig = await admin.client.catalog.approveGig({ id: draft.id });
    assert.equal(gig.state, GigState.APPROVED);
    return { seller, gig };
  }

  it("(a) an open project: three bids, one updated, one withdrawn, shortlist, accept, deliver, complete, reviews", async () => {
    const category = await newCategory();
    const buyer = await register("buyer", Role.BUYER);
    const [ann, ben, cy] = await Promise.all(["ann", "ben", "cy"].map((n) => register(n, Role.SELLER)));
    const project = await openProject(buyer, category);

    const market = await ann!.client.jobs.listOpenJobs({ categoryId: category.id });
    assert.deepEqual(market.jobs.map((j) => [j.id, j.proposalCount]), [[project.id, 0]]);
    assert.ok((await getJob(ann!, project.id)).allowedActions.includes("bid"));

    const milestones = plan(["Sketches", 15_000n, 4], ["Final kit", 30_000n, 10]);
    const annBid = await bid(ann!, project, { ...bidOf(usd(45_000n), 10), milestones });
    const benBid = await bid(ben!, project, bidOf(usd(38_000n), 7, "Fast and careful."));
    const cyBid = await bid(cy!, project, bidOf(usd(52_000n), 14, "Brand kits are all I do."));
    const all = await list(buyer, { jobId: project.id });
    assert.deepEqual(all.proposals.map((p) => p.id).sort(), [annBid.id, benBid.id, cyBid.id].sort());
    assert.equal(all.totalSize, 3);
    assert.equal((await getJob(buyer, project.id)).proposalCount, 3);

    // Ben lowers his price; the mask leaves his delivery days alone.
    const updated = await ben!.client.proposals.updateProposal({
      proposal: { id: benBid.id, price: usd(36_000n), deliveryDays: 99, coverLetter: "Cheaper now.", etag: benBid.etag },
      updateMask: { paths: ["price", "cover_letter"] },
      requestId: randomUUID(),
    });
    assert.deepEqual(money(updated.price), ["USD", 36_000n]);
    assert.deepEqual([updated.coverLetter, updated.deliveryDays, updated.state], ["Cheaper now.", 7, ProposalState.SUBMITTED]);
    assert.notEqual(updated.etag, benBid.etag);
    await expectError(
      ben!.client.proposals.updateProposal({
        proposal: { id: benBid.id, price: usd(30_000n), etag: benBid.etag },
        updateMask: { paths: ["price"] },
      }),
      "ABORTED",
      "ETAG_MISMATCH",
    );

    // Cy withdraws: the project counts two live proposals.
    const withdrawn = await cy!.client.proposals.withdrawProposal({ id: cyBid.id, reason: "Booked elsewhere.", requestId: randomUUID() });
    assert.deepEqual([withdrawn.state, withdrawn.withdrawReason], [ProposalState.WITHDRAWN, "Booked elsewhere."]);
    assert.equal((await getJob(buyer, project.id)).proposalCount, 2);
    assert.deepEqual(
      (await listIds(buyer, { jobId: project.id, state: ProposalState.SUBMITTED })).sort(),
      [annBid.id, benBid.id].sort(),
    );
    assert.deepEqual(await listIds(buyer, { jobId: project.id, orderBy: ProposalOrder.PRICE }), [benBid.id, annBid.id, cyBid.id]);

    // Shortlist and accept Ann's.
    const shortlisted = await buyer.client.proposals.shortlistProposal({ id: annBid.id, requestId: randomUUID() });
    assert.equal(shortlisted.state, ProposalState.SHORTLISTED);
    assert.deepEqual(await listIds(buyer, { jobId: project.id, shortlistedOnly: true }), [annBid.id]);
    const acceptedAt = Date.now();
    const accepted = await buyer.client.proposals.acceptProposal({ id: annBid.id, requestId: randomUUID() });
    assert.equal(accepted.state, ProposalState.ACCEPTED);
    assert.match(accepted.bookingId, /^bkg_./);

    const booking = await buyer.client.bookings.getBooking({ id: accepted.bookingId });
    assert.equal(booking.source, BookingSource.PROPOSAL);
    assert.deepEqual(
      [booking.proposalId, booking.jobId, booking.offerId, booking.gigId, booking.buyerId, booking.sellerId],
      [annBid.id, project.id, "", "", buyer.id, ann!.id],
    );
    assert.equal(booking.state, BookingState.ACTIVE);
    assert.deepEqual(money(booking.price), ["USD", 45_000n]);
    assert.deepEqual(steps(booking.milestones), steps(milestones));
    assertDueIn(booking, 10, acceptedAt);

    const job = await getJob(buyer, project.id);
    assert.deepEqual([job.state, job.bookingId], [JobState.BOOKED, booking.id]);
    assert.equal((await getProposal(ben!, benBid.id)).state, ProposalState.NOT_SELECTED);
    assert.equal((await getProposal(cy!, cyBid.id)).state, ProposalState.WITHDRAWN);
    assert.deepEqual((await ann!.client.jobs.listOpenJobs({ categoryId: category.id })).jobs, []);

    await deliverAndComplete(ann!, buyer, booking.id);
    const byBuyer = await buyer.client.reviews.createReview({ review: { bookingId: booking.id, rating: 5, text: "Lovely kit." } });
    assert.equal(byBuyer.subjectId, ann!.id);
    const bySeller = await ann!.client.reviews.createReview({ review: { bookingId: booking.id, rating: 4, text: "Clear brief." } });
    assert.equal(bySeller.subjectId, buyer.id);
    const ratings = await anon.reviews.listReviews({ userId: ann!.id });
    assert.deepEqual([ratings.ratingCount, ratings.ratingMilli], [1, 5000]);
  });

  it("(b) a gig order from order to completion", async () => {
    const category = await newCategory();
    const { seller, gig } = await sellerWithGig("gus", category);
    const buyer = await register("buyer", Role.BUYER);
    const request = { gigId: gig.id, requirements: "Our name is Bean There; warm colours.", requestId: randomUUID() };
    const orderedAt = Date.now();
    const booking = await buyer.client.bookings.orderGig(request);
    assert.match(booking.id, /^bkg_./);
    assert.equal(booking.source, BookingSource.GIG_ORDER);
    assert.deepEqual(
      [booking.gigId, booking.jobId, booking.offerId, booking.proposalId, booking.buyerId, booking.sellerId],
      [gig.id, "", "", "", buyer.id, seller.id],
    );
    assert.equal(booking.state, BookingState.ACTIVE);
    assert.deepEqual(money(booking.price), money(gig.price));
    assert.deepEqual(money(booking.price), ["USD", 30_000n]);
    assert.equal(booking.jobTitle, gig.title);
    assert.equal(booking.requirements, request.requirements);
    assert.deepEqual(booking.milestones, []);
    assertDueIn(booking, gig.deliveryDays, orderedAt);

    assert.equal((await buyer.client.bookings.orderGig(request)).id, booking.id, "same request_id, same booking");
    assert.deepEqual(await bookingIds(buyer), [booking.id]);
    assert.ok((await bookingIds(seller)).includes(booking.id));

    const completed = await deliverAndComplete(seller, buyer, booking.id);
    assert.equal(completed.source, BookingSource.GIG_ORDER);
  });

  it("(c) bad proposals are refused with their code and reason, and change nothing", async () => {
    const category = await newCategory();
    const buyer = await register("buyer", Role.BUYER);
    const [seller, other] = await Promise.all([register("sal", Role.SELLER), register("other", Role.SELLER)]);
    const project = await openProject(buyer, category);
    const live = await bid(seller, project, bidOf(usd(40_000n), 10));
    const unchanged = async () => {
      assert.deepEqual(await listIds(buyer, { jobId: project.id }), [live.id]);
      assert.deepEqual(await listIds(seller), [live.id]);
      assert.deepEqual(await listIds(other), []);
      assert.equal((await getJob(buyer, project.id)).proposalCount, 1);
      const again = await getProposal(seller, live.id);
      assert.deepEqual([again.state, again.etag, ...money(again.price)], [live.state, live.etag, ...money(live.price)]);
    };

    let err = await expectError(
      submit(other, project.id, bidOf({ currencyCode: "EUR", amountMinor: 40_000n }, 10)),
      "INVALID_ARGUMENT",
      "INVALID_FIELDS",
    );
    assert.ok(isViolated(err, "proposal.price"), JSON.stringify(err.fieldViolations));
    await unchanged();

    err = await expectError(
      submit(other, project.id, { ...bidOf(usd(40_000n), 10), milestones: plan(["Sketches", 10_000n, 4], ["Final", 20_000n, 10]) }),
      "INVALID_ARGUMENT",
      "INVALID_FIELDS",
    );
    assert.ok(isViolated(err, "proposal.milestones") || isViolated(err, "proposal.price"), JSON.stringify(err.fieldViolations));
    await unchanged();

    err = await expectError(
      submit(other, project.id, bidOf(usd(40_000n), 10, "x".repeat(100_000))),
      "INVALID_ARGUMENT",
      "INVALID_FIELDS",
    );
    assert.ok(isViolated(err, "proposal.cover_letter"), JSON.stringify(err.fieldViolations));
    await unchanged();

    err = await expectError(submit(seller, project.id, bidOf(usd(35_000n), 8)), "ALREADY_EXISTS", "PROPOSAL_EXISTS");
    assert.equal(err.metadata["proposal_id"], live.id);
    await unchanged();

    // One's own project (a user who is buyer and seller).
    const both = await register("both", Role.BUYER, Role.SELLER);
    const own = await openProject(both, category, "My own project");
    await expectError(submit(both, own.id, bidOf(usd(40_000n), 10)), "FAILED_PRECONDITION", "SELF_DEALING");
    assert.equal((await list(both, { jobId: own.id })).totalSize, 0);
    assert.equal((await getJob(both, own.id)).proposalCount, 0);

    // An assigned-only job, by a seller holding an offer for it (so that it sees the job).
    const curated = await buyer.client.jobs.createJob({
      job: {
        title: "A curated logo",
        description: "Assigned by the admins.",
        categoryId: category.id,
        budget: { min: usd(20_000n), max: usd(50_000n) },
        dueTime: inDays(7),
      },
    });
    await admin.client.jobs.approveJob({ id: curated.id });
    await admin.client.assignments.assignSellers({ jobId: curated.id, sellerIds: [other.id], requestId: randomUUID() });
    await expectError(submit(other, curated.id, bidOf(usd(40_000n), 10)), "FAILED_PRECONDITION", "BIDDING_CLOSED");
    assert.equal((await getJob(buyer, curated.id)).state, JobState.OPEN);
    await unchanged();

    // A booked project takes no more bids.
    await buyer.client.proposals.acceptProposal({ id: live.id });
    await expectError(submit(other, project.id, bidOf(usd(40_000n), 10)), "FAILED_PRECONDITION", "BIDDING_CLOSED");
    assert.deepEqual(await listIds(buyer, { jobId: project.id }), [live.id]);
    assert.deepEqual(await listIds(other), []);
  });

  it("(c) bad gig orders are refused with their code and reason, and change nothing", async () => {
    const category = await newCategory();
    const { seller, gig } = await sellerWithGig("pia", category);
    const buyer = await register("buyer", Role.BUYER);
    const order = (who: Account, requirements = "A logo, please.") =>
      who.client.bookings.orderGig({ gigId: gig.id, requirements, requestId: randomUUID() });

    await admin.client.users.grantRole({ userId: seller.id, role: Role.BUYER });
    await expectError(order(seller), "FAILED_PRECONDITION", "SELF_DEALING");
    assert.deepEqual(await bookingIds(seller), []);

    const err = await expectError(order(buyer, ""), "INVALID_ARGUMENT", "INVALID_FIELDS");
    assert.ok(isViolated(err, "requirements"), JSON.stringify(err.fieldViolations));

    const paused = await seller.client.catalog.pauseGig({ id: gig.id });
    assert.equal(paused.state, GigState.PAUSED);
    await expectError(order(buyer), "FAILED_PRECONDITION", "INVALID_STATE");
    assert.deepEqual(await bookingIds(buyer), []);
    assert.deepEqual(await bookingIds(seller), []);

    await seller.client.catalog.resumeGig({ id: gig.id });
    assert.equal((await order(buyer)).source, BookingSource.GIG_ORDER);
    assert.equal((await bookingIds(buyer)).length, 1);
  });

  it("(d) bids are sealed: a seller never sees another seller's proposal", async () => {
    const category = await newCategory();
    const buyer = await register("buyer", Role.BUYER);
    const stranger = await register("stranger", Role.BUYER);
    const [a, b] = await Promise.all([register("sa", Role.SELLER), register("sb", Role.SELLER)]);
    const project = await openProject(buyer, category);
    const start = (await admin.client.jobs.listJobs({ pageSize: 1 })).eventCursor;
    const stop = new AbortController();
    const collect = (who: Account) => {
      const events: Event[] = [];
      const done = (async () => {
        for await (const event of who.client.watchEvents({ resumeCursor: start, signal: stop.signal })) events.push(event);
      })();
      return { events, done };
    };
    const aEvents = collect(a);
    const buyerEvents = collect(buyer);
    const waitFor = async (events: Event[], found: (e: Event) => boolean) => {
      const deadline = Date.now() + WATCH_DEADLINE_MS;
      while (!events.some(found) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return events.some(found);
    };
    const proposalOf = (e: Event) => (e.resource.case === "proposal" ? e.resource.value : undefined);

    let aBid: Proposal;
    let bBid: Proposal;
    try {
      const requestId = randomUUID();
      aBid = await submit(a, project.id, bidOf(usd(41_000n), 9), requestId);
      assert.equal((await submit(a, project.id, bidOf(usd(41_000n), 9), requestId)).id, aBid.id, "a retry adds nothing");
      bBid = await submit(b, project.id, bidOf(usd(39_000n), 6, "B's secret plan."));
      await b.client.proposals.updateProposal({ proposal: { id: bBid.id, price: usd(37_000n) }, updateMask: { paths: ["price"] } });

      assert.deepEqual((await listIds(buyer, { jobId: project.id })).sort(), [aBid.id, bBid.id].sort());
      assert.deepEqual(await listIds(a, { jobId: project.id }), [aBid.id]);
      assert.equal((await list(a, { jobId: project.id })).totalSize, 1);
      assert.deepEqual(await listIds(a), [aBid.id]);
      assert.deepEqual(await listIds(a, { jobId: project.id, orderBy: ProposalOrder.PRICE }), [aBid.id]);
      try {
        assert.ok(!(await listIds(a, { sellerId: b.id })).includes(bBid.id));
      } catch (e) {
        assert.ok(e instanceof GigwireError && ["INVALID_ARGUMENT", "PERMISSION_DENIED"].includes(e.code), String(e));
      }
      await expectError(getProposal(a, bBid.id), "NOT_FOUND", "RESOURCE_NOT_FOUND");
      await expectError(a.client.proposals.withdrawProposal({ id: bBid.id }), "NOT_FOUND", "RESOURCE_NOT_FOUND");
      await expectError(
        a.client.proposals.updateProposal({ proposal: { id: bBid.id, price: usd(1_000n) }, updateMask: { paths: ["price"] } }),
        "NOT_FOUND",
        "RESOURCE_NOT_FOUND",
      );
      await expectError(getProposal(stranger, bBid.id), "NOT_FOUND", "RESOURCE_NOT_FOUND");
      try {
        assert.deepEqual(await listIds(stranger, { jobId: project.id }), []);
      } catch (e) {
        assert.ok(e instanceof GigwireError && ["NOT_FOUND", "PERMISSION_DENIED"].includes(e.code), String(e));
      }
      assert.deepEqual(money((await getProposal(b, bBid.id)).price), ["USD", 37_000n]);
      assert.equal((await getProposal(buyer, bBid.id)).coverLetter, "B's secret plan.");
      assert.equal((await getProposal(admin, bBid.id)).sellerId, b.id);

      assert.ok(
        await waitFor(buyerEvents.events, (e) => e.type === EventType.PROPOSAL_UPDATED && proposalOf(e)?.id === bBid.id),
        "the buyer's stream carries B's update",
      );
      assert.ok(
        await waitFor(aEvents.events, (e) => e.type === EventType.PROPOSAL_SUBMITTED && proposalOf(e)?.id === aBid.id),
        "A's stream carries A's proposal",
      );
      await new Promise((r) => setTimeout(r, 500)); // anything A should not get would have arrived by now
    } finally {
      stop.abort();
      await Promise.allSettled([aEvents.done, buyerEvents.done]);
    }
    for (const event of aEvents.events) {
      const proposal = proposalOf(event);
      if (proposal) assert.equal(proposal.sellerId, a.id, `A saw ${event.type} of ${proposal.id}`);
    }
    const submitted = aEvents.events.filter((e) => e.type === EventType.PROPOSAL_SUBMITTED).map((e) => proposalOf(e)?.id);
    assert.deepEqual(submitted, [aBid.id], "one event for the retried submit");
    const buyerSaw = new Set(buyerEvents.events.map((e) => proposalOf(e)?.id));
    assert.ok(buyerSaw.has(aBid.id) && buyerSaw.has(bBid.id));
  });
});
