// The browser bundle (dist/browser/gigwire-sdk.js, built by
// scripts/build-browser.mjs) on its own: it holds nothing from Node, and in
// headless Chromium (test/chromium.ts) the test page loads it as an ES module,
// a client without baseUrl calls the page's origin over gRPC-Web, and a
// server that is not there fails UNAVAILABLE. The page comes from a plain
// static server here; against gigwired: conformance.browser.e2e.test.ts.
// Skipped without Chromium unless GIGWIRE_E2E=require.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser } from "puppeteer-core";
import type { Harness, StepResult } from "./browser/harness.js";
import { type LoggedPage, chromiumSkipReason, launchChromium, openPage } from "./chromium.js";
import { type StaticServer, serveDirectory } from "./static-server.js";

const PKG_DIR = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = join(PKG_DIR, "dist/browser/gigwire-sdk.js");
const PAGE_ROOT = join(PKG_DIR, "dist/test/browser-root");

describe("browser bundle", () => {
  it("imports nothing from Node and bundles the gRPC-Web transport, not the HTTP/2 one", () => {
    const text = readFileSync(BUNDLE, "utf8");
    assert.doesNotMatch(text, /["']node:/, "no node: module");
    assert.doesNotMatch(text, /(?<![A-Za-z])Buffer\b/, "no Buffer (ArrayBuffer is fine)");
    assert.match(text.slice(-200), /\/\/# sourceMappingURL=gigwire-sdk\.js\.map\s*$/);
    assert.ok(existsSync(`${BUNDLE}.map`));
    const meta = JSON.parse(readFileSync(join(PKG_DIR, "build/gigwire-sdk.meta.json"), "utf8")) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.includes("src/web.ts"), inputs.join(" "));
    assert.ok(inputs.some((i) => i.includes("@connectrpc/connect-web/")), "connect-web bundled");
    assert.deepEqual(inputs.filter((i) => /connect-node|^node:|src\/client\.ts$/.test(i)), []);
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a one-step scenario in the page: a ListCategories call that must fail with `code`. */
function listCategoriesFails(page: LoggedPage, code: string, baseUrl?: string): Promise<StepResult> {
  const step = { title: "ListCategories fails", as: "anonymous", rpc: "gigwire.v1.CatalogService/ListCategories",
    request: {}, error: { code } };
  return page.page.evaluate(
    async (scenario, url) => {
      const harness = (globalThis as unknown as { gigwireHarness: Harness }).gigwireHarness;
      harness.start(scenario, url ?? undefined);
      try {
        return await harness.step(0);
      } finally {
        harness.stop();
      }
    },
    { steps: [step] },
    baseUrl ?? null,
  );
}

describe("browser bundle in Chromium", { skip: chromiumSkipReason() }, () => {
  let browser: Browser;
  let server: StaticServer;
  let page: LoggedPage;

  before(async () => {
    server = await serveDirectory(PAGE_ROOT);
    browser = await launchChromium();
    page = await openPage(browser, `${server.origin}/`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("calls the page's own origin over gRPC-Web when createClient gets no baseUrl", async () => {
    // The static server has no gRPC-Web: HTTP 404, which gRPC-Web maps to UNIMPLEMENTED.
    const result = await listCategoriesFails(page, "UNIMPLEMENTED");
    assert.deepEqual(result, { ok: true }, page.log());
    const calls = server.requests.filter((r) => r.method === "POST");
    assert.equal(calls.length, 1, JSON.stringify(calls));
    assert.equal(calls[0]!.path, "/gigwire.v1.CatalogService/ListCategories");
    assert.equal(calls[0]!.headers["content-type"], "application/grpc-web+proto");
    assert.equal(calls[0]!.headers["x-grpc-web"], "1");
    assert.match(String(calls[0]!.headers["x-gigwire-sdk"]), /^ts\/\d+\.\d+\.\d+/);
    assert.match(String(calls[0]!.headers["grpc-timeout"]), /^\d+m$/);
  });

  it("fails UNAVAILABLE (not UNKNOWN) when the server is not there", async () => {
    const result = await listCategoriesFails(page, "UNAVAILABLE", `http://127.0.0.1:${await closedPort()}`);
    assert.deepEqual(result, { ok: true }, page.log());
  });
});
