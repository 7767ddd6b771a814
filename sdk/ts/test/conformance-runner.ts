// The interpreter of the SDK conformance scenario (tests/conformance/scenario.json;
// its step format in tests/conformance/README.md), environment-neutral: it
// imports nothing from Node, so the same code runs the scenario through the
// Node client (test/conformance.e2e.test.ts) and, bundled into a page, through
// the browser client inside Chromium (test/browser/harness.ts, driven by
// test/conformance.browser.e2e.test.ts). The caller hands it the anonymous
// client to start from (its environment's createClient) and the assertions to
// fail with (node:assert/strict in Node, browserChecks in a page).
import { type DescMethod, type JsonValue, fromJson, toJson } from "@bufbuild/protobuf";
import {
  EventSchema,
  FileInfoSchema,
  type GigwireClient,
  GigwireError,
  OfferEventSchema,
  SERVICES,
  TokenPairSchema,
} from "../src/common.js";

/** How long an `await` step waits for its event. */
export const AWAIT_TIMEOUT_MS = 10_000;

export type Json = { [key: string]: JsonValue };
/** One scenario step: a title and one of the forms of tests/conformance/README.md. */
export type Step = Json & { title: string };
/** The scenario file. */
export interface Scenario {
  /** Flags for the gigwired that runs it (e.g. its platform fee), after the runner's own. */
  readonly server_flags?: string[];
  readonly steps: Step[];
}

/**
 * The assertions the runner fails with; each throws when it does not hold.
 * node:assert/strict is one; browserChecks (below) another.
 */
export interface Checks {
  equal(actual: unknown, expected: unknown, message?: string): void;
  ok(value: unknown, message?: string): asserts value;
  deepEqual(actual: unknown, expected: unknown, message?: string): void;
}

/** Checks for a page (no node:assert there): plain Errors saying what differed. */
export const browserChecks: Checks = {
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) {
      throw new Error(`${message ? `${message}: ` : ""}expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  ok(value, message) {
    if (!value) throw new Error(message ?? `expected a truthy value, got ${show(value)}`);
  },
  deepEqual(actual, expected, message) {
    if (show(actual) !== show(expected)) {
      throw new Error(`${message ? `${message}: ` : ""}expected ${show(expected)}, got ${show(actual)}`);
    }
  },
};

function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
}

/** "step N (title): what went wrong", the message of a failed step. */
export function stepFailure(index: number, step: Step, error: unknown): string {
  return `step ${index + 1} (${step.title}): ${error instanceof Error ? error.message : String(error)}`;
}

/** The value at a dotted `path` of decoded JSON (numbers index lists). */
function lookup(value: JsonValue, path: string): JsonValue {
  for (const part of path.split(".")) {
    const next = Array.isArray(value)
      ? value[Number(part)]
      : value !== null && typeof value === "object"
        ? value[part]
        : undefined;
    if (next === undefined) throw new Error(`no ${path} in ${JSON.stringify(value)}`);
    value = next;
  }
  return value;
}

/**
 * The mismatches of `expect` (already substituted) in `actual`; an expected
 * "" also matches a missing path (proto3 JSON leaves out empty fields).
 */
function mismatches(actual: JsonValue, expect: Json): string[] {
  const problems: string[] = [];
  for (const [path, expected] of Object.entries(expect)) {
    let found: JsonValue;
    try {
      found = lookup(actual, path);
    } catch (e) {
      if (expected !== "") problems.push((e as Error).message);
      continue;
    }
    const same =
      typeof expected === "boolean"
        ? found === expected
        : typeof expected === "number"
          ? Number(found) === expected
          : String(found) === expected;
    if (!same) problems.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(found)}`);
  }
  return problems;
}

/** The unary method "gigwire.v1.Service/Method" and the SDK client property serving it. */
function findMethod(rpc: string): { property: keyof typeof SERVICES; method: DescMethod } {
  const [serviceName, methodName] = rpc.split("/");
  for (const [property, service] of Object.entries(SERVICES)) {
    const method = service.methods.find((m) => m.name === methodName);
    if (service.typeName === serviceName && method) return { property: property as keyof typeof SERVICES, method };
  }
  throw new Error(`no RPC ${rpc} in the SDK`);
}

