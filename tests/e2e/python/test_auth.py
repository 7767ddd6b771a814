# End-to-end tests of AuthService through the Python SDK against a real gigwired:
# registration, login, token checks, refresh rotation and reuse detection, logout.
import base64
import json

import grpc
import pytest

from e2e_support import (USER_PASSWORD, raises_gigwire, register_request, unique_email,
                         violated_fields)
from gigwire.v1 import auth_pb2, user_pb2

UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED


def test_register_buyer(connect):
    email = unique_email("Buyer").replace("@example.com", "@Example.COM")
    user = connect().auth.Register(register_request(email, display_name="Bea Buyer"))

    assert user.id.startswith("usr_")
    assert user.email == email.lower()
    assert user.display_name == "Bea Buyer"
    assert list(user.roles) == [user_pb2.ROLE_BUYER]
    assert user.create_time.seconds > 0


def test_register_duplicate_email(connect):
    client = connect()
    request = register_request()
    client.auth.Register(request)
    with raises_gigwire(grpc.StatusCode.ALREADY_EXISTS, "EMAIL_TAKEN"):
        client.auth.Register(request)


def test_register_duplicate_email_ignores_case(connect):
    client = connect()
    request = register_request()
    client.auth.Register(request)
    with raises_gigwire(grpc.StatusCode.ALREADY_EXISTS, "EMAIL_TAKEN"):
        client.auth.Register(register_request(request.email.upper()))


def test_register_bad_email_and_weak_password(connect):
    request = register_request("not-an-email", password="short-pw")
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        connect().auth.Register(request)
    assert violated_fields(caught.value) == {"email", "password"}
    assert all(description for _, description in caught.value.field_violations)


def test_register_admin_role_is_rejected(connect):
    request = register_request(roles=[user_pb2.ROLE_BUYER, user_pb2.ROLE_ADMIN])
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        connect().auth.Register(request)
    assert "roles" in violated_fields(caught.value)


def test_login_returns_token_pair(connect):
    client = connect()
    registered = client.auth.Register(register_request(email := unique_email()))
    tokens = client.login(email.upper(), USER_PASSWORD)

    assert tokens.access_token and tokens.refresh_token
    assert tokens.access_token.count(".") == 2  # a JWT
    assert tokens.user.id == registered.id
    assert 0 < tokens.access_token_expire_time.seconds < tokens.refresh_token_expire_time.seconds


def test_wrong_password_and_unknown_email_look_the_same(new_user, connect):
    user = new_user()
    client = connect()
    with raises_gigwire(UNAUTHENTICATED, "INVALID_CREDENTIALS") as wrong_password:
        client.login(user.email, "wrong-password-123")
    with raises_gigwire(UNAUTHENTICATED, "INVALID_CREDENTIALS") as unknown_email:
        client.login(unique_email("nobody"), "wrong-password-123")
    assert wrong_password.value.message == unknown_email.value.message


def test_get_me_with_token(new_user):
    user = new_user()
    me = user.client.users.GetMe(user_pb2.GetMeRequest())
    assert me.id == user.user.id
    assert me.email == user.email
    assert me.etag


def test_get_me_without_credentials(connect):
    with raises_gigwire(UNAUTHENTICATED, "CREDENTIALS_MISSING"):
        connect().users.GetMe(user_pb2.GetMeRequest())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def with_claims_changed(token: str) -> str:
    """Re-encodes the JWT payload with an extra claim, keeping the old signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["ROLE_ADMIN"]
    return ".".join([header, b64url(json.dumps(claims).encode()), signature])


def with_signature_flipped(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return ".".join([header, payload, signature[:middle] + flipped + signature[middle + 1:]])


def with_alg_none(token: str) -> str:
    """The classic "alg": "none" forgery: unsigned token with the same claims."""
    _, payload, _ = token.split(".")
    return ".".join([b64url(b'{"alg":"none","typ":"JWT"}'), payload, ""])


@pytest.mark.parametrize("tamper", [
    with_signature_flipped,
    with_claims_changed,
    with_alg_none,
    lambda token: token.rsplit(".", 1)[0] + ".",
    lambda token: "not-a-jwt",
], ids=["signature-flipped", "claims-changed", "alg-none", "signature-stripped", "garbage"])
def test_tampered_token_is_rejected(new_user, connect, tamper):
    user = new_user()
    forged = connect(token=tamper(user.client.token))
    with raises_gigwire(UNAUTHENTICATED, "TOKEN_INVALID"):
        forged.users.GetMe(user_pb2.GetMeRequest())


def test_refresh_rotates_tokens(new_user, connect):
    user = new_user()
    old = user.client.tokens
    new = user.client.refresh()

    assert new.access_token != old.access_token
    assert new.refresh_token != old.refresh_token
    me = connect(token=new.access_token).users.GetMe(user_pb2.GetMeRequest())
    assert me.id == user.user.id
    newer = user.client.refresh()  # the new refresh token works too
    assert newer.refresh_token not in (old.refresh_token, new.refresh_token)


def test_refresh_token_reuse_revokes_family(new_user):
    user = new_user()
    auth = user.client.auth
    first = user.client.tokens
    second = user.client.refresh()

    with raises_gigwire(UNAUTHENTICATED, "REFRESH_TOKEN_REUSED"):
        auth.Refresh(auth_pb2.RefreshRequest(refresh_token=first.refresh_token))
    with raises_gigwire(UNAUTHENTICATED, "REFRESH_TOKEN_INVALID", "REFRESH_TOKEN_REUSED"):
        auth.Refresh(auth_pb2.RefreshRequest(refresh_token=second.refresh_token))


def test_refresh_with_unknown_token(connect):
    with raises_gigwire(UNAUTHENTICATED, "REFRESH_TOKEN_INVALID"):
        connect().auth.Refresh(auth_pb2.RefreshRequest(refresh_token="no-such-token"))


def test_logout_then_refresh_fails(new_user):
    user = new_user()
    refresh_token = user.client.tokens.refresh_token
    user.client.logout()
    with raises_gigwire(UNAUTHENTICATED, "REFRESH_TOKEN_INVALID"):
        user.client.auth.Refresh(auth_pb2.RefreshRequest(refresh_token=refresh_token))


def test_logout_is_idempotent(new_user):
    user = new_user()
    request = auth_pb2.LogoutRequest(refresh_token=user.client.tokens.refresh_token)
    user.client.auth.Logout(request)
    user.client.auth.Logout(request)
    user.client.auth.Logout(auth_pb2.LogoutRequest(refresh_token="no-such-token"))
