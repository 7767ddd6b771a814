# Shared helpers of the Python end-to-end tests: test data and error assertions.
import contextlib
import uuid

import grpc
import pytest

from gigwire import GigwireError
from gigwire.v1 import auth_pb2, user_pb2

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password-123"
USER_PASSWORD = "user-password-1234"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def register_request(email=None, roles=(user_pb2.ROLE_BUYER,), **overrides):
    fields = dict(email=email or unique_email(), password=USER_PASSWORD,
                  display_name="Test User", roles=list(roles))
    fields.update(overrides)
    return auth_pb2.RegisterRequest(**fields)


@contextlib.contextmanager
def raises_gigwire(code: grpc.StatusCode, *reasons: str):
    """Expects a GigwireError with exactly `code` and, if given, one of `reasons`.

    Yields pytest's ExceptionInfo, so `.value` is the error.
    """
    with pytest.raises(GigwireError) as caught:
        yield caught
    err = caught.value
    assert err.code == code, f"expected {code.name}, got {err!r}"
    if reasons:
        assert err.reason in reasons, f"expected reason in {reasons}, got {err!r}"


def violated_fields(err: GigwireError) -> set:
    return {field for field, _ in err.field_violations}