/** A random lowercase hex word of `length` characters. */
function randomHex(length: number): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, length);
}

/** A watch's events in arrival order (not yet awaited), and how it ended if it did. */
interface Collected {
  events: JsonValue[];
  /** Every event received, awaited or not. */
  all: JsonValue[];
  connects: () => number;
  failure?: unknown;
  wake?: () => void;
}

/** What a watch of the runner has seen (for tests beyond the scenario). */
export interface WatchReport {
  /** Every event received so far, in order, as proto3 JSON. */
  readonly events: JsonValue[];
  /** Streams opened (1 + reconnects). */
  readonly connects: number;
  /** How the watch failed, if it did. */
  readonly failure?: string;
}

/** Runs scenario steps through the SDK: one client per actor, saved responses as JSON. */
export class ScenarioRunner {
  private readonly clients = new Map<string, GigwireClient>();
  private readonly saved = new Map<string, JsonValue>();
  private readonly watches = new Map<string, Collected>();
  private readonly unique = randomHex(10);
  private readonly stop = new AbortController();

  constructor(
    private readonly anonymous: GigwireClient,
    private readonly assert: Checks,
  ) {
    this.clients.set("anonymous", anonymous);
  }

  /** Ends every watch. */
  close(): void {
    this.stop.abort();
  }

  /** Runs one step; throws (through the Checks) when it does not hold. */
  async run(step: Step): Promise<void> {
    if ("login" in step) return this.login(step);
    if ("watch_offers" in step || "watch_events" in step) return this.startWatch(step);
    if ("await" in step) return this.awaitEvent(step);
    if ("upload" in step) return this.upload(step);
    if ("download" in step) return this.download(step);
    return this.call(step);
  }

  /** What watch `name` has seen. */
  watchReport(name: string): WatchReport {
    const collected = this.watches.get(name);
    if (collected === undefined) throw new Error(`no watch ${name}`);
    const failure = collected.failure === undefined ? undefined : String(collected.failure);
    return { events: [...collected.all], connects: collected.connects(), failure };
  }

  /** A saved response (or login's TokenPair) as JSON. */
  savedValue(name: string): JsonValue | undefined {
    return this.saved.get(name);
  }

