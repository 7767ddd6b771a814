# The service config shared by every SDK (sdk/service_config.json): that it
# covers every RPC under the retry rule of sdk/README.md, and that the Python
# client applies it (deadline, retries keeping one request_id, token refresh),
# against an in-process fake server that fails on purpose.
import importlib
import json
import pkgutil
import time

import grpc
import pytest

import gigwire.v1
from gigwire import Client, GigwireError
from gigwire.client import service_config_json, with_request_id
from fake_server import abort, serving
from gigwire.v1 import auth_pb2, auth_pb2_grpc, errors_pb2, job_pb2, job_pb2_grpc
from gigwire.v1 import user_pb2, user_pb2_grpc

# Mutations without a request_id that may still be retried: repeating them
# changes nothing (sdk/README.md, "Retries").
# Calls without a request_id that are safe to repeat: a second one changes
# nothing more (reconciling only reads; refreshing records what the provider
# says, once).
# Marking a conversation read never moves the mark back; joining, blocking and
# unblocking are idempotent.
IDEMPOTENT_WITHOUT_REQUEST_ID = {"gigwire.v1.AuthService/Logout",
                                 "gigwire.v1.NotificationService/MarkNotificationsRead",
                                 "gigwire.v1.LedgerService/ReconcileLedger",
                                 "gigwire.v1.PaymentService/RefreshPayment",
                                 "gigwire.v1.ConversationService/MarkRead",
                                 "gigwire.v1.ConversationService/JoinConversation",
                                 "gigwire.v1.ConversationService/BlockUser",
                                 "gigwire.v1.ConversationService/UnblockUser"}
READ_PREFIXES = ("Get", "List", "Search")


def all_methods():
    """(full name "pkg.Service/Method", MethodDescriptor) of every RPC of gigwire.v1."""
    for module in pkgutil.iter_modules(gigwire.v1.__path__):
        if module.name.endswith("_pb2"):
            descriptor = importlib.import_module(f"gigwire.v1.{module.name}").DESCRIPTOR
            for service in descriptor.services_by_name.values():
                for method in service.methods:
                    yield f"{service.full_name}/{method.name}", method


def method_configs():
    """{"pkg.Service/Method": its methodConfig entry}; fails on a duplicate."""
    configs = {}
    for entry in json.loads(service_config_json())["methodConfig"]:
        for name in entry["name"]:
            key = f"{name['service']}/{name['method']}"
            assert key not in configs, f"{key} is configured twice"
            configs[key] = entry
    return configs


def test_every_rpc_is_configured_exactly_once():
    assert set(method_configs()) == {name for name, _ in all_methods()}


@pytest.mark.parametrize("name,method", list(all_methods()), ids=lambda v: str(v))
def test_retry_and_deadline_follow_the_rule(name, method):
    entry = method_configs()[name]
    # Streams either way: the watch helpers reconnect and streams stay open; an
    # upload's or download's length depends on its size, and the file helpers resume.
    if method.server_streaming or method.client_streaming:
        assert "timeout" not in entry and "retryPolicy" not in entry
        return
    assert entry["timeout"] == "10s"
    has_request_id = "request_id" in method.input_type.fields_by_name
    retry_allowed = (method.name.startswith(READ_PREFIXES) or has_request_id
                     or name in IDEMPOTENT_WITHOUT_REQUEST_ID)
    assert ("retryPolicy" in entry) == retry_allowed
    if "retryPolicy" in entry:
        assert entry["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE", "CANCELLED"]


def test_with_request_id_fills_only_an_empty_id_and_copies():
    empty = job_pb2.CreateJobRequest()
    filled = with_request_id(empty)
    assert filled is not empty and empty.request_id == ""
    assert len(filled.request_id) == 36  # a UUID
    assert with_request_id(filled) is filled
    assert with_request_id(job_pb2.CreateJobRequest(request_id="mine")).request_id == "mine"
    no_field = job_pb2.GetJobRequest(id="job_1")
    assert with_request_id(no_field) is no_field


