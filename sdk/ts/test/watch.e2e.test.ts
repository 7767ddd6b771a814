// End-to-end test of the TypeScript SDK's resumable watch against a real
// `gigwired`: a seller watches its offers (client.watchOffers) while an admin
// assigns it to jobs; half-way the server is stopped (SIGTERM) and started
// again on the same database and port. The watch must deliver every offer
// exactly once, in commit order, and stop when its AbortSignal fires.
//
// Skipped when the binary is missing unless GIGWIRE_E2E=require;
// GIGWIRE_E2E_LOG=1 prints the server's output.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  EventType,
  type GigwireClient,
  type Job,
  type OfferEvent,
  Role,
  createClient,
  isGigwireError,
} from "../src/index.js";
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

const FLAGS = [...RELAXED_AUTH_LIMITS, "--rate-principal-per-second", "100000", "--rate-principal-burst", "100000"];
const OFFERS = 60;
const DEADLINE_MS = 60_000;

const skip = e2eSkipReason();

interface Account {
  readonly id: string;
  readonly token: string;
  readonly client: GigwireClient;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a call while the server restarts (only for idempotent calls). */
async function retryUnavailable<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      if (!isGigwireError(e, "UNAVAILABLE") || Date.now() > deadline) throw e;
      await sleep(50);
    }
  }
}

/** Polls `predicate` until true or the deadline. */
async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await sleep(20);
  return predicate();
}

describe("watchOffers end to end", { skip }, () => {
  let dir: string;
  let server: Gigwired;
  let anon: GigwireClient;
  let admin: Account;

  before(async () => {
    dir = makeServerDir();
    createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
    server = await startGigwired(dir, FLAGS);
    anon = createClient({ baseUrl: server.address });
    const tokens = await anon.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    admin = { id: tokens.user!.id, token: tokens.accessToken, client: anon.withCredentials({ token: tokens.accessToken }) };
  });

  after(() => {
    anon?.close();
    if (process.env["GIGWIRE_E2E_LOG"]) console.error(`gigwired log:\n${server?.log()}`);
    server?.dispose();
  });

  async function register(prefix: string, role: Role): Promise<Account> {
    const email = `${prefix}-${randomUUID().slice(0, 12)}@example.com`;
    const user = await anon.auth.register({ email, password: USER_PASSWORD, displayName: prefix, roles: [role] });
    const tokens = await anon.auth.login({ email, password: USER_PASSWORD });
    return { id: user.id, token: tokens.accessToken, client: anon.withCredentials({ token: tokens.accessToken }) };
  }

  async function openJobs(buyer: Account, categoryId: string, count: number): Promise<Job[]> {
    const jobs: Job[] = [];
    for (let i = 0; i < count; i++) {
      const job = await buyer.client.jobs.createJob({
        job: {
          title: `Job ${i}`,
          description: "A round logo, warm colours.",
          categoryId,
          skills: ["logo"],
          budget: { min: { currencyCode: "USD", amountMinor: 20_000n }, max: { currencyCode: "USD", amountMinor: 50_000n } },
          dueTime: timestampFromDate(new Date(Date.now() + 7 * 86_400_000)),
        },
      });
      jobs.push(await admin.client.jobs.approveJob({ id: job.id }));
    }
    return jobs;
  }

  it("delivers every offer exactly once across a server restart", async () => {
    const category = await admin.client.catalog.createCategory({
      category: { slug: `cat-${randomUUID().slice(0, 8)}`, displayName: "Logo design" },
    });
    const seller = await register("seller", Role.SELLER);
    const other = await register("other", Role.SELLER);
    const buyer = await register("buyer", Role.BUYER);
    const jobs = await openJobs(buyer, category.id, OFFERS);
    const listed = await seller.client.offers.listOffers({});
    assert.equal(listed.offers.length, 0);
    assert.ok(listed.eventCursor);

    // The watcher has a connection of its own; both die with the server.
    const watcher = createClient({ baseUrl: server.address, token: seller.token });
    const controller = new AbortController();
    const watch = watcher.watchOffers({ resumeCursor: listed.eventCursor, signal: controller.signal, maxBackoffMs: 500 });
    const received: OfferEvent[] = [];
    let failure: unknown;
    const consumer = (async () => {
      try {
        for await (const event of watch) received.push(event);
      } catch (e) {
        failure = e;
      }
    })();

    const expected: string[] = [];
    for (let i = 0; i < jobs.length; i++) {
      if (i === OFFERS / 2) {
        assert.ok(await waitFor(() => received.length >= i, DEADLINE_MS), "watch caught up before the restart");
        assert.equal(await server.stop(), 0, "gigwired exits 0 on SIGTERM");
        server = await startGigwired(dir, [...FLAGS, "--listen", server.address]);
      }
      const sellers = i % 3 === 0 ? [seller.id, other.id] : [seller.id];
      const request = { jobId: jobs[i]!.id, sellerIds: sellers, requestId: randomUUID() };
      const { assignments } = await retryUnavailable(() => admin.client.assignments.assignSellers(request));
      expected.push(assignments.find((a) => a.sellerId === seller.id)!.offerId);
    }

    const caughtUp = await waitFor(() => received.length >= expected.length || failure !== undefined, DEADLINE_MS);
    await sleep(200); // a duplicate would arrive now
    controller.abort();
    await consumer; // abort ends the iteration without an error
    watcher.close();

    assert.equal(failure, undefined, `watch failed: ${String(failure)}`);
    assert.ok(caughtUp, `watch got ${received.length} of ${expected.length}`);
    assert.deepEqual(received.map((e) => e.offer?.id), expected);
    assert.ok(received.every((e) => e.type === EventType.OFFER_CREATED && e.offer?.sellerId === seller.id));
    const cursors = received.map((e) => BigInt(e.cursor));
    assert.ok(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!), "cursors strictly increase");
    assert.ok(watch.connects >= 2, `reconnected after the restart (connects: ${watch.connects})`);
    assert.equal(watch.cursor, received[received.length - 1]!.cursor);
  });
});
