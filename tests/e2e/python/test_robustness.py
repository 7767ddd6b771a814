# What an outside user hit first (issue 12), end to end against a real gigwired:
# undecodable requests, huge echoed values, shutdown with idle connections and
# writes in flight, a second server on the same database, a resume cursor from
# the future. Raw gRPC calls are used where the SDK would hide the answer (it
# retries UNAVAILABLE and cannot send malformed bytes).
import json
import signal
import socket
import subprocess
import threading
import time
import uuid

import grpc
import pytest
from google.protobuf import timestamp_pb2

from conftest import gigwired_path
from e2e_support import ADMIN_EMAIL, ADMIN_PASSWORD, raises_gigwire
from gigwire import Client, GigwireError
from gigwire.v1 import (auth_pb2, auth_pb2_grpc, catalog_pb2, catalog_pb2_grpc, category_pb2,
                        common_pb2, event_pb2, event_pb2_grpc, job_pb2, job_pb2_grpc, user_pb2,
                        user_pb2_grpc)

GET_JOB = "/gigwire.v1.JobService/GetJob"
WATCH_EVENTS = "/gigwire.v1.EventService/WatchEvents"
# Field 1 (id / resume_cursor), length 2, bytes that are not UTF-8.
NOT_UTF8_FIELD_1 = b"\x0a\x02\xff\xfe"
NOT_PROTOBUF = b"\xff\xff\xff"
# Shutdown must not wait for the grace period; the test allows half of it.
LONG_GRACE_S = 60


def log_lines(server) -> list:
    return server.log_path.read_text(errors="replace").splitlines()


def rpc_lines(server, method: str) -> list:
    """The server's JSON log lines of calls to `method` (every line must be JSON)."""
    found = []
    for line in log_lines(server):
        entry = json.loads(line)  # fails the test on any line that is not JSON
        if entry.get("msg") == "rpc" and entry.get("method") == method:
            found.append(entry)
    return found


def call_raw_unary(channel, method, payload: bytes) -> GigwireError:
    with pytest.raises(grpc.RpcError) as caught:
        channel.unary_unary(method)(payload, timeout=10)
    return GigwireError.from_rpc_error(caught.value)


def call_raw_stream(channel, method, payload: bytes) -> GigwireError:
    with pytest.raises(grpc.RpcError) as caught:
        for _ in channel.unary_stream(method)(payload, timeout=10):
            pass
    return GigwireError.from_rpc_error(caught.value)


def test_undecodable_requests_are_invalid_argument_and_logged_as_json(start_server):
    server = start_server()
    with grpc.insecure_channel(server.address) as channel:
        for payload in (NOT_UTF8_FIELD_1, NOT_PROTOBUF):
            for call, method in ((call_raw_unary, GET_JOB), (call_raw_stream, WATCH_EVENTS)):
                err = call(channel, method, payload)
                assert (err.code, err.reason) == (grpc.StatusCode.INVALID_ARGUMENT,
                                                  "MALFORMED_REQUEST"), (method, err)
        named = call_raw_unary(channel, GET_JOB, NOT_UTF8_FIELD_1)
        assert "gigwire.v1.GetJobRequest.id" in named.message
        for _ in range(200):
            call_raw_unary(channel, GET_JOB, NOT_UTF8_FIELD_1)
    lines = rpc_lines(server, GET_JOB)
    assert len(lines) == 203
    assert {(e["code"], e["reason"]) for e in lines} == {("INVALID_ARGUMENT", "MALFORMED_REQUEST")}
    assert len(rpc_lines(server, WATCH_EVENTS)) == 2
    # protobuf's own complaint is in the call's line, not a line of its own per call.
    assert not [line for line in log_lines(server) if "libprotobuf" in line]


