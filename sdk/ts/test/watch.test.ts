// Unit tests of the resumable Watch (src/watch.ts) over scripted streams:
// resuming from the last cursor, de-duplication, which errors reconnect,
// CursorExpiredError, token refresh, full-jitter backoff and AbortSignal; and
// of the raw streaming calls against the fake HTTP/2 server (no default
// deadline, typed errors).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  CursorExpiredError,
  ErrorDetailsSchema,
  ErrorReason,
  GigwireError,
  type Heartbeat,
  type OfferEvent,
  OfferEventSchema,
  Watch,
  WatchEventsResponseSchema,
  type WatchResponse,
  createClient,
  isAfter,
} from "../src/index.js";
import { create } from "@bufbuild/protobuf";
import { errorReply, messageReply, startFakeServer } from "./fake-server.js";

type Response = WatchResponse<OfferEvent>;
/** One scripted connection: messages, then an end (an error, "ok", or "hang" until aborted). */
interface Script {
  readonly messages: readonly Response[];
  readonly end: GigwireError | "ok" | "hang";
}

const event = (cursor: string): Response => ({
  kind: { case: "event", value: create(OfferEventSchema, { cursor, offer: { id: `off_${cursor}` } }) },
});
const heartbeat = (cursor: string): Response => ({
  kind: { case: "heartbeat", value: { cursor } as Heartbeat },
});

function gigwireError(code: Code, reason: ErrorReason, retryAfterMs = 0n): GigwireError {
  const details = [{ desc: ErrorDetailsSchema, value: { reason, retryAfterMs } }];
  return new GigwireError(new ConnectError("scripted", code, undefined, details));
}

/** A scripted OpenStream that records the cursor of every connect. */
function scripted(scripts: Script[]) {
  const cursors: string[] = [];
  const open = (cursor: string, signal: AbortSignal): AsyncIterable<Response> => {
    cursors.push(cursor);
    const script = scripts.shift() ?? { messages: [], end: "hang" };
    return (async function* () {
      yield* script.messages;
      if (script.end === "hang") {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        throw new ConnectError("cancelled", Code.Canceled);
      }
      if (script.end !== "ok") throw script.end;
    })();
  };
  return { open, cursors };
}

const FAST = { initialBackoffMs: 1, maxBackoffMs: 5 };

async function take<E extends { cursor: string }>(watch: Watch<E>, count: number): Promise<string[]> {
  const seen: string[] = [];
  if (count === 0) return seen;
  for await (const e of watch) {
    seen.push(e.cursor);
    if (seen.length === count) break;
  }
  return seen;
}

