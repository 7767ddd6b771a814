// The TypeScript SDK in a real browser: headless Chromium (test/chromium.ts)
// loads the test page (test/browser/, with the shipped bundle
// dist/browser/gigwire-sdk.js) from gigwired's own web port (--web-root) and
// talks gRPC-Web to it.
// - The SDK conformance scenario (tests/conformance/scenario.json), run in the
//   page by the interpreter the Node run uses (conformance-runner.ts), one
//   step per subtest: a failed step fails with its title and the mismatch,
//   and the steps after it are skipped.
// - close() ends the client's open watches; a page of an origin listed in
//   --web-origin may call gigwired, another may not.
// - A watch survives a gigwired restart (same database and ports): the page
//   sees the event made after the restart exactly once.
// Skipped when gigwired or Chromium is missing unless GIGWIRE_E2E=require;
// GIGWIRE_E2E_LOG=1 prints the server's and the page's output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { JsonValue } from "@bufbuild/protobuf";
import type { Browser } from "puppeteer-core";
import { type GigwireClient, Role, createClient, isGigwireError } from "../src/index.js";
import type { Harness, StepResult } from "./browser/harness.js";
import { type LoggedPage, chromiumSkipReason, launchChromium, openPage } from "./chromium.js";
import type { Scenario, Step, WatchReport } from "./conformance-runner.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  GIGWIRED,
  type Gigwired,
  RELAXED_AUTH_LIMITS,
  REPO_ROOT,
  USER_PASSWORD,
  type WebOptions,
  createAdmin,
  e2eSkipReason,
  gigwiredAvailable,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";
import { type StaticServer, serveDirectory } from "./static-server.js";

const PAGE_ROOT = fileURLToPath(new URL("./browser-root/", import.meta.url)).replace(/\/$/, "");

/** A reason to skip when gigwired has no gRPC-Web port (--web-listen), unless GIGWIRE_E2E=require. */
function webSkipReason(): string | false {
  if (process.env["GIGWIRE_E2E"] === "require" || !gigwiredAvailable()) return false;
  const help = spawnSync(GIGWIRED, ["--help"], { encoding: "utf8" });
  return `${help.stdout}${help.stderr}`.includes("--web-listen") ? false : `${GIGWIRED} has no --web-listen`;
}

const skip = e2eSkipReason() || chromiumSkipReason() || webSkipReason();

/** Calls method `method` of the page's gigwireHarness with `args` (JSON), resolving with its result. */
function harnessCall<M extends keyof Harness>(
  page: LoggedPage,
  method: M,
  ...args: Parameters<Harness[M]>
): Promise<Awaited<ReturnType<Harness[M]>>> {
  return page.page.evaluate(
    (name: string, callArgs: unknown[]) => {
      const harness = (globalThis as unknown as { gigwireHarness: Record<string, (...a: unknown[]) => unknown> })
        .gigwireHarness;
      return harness[name]!(...callArgs);
    },
    method,
    args,
  ) as Promise<Awaited<ReturnType<Harness[M]>>>;
}

function printLogs(server: Gigwired | undefined, ...pages: (LoggedPage | undefined)[]): void {
  if (!process.env["GIGWIRE_E2E_LOG"]) return;
  console.error(`gigwired log:\n${server?.log()}`);
  for (const page of pages) if (page) console.error(`page log:\n${page.log()}`);
}

