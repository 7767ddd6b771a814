// Ending a watch ends its gRPC call, against a real `gigwired`: aborting the
// AbortSignal given to watchEvents, and leaving the `for await` loop (break).
// Each test checks that the consumer finishes (a hang is bounded by HANG_MS,
// never a latency threshold), that the server logged the stream's end as
// CANCELLED while the client's connection was still open, and that the watch
// never reconnected.
//
// Skipped when the binary is missing unless GIGWIRE_E2E=require.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventType, type GigwireClient, Role, createClient } from "../src/index.js";
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

const HANG_MS = 10_000; // hang detection only
const skip = e2eSkipReason();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `promise`'s outcome, or "hung" after HANG_MS. */
async function settlesOrHangs(promise: Promise<unknown>): Promise<"settled" | "hung"> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), HANG_MS)));
  try {
    return await Promise.race([promise.then(() => "settled" as const), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe("ending a watch ends its call, end to end", { skip }, () => {
  let server: Gigwired;
  let anon: GigwireClient;

  before(async () => {
    const dir = makeServerDir();
    createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
    server = await startGigwired(dir, RELAXED_AUTH_LIMITS);
    anon = createClient({ baseUrl: server.address });
  });

  after(() => {
    anon?.close();
    server?.dispose();
  });

  /** A new buyer's id and a client of its own (its own connection). */
  async function buyer(): Promise<{ id: string; client: GigwireClient }> {
    const email = `cancel-${randomUUID().slice(0, 12)}@example.com`;
    const user = await anon.auth.register({ email, password: USER_PASSWORD, displayName: "b", roles: [Role.BUYER] });
    const tokens = await anon.auth.login({ email, password: USER_PASSWORD });
    return { id: user.id, client: createClient({ baseUrl: server.address, token: tokens.accessToken }) };
  }

  /** The codes of `principal`'s WatchEvents streams the server logged as ended. */
  function streamEnds(principal: string): string[] {
    const codes: string[] = [];
    for (const line of server.log().split("\n")) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (entry["principal"] === principal && String(entry["method"]).endsWith("EventService/WatchEvents")) {
        codes.push(String(entry["code"]));
      }
    }
    return codes;
  }

  /** Polls the server's log until it shows an ended stream of `principal`. */
  async function waitStreamEnds(principal: string): Promise<string[]> {
    const deadline = Date.now() + HANG_MS;
    while (streamEnds(principal).length === 0 && Date.now() < deadline) await sleep(50);
    return streamEnds(principal);
  }

  it("aborting the signal ends the iteration and cancels the call", async () => {
    const { id, client } = await buyer();
    try {
      const controller = new AbortController();
      let live!: () => void;
      const heartbeat = new Promise<void>((resolve) => (live = resolve));
      // A watch from now starts with a heartbeat: then its stream is live on the server.
      const watch = client.watchEvents({ signal: controller.signal, onHeartbeat: () => live() });
      const events: unknown[] = [];
      const consumer = (async () => {
        for await (const event of watch) events.push(event);
      })();
      assert.equal(await settlesOrHangs(heartbeat), "settled", "no heartbeat from the watch");
      controller.abort();
      assert.equal(await settlesOrHangs(consumer), "settled", "the aborted watch kept iterating");
      await consumer; // ended without an error
      assert.deepEqual(await waitStreamEnds(id), ["CANCELLED"], server.log().slice(-2000));
      assert.deepEqual(events, []);
      assert.equal(watch.connects, 1);
    } finally {
      client.close();
    }
  });

  it("leaving the for-await loop cancels the call", async () => {
    const { id, client } = await buyer();
    try {
      const tokens = await anon.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      const admin = anon.withCredentials({ token: tokens.accessToken });
      const category = await admin.catalog.createCategory({
        category: { slug: `cancel-${randomUUID().slice(0, 8)}`, displayName: "Cancel" },
      });
      const listed = await client.jobs.listJobs({});
      await client.jobs.createJob({
        job: {
          title: "Watched job",
          description: "Makes an event the buyer's watch replays.",
          categoryId: category.id,
          budget: { min: { currencyCode: "USD", amountMinor: 100n }, max: { currencyCode: "USD", amountMinor: 200n } },
          dueTime: timestampFromDate(new Date(Date.now() + 7 * 86_400_000)),
        },
      });
      const watch = client.watchEvents({ resumeCursor: listed.eventCursor });
      const consumer = (async () => {
        for await (const event of watch) return event; // the replayed JOB_CREATED
        return undefined;
      })();
      assert.equal(await settlesOrHangs(consumer), "settled", "the watch delivered nothing");
      assert.equal((await consumer)?.type, EventType.JOB_CREATED);
      assert.deepEqual(await waitStreamEnds(id), ["CANCELLED"], server.log().slice(-2000));
      assert.equal(watch.connects, 1);
    } finally {
      client.close();
    }
  });
});