describe("Watch", () => {
  it("reconnects from the last cursor and drops duplicates", async () => {
    const { open, cursors } = scripted([
      { messages: [heartbeat("10"), event("11"), event("12")], end: gigwireError(Code.Unavailable, ErrorReason.ERROR_REASON_UNSPECIFIED) },
      { messages: [event("12"), event("13")], end: gigwireError(Code.ResourceExhausted, ErrorReason.SLOW_CONSUMER) },
      { messages: [heartbeat("20")], end: gigwireError(Code.Unavailable, ErrorReason.SHUTTING_DOWN) },
      { messages: [event("19"), event("20"), event("21")], end: "ok" },
      { messages: [event("22")], end: "hang" },
    ]);
    const beats: string[] = [];
    const watch = new Watch(open, { ...FAST, onHeartbeat: (h) => beats.push(h.cursor) }, { tokenRefreshable: false });
    assert.deepEqual(await take(watch, 5), ["11", "12", "13", "21", "22"]);
    assert.deepEqual(cursors, ["", "12", "13", "20", "21"]);
    assert.deepEqual(beats, ["10", "20"]);
    assert.equal(watch.cursor, "22");
    assert.equal(watch.connects, 5);
  });

  it("resumes a stream the server cancelled (a stopping server cancels calls it has not started)", async () => {
    const { open, cursors } = scripted([
      { messages: [event("1")], end: gigwireError(Code.Canceled, ErrorReason.ERROR_REASON_UNSPECIFIED) },
      { messages: [event("2")], end: "hang" },
    ]);
    const watch = new Watch(open, FAST, { tokenRefreshable: false });
    assert.deepEqual(await take(watch, 2), ["1", "2"]);
    assert.deepEqual(cursors, ["", "1"]);
  });

  it("starts after resumeCursor", async () => {
    const { open, cursors } = scripted([{ messages: [event("5"), event("6"), event("7")], end: "hang" }]);
    const watch = new Watch(open, { ...FAST, resumeCursor: "6" }, { tokenRefreshable: false });
    assert.deepEqual(await take(watch, 1), ["7"]);
    assert.deepEqual(cursors, ["6"]);
  });

  for (const reason of ["CURSOR_EXPIRED", "CURSOR_AHEAD"] as const) {
    it(`throws CursorExpiredError without retrying on ${reason}`, async () => {
      const { open, cursors } = scripted([
        { messages: [], end: gigwireError(Code.OutOfRange, ErrorReason[reason]) },
      ]);
      const watch = new Watch(open, { ...FAST, resumeCursor: "1" }, { tokenRefreshable: false });
      await assert.rejects(take(watch, 1), (e: unknown) => {
        assert.ok(e instanceof CursorExpiredError);
        assert.equal(e.code, "OUT_OF_RANGE");
        assert.equal(e.reason, reason);
        assert.ok(e.cause instanceof GigwireError);
        return true;
      });
      assert.equal(cursors.length, 1);
    });
  }

  for (const [code, reason] of [
    [Code.InvalidArgument, ErrorReason.INVALID_FIELDS],
    [Code.PermissionDenied, ErrorReason.ROLE_REQUIRED],
    [Code.Unauthenticated, ErrorReason.TOKEN_INVALID],
    [Code.ResourceExhausted, ErrorReason.ERROR_REASON_UNSPECIFIED],
  ] as const) {
    it(`surfaces ${Code[code]} ${ErrorReason[reason]}`, async () => {
      const { open, cursors } = scripted([{ messages: [event("1")], end: gigwireError(code, reason) }]);
      const watch = new Watch(open, FAST, { tokenRefreshable: false });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const e of watch) seen.push(e.cursor);
        })(),
        (e: unknown) => e instanceof GigwireError && e.connectCode === code,
      );
      assert.deepEqual(seen, ["1"]);
      assert.equal(cursors.length, 1);
    });
  }

  it("retries TOKEN_EXPIRED once per message when the token is a provider", async () => {
    const expired = (): GigwireError => gigwireError(Code.Unauthenticated, ErrorReason.TOKEN_EXPIRED);
    const { open, cursors } = scripted([
      { messages: [], end: expired() },
      { messages: [event("1")], end: expired() },
      { messages: [], end: expired() },
    ]);
    const watch = new Watch(open, FAST, { tokenRefreshable: true });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of watch) seen.push(e.cursor);
      })(),
      (e: unknown) => e instanceof GigwireError && e.reason === "TOKEN_EXPIRED",
    );
    assert.deepEqual(seen, ["1"]);
    assert.equal(cursors.length, 3);

    const fixed = scripted([{ messages: [], end: expired() }]);
    await assert.rejects(take(new Watch(fixed.open, FAST, { tokenRefreshable: false }), 1));
    assert.equal(fixed.cursors.length, 1);
  });

  it("backs off with full jitter, reset by a message; RATE_LIMITED waits retryAfterMs", async () => {
    const unavailable = (): GigwireError => gigwireError(Code.Unavailable, ErrorReason.ERROR_REASON_UNSPECIFIED);
    const ceilings: number[] = [];
    const random = (): number => 1; // the delay is the ceiling itself
    const { open } = scripted([
      { messages: [], end: unavailable() },
      { messages: [], end: unavailable() },
      { messages: [], end: unavailable() },
      { messages: [heartbeat("3")], end: unavailable() },
      { messages: [], end: gigwireError(Code.ResourceExhausted, ErrorReason.RATE_LIMITED, 40n) },
      { messages: [event("4")], end: "hang" },
    ]);
    const started: number[] = [];
    const timed = (cursor: string, signal: AbortSignal): AsyncIterable<Response> => {
      started.push(Date.now());
      return open(cursor, signal);
    };
    const watch = new Watch(timed, { initialBackoffMs: 10, maxBackoffMs: 25 }, { tokenRefreshable: false, random });
    assert.deepEqual(await take(watch, 1), ["4"]);
    for (let i = 1; i < started.length; i++) ceilings.push(started[i]! - started[i - 1]!);
    // Delays: 10, 20, 25 (capped), then 10 after the heartbeat, then >= 40 (retryAfterMs).
    const expected = [10, 20, 25, 10, 40];
    ceilings.forEach((gap, i) => assert.ok(gap >= expected[i]! - 2, `gap ${i}: ${gap} ms < ${expected[i]}`));
  });

  it("stops on abort: iteration ends and the stream is cancelled", async () => {
    let cancelled = false;
    const controller = new AbortController();
    const open = (_cursor: string, signal: AbortSignal): AsyncIterable<Response> =>
      (async function* () {
        yield heartbeat("1");
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        cancelled = true;
        throw new ConnectError("cancelled", Code.Canceled);
      })();
    const watch = new Watch(open, { signal: controller.signal }, { tokenRefreshable: false });
    setTimeout(() => controller.abort(), 20);
    const seen: OfferEvent[] = [];
    for await (const e of watch) seen.push(e);
    assert.deepEqual(seen, []);
    assert.ok(cancelled);
    assert.equal(watch.cursor, "1");
  });

  it("abort also interrupts the backoff", async () => {
    const controller = new AbortController();
    const { open } = scripted([
      { messages: [], end: gigwireError(Code.Unavailable, ErrorReason.ERROR_REASON_UNSPECIFIED) },
    ]);
    const watch = new Watch(open, { signal: controller.signal, initialBackoffMs: 60_000, maxBackoffMs: 60_000 }, {
      tokenRefreshable: false,
      random: () => 1,
    });
    const startedAt = Date.now();
    setTimeout(() => controller.abort(), 20);
    for await (const _ of watch) assert.fail("no events expected");
    assert.ok(Date.now() - startedAt < 5_000);
  });

  it("break cancels the stream", async () => {
    let cancelled = false;
    const open = (_cursor: string, signal: AbortSignal): AsyncIterable<Response> => {
      signal.addEventListener("abort", () => (cancelled = true));
      return (async function* () {
        yield event("1");
        yield event("2");
      })();
    };
    const watch = new Watch(open, {}, { tokenRefreshable: false });
    assert.deepEqual(await take(watch, 1), ["1"]);
    assert.ok(cancelled);
  });

  it("compares cursors as sequence numbers", () => {
    assert.ok(isAfter("10", "9"));
    assert.ok(!isAfter("9", "10"));
    assert.ok(!isAfter("10", "10"));
    assert.ok(isAfter("opaque", "5"));
    assert.ok(isAfter("18446744073709551617", "18446744073709551616"));
  });
});

