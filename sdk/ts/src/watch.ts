// Resumable watches: async iterables of Gigwire events that survive disconnects.
//
// The server's watch streams (EventService.WatchEvents, OfferService.WatchOffers)
// take a resume cursor and replay everything after it, so a client that
// remembers the last cursor it saw loses nothing across a reconnect. Watch does
// that bookkeeping: it reconnects with backoff, resumes from the last cursor (of
// an event or a heartbeat), drops events it already delivered, and throws
// CursorExpiredError when the server no longer has the events after the cursor.
import { type GigwireError, toGigwireError } from "./errors.js";
import type { EventType, Heartbeat } from "./gen/gigwire/v1/event_type_pb.js";

/** Default cap of the reconnect delay. */
export const DEFAULT_MAX_BACKOFF_MS = 10_000;
/** Ceiling of the first reconnect delay; doubles per failed attempt. */
export const DEFAULT_INITIAL_BACKOFF_MS = 100;

/** Options of GigwireClient.watchEvents. */
export interface WatchOptions {
  /** Start after this cursor (an event's, a heartbeat's or a list's `eventCursor`); default: from now. */
  readonly resumeCursor?: string;
  /** Only these event types; default: all. */
  readonly types?: readonly EventType[];
  /** Aborting it ends the watch: iteration finishes (no error) and the call is cancelled. */
  readonly signal?: AbortSignal;
  /** Called with every heartbeat. */
  readonly onHeartbeat?: (heartbeat: Heartbeat) => void;
  /** Cap of the reconnect delay in ms (DEFAULT_MAX_BACKOFF_MS). */
  readonly maxBackoffMs?: number;
  /** Ceiling of the first reconnect delay in ms (DEFAULT_INITIAL_BACKOFF_MS). */
  readonly initialBackoffMs?: number;
}

/** Options of GigwireClient.watchOffers. */
export interface WatchOffersOptions extends WatchOptions {
  /** Only offers of this job (admins). */
  readonly jobId?: string;
}

/** A message of a watch stream: an event or a heartbeat. */
export interface WatchResponse<E> {
  readonly kind:
    | { readonly case: "event"; readonly value: E }
    | { readonly case: "heartbeat"; readonly value: Heartbeat }
    | { readonly case: undefined; readonly value?: undefined };
}

/** Opens one stream from `cursor`; aborting `signal` cancels it. */
export type OpenStream<E> = (cursor: string, signal: AbortSignal) => AsyncIterable<WatchResponse<E>>;

/**
 * OUT_OF_RANGE with reason CURSOR_EXPIRED (the server no longer keeps the
 * events after the watch's cursor, so some were missed) or CURSOR_AHEAD (the
 * cursor is ahead of the server's newest event: it came from another server
 * or database); `reason` says which. Never retried: list the resources
 * again, then watch from the list's `eventCursor`. `cause` is the
 * GigwireError (code, reason, metadata).
 */
export class CursorExpiredError extends Error {
  override readonly name = "CursorExpiredError";
  readonly code = "OUT_OF_RANGE" as const;
  readonly reason: "CURSOR_EXPIRED" | "CURSOR_AHEAD";
  /** The server's error. */
  override readonly cause: GigwireError;

  constructor(cause: GigwireError) {
    super(`watch cannot resume from its cursor: ${cause.rawMessage}`, { cause });
    this.cause = cause;
    this.reason = cause.reason === "CURSOR_AHEAD" ? "CURSOR_AHEAD" : "CURSOR_EXPIRED";
  }
}

/** True when a stream cannot resume from its cursor: OUT_OF_RANGE with
 * CURSOR_EXPIRED or CURSOR_AHEAD. */
export function isCursorExpired(error: GigwireError): boolean {
  return (
    error.code === "OUT_OF_RANGE" &&
    (error.reason === "CURSOR_EXPIRED" || error.reason === "CURSOR_AHEAD")
  );
}

/**
 * Whether a watch reconnects after its stream ended with `error`: UNAVAILABLE
 * (server shutting down, transport failures), CANCELLED that the watch did
 * not ask for (a stopping server cancels the calls it has not started),
 * RESOURCE_EXHAUSTED for SLOW_CONSUMER or RATE_LIMITED.
 */
export function isRetryable(error: GigwireError): boolean {
  if (error.code === "UNAVAILABLE" || error.code === "CANCELLED") return true;
  return error.code === "RESOURCE_EXHAUSTED" && (error.reason === "SLOW_CONSUMER" || error.reason === "RATE_LIMITED");
}

/** Whether `cursor` comes after `last` (cursors compare as sequence numbers; others always do). */
export function isAfter(cursor: string, last: string): boolean {
  if (!/^\d+$/.test(cursor) || !/^\d+$/.test(last)) return true;
  return BigInt(cursor) > BigInt(last);
}

