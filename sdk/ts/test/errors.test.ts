// Unit tests of the error mapping: ConnectError (as Connect builds it from
// gigwired's `grpc-status-details-bin` trailer) -> GigwireError.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import {
  type ErrorDetails,
  ErrorDetailsSchema,
  ErrorReason,
  GigwireError,
  RpcStatusSchema,
  isGigwireError,
  toGigwireError,
} from "../src/index.js";

type DetailsInit = Parameters<typeof create<typeof ErrorDetailsSchema>>[1];

/** A ConnectError carrying ErrorDetails as received from the wire. */
function wireError(code: Code, message: string, init: DetailsInit): ConnectError {
  const err = new ConnectError(message, code);
  err.details.push({
    type: ErrorDetailsSchema.typeName,
    value: toBinary(ErrorDetailsSchema, create(ErrorDetailsSchema, init)),
  });
  return err;
}

/** The trailers gigwired sends for a failed call, base64 RpcStatus included. */
function grpcTrailers(code: Code, message: string, details: ErrorDetails): Headers {
  const status = create(RpcStatusSchema, {
    code,
    message,
    details: [anyPack(ErrorDetailsSchema, details)],
  });
  const bin = Buffer.from(toBinary(RpcStatusSchema, status)).toString("base64");
  return new Headers({
    "grpc-status": String(code),
    "grpc-message": encodeURIComponent(message),
    "grpc-status-details-bin": bin.replace(/=+$/, ""),
  });
}

describe("GigwireError from a ConnectError", () => {
  it("maps code, reason and field violations", () => {
    const err = toGigwireError(
      wireError(Code.InvalidArgument, "invalid request", {
        reason: ErrorReason.INVALID_FIELDS,
        fieldViolations: [
          { field: "email", description: "not an email address" },
          { field: "password", description: "at least 12 characters" },
        ],
      }),
    );
    assert.ok(err instanceof GigwireError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "GigwireError");
    assert.equal(err.code, "INVALID_ARGUMENT");
    assert.equal(err.connectCode, Code.InvalidArgument);
    assert.equal(err.reason, "INVALID_FIELDS");
    assert.deepEqual(err.fieldViolations, [
      { field: "email", description: "not an email address" },
      { field: "password", description: "at least 12 characters" },
    ]);
    assert.equal(err.retryAfterMs, undefined);
    assert.equal(err.rawMessage, "invalid request");
    assert.equal(err.message, "INVALID_ARGUMENT (INVALID_FIELDS): invalid request");
    assert.ok(err.cause instanceof ConnectError);
  });

  it("decodes the grpc-status-details-bin trailer end to end", () => {
    const details = create(ErrorDetailsSchema, {
      reason: ErrorReason.EMAIL_TAKEN,
      metadata: { email: "a@example.com" },
    });
    const connectErr = findTrailerError(
      grpcTrailers(Code.AlreadyExists, "email already registered", details),
    );
    assert.ok(connectErr);
    const err = toGigwireError(connectErr);
    assert.equal(err.code, "ALREADY_EXISTS");
    assert.equal(err.reason, "EMAIL_TAKEN");
    assert.equal(err.rawMessage, "email already registered");
    assert.deepEqual(err.metadata, { email: "a@example.com" });
    assert.deepEqual(err.fieldViolations, []);
  });

  it("exposes retry_after_ms as a number", () => {
    const err = toGigwireError(
      wireError(Code.ResourceExhausted, "slow down", {
        reason: ErrorReason.RATE_LIMITED,
        retryAfterMs: 1500n,
      }),
    );
    assert.equal(err.code, "RESOURCE_EXHAUSTED");
    assert.equal(err.reason, "RATE_LIMITED");
    assert.equal(err.retryAfterMs, 1500);
  });

  it("uses ERROR_REASON_UNSPECIFIED without details", () => {
    const err = toGigwireError(new ConnectError("gone", Code.Unavailable));
    assert.equal(err.code, "UNAVAILABLE");
    assert.equal(err.reason, "ERROR_REASON_UNSPECIFIED");
    assert.deepEqual(err.fieldViolations, []);
    assert.deepEqual(err.metadata, {});
  });

  it("treats a reason unknown to this SDK as unspecified", () => {
    const err = toGigwireError(
      wireError(Code.FailedPrecondition, "new", { reason: 999 as ErrorReason }),
    );
    assert.equal(err.code, "FAILED_PRECONDITION");
    assert.equal(err.reason, "ERROR_REASON_UNSPECIFIED");
  });

  it("ignores undecodable details", () => {
    const err = new ConnectError("bad", Code.Internal);
    err.details.push({ type: ErrorDetailsSchema.typeName, value: new Uint8Array([0xff]) });
    assert.equal(toGigwireError(err).reason, "ERROR_REASON_UNSPECIFIED");
  });

  it("names every status code as gRPC spells it", () => {
    const names = [Code.Canceled, Code.DeadlineExceeded, Code.Unauthenticated].map(
      (code) => toGigwireError(new ConnectError("x", code)).code,
    );
    assert.deepEqual(names, ["CANCELLED", "DEADLINE_EXCEEDED", "UNAUTHENTICATED"]);
  });
});

describe("toGigwireError on other values", () => {
  it("returns a GigwireError unchanged", () => {
    const err = toGigwireError(new ConnectError("x", Code.NotFound));
    assert.equal(toGigwireError(err), err);
  });

  it("maps a plain Error to UNKNOWN", () => {
    const err = toGigwireError(new Error("boom"));
    assert.equal(err.code, "UNKNOWN");
    assert.equal(err.rawMessage, "boom");
  });

  it("maps an AbortError to CANCELLED", () => {
    const abort = new DOMException("aborted", "AbortError");
    assert.equal(toGigwireError(abort).code, "CANCELLED");
  });
});

describe("isGigwireError", () => {
  const err = toGigwireError(
    wireError(Code.Aborted, "stale", { reason: ErrorReason.ETAG_MISMATCH }),
  );

  it("matches by class, code and reason", () => {
    assert.ok(isGigwireError(err));
    assert.ok(isGigwireError(err, "ABORTED"));
    assert.ok(isGigwireError(err, "ABORTED", "ETAG_MISMATCH"));
    assert.ok(!isGigwireError(err, "ABORTED", "INVALID_STATE"));
    assert.ok(!isGigwireError(err, "NOT_FOUND"));
    assert.ok(!isGigwireError(new Error("x")));
  });
});