  private substitute(value: JsonValue): JsonValue {
    if (Array.isArray(value)) return value.map((v) => this.substitute(v));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.substitute(v)]));
    }
    return typeof value === "string" ? value.replace(/\$\{([^}]+)\}/g, (_, token: string) => this.resolve(token)) : value;
  }

  private resolve(token: string): string {
    if (token === "unique") return this.unique;
    if (token.startsWith("in_days:")) {
      const when = new Date(Math.floor(Date.now() / 1000) * 1000 + Number(token.slice(8)) * 86_400_000);
      return when.toISOString().replace(".000Z", "Z");
    }
    const [name, ...path] = token.split(".");
    return String(lookup(this.saved.get(name!) ?? null, path.join(".")));
  }

  private async login(step: Step): Promise<void> {
    const email = String(this.substitute(step["email"]!));
    const client = await this.anonymous.login(email, String(this.substitute(step["password"]!)));
    this.clients.set(String(step["login"]), client);
    this.saved.set(String(step["login"]), toJson(TokenPairSchema, client.session.tokens));
  }

  private async call(step: Step): Promise<void> {
    const { property, method } = findMethod(String(step["rpc"]));
    const request = fromJson(method.input, this.substitute(step["request"]!));
    const service = this.clients.get(String(step["as"]))![property] as unknown as Record<
      string,
      (input: unknown) => Promise<Parameters<typeof toJson>[1]>
    >;
    let response;
    try {
      response = await service[method.localName]!(request);
    } catch (e) {
      return this.checkError(step, e);
    }
    this.assert.equal(step["error"], undefined, `expected ${JSON.stringify(step["error"])}, got a response`);
    this.checkAndSave(step, toJson(method.output, response));
  }

  /**
   * upload: the SDK's upload helper sends `text` (UTF-8) named `name` (in
   * Node by the client stream, in a page by UploadChunk calls); the FileInfo
   * is checked and saved under the step's `upload` name.
   */
  private async upload(step: Step): Promise<void> {
    const client = this.clients.get(String(step["as"]))!;
    const bytes = new TextEncoder().encode(String(this.substitute(step["text"]!)));
    let file;
    try {
      file = await client.uploadFile(bytes, { name: String(this.substitute(step["name"]!)) });
    } catch (e) {
      return this.checkError(step, e);
    }
    this.assert.equal(step["error"], undefined, `expected ${JSON.stringify(step["error"])}, got a file`);
    this.checkAndSave({ ...step, save: String(step["upload"]) }, toJson(FileInfoSchema, file));
  }

  /** download: the SDK's download helper fetches the file; its bytes must be `text`. */
  private async download(step: Step): Promise<void> {
    const client = this.clients.get(String(step["as"]))!;
    let bytes: Uint8Array;
    try {
      ({ bytes } = await client.downloadFileBytes(String(this.substitute(step["download"]!))));
    } catch (e) {
      return this.checkError(step, e);
    }
    this.assert.equal(step["error"], undefined, `expected ${JSON.stringify(step["error"])}, got the file`);
    this.assert.equal(new TextDecoder().decode(bytes), String(this.substitute(step["text"]!)));
  }

  private checkError(step: Step, e: unknown): void {
    this.assert.ok(e instanceof GigwireError, `not a GigwireError: ${String(e)}`);
    const expected = step["error"] as Json | undefined;
    this.assert.ok(expected, `unexpected error ${e.code} (${e.reason}): ${e.rawMessage}`);
    const got = `${e.code} (${e.reason}): ${e.rawMessage}`;
    this.assert.equal(e.code, expected["code"], got);
    if (expected["reason"] !== undefined) this.assert.equal(e.reason, expected["reason"], got);
    const violated = new Set(e.fieldViolations.map((v) => v.field));
    for (const field of (expected["fields"] ?? []) as string[]) {
      this.assert.ok(violated.has(field), `${field} not violated: ${got}`);
    }
  }

  private checkAndSave(step: Step, actual: JsonValue): void {
    const problems = mismatches(actual, this.substitute(step["expect"] ?? {}) as Json);
    this.assert.deepEqual(problems, []);
    if (step["save"] !== undefined) this.saved.set(String(step["save"]), actual);
  }

  /** watch_offers: ListOffers, then the offer watch from its cursor; watch_events: ListJobs, then the event watch. */
  private async startWatch(step: Step): Promise<void> {
    const client = this.clients.get(String(step["as"]))!;
    const signal = this.stop.signal;
    if ("watch_offers" in step) {
      const listed = await client.offers.listOffers({});
      const watch = client.watchOffers({ resumeCursor: listed.eventCursor, signal });
      this.watches.set(String(step["watch_offers"]), this.collect(watch, (e) => toJson(OfferEventSchema, e)));
    } else {
      const listed = await client.jobs.listJobs({});
      const watch = client.watchEvents({ resumeCursor: listed.eventCursor, signal });
      this.watches.set(String(step["watch_events"]), this.collect(watch, (e) => toJson(EventSchema, e)));
    }
  }

  /** Collects a watch's events as JSON in the background. */
  private collect<T>(watch: AsyncIterable<T> & { readonly connects: number }, asJson: (event: T) => JsonValue): Collected {
    const collected: Collected = { events: [], all: [], connects: () => watch.connects };
    void (async () => {
      try {
        for await (const event of watch) {
          const json = asJson(event);
          collected.events.push(json);
          collected.all.push(json);
          collected.wake?.();
        }
      } catch (e) {
        collected.failure = e;
        collected.wake?.();
      }
    })();
    return collected;
  }

  private async awaitEvent(step: Step): Promise<void> {
    const collected = this.watches.get(String(step["await"]))!;
    const expect = this.substitute(step["expect"]!) as Json;
    const deadline = Date.now() + AWAIT_TIMEOUT_MS;
    for (;;) {
      const event = collected.events.shift();
      if (event !== undefined) {
        if (mismatches(event, expect).length === 0) return this.checkAndSave(step, event);
        continue;
      }
      this.assert.equal(collected.failure, undefined, `the watch failed: ${String(collected.failure)}`);
      const left = deadline - Date.now();
      this.assert.ok(left > 0, `no event matching ${JSON.stringify(expect)} within ${AWAIT_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        collected.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