/** Settings of a Watch beyond its options. */
export interface WatchSettings<E = unknown> {
  /** Whether a TOKEN_EXPIRED stream may be retried once (the client's token is a provider). */
  readonly tokenRefreshable: boolean;
  /** Random source in [0, 1) for the jitter (tests). */
  readonly random?: () => number;
  /**
   * Keeps only the events it returns true for; the others still move the
   * cursor forward (a resumed watch does not see them again).
   */
  readonly filter?: (event: E) => boolean;
}

/**
 * A resumable watch: `for await (const event of watch)` yields each event
 * exactly once, in commit order.
 *
 * Each connect opens the stream from the last cursor seen (first
 * `resumeCursor`). When a stream ends with UNAVAILABLE, CANCELLED (not by the
 * caller's signal), RESOURCE_EXHAUSTED (SLOW_CONSUMER, RATE_LIMITED) or end-of-stream, it reconnects after a delay
 * drawn uniformly from [0, min(maxBackoffMs, initialBackoffMs * 2^attempt)]
 * (full jitter; attempts count from the last message received; RATE_LIMITED
 * waits at least the server's retryAfterMs). UNAUTHENTICATED / TOKEN_EXPIRED
 * is retried once when the client's token is a provider function (it is asked
 * again on reconnect). Events whose cursor is not after the last cursor seen
 * are dropped.
 *
 * Iteration throws CursorExpiredError for OUT_OF_RANGE / CURSOR_EXPIRED and a
 * GigwireError for anything else (INVALID_ARGUMENT, PERMISSION_DENIED,
 * UNAUTHENTICATED...). Aborting `signal`, or leaving the loop (`break`),
 * cancels the call and ends the iteration. Iterate it once at a time.
 */
export class Watch<E extends { readonly cursor: string }> implements AsyncIterable<E> {
  private lastCursor: string;
  private connectCount = 0;
  private running = false;

  constructor(
    private readonly open: OpenStream<E>,
    private readonly options: WatchOptions,
    private readonly settings: WatchSettings<E>,
  ) {
    this.lastCursor = options.resumeCursor ?? "";
  }

  /** The last cursor seen (event or heartbeat): resume from it to miss nothing. */
  get cursor(): string {
    return this.lastCursor;
  }

  /** How many streams were opened (1 + reconnects). */
  get connects(): number {
    return this.connectCount;
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this.run();
  }

  private async *run(): AsyncGenerator<E> {
    if (this.running) throw new Error("Watch: already being iterated");
    this.running = true;
    const backoff = new Backoff(this.options, this.settings.random ?? Math.random);
    let refreshed = false;
    const signal = this.options.signal;
    try {
      while (!signal?.aborted) {
        let waitAtLeastMs = 0;
        try {
          for await (const event of this.connect()) {
            backoff.reset();
            refreshed = false;
            if (event !== undefined) yield event;
          }
        } catch (e) {
          if (signal?.aborted) return;
          const error = toGigwireError(e);
          if (isCursorExpired(error)) throw new CursorExpiredError(error);
          if (error.code === "UNAUTHENTICATED" && error.reason === "TOKEN_EXPIRED") {
            if (refreshed || !this.settings.tokenRefreshable) throw error;
            refreshed = true;
            continue;
          }
          if (!isRetryable(error)) throw error;
          waitAtLeastMs = error.retryAfterMs ?? 0;
        }
        await sleep(Math.max(backoff.next(), waitAtLeastMs), signal);
      }
    } finally {
      this.running = false;
    }
  }

  /** One stream: yields new events, and undefined for other messages (so backoff resets). */
  private async *connect(): AsyncGenerator<E | undefined> {
    const controller = new AbortController();
    const cancel = (): void => controller.abort();
    this.options.signal?.addEventListener("abort", cancel, { once: true });
    this.connectCount++;
    try {
      for await (const response of this.open(this.lastCursor, controller.signal)) {
        yield this.accept(response);
      }
    } finally {
      this.options.signal?.removeEventListener("abort", cancel);
      controller.abort(); // the consumer left, or the stream ended: release the call
    }
  }

  private accept(response: WatchResponse<E>): E | undefined {
    const kind = response.kind;
    if (kind.case === "heartbeat") {
      this.advance(kind.value.cursor);
      this.options.onHeartbeat?.(kind.value);
      return undefined;
    }
    if (kind.case !== "event" || !this.advance(kind.value.cursor)) return undefined;
    const wanted = this.settings.filter === undefined || this.settings.filter(kind.value);
    return wanted ? kind.value : undefined;
  }

  private advance(cursor: string): boolean {
    if (this.lastCursor !== "" && !isAfter(cursor, this.lastCursor)) return false;
    this.lastCursor = cursor;
    return true;
  }
}

/** Exponential backoff with full jitter. */
class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(options: WatchOptions, private readonly random: () => number) {
    this.initialMs = options.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS;
    this.maxMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  }

  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return this.random() * ceiling;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