class FlakyServer(job_pb2_grpc.JobServiceServicer, auth_pb2_grpc.AuthServiceServicer,
                  user_pb2_grpc.UserServiceServicer):
    """CreateJob fails UNAVAILABLE on the first attempt of each request_id;
    Register always fails UNAVAILABLE; GetMe refuses the token "stale" as expired."""

    def __init__(self):
        self.calls = []  # (method, request_id or token, seconds left)
        self.get_me_delay = 0.0

    def CreateJob(self, request, context):
        first = all(r != request.request_id for _, r, _ in self.calls)
        self.calls.append(("CreateJob", request.request_id, context.time_remaining()))
        if first:
            abort(context, grpc.StatusCode.UNAVAILABLE, "fake", errors_pb2.ERROR_REASON_UNSPECIFIED)
        return job_pb2.Job(id="job_1", title=request.job.title)

    def Register(self, request, context):
        self.calls.append(("Register", "", context.time_remaining()))
        abort(context, grpc.StatusCode.UNAVAILABLE, "fake", errors_pb2.ERROR_REASON_UNSPECIFIED)

    def Login(self, request, context):
        return auth_pb2.TokenPair(access_token="stale", refresh_token="refresh-1")

    def Refresh(self, request, context):
        self.calls.append(("Refresh", request.refresh_token, context.time_remaining()))
        return auth_pb2.TokenPair(access_token="fresh", refresh_token="refresh-2")

    def GetMe(self, request, context):
        token = dict(context.invocation_metadata()).get("authorization", "")
        self.calls.append(("GetMe", token, context.time_remaining()))
        time.sleep(self.get_me_delay)
        if token == "Bearer stale":
            abort(context, grpc.StatusCode.UNAUTHENTICATED, "fake", errors_pb2.TOKEN_EXPIRED)
        return user_pb2.User(id="usr_1")


@pytest.fixture
def flaky():
    servicer = FlakyServer()
    with serving(servicer, job_pb2_grpc.add_JobServiceServicer_to_server,
                 auth_pb2_grpc.add_AuthServiceServicer_to_server,
                 user_pb2_grpc.add_UserServiceServicer_to_server) as address:
        yield servicer, address


def test_mutation_is_retried_with_the_same_filled_in_request_id(flaky):
    servicer, address = flaky
    with Client(address, token="t") as client:
        job = client.jobs.CreateJob(job_pb2.CreateJobRequest(job=job_pb2.Job(title="T")))
    assert job.id == "job_1"
    attempts = [r for m, r, _ in servicer.calls if m == "CreateJob"]
    assert len(attempts) == 2 and attempts[0] == attempts[1] and attempts[0] != ""


def test_mutation_without_request_id_is_not_retried(flaky):
    servicer, address = flaky
    with Client(address) as client, pytest.raises(GigwireError) as error:
        client.auth.Register(auth_pb2.RegisterRequest(email="a@example.com"))
    assert error.value.code == grpc.StatusCode.UNAVAILABLE
    assert [m for m, _, _ in servicer.calls] == ["Register"]


def test_service_config_deadline_applies(flaky):
    # gRPC enforces a service config's timeout on the client without sending it
    # to the server, so prove it with a short one and a server that is slower.
    servicer, address = flaky
    config = json.loads(service_config_json())
    for entry in config["methodConfig"]:
        if "timeout" in entry:
            entry["timeout"] = "0.2s"
    servicer.get_me_delay = 2.0
    with Client(address, token="t", service_config=json.dumps(config)) as client:
        with pytest.raises(GigwireError) as error:
            client.users.GetMe(user_pb2.GetMeRequest())
    assert error.value.code == grpc.StatusCode.DEADLINE_EXCEEDED


def test_expired_token_is_refreshed_once_and_the_call_retried(flaky):
    servicer, address = flaky
    with Client(address) as client:
        client.login("a@example.com", "pw")
        assert client.users.GetMe(user_pb2.GetMeRequest()).id == "usr_1"
        assert client.token == "fresh"
    assert [(m, r) for m, r, _ in servicer.calls] == [
        ("GetMe", "Bearer stale"), ("Refresh", "refresh-1"), ("GetMe", "Bearer fresh")]
