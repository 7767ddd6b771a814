// The script of the browser tests' page (test/browser/index.html), bundled by
// scripts/build-browser.mjs into dist/test/browser-root/harness.js with the SDK
// left out: its imports of the SDK resolve to the browser bundle itself
// (./gigwire-sdk.js, dist/browser/gigwire-sdk.js copied beside it), so the
// page runs the shipped build. It puts `gigwireHarness` on the page's global
// object; test/conformance.browser.e2e.test.ts calls it through Puppeteer to
// run the conformance scenario one step at a time and to read watches.
import { createClient } from "../../src/web.js";
import { type Scenario, ScenarioRunner, type WatchReport, browserChecks, stepFailure } from "../conformance-runner.js";

/** The outcome of one step, as it crosses back to Node (plain JSON). */
export type StepResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** What the page offers its test. */
export interface Harness {
  /**
   * Starts a scenario with a fresh runner whose anonymous client calls
   * `baseUrl`, or the page's own origin when left out.
   */
  start(scenario: Scenario, baseUrl?: string): void;
  /** Runs step `index` of the scenario. */
  step(index: number): Promise<StepResult>;
  /** What watch `name` has seen so far. */
  watch(name: string): WatchReport;
  /** Ends the runner's watches and closes its client. */
  stop(): void;
  /**
   * Logs in with a client of its own, opens watchEvents (no signal), calls
   * the client's close() once the stream is open, and says whether the
   * iteration then ended ("ended"), failed ("failed: ...") or went on
   * ("still running" after 5 s); and whether a call after close() works.
   */
  closeEndsWatch(email: string, password: string, baseUrl?: string): Promise<{ outcome: string; afterClose: string }>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let scenario: Scenario = { steps: [] };
let runner: ScenarioRunner | undefined;
let close = (): void => {};

const harness: Harness = {
  start(next, baseUrl) {
    harness.stop();
    const anonymous = createClient(baseUrl === undefined ? {} : { baseUrl });
    scenario = next;
    runner = new ScenarioRunner(anonymous, browserChecks);
    close = () => anonymous.close();
  },
  async step(index) {
    const step = scenario.steps[index];
    if (runner === undefined || step === undefined) return { ok: false, message: `no step ${index} started` };
    try {
      await runner.run(step);
      return { ok: true };
    } catch (e) {
      return { ok: false, message: stepFailure(index, step, e) };
    }
  },
  watch(name) {
    if (runner === undefined) throw new Error("no scenario started");
    return runner.watchReport(name);
  },
  stop() {
    runner?.close();
    close();
    runner = undefined;
  },
  async closeEndsWatch(email, password, baseUrl) {
    const client = createClient(baseUrl === undefined ? {} : { baseUrl });
    const session = await client.login(email, password);
    let opened = false;
    const watch = session.watchEvents({ onHeartbeat: () => (opened = true) });
    const iteration = (async () => {
      for await (const _event of watch) opened = true;
      return "ended";
    })().catch((e: unknown) => `failed: ${String(e)}`);
    await session.users.getMe({}); // the watch has had time to start its call
    await sleep(300);
    client.close();
    const outcome = await Promise.race([iteration, sleep(5_000).then(() => "still running")]);
    const afterClose = await session.users.getMe({}).then(
      (me) => (me.email === email ? "ok" : `got ${me.email}`),
      (e: unknown) => `failed: ${String(e)}`,
    );
    return { outcome: `${outcome} (connects: ${watch.connects}, heartbeat or event: ${opened})`, afterClose };
  },
};

(globalThis as { gigwireHarness?: Harness }).gigwireHarness = harness;
