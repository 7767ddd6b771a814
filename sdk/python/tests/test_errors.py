# Unit tests of GigwireError: decoding the grpc-status-details-bin trailer.
import grpc
import pytest

from gigwire.errors import STATUS_DETAILS_KEY, GigwireError, reason_name
from gigwire.v1 import errors_pb2, user_pb2


class FakeRpcError(grpc.RpcError):
    """Stands in for a failed call: the grpc.Call accessors GigwireError reads."""

    def __init__(self, code, details, trailing=()):
        super().__init__(details)
        self._code, self._details, self._trailing = code, details, tuple(trailing)

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailing


def status_bytes(code, message, *details_messages):
    status = errors_pb2.RpcStatus(code=code.value[0], message=message)
    for message_ in details_messages:
        status.details.add().Pack(message_)
    return status.SerializeToString()


def failed_call(code, message, *details_messages):
    trailer = (STATUS_DETAILS_KEY, status_bytes(code, message, *details_messages))
    return FakeRpcError(code, message, [("other-key", "x"), trailer])


def test_decodes_reason_and_field_violations():
    details = errors_pb2.ErrorDetails(reason=errors_pb2.INVALID_FIELDS)
    details.field_violations.add(field="email", description="not an email address")
    details.field_violations.add(field="password", description="at least 12 characters")
    rpc_error = failed_call(grpc.StatusCode.INVALID_ARGUMENT, "invalid request", details)

    err = GigwireError.from_rpc_error(rpc_error)

    assert err.code is grpc.StatusCode.INVALID_ARGUMENT
    assert err.reason == "INVALID_FIELDS"
    assert err.message == "invalid request"
    assert err.field_violations == [("email", "not an email address"),
                                    ("password", "at least 12 characters")]
    assert err.retry_after_ms == 0
    assert err.__cause__ is rpc_error


def test_decodes_retry_after_and_metadata():
    details = errors_pb2.ErrorDetails(reason=errors_pb2.RATE_LIMITED, retry_after_ms=1500,
                                      metadata={"limit": "login"})
    err = GigwireError.from_rpc_error(
        failed_call(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down", details))

    assert err.code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert err.reason == "RATE_LIMITED"
    assert err.retry_after_ms == 1500
    assert err.metadata == {"limit": "login"}
    assert err.field_violations == []


def test_skips_foreign_details_before_error_details():
    foreign = user_pb2.User(id="usr_x")
    details = errors_pb2.ErrorDetails(reason=errors_pb2.EMAIL_TAKEN)
    err = GigwireError.from_rpc_error(
        failed_call(grpc.StatusCode.ALREADY_EXISTS, "taken", foreign, details))
    assert err.reason == "EMAIL_TAKEN"


@pytest.mark.parametrize("trailing", [
    [],
    [(STATUS_DETAILS_KEY, b"")],
    [(STATUS_DETAILS_KEY, b"\xff\xff\xff garbage")],
    [(STATUS_DETAILS_KEY, status_bytes(grpc.StatusCode.NOT_FOUND, "no details"))],
    [(STATUS_DETAILS_KEY, status_bytes(grpc.StatusCode.NOT_FOUND, "x", user_pb2.User()))],
], ids=["no-trailer", "empty", "corrupt", "no-details", "foreign-detail"])
def test_missing_or_bad_details_keep_code_and_message(trailing):
    rpc_error = FakeRpcError(grpc.StatusCode.NOT_FOUND, "gone", trailing)
    err = GigwireError.from_rpc_error(rpc_error)

    assert err.code is grpc.StatusCode.NOT_FOUND
    assert err.message == "gone"
    assert err.reason == "ERROR_REASON_UNSPECIFIED"
    assert err.field_violations == []
    assert err.__cause__ is rpc_error


def test_unknown_reason_number_is_unspecified():
    details = errors_pb2.ErrorDetails()
    details.ParseFromString(b"\x08\xe7\x07")  # reason = 999, from a newer server
    assert details.reason == 999
    err = GigwireError.from_rpc_error(failed_call(grpc.StatusCode.ABORTED, "x", details))
    assert err.reason == "ERROR_REASON_UNSPECIFIED"
    assert reason_name(errors_pb2.ETAG_MISMATCH) == "ETAG_MISMATCH"


def test_error_without_call_accessors_is_unknown():
    err = GigwireError.from_rpc_error(grpc.RpcError("bare"))
    assert err.code is grpc.StatusCode.UNKNOWN
    assert err.reason == "ERROR_REASON_UNSPECIFIED"


def test_str_names_code_reason_and_fields():
    err = GigwireError(grpc.StatusCode.INVALID_ARGUMENT, "bad", reason="INVALID_FIELDS",
                       field_violations=[("email", "malformed")])
    assert str(err) == "INVALID_ARGUMENT (INVALID_FIELDS): bad [email: malformed]"
    assert isinstance(err, Exception)