describe("browser SDK against gigwired's gRPC-Web port", { skip }, () => {
  // The server runs the scenario's flags (e.g. its platform fee) too.
  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, "tests/conformance/scenario.json"), "utf8")) as Scenario;
  let server: Gigwired;
  let otherOrigin: StaticServer;
  let refusedOrigin: StaticServer;
  let browser: Browser;
  let page: LoggedPage;

  before(async () => {
    otherOrigin = await serveDirectory(PAGE_ROOT);
    refusedOrigin = await serveDirectory(PAGE_ROOT);
    const dir = makeServerDir();
    createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
    const web: WebOptions = { root: PAGE_ROOT, origins: [otherOrigin.origin] };
    server = await startGigwired(dir, [...RELAXED_AUTH_LIMITS, ...(scenario.server_flags ?? [])], { web });
    browser = await launchChromium();
    page = await openPage(browser, `http://${server.webAddress}/`);
  });

  after(async () => {
    printLogs(server, page);
    await browser?.close();
    server?.dispose();
    await otherOrigin?.close();
    await refusedOrigin?.close();
  });

  it("runs every step of tests/conformance/scenario.json in the page", async (t) => {
    // No baseUrl: the page's client calls the origin it was loaded from, gigwired's web port.
    await harnessCall(page, "start", scenario);
    let failed: string | false = false;
    try {
      for (const [index, step] of scenario.steps.entries()) {
        const skipStep = failed && `an earlier step failed: ${failed}`;
        await t.test(`step ${index + 1}: ${step.title}`, { skip: skipStep }, async () => {
          const result: StepResult = await harnessCall(page, "step", index);
          if (!result.ok) {
            failed = `step ${index + 1}`;
            assert.fail(result.message);
          }
        });
      }
    } finally {
      await harnessCall(page, "stop");
    }
  });

  it("ends the client's open watches on close(); later calls still work", async () => {
    const result = await harnessCall(page, "closeEndsWatch", ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.match(result.outcome, /^ended /, page.log());
    assert.equal(result.afterClose, "ok");
  });

  it("lets a page of an origin given in --web-origin call, and not a page of another origin", async () => {
    const steps: Step[] = [
      { title: "the admin logs in", login: "admin", email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      { title: "GetMe", as: "admin", rpc: "gigwire.v1.UserService/GetMe", request: {}, expect: { email: ADMIN_EMAIL } },
      { title: "an error's code and reason reach the other origin", as: "anonymous",
        rpc: "gigwire.v1.AuthService/Login", request: { email: ADMIN_EMAIL, password: "not-the-password-1" },
        error: { code: "UNAUTHENTICATED", reason: "INVALID_CREDENTIALS" } },
    ];
    const baseUrl = `http://${server.webAddress}`;
    const allowed = await openPage(browser, `${otherOrigin.origin}/`);
    try {
      await harnessCall(allowed, "start", { steps }, baseUrl);
      for (const index of steps.keys()) {
        assert.deepEqual(await harnessCall(allowed, "step", index), { ok: true }, allowed.log());
      }
    } finally {
      await allowed.page.close();
    }
    // The browser does not show a page why a cross-origin call was refused:
    // fetch fails as it does for a server that is not there, hence UNAVAILABLE.
    const refused = await openPage(browser, `${refusedOrigin.origin}/`);
    try {
      const listCategories: Step = { title: "ListCategories is refused", as: "anonymous",
        rpc: "gigwire.v1.CatalogService/ListCategories", request: {}, error: { code: "UNAVAILABLE" } };
      await harnessCall(refused, "start", { steps: [listCategories] }, baseUrl);
      assert.deepEqual(await harnessCall(refused, "step", 0), { ok: true }, refused.log());
      assert.match(refused.log(), /CORS|Access-Control-Allow-Origin/, "the page's console names CORS");
    } finally {
      await refused.page.close();
    }
  });
});

/** A free port on 127.0.0.1 (bound, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a call while the server restarts (only for idempotent calls or ones with a request id). */
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

/** The page's watch report once `done` holds for it (or the last one after `timeoutMs`). */
async function pollWatch(page: LoggedPage, name: string, done: (r: WatchReport) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await harnessCall(page, "watch", name);
    if (done(report) || report.failure !== undefined || Date.now() > deadline) return report;
    await sleep(50);
  }
}

/** How many events of the report are `type` for job `jobId`. */
function count(report: WatchReport, type: string, jobId: string): number {
  const matches = (e: JsonValue) => {
    const event = e as { type?: string; job?: { id?: string } };
    return event.type === type && event.job?.id === jobId;
  };
  return report.events.filter(matches).length;
}

