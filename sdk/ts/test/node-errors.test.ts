// Unit tests of unavailableOnConnectionLoss (src/node-errors.ts): a call or a
// stream broken by a lost connection (ECONNRESET, a torn-down HTTP/2 session)
// fails UNAVAILABLE; errors the server sent and the caller's aborts are left
// as they are.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { isConnectionLoss, unavailableOnConnectionLoss } from "../src/node-errors.js";

/** A Node-style error with a `code`. */
function nodeError(code: string): Error {
  return Object.assign(new Error(`read ${code}`), { code });
}

type Next = Parameters<typeof unavailableOnConnectionLoss>[0];

function call(next: (signal: AbortSignal) => Promise<unknown>, controller = new AbortController()) {
  const intercepted = unavailableOnConnectionLoss((async (request: { signal: AbortSignal }) =>
    next(request.signal)) as unknown as Next);
  return intercepted({ signal: controller.signal } as never);
}

async function codeOf(promise: Promise<unknown>): Promise<Code> {
  const error = await promise.then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectError, String(error));
  return error.code;
}

describe("unavailableOnConnectionLoss", () => {
  it("turns a reset connection into UNAVAILABLE, keeping server errors and aborts", async () => {
    const reset = new ConnectError("[aborted] read ECONNRESET", Code.Aborted, undefined, undefined, nodeError("ECONNRESET"));
    assert.equal(await codeOf(call(async () => Promise.reject(reset))), Code.Unavailable);
    const fromServer = new ConnectError("etag is stale", Code.Aborted);
    assert.equal(await codeOf(call(async () => Promise.reject(fromServer))), Code.Aborted);
    const controller = new AbortController();
    controller.abort();
    assert.equal(await codeOf(call(async () => Promise.reject(reset), controller)), Code.Aborted);
  });

  it("maps an error met while reading a stream", async () => {
    async function* broken() {
      yield 1;
      throw new ConnectError("session closed", Code.Internal, undefined, undefined, nodeError("ERR_HTTP2_SESSION_ERROR"));
    }
    const response = (await call(async () => ({ stream: true, message: broken() }))) as { message: AsyncIterable<number> };
    const seen: number[] = [];
    const ended = (async () => {
      for await (const value of response.message) seen.push(value);
    })();
    assert.equal(await codeOf(ended), Code.Unavailable);
    assert.deepEqual(seen, [1]);
  });

  it("looks through the cause chain", () => {
    assert.ok(isConnectionLoss(new Error("outer", { cause: nodeError("EPIPE") })));
    assert.ok(!isConnectionLoss(new Error("plain")));
    assert.ok(!isConnectionLoss(nodeError("ENOENT")));
  });
});
