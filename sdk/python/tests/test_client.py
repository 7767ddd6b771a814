# Unit tests of gigwire.Client against an in-process fake server (Python gRPC):
# metadata, credentials, deadlines, token storage and error mapping.
import importlib
import pkgutil

import grpc
import pytest

import gigwire.v1
from gigwire import Client, GigwireError, ServerStream, Unary, __version__
from gigwire._service import Service as _Service
from gigwire.v1 import api_key_pb2, assignment_pb2, audit_pb2, auth_pb2, auth_pb2_grpc
from gigwire.v1 import booking_pb2, catalog_pb2, errors_pb2, event_pb2, job_pb2
from gigwire.v1 import notification_pb2, offer_pb2, portfolio_pb2, proposal_pb2, review_pb2
from gigwire.v1 import seller_pb2, user_pb2, user_pb2_grpc
from fake_server import abort, serving

PASSWORD = "right-password-123"
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED


class FakeServer(auth_pb2_grpc.AuthServiceServicer, user_pb2_grpc.UserServiceServicer):
    """Records each call's metadata and deadline; issues tokens access-N / refresh-N."""

    def __init__(self):
        self.calls = []  # (method, metadata dict, time_remaining)
        self.generation = 0

    def _record(self, method, context):
        self.calls.append((method, dict(context.invocation_metadata()), context.time_remaining()))

    def _tokens(self):
        self.generation += 1
        n = self.generation
        return auth_pb2.TokenPair(access_token=f"access-{n}", refresh_token=f"refresh-{n}",
                                  user=user_pb2.User(id="usr_1"))

    def Login(self, request, context):
        self._record("Login", context)
        if request.password != PASSWORD:
            abort(context, UNAUTHENTICATED, "bad login", errors_pb2.INVALID_CREDENTIALS)
        return self._tokens()

    def Refresh(self, request, context):
        self._record("Refresh", context)
        if request.refresh_token != f"refresh-{self.generation}":
            abort(context, UNAUTHENTICATED, "reused", errors_pb2.REFRESH_TOKEN_REUSED)
        return self._tokens()

    def Logout(self, request, context):
        self._record(f"Logout:{request.refresh_token}", context)
        return auth_pb2.LogoutResponse()

    def GetMe(self, request, context):
        self._record("GetMe", context)
        metadata = dict(context.invocation_metadata())
        credential = metadata.get("authorization") or metadata.get("x-api-key")
        if not credential:
            abort(context, UNAUTHENTICATED, "no creds", errors_pb2.CREDENTIALS_MISSING)
        return user_pb2.User(id="usr_1", display_name=credential)


@pytest.fixture(scope="module")
def fake():
    servicer = FakeServer()
    with serving(servicer, auth_pb2_grpc.add_AuthServiceServicer_to_server,
                 user_pb2_grpc.add_UserServiceServicer_to_server) as address:
        yield servicer, address


@pytest.fixture
def server(fake):
    servicer, address = fake
    servicer.calls.clear()
    return servicer, address


def last_call(servicer):
    return servicer.calls[-1]


def test_sends_sdk_version_and_bearer_token(server):
    servicer, address = server
    with Client(address, token="tok-abc") as client:
        me = client.users.GetMe(user_pb2.GetMeRequest())
    assert me.display_name == "Bearer tok-abc"
    _, metadata, _ = last_call(servicer)
    assert metadata["x-gigwire-sdk"] == f"python/{__version__}"
    assert metadata["authorization"] == "Bearer tok-abc"
    assert "x-api-key" not in metadata


def test_sends_api_key(server):
    servicer, address = server
    with Client(address, api_key="key_secret") as client:
        assert client.users.GetMe(user_pb2.GetMeRequest()).display_name == "key_secret"
    assert "authorization" not in last_call(servicer)[1]


def test_token_and_api_key_are_exclusive():
    with pytest.raises(ValueError):
        Client("127.0.0.1:1", token="t", api_key="k")


def test_default_deadline_and_override(server):
    servicer, address = server
    with Client(address, token="t", timeout=5.0) as client:
        client.users.GetMe(user_pb2.GetMeRequest())
        default_remaining = last_call(servicer)[2]
        client.users.GetMe(user_pb2.GetMeRequest(), timeout=60.0)
        override_remaining = last_call(servicer)[2]
    # gRPC rounds deadlines on the wire; allow a little slack above the timeout.
    assert 0 < default_remaining <= 5.5
    assert 30.0 < override_remaining <= 60.5


def test_extra_metadata_is_sent(server):
    servicer, address = server
    with Client(address, token="t") as client:
        client.users.GetMe(user_pb2.GetMeRequest(), metadata=[("x-request-tag", "abc")])
    assert last_call(servicer)[1]["x-request-tag"] == "abc"