describe("a gRPC-Web watch across a gigwired restart", { skip }, () => {
  let dir: string;
  let server: Gigwired | undefined;
  let browser: Browser;
  let page: LoggedPage | undefined;
  let node: GigwireClient;

  before(async () => {
    dir = makeServerDir();
    createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
    browser = await launchChromium();
  });

  after(async () => {
    printLogs(server, page);
    node?.close();
    await browser?.close();
    server?.dispose();
  });

  it("resumes from its cursor and sees the event made after the restart exactly once", async () => {
    const [grpcPort, webPort] = [await freePort(), await freePort()];
    const args = [...RELAXED_AUTH_LIMITS, "--listen", `127.0.0.1:${grpcPort}`];
    const web: WebOptions = { listen: `127.0.0.1:${webPort}`, root: PAGE_ROOT };
    server = await startGigwired(dir, args, { web });
    assert.equal(server.webAddress, `127.0.0.1:${webPort}`);

    // The buyer and a category, through the Node SDK over gRPC.
    node = createClient({ baseUrl: server.address });
    const admin = await node.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const category = await admin.catalog.createCategory({
      category: { slug: `cat-${randomUUID().slice(0, 8)}`, displayName: "Logo design" },
    });
    const email = `buyer-${randomUUID().slice(0, 12)}@example.com`;
    await node.auth.register({ email, password: USER_PASSWORD, displayName: "Bea", roles: [Role.BUYER] });
    const buyer = await node.login(email, USER_PASSWORD);
    const postJob = (title: string) =>
      retryUnavailable(() =>
        buyer.jobs.createJob({
          requestId: `create-${title}-${email}`,
          job: {
            title,
            description: "A round logo, warm colours.",
            categoryId: category.id,
            skills: ["logo"],
            budget: { min: { currencyCode: "USD", amountMinor: 20_000n }, max: { currencyCode: "USD", amountMinor: 50_000n } },
            dueTime: { seconds: BigInt(Math.floor(Date.now() / 1000) + 7 * 86_400) },
          },
        }),
      );

    // The page logs in as the buyer and watches its events (from ListJobs' cursor).
    page = await openPage(browser, `http://${server.webAddress}/`);
    const steps: Step[] = [
      { title: "the buyer logs in", login: "buyer", email, password: USER_PASSWORD },
      { title: "the buyer watches its events", watch_events: "events", as: "buyer" },
    ];
    await harnessCall(page, "start", { steps });
    for (const index of [0, 1]) {
      assert.deepEqual(await harnessCall(page, "step", index), { ok: true }, page.log());
    }

    const jobBefore = await postJob("Before the restart");
    const live = await pollWatch(page, "events", (r) => count(r, "JOB_CREATED", jobBefore.id) > 0);
    assert.equal(live.failure, undefined, page.log());
    assert.equal(count(live, "JOB_CREATED", jobBefore.id), 1, "the watch is live before the restart");

    assert.equal(await server.stop(), 0, "gigwired exits 0 on SIGTERM");
    await sleep(1_000); // the page's reconnects meanwhile find no server: UNAVAILABLE, retried
    server = await startGigwired(dir, args, { web });

    const jobAfter = await postJob("After the restart");
    const resumed = await pollWatch(page, "events", (r) => count(r, "JOB_CREATED", jobAfter.id) > 0);
    await sleep(500); // a duplicate would arrive now
    const report = await harnessCall(page, "watch", "events");
    await harnessCall(page, "stop");

    assert.equal(resumed.failure, undefined, `the watch failed\n${page.log()}`);
    assert.equal(report.failure, undefined, `the watch failed\n${page.log()}`);
    assert.equal(count(report, "JOB_CREATED", jobAfter.id), 1, `after: ${JSON.stringify(report.events)}`);
    assert.equal(count(report, "JOB_CREATED", jobBefore.id), 1, `before: ${JSON.stringify(report.events)}`);
    assert.ok(report.connects >= 2, `reconnected after the restart (connects: ${report.connects})`);
    const cursors = report.events.map((e) => BigInt((e as { cursor: string }).cursor));
    assert.ok(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!), `cursors strictly increase: ${cursors}`);
  });
});
