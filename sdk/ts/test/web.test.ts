// Unit tests of the browser entry (src/web.ts) that need no browser, run in
// Node (which has fetch): a client needs a baseUrl outside a page; network
// failures (refused connection, a body broken off) become UNAVAILABLE while a
// caller's abort stays an abort; request ids without crypto.randomUUID (a page
// that is not a secure context). The same code in Chromium against gigwired:
// conformance.browser.e2e.test.ts.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { randomUuid } from "../src/service-config.js";
import { GigwireError, createClient, unavailableOnNetworkError } from "../src/web.js";

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("web createClient", () => {
  it("needs a baseUrl where there is no page origin", () => {
    assert.throws(() => createClient(), {
      name: "TypeError",
      message: /createClient: give a baseUrl \(the page has no http\(s\) origin: undefined\)/,
    });
  });

  it("fails a call to a server that is not there with UNAVAILABLE after the service config's retries", async () => {
    const client = createClient({ baseUrl: `127.0.0.1:${await closedPort()}` });
    const error = await client.catalog.listCategories({}).then(
      () => assert.fail("expected UNAVAILABLE"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GigwireError, String(error));
    assert.equal(error.code, "UNAVAILABLE");
    assert.equal(error.reason, "ERROR_REASON_UNSPECIFIED");
    assert.match(error.rawMessage, /^network error: /);
  });
});

describe("unavailableOnNetworkError", () => {
  const fetch = unavailableOnNetworkError((input, init) => globalThis.fetch(input, init));

  it("turns a refused connection into ConnectError UNAVAILABLE", async () => {
    const error = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectError, String(error));
    assert.equal(error.code, Code.Unavailable);
  });

  it("turns a body broken off mid-way into UNAVAILABLE, keeping what came before", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/grpc-web+proto" });
      res.write("first part", () => setTimeout(() => res.socket?.destroy(), 50));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/grpc-web+proto");
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.equal(new TextDecoder().decode(first.value), "first part");
      const error = await reader.read().catch((e: unknown) => e);
      assert.ok(error instanceof ConnectError, String(error));
      assert.equal(error.code, Code.Unavailable);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("leaves the caller's abort an abort", async () => {
    const server = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const controller = new AbortController();
      const pending = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: controller.signal });
      controller.abort();
      const error = await pending.catch((e: unknown) => e);
      assert.ok(!(error instanceof ConnectError), `not mapped: ${String(error)}`);
      assert.equal((error as Error).name, "AbortError");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("randomUuid", () => {
  const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("makes version 4 UUIDs from getRandomValues where crypto.randomUUID is missing", () => {
    Object.defineProperty(globalThis.crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      assert.equal(typeof globalThis.crypto.randomUUID, "undefined");
      const ids = new Set(Array.from({ length: 100 }, () => randomUuid()));
      assert.equal(ids.size, 100);
      for (const id of ids) assert.match(id, V4);
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
    assert.equal(typeof globalThis.crypto.randomUUID, "function");
    assert.match(randomUuid(), V4);
  });
});