def test_error_is_typed_and_chained(server):
    _, address = server
    with Client(address) as client:
        with pytest.raises(GigwireError) as caught:
            client.users.GetMe(user_pb2.GetMeRequest())
    err = caught.value
    assert err.code is grpc.StatusCode.UNAUTHENTICATED
    assert err.reason == "CREDENTIALS_MISSING"
    assert err.message == "no creds"
    assert isinstance(err.__cause__, grpc.RpcError)
    assert err.__cause__.code() is grpc.StatusCode.UNAUTHENTICATED


def test_login_stores_tokens_and_auth_calls_send_no_credentials(server):
    servicer, address = server
    with Client(address, api_key="key_secret") as client:
        tokens = client.login("a@example.com", PASSWORD)
        assert "x-api-key" not in last_call(servicer)[1]
        assert client.token == tokens.access_token
        assert client.tokens == tokens
        me = client.users.GetMe(user_pb2.GetMeRequest())
    assert me.display_name == f"Bearer {tokens.access_token}"


def test_failed_login_raises_and_keeps_state(server):
    _, address = server
    with Client(address) as client:
        with pytest.raises(GigwireError) as caught:
            client.login("a@example.com", "wrong-password-1")
        assert caught.value.reason == "INVALID_CREDENTIALS"
        assert client.token is None and client.tokens is None


def test_refresh_rotates_stored_pair(server):
    servicer, address = server
    with Client(address) as client:
        first = client.login("a@example.com", PASSWORD)
        second = client.refresh()
        assert servicer.calls[-1][0] == "Refresh"
        assert second.refresh_token != first.refresh_token
        assert client.token == second.access_token
        me = client.users.GetMe(user_pb2.GetMeRequest())
        assert me.display_name == f"Bearer {second.access_token}"


def test_refresh_without_login_is_an_error():
    with Client("127.0.0.1:1") as client:
        with pytest.raises(ValueError):
            client.refresh()


def test_logout_sends_refresh_token_and_forgets_pair(server):
    servicer, address = server
    with Client(address) as client:
        tokens = client.login("a@example.com", PASSWORD)
        client.logout()
        assert last_call(servicer)[0] == f"Logout:{tokens.refresh_token}"
        assert client.token is None and client.tokens is None


def test_closed_client_refuses_calls(server):
    _, address = server
    client = Client(address, token="t")
    with client:
        client.users.GetMe(user_pb2.GetMeRequest())
    with pytest.raises(ValueError):
        client.users.GetMe(user_pb2.GetMeRequest())


@pytest.mark.parametrize("attribute, descriptor", [
    ("auth", auth_pb2.DESCRIPTOR.services_by_name["AuthService"]),
    ("users", user_pb2.DESCRIPTOR.services_by_name["UserService"]),
    ("api_keys", api_key_pb2.DESCRIPTOR.services_by_name["ApiKeyService"]),
    ("catalog", catalog_pb2.DESCRIPTOR.services_by_name["CatalogService"]),
    ("sellers", seller_pb2.DESCRIPTOR.services_by_name["SellerService"]),
    ("jobs", job_pb2.DESCRIPTOR.services_by_name["JobService"]),
    ("assignments", assignment_pb2.DESCRIPTOR.services_by_name["AssignmentService"]),
    ("offers", offer_pb2.DESCRIPTOR.services_by_name["OfferService"]),
    ("bookings", booking_pb2.DESCRIPTOR.services_by_name["BookingService"]),
    ("reviews", review_pb2.DESCRIPTOR.services_by_name["ReviewService"]),
    ("audit", audit_pb2.DESCRIPTOR.services_by_name["AuditService"]),
    ("events", event_pb2.DESCRIPTOR.services_by_name["EventService"]),
    ("notifications", notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]),
    ("proposals", proposal_pb2.DESCRIPTOR.services_by_name["ProposalService"]),
    ("portfolio", portfolio_pb2.DESCRIPTOR.services_by_name["PortfolioService"]),
])
def test_every_rpc_of_each_service_is_exposed(attribute, descriptor):
    with Client("127.0.0.1:1") as client:
        service = getattr(client, attribute)
        for method in descriptor.methods:
            wrapper = ServerStream if method.server_streaming else Unary
            assert isinstance(getattr(service, method.name, None), wrapper), method.full_name


def test_every_service_of_gigwire_v1_is_bound():
    modules = [importlib.import_module(f"gigwire.v1.{info.name}")
               for info in pkgutil.iter_modules(gigwire.v1.__path__)
               if info.name.endswith("_pb2")]
    declared = {name for module in modules for name in module.DESCRIPTOR.services_by_name}
    assert "JobService" in declared
    with Client("127.0.0.1:1") as client:
        bound = {type(service)._stub_class.__name__.removesuffix("Stub")
                 for service in vars(client).values() if isinstance(service, _Service)}
    assert bound == declared
