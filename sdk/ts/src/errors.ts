// Typed errors of the Gigwire SDK.
//
// Every failed call throws a GigwireError: the gRPC status code as a name
// ("ALREADY_EXISTS"), the server's stable machine-readable reason
// ("EMAIL_TAKEN"), field violations and retry hints. The server sends these
// in the `grpc-status-details-bin` trailer as a `gigwire.v1.RpcStatus` whose
// details hold one `gigwire.v1.ErrorDetails`; Connect decodes the trailer and
// this module reads the ErrorDetails out of the resulting ConnectError.
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ErrorDetails,
  ErrorDetailsSchema,
  ErrorReasonSchema,
} from "./gen/gigwire/v1/errors_pb.js";

/** gRPC status code names, as in the gRPC spec (UPPER_SNAKE_CASE). */
export type GigwireCode =
  | "CANCELLED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED";

const CODE_NAMES: Readonly<Record<Code, GigwireCode>> = {
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

/** Reason used when the server sent none, or one this SDK does not know. */
export const REASON_UNSPECIFIED = "ERROR_REASON_UNSPECIFIED";

/** One invalid request field, e.g. `{ field: "email", description: "..." }`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/**
 * A failed Gigwire call. Branch on `code` and `reason`, never on `message`.
 * `reason` is an `ErrorReason` enum value name from errors.proto; reasons a
 * newer server adds appear as "ERROR_REASON_UNSPECIFIED" (act on `code`).
 */
export class GigwireError extends Error {
  override readonly name = "GigwireError";
  /** gRPC status code name, e.g. "ALREADY_EXISTS". */
  readonly code: GigwireCode;
  /** The same status as Connect's numeric `Code`. */
  readonly connectCode: Code;
  /** `ErrorReason` name, e.g. "EMAIL_TAKEN". */
  readonly reason: string;
  /** Every invalid field, for reason INVALID_FIELDS; else empty. */
  readonly fieldViolations: readonly FieldViolation[];
  /** How long to wait before retrying (RATE_LIMITED), else undefined. */
  readonly retryAfterMs: number | undefined;
  /** Extra context from the server, e.g. { current_state: "BOOKED" }. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The server's human-readable message, without the code prefix. */
  readonly rawMessage: string;

  /** Builds the error from a ConnectError; see toGigwireError for any value. */
  constructor(cause: ConnectError) {
    const details = cause.findDetails(ErrorDetailsSchema)[0];
    const code = CODE_NAMES[cause.code] ?? "UNKNOWN";
    const reason = reasonName(details);
    super(`${code} (${reason}): ${cause.rawMessage}`, { cause });
    this.code = code;
    this.connectCode = cause.code;
    this.reason = reason;
    this.fieldViolations = violationsOf(details);
    this.retryAfterMs = retryAfterOf(details);
    this.metadata = { ...(details?.metadata ?? {}) };
    this.rawMessage = cause.rawMessage;
  }
}

/** Converts any thrown value into a GigwireError (idempotent). */
export function toGigwireError(reason: unknown): GigwireError {
  if (reason instanceof GigwireError) return reason;
  return new GigwireError(ConnectError.from(reason));
}

/** True for a GigwireError, optionally with the given code and reason. */
export function isGigwireError(
  value: unknown,
  code?: GigwireCode,
  reason?: string,
): value is GigwireError {
  if (!(value instanceof GigwireError)) return false;
  if (code !== undefined && value.code !== code) return false;
  return reason === undefined || value.reason === reason;
}

function reasonName(details: ErrorDetails | undefined): string {
  if (details === undefined) return REASON_UNSPECIFIED;
  return ErrorReasonSchema.value[details.reason]?.name ?? REASON_UNSPECIFIED;
}

function violationsOf(details: ErrorDetails | undefined): FieldViolation[] {
  return (details?.fieldViolations ?? []).map((v) => ({
    field: v.field,
    description: v.description,
  }));
}

function retryAfterOf(details: ErrorDetails | undefined): number | undefined {
  const ms = details?.retryAfterMs ?? 0n;
  return ms > 0n ? Number(ms) : undefined;
}