def test_a_huge_id_is_not_echoed_in_full(start_server):
    server = start_server()
    huge_id = "gig_" + "x" * (1 << 20)
    with grpc.insecure_channel(server.address,
                               options=[("grpc.max_send_message_length", 8 << 20)]) as channel:
        stub = catalog_pb2_grpc.CatalogServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetGig(catalog_pb2.GetGigRequest(id=huge_id), timeout=10)
    err = GigwireError.from_rpc_error(caught.value)
    assert (err.code, err.reason) == (grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND")
    assert err.message.endswith("not found") and len(err.message) < 1024
    assert f"...({len('gig ' + huge_id)} bytes) not found" in err.message  # how long it was
    assert max(len(line) for line in log_lines(server)) < 8192


def test_a_cursor_ahead_of_the_newest_event_has_its_own_reason(start_server):
    server = start_server()
    with grpc.insecure_channel(server.address) as channel:
        stub = event_pb2_grpc.EventServiceStub(channel)
        token = login_admin_token(channel)
        stream = stub.WatchEvents(event_pb2.WatchEventsRequest(resume_cursor="999999999"),
                                  metadata=[("authorization", f"Bearer {token}")], timeout=10)
        with pytest.raises(grpc.RpcError) as caught:
            for _ in stream:
                pass
    err = GigwireError.from_rpc_error(caught.value)
    assert (err.code, err.reason) == (grpc.StatusCode.OUT_OF_RANGE, "CURSOR_AHEAD")


def login_admin_token(channel) -> str:
    tokens = auth_pb2_grpc.AuthServiceStub(channel).Login(
        auth_pb2.LoginRequest(email=ADMIN_EMAIL, password=ADMIN_PASSWORD), timeout=10)
    return tokens.access_token


def wait_exit(server, limit_s: float) -> int:
    try:
        return server.process.wait(timeout=limit_s)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gigwired still running {limit_s}s after SIGTERM:\n{server.log_tail()}")


def test_idle_connections_do_not_hold_up_shutdown(start_server):
    server = start_server("--shutdown-grace-seconds", str(LONG_GRACE_S))
    channel = grpc.insecure_channel(server.address)
    stub = catalog_pb2_grpc.CatalogServiceStub(channel)
    stub.ListCategories(catalog_pb2.ListCategoriesRequest(), timeout=10)  # connected, now idle
    host, port = server.address.rsplit(":", 1)
    raw = socket.create_connection((host, int(port)))  # a client that never speaks
    try:
        server.process.send_signal(signal.SIGTERM)
        assert wait_exit(server, LONG_GRACE_S / 2) == 0
    finally:
        raw.close()
        channel.close()


def job_writer(address, token, category_id, stop, codes):
    """Creates jobs through the SDK (its retry policy, its request_ids) until `stop`,
    recording each call's final code."""
    with Client(address, token=token) as client:
        while not stop.is_set():
            try:
                client.jobs.CreateJob(new_job(category_id))
                codes.append(grpc.StatusCode.OK)
            except GigwireError as e:
                codes.append(e.code)
                time.sleep(0.01)


def new_job(category_id) -> job_pb2.CreateJobRequest:
    due = timestamp_pb2.Timestamp(seconds=int(time.time()) + 7 * 86400)
    usd = lambda minor: common_pb2.Money(currency_code="USD", amount_minor=minor)  # noqa: E731
    job = job_pb2.Job(title="Shutdown test job", description="written during shutdown",
                      category_id=category_id, due_time=due,
                      budget=common_pb2.MoneyRange(min=usd(1000), max=usd(2000)))
    return job_pb2.CreateJobRequest(job=job, request_id=uuid.uuid4().hex)


def test_writes_in_flight_at_shutdown_end_ok_or_unavailable(start_server):
    """Never CANCELLED: every write gigwired runs either commits or is refused UNAVAILABLE
    (safe to retry with its request_id). A call still queued inside gRPC when the server
    closes is cancelled by gRPC itself, before it ran; the SDKs retry that too."""
    server = start_server("--shutdown-grace-seconds", str(LONG_GRACE_S),
                          "--rate-principal-per-second", "100000",
                          "--rate-principal-burst", "100000")
    with grpc.insecure_channel(server.address) as channel:
        token = login_admin_token(channel)
        category_id = make_admin_a_buyer_with_a_category(channel, token)
    stop, codes = threading.Event(), []
    writers = [threading.Thread(target=job_writer,
                                args=(server.address, token, category_id, stop, codes))
               for _ in range(4)]
    for writer in writers:
        writer.start()
    time.sleep(0.5)
    server.process.send_signal(signal.SIGTERM)
    assert wait_exit(server, LONG_GRACE_S / 2) == 0
    time.sleep(0.3)
    stop.set()
    for writer in writers:
        writer.join()
    seen = set(codes)
    assert grpc.StatusCode.OK in seen
    assert seen <= {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, seen
    served = {entry["code"] for entry in rpc_lines(server, "/gigwire.v1.JobService/CreateJob")}
    assert "OK" in served and served <= {"OK", "UNAVAILABLE"}, served


def make_admin_a_buyer_with_a_category(channel, token) -> str:
    """Gives the admin the buyer role (it posts the jobs) and makes a category; its id."""
    metadata = [("authorization", f"Bearer {token}")]
    users = user_pb2_grpc.UserServiceStub(channel)
    me = users.GetMe(user_pb2.GetMeRequest(), metadata=metadata, timeout=10)
    users.GrantRole(user_pb2.GrantRoleRequest(user_id=me.id, role=user_pb2.ROLE_BUYER),
                    metadata=metadata, timeout=10)
    category = catalog_pb2_grpc.CatalogServiceStub(channel).CreateCategory(
        catalog_pb2.CreateCategoryRequest(category=category_pb2.Category(
            slug=f"shutdown-{uuid.uuid4().hex[:8]}", display_name="Shutdown")),
        metadata=metadata, timeout=10)
    return category.id


def test_a_second_gigwired_on_the_same_database_refuses_to_start(start_server):
    first = start_server()
    db = first.data_dir / "gigwire.db"
    second = subprocess.run(
        [str(gigwired_path()), "--listen", "127.0.0.1:0", "--db", str(db),
         "--insecure-fast-password-hashing"],
        capture_output=True, text=True, timeout=30)
    assert second.returncode == 1
    fatal = [json.loads(line) for line in second.stderr.splitlines()
             if json.loads(line).get("msg") == "fatal"]
    assert len(fatal) == 1 and "already served by process" in fatal[0]["error"], second.stderr
    assert str(first.process.pid) in fatal[0]["error"]
    assert first.process.poll() is None  # the first one keeps serving
    with grpc.insecure_channel(first.address) as channel:
        catalog_pb2_grpc.CatalogServiceStub(channel).ListCategories(
            catalog_pb2.ListCategoriesRequest(), timeout=10)


def test_a_users_streams_end_when_its_roles_change(admin, new_user):
    """A stream is authorized when it opens: a role change ends it (UNAVAILABLE, so the
    SDKs reconnect at once) and the new stream sees what the new roles allow."""
    seller = new_user(roles=(user_pb2.ROLE_BUYER, user_pb2.ROLE_SELLER), prefix="revoked")
    stream = seller.client.events.WatchEvents(event_pb2.WatchEventsRequest())
    assert next(stream).HasField("heartbeat")
    admin.users.RevokeRole(user_pb2.RevokeRoleRequest(user_id=seller.user.id,
                                                      role=user_pb2.ROLE_SELLER))
    with raises_gigwire(grpc.StatusCode.UNAVAILABLE, "CREDENTIALS_CHANGED"):
        for _ in stream:
            pass
    again = seller.client.events.WatchEvents(event_pb2.WatchEventsRequest())
    assert next(again).HasField("heartbeat")
    again.cancel()