describe("streaming calls against a fake gRPC server", () => {
  it("send no default deadline, and map errors; watchOffers throws CursorExpiredError", async () => {
    const server = await startFakeServer((call) =>
      call.path.endsWith("/WatchEvents")
        ? messageReply(WatchEventsResponseSchema, { kind: { case: "heartbeat", value: { cursor: "7" } } })
        : errorReply(Code.OutOfRange, "cursor expired", { reason: ErrorReason.CURSOR_EXPIRED }),
    );
    const client = createClient({ baseUrl: server.address, token: "tok" });
    try {
      const raw: unknown[] = [];
      for await (const r of client.events.watchEvents({})) raw.push(r);
      assert.equal(raw.length, 1);
      assert.equal(server.calls[0]!.headers["grpc-timeout"], undefined);
      assert.equal(server.calls[0]!.headers["authorization"], "Bearer tok");

      await assert.rejects(
        (async () => {
          for await (const _ of client.offers.watchOffers({ resumeCursor: "1" })) assert.fail("no message expected");
        })(),
        (e: unknown) => e instanceof GigwireError && e.code === "OUT_OF_RANGE" && e.reason === "CURSOR_EXPIRED",
      );
      await assert.rejects(take(client.watchOffers({ resumeCursor: "1" }), 1), CursorExpiredError);
      for await (const _ of client.events.watchEvents({}, { timeoutMs: 5_000 }));
      assert.equal(server.calls[server.calls.length - 1]!.headers["grpc-timeout"], "5000m");
    } finally {
      client.close();
      await server.close();
    }
  });
});
