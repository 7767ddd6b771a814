// Unit tests of the shared service config as the TypeScript SDK applies it:
// the policy lookup, the retry loop (with a fake clock), request_id filling,
// and a client retrying a mutation against a fake server that fails once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  CreateJobRequestSchema,
  GigwireError,
  JobSchema,
  SERVICE_CONFIG,
  callWithPolicy,
  createClient,
  methodPolicy,
  parseDurationMs,
  withRequestId,
} from "../src/index.js";
import { errorReply, messageReply, startFakeServer } from "./fake-server.js";

const noSleep = async (): Promise<void> => undefined;
const RETRY_UNAVAILABLE = methodPolicy(SERVICE_CONFIG, "gigwire.v1.JobService", "CreateJob");

/** An attempt function failing with `codes` in turn, then answering "done". */
function scripted(codes: Code[]): { attempt: () => Promise<string>; count: () => number } {
  let calls = 0;
  return {
    attempt: async () => {
      const code = codes[calls++];
      if (code !== undefined) throw new ConnectError("scripted", code);
      return "done";
    },
    count: () => calls,
  };
}

describe("service config", () => {
  it("gives reads and request_id mutations retries, streams no deadline", () => {
    assert.equal(RETRY_UNAVAILABLE.timeoutMs, 10_000);
    assert.equal(RETRY_UNAVAILABLE.retry?.maxAttempts, 4);
    assert.deepEqual([...(RETRY_UNAVAILABLE.retry?.retryable ?? [])], [Code.Unavailable, Code.Canceled]);
    assert.ok(methodPolicy(SERVICE_CONFIG, "gigwire.v1.JobService", "GetJob").retry);
    const refresh = methodPolicy(SERVICE_CONFIG, "gigwire.v1.AuthService", "Refresh");
    assert.equal(refresh.retry, undefined);
    assert.equal(refresh.timeoutMs, 10_000);
    assert.deepEqual(methodPolicy(SERVICE_CONFIG, "gigwire.v1.EventService", "WatchEvents"), {
      timeoutMs: undefined,
      retry: undefined,
    });
  });

  it("parses durations and refuses other forms", () => {
    assert.equal(parseDurationMs("0.2s"), 200);
    assert.equal(parseDurationMs("10s"), 10_000);
    assert.throws(() => parseDurationMs("10ms"), TypeError);
  });

  it("retries UNAVAILABLE up to maxAttempts, then throws the last failure", async () => {
    const flaky = scripted([Code.Unavailable, Code.Unavailable]);
    assert.equal(await callWithPolicy(flaky.attempt, RETRY_UNAVAILABLE, 10_000, noSleep), "done");
    assert.equal(flaky.count(), 3);
    const down = scripted([Code.Unavailable, Code.Unavailable, Code.Unavailable, Code.Unavailable]);
    const err = await callWithPolicy(down.attempt, RETRY_UNAVAILABLE, 10_000, noSleep).catch((e: unknown) => e);
    assert.ok(err instanceof ConnectError);
    assert.equal(err.code, Code.Unavailable);
    assert.equal(down.count(), 4);
  });

  it("retries a server's CANCELLED but never a call the caller aborted", async () => {
    const cancelled = scripted([Code.Canceled]);
    assert.equal(await callWithPolicy(cancelled.attempt, RETRY_UNAVAILABLE, 10_000, noSleep), "done");
    assert.equal(cancelled.count(), 2);
    const aborted = new AbortController();
    aborted.abort();
    const mine = scripted([Code.Canceled]);
    await assert.rejects(
      callWithPolicy(mine.attempt, RETRY_UNAVAILABLE, 10_000, noSleep, aborted.signal),
    );
    assert.equal(mine.count(), 1);
  });

  it("does not retry other codes, nor methods without a retry policy", async () => {
    const invalid = scripted([Code.InvalidArgument]);
    await assert.rejects(callWithPolicy(invalid.attempt, RETRY_UNAVAILABLE, 10_000, noSleep));
    assert.equal(invalid.count(), 1);
    const once = scripted([Code.Unavailable]);
    await assert.rejects(callWithPolicy(once.attempt, {}, undefined, noSleep));
    assert.equal(once.count(), 1);
  });

  it("fills in an empty requestId on a copy and keeps a given one", () => {
    const empty = { title: "x", requestId: "" };
    const filled = withRequestId(empty);
    assert.notEqual(filled, empty);
    assert.equal(empty.requestId, "");
    assert.match(filled.requestId, /^[0-9a-f-]{36}$/);
    const given = { requestId: "mine" };
    assert.equal(withRequestId(given), given);
  });

  it("retries a failed CreateJob with the same filled-in request_id", async () => {
    let attempts = 0;
    const server = await startFakeServer(() =>
      attempts++ === 0
        ? errorReply(Code.Unavailable, "try again", {})
        : messageReply(JobSchema, { id: "job_1" }),
    );
    const client = createClient({ baseUrl: server.address, token: "t" });
    try {
      const job = await client.jobs.createJob({ job: { title: "T" } });
      assert.equal(job.id, "job_1");
      const ids = server.calls.map((c) => fromBinary(CreateJobRequestSchema, c.body).requestId);
      assert.equal(ids.length, 2);
      assert.equal(ids[0], ids[1]);
      assert.match(ids[0]!, /^[0-9a-f-]{36}$/);
    } finally {
      client.close();
      await server.close();
    }
  });

  it("does not retry Register (no request_id)", async () => {
    const server = await startFakeServer(() => errorReply(Code.Unavailable, "down", {}));
    const client = createClient({ baseUrl: server.address });
    try {
      const err = await client.auth.register({ email: "a@example.com" }).catch((e: unknown) => e);
      assert.ok(err instanceof GigwireError);
      assert.equal(err.code, "UNAVAILABLE");
      assert.equal(server.calls.length, 1);
    } finally {
      client.close();
      await server.close();
    }
  });
});
