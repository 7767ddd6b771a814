# Typed errors of the Gigwire Python SDK.
#
# Every failed Gigwire call carries, in the `grpc-status-details-bin` trailer, a
# `gigwire.v1.RpcStatus` whose first detail is a `gigwire.v1.ErrorDetails`.
# `GigwireError.from_rpc_error` decodes it so callers branch on `reason`, never on
# the human-readable message.
from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import grpc
from google.protobuf.message import DecodeError

from gigwire.v1 import errors_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"
UNSPECIFIED_REASON = "ERROR_REASON_UNSPECIFIED"

FieldViolation = Tuple[str, str]


class GigwireError(Exception):
    """A failed Gigwire call.

    Attributes:
      code: the gRPC status code.
      reason: name of the `gigwire.v1.ErrorReason`, e.g. "EMAIL_TAKEN";
        "ERROR_REASON_UNSPECIFIED" when the server sent none or one this SDK
        does not know (act on `code` then).
      message: the human-readable status message.
      field_violations: (field, description) pairs for INVALID_FIELDS.
      retry_after_ms: for RATE_LIMITED, how long to wait before retrying.
      metadata: extra context from the server, e.g. {"current_state": "BOOKED"}.
    The `grpc.RpcError` it came from is kept as `__cause__`.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str = "",
        *,
        reason: str = UNSPECIFIED_REASON,
        field_violations: Sequence[FieldViolation] = (),
        retry_after_ms: int = 0,
        metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.field_violations: List[FieldViolation] = list(field_violations)
        self.retry_after_ms = retry_after_ms
        self.metadata: Dict[str, str] = dict(metadata or {})

    def __str__(self) -> str:
        text = f"{self.code.name} ({self.reason}): {self.message}"
        if self.field_violations:
            fields = "; ".join(f"{f}: {d}" for f, d in self.field_violations)
            text += f" [{fields}]"
        return text

    def __repr__(self) -> str:
        return f"GigwireError({self})"

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "GigwireError":
        """Builds the typed error of a failed call; `error` becomes its cause."""
        code = _call_code(error)
        message = _call_message(error)
        details = _decode_details(_status_details_bytes(error))
        if details is None:
            result = cls(code, message)
        else:
            result = cls._with_details(code, message, details)
        result.__cause__ = error
        return result

    @classmethod
    def _with_details(
        cls, code: grpc.StatusCode, message: str, details: errors_pb2.ErrorDetails
    ) -> "GigwireError":
        return cls(
            code,
            message,
            reason=reason_name(details.reason),
            field_violations=[(v.field, v.description) for v in details.field_violations],
            retry_after_ms=details.retry_after_ms,
            metadata=details.metadata,
        )


def reason_name(value: int) -> str:
    """Name of an ErrorReason number; unknown numbers map to UNSPECIFIED."""
    try:
        return errors_pb2.ErrorReason.Name(value)
    except ValueError:
        return UNSPECIFIED_REASON


def _call_code(error: grpc.RpcError) -> grpc.StatusCode:
    code = getattr(error, "code", None)
    value = code() if callable(code) else None
    return value if isinstance(value, grpc.StatusCode) else grpc.StatusCode.UNKNOWN


def _call_message(error: grpc.RpcError) -> str:
    details = getattr(error, "details", None)
    value = details() if callable(details) else None
    return value if isinstance(value, str) else str(error)


def _status_details_bytes(error: grpc.RpcError) -> Optional[bytes]:
    trailing = getattr(error, "trailing_metadata", None)
    for key, value in (trailing() if callable(trailing) else None) or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            return value
    return None


def _decode_details(raw: Optional[bytes]) -> Optional[errors_pb2.ErrorDetails]:
    """Decodes RpcStatus bytes into its ErrorDetails; None when absent or malformed."""
    if not raw:
        return None
    status = errors_pb2.RpcStatus()
    try:
        status.ParseFromString(raw)
    except DecodeError:
        return None
    details = errors_pb2.ErrorDetails()
    for any_detail in status.details:
        if any_detail.Unpack(details):
            return details
    return None
