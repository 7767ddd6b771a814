# End-to-end tests of gigwired's rate limits, each on a server of its own started
# with tight limits: per client address for AuthService, per email for Login and
# Register (one shared bucket per email).
import grpc

from e2e_support import USER_PASSWORD, raises_gigwire, register_request
from gigwire import Client
from gigwire.v1 import auth_pb2

SLOW_REFILL = "0.01"  # tokens per second: nothing refills during a test


def login_request(email):
    return auth_pb2.LoginRequest(email=email, password=USER_PASSWORD)


def test_auth_calls_are_limited_per_address(start_server):
    server = start_server("--rate-auth-per-second", SLOW_REFILL, "--rate-auth-burst", "3")
    with Client(server.address) as client:
        for _ in range(3):
            client.auth.Register(register_request())
        with raises_gigwire(grpc.StatusCode.RESOURCE_EXHAUSTED, "RATE_LIMITED") as caught:
            client.auth.Register(register_request())
    assert caught.value.retry_after_ms > 0


def test_login_and_register_are_limited_per_email(start_server):
    server = start_server("--rate-account-per-second", SLOW_REFILL,
                          "--rate-account-burst", "3")
    with Client(server.address) as client:
        limited, other = register_request(), register_request()
        client.auth.Register(limited)  # takes one of the email's 3 tokens
        client.auth.Register(other)
        for _ in range(2):
            client.auth.Login(login_request(limited.email))
        with raises_gigwire(grpc.StatusCode.RESOURCE_EXHAUSTED, "RATE_LIMITED") as caught:
            client.auth.Login(login_request(limited.email))
        assert caught.value.retry_after_ms > 0
        assert client.auth.Login(login_request(other.email)).access_token
