// The SDK conformance scenario (tests/conformance/scenario.json; its step
// format in tests/conformance/README.md), run through the TypeScript SDK
// against a real `gigwired`. Skipped when the binary is missing unless
// GIGWIRE_E2E=require.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type DescMethod, type JsonValue, fromJson, toJson } from "@bufbuild/protobuf";
import {
  EventSchema,
  type GigwireClient,
  GigwireError,
  OfferEventSchema,
  SERVICES,
  TokenPairSchema,
  createClient,
} from "../src/index.js";
import {
  type Gigwired,
  RELAXED_AUTH_LIMITS,
  REPO_ROOT,
  createAdmin,
  e2eSkipReason,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";

const AWAIT_TIMEOUT_MS = 10_000;
type Json = { [key: string]: JsonValue };
type Step = Json & { title: string };

/** The value at a dotted `path` of decoded JSON (numbers index lists). */
function lookup(value: JsonValue, path: string): JsonValue {
  for (const part of path.split(".")) {
    const next = Array.isArray(value)
      ? value[Number(part)]
      : value !== null && typeof value === "object"
        ? value[part]
        : undefined;
    if (next === undefined) throw new assert.AssertionError({ message: `no ${path} in ${JSON.stringify(value)}` });
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
    const same = typeof expected === "number" ? Number(found) === expected : String(found) === expected;
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

/** A watch's events in arrival order, and how it ended if it did. */
interface Collected {
  events: JsonValue[];
  failure?: unknown;
  wake?: () => void;
}

/** Runs scenario steps through the SDK: one client per actor, saved responses as JSON. */
class Runner {
  private readonly clients = new Map<string, GigwireClient>();
  private readonly saved = new Map<string, JsonValue>();
  private readonly watches = new Map<string, Collected>();
  private readonly unique = randomUUID().replaceAll("-", "").slice(0, 10);
  private readonly stop = new AbortController();

  constructor(private readonly anonymous: GigwireClient) {
    this.clients.set("anonymous", anonymous);
  }

  close(): void {
    this.stop.abort();
  }

  substitute(value: JsonValue): JsonValue {
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

  async run(step: Step): Promise<void> {
    if ("login" in step) return this.login(step);
    if ("watch_offers" in step || "watch_events" in step) return this.startWatch(step);
    if ("await" in step) return this.awaitEvent(step);
    return this.call(step);
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
    assert.equal(step["error"], undefined, `expected ${JSON.stringify(step["error"])}, got a response`);
    this.checkAndSave(step, toJson(method.output, response));
  }

  private checkError(step: Step, e: unknown): void {
    assert.ok(e instanceof GigwireError, `not a GigwireError: ${String(e)}`);
    const expected = step["error"] as Json | undefined;
    assert.ok(expected, `unexpected error ${e.code} (${e.reason}): ${e.rawMessage}`);
    const got = `${e.code} (${e.reason}): ${e.rawMessage}`;
    assert.equal(e.code, expected["code"], got);
    if (expected["reason"] !== undefined) assert.equal(e.reason, expected["reason"], got);
    const violated = new Set(e.fieldViolations.map((v) => v.field));
    for (const field of (expected["fields"] ?? []) as string[]) assert.ok(violated.has(field), `${field} not violated: ${got}`);
  }

  private checkAndSave(step: Step, actual: JsonValue): void {
    const problems = mismatches(actual, (this.substitute(step["expect"] ?? {}) as Json));
    assert.deepEqual(problems, []);
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
  private collect<T>(watch: AsyncIterable<T>, asJson: (event: T) => JsonValue): Collected {
    const collected: Collected = { events: [] };
    void (async () => {
      try {
        for await (const event of watch) {
          collected.events.push(asJson(event));
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
      assert.equal(collected.failure, undefined, `the watch failed: ${String(collected.failure)}`);
      const left = deadline - Date.now();
      assert.ok(left > 0, `no event matching ${JSON.stringify(expect)} within ${AWAIT_TIMEOUT_MS} ms`);
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

const skip = e2eSkipReason();

describe("conformance scenario (TypeScript SDK)", { skip }, () => {
  let server: Gigwired;
  let anonymous: GigwireClient;

  before(async () => {
    const dir = makeServerDir();
    createAdmin(dir, "admin@example.com", "admin-password-123");
    server = await startGigwired(dir, RELAXED_AUTH_LIMITS);
    anonymous = createClient({ baseUrl: server.address });
  });

  after(() => {
    anonymous?.close();
    server?.dispose();
  });

  it("runs every step of tests/conformance/scenario.json", async () => {
    const scenario = JSON.parse(readFileSync(join(REPO_ROOT, "tests/conformance/scenario.json"), "utf8")) as {
      steps: Step[];
    };
    const runner = new Runner(anonymous);
    try {
      for (const [index, step] of scenario.steps.entries()) {
        try {
          await runner.run(step);
        } catch (e) {
          assert.fail(`step ${index + 1} (${step.title}): ${(e as Error).message}`);
        }
      }
    } finally {
      runner.close();
    }
  });
});
