// The service config shared by every Gigwire SDK (sdk/service_config.json,
// compiled into src/gen/service_config.ts): each method's deadline and retry
// policy, in gRPC's service config format. The C++ and Python SDKs hand it to
// gRPC; Connect has no service config, so this module applies it:
// methodPolicy() finds a method's entry, callWithPolicy() runs a unary call
// under it, and withRequestId() fills in the idempotency key that makes a
// retried mutation safe.
import { Code, ConnectError } from "@connectrpc/connect";

/** gRPC's retryPolicy object (durations as "0.2s"). */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoff: string;
  readonly maxBackoff: string;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: readonly string[];
}

/** One methodConfig entry: the methods it names, their deadline and retries. */
export interface MethodConfig {
  readonly name: readonly { readonly service: string; readonly method?: string }[];
  readonly timeout?: string;
  readonly retryPolicy?: RetryPolicy;
}

/** The service config document. */
export interface ServiceConfig {
  readonly methodConfig: readonly MethodConfig[];
}

/** What applies to one method, durations in ms. */
export interface MethodPolicy {
  /** Deadline of the whole call, retries included; undefined: none. */
  readonly timeoutMs?: number;
  readonly retry?: {
    readonly maxAttempts: number;
    readonly initialBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly multiplier: number;
    readonly retryable: ReadonlySet<Code>;
  };
}

// gRPC's canonical code names, indexed by code number (Connect's Code values).
const CODE_NAMES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
  "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
  "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
  "UNAUTHENTICATED",
];

/** "10s" or "0.2s" in ms; throws on any other form. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text);
  if (match === null) throw new TypeError(`service config: bad duration "${text}"`);
  return Math.round(Number(match[1]) * 1000);
}

function codeOf(name: string): Code {
  const code = CODE_NAMES.indexOf(name);
  if (code <= 0) throw new TypeError(`service config: bad status code "${name}"`);
  return code as Code;
}

/**
 * The policy of `service`/`method` ("gigwire.v1.JobService", "CreateJob"):
 * an entry naming the method wins over one naming only its service.
 */
export function methodPolicy(config: ServiceConfig, service: string, method: string): MethodPolicy {
  const matches = (exact: boolean) =>
    config.methodConfig.find((entry) =>
      entry.name.some((n) => n.service === service && (exact ? n.method === method : !n.method)),
    );
  const entry = matches(true) ?? matches(false);
  if (entry === undefined) return {};
  const policy = entry.retryPolicy;
  return {
    timeoutMs: entry.timeout === undefined ? undefined : parseDurationMs(entry.timeout),
    retry:
      policy === undefined
        ? undefined
        : {
            maxAttempts: policy.maxAttempts,
            initialBackoffMs: parseDurationMs(policy.initialBackoff),
            maxBackoffMs: parseDurationMs(policy.maxBackoff),
            multiplier: policy.backoffMultiplier,
            retryable: new Set(policy.retryableStatusCodes.map(codeOf)),
          },
  };
}

/** Waits `ms`; a seam for tests. */
export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (given the ms left until the call's deadline, or undefined
 * for none) under `policy`: attempts that fail with a retryable code are
 * repeated after gRPC's backoff (a random delay up to
 * min(initial * multiplier^(n-1), max)) while attempts and time remain; the
 * last failure is thrown as is. `timeoutMs` overrides the policy's deadline.
 * A call whose `signal` was aborted by the caller is never retried (its
 * CANCELLED is the caller's own; a server's CANCELLED is retried).
 */
export async function callWithPolicy<T>(
  attempt: (timeoutMs: number | undefined) => Promise<T>,
  policy: MethodPolicy,
  timeoutMs: number | undefined = policy.timeoutMs,
  sleep: Sleep = realSleep,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const retry = policy.retry;
  let backoffCapMs = retry?.initialBackoffMs ?? 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const left = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
    try {
      return await attempt(left);
    } catch (e) {
      const code = e instanceof ConnectError ? e.code : Code.Unknown;
      const retryable = retry?.retryable.has(code) === true && signal?.aborted !== true;
      if (retry === undefined || attemptNumber >= retry.maxAttempts || !retryable) throw e;
      const delayMs = Math.random() * backoffCapMs;
      if (deadline !== undefined && Date.now() + delayMs >= deadline) throw e;
      await sleep(delayMs);
      backoffCapMs = Math.min(backoffCapMs * retry.multiplier, retry.maxBackoffMs);
    }
  }
}

/**
 * `input` itself, or a copy with a fresh UUID as `requestId` when it has none
 * (call it only for methods whose request has a request_id field).
 */
export function withRequestId<T extends object>(input: T): T {
  const current = (input as { requestId?: unknown }).requestId;
  if (typeof current === "string" && current !== "") return input;
  return { ...input, requestId: randomUuid() };
}

/**
 * A random (version 4) UUID. crypto.randomUUID where the runtime has it;
 * built from crypto.getRandomValues otherwise (a browser page that is not a
 * secure context, e.g. plain http from another host than localhost, has no
 * randomUUID).
 */
export function randomUuid(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
