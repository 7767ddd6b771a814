# The web port (gigwired --web-listen) from outside, with a gRPC-Web client of
# our own (grpc_web_client.py) beside the gRPC SDK: the same calls get the same
# answers, codes and reasons both ways; streams work and end cleanly; bad
# input, foreign origins, oversized bodies, idle and surplus connections get a
# clear HTTP or gRPC answer and never reach a handler half-parsed. The browser
# itself (the SDK's browser build, the console) is tested in Chromium.
import base64
import http.client
import json
import random
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse

import grpc
import pytest

from conftest import RELAXED_AUTH_LIMITS, gigwired_path, launch, shutdown
from e2e_support import (ADMIN_EMAIL, ADMIN_PASSWORD, register_request, unique_email,
                         violated_fields)
from events_support import BUYER, Market, in_days, usd
from gigwire import Client, GigwireError
from gigwire.v1 import auth_pb2, common_pb2, event_pb2, event_type_pb2, job_pb2, user_pb2
from google.protobuf import json_format
from test_gigctl import certificate  # noqa: F401 (fixture)
from test_grpcurl import grpcurl  # noqa: F401 (fixture)
from grpc_web_client import (BINARY, TEXT, WebClient, frame, read_reply, stream_frames)

ALLOWED_ORIGIN = "http://console.example:5173"
LOGIN = "/gigwire.v1.AuthService/Login"
REGISTER = "/gigwire.v1.AuthService/Register"
GET_ME = "/gigwire.v1.UserService/GetMe"
GET_JOB = "/gigwire.v1.JobService/GetJob"
CREATE_JOB = "/gigwire.v1.JobService/CreateJob"
WATCH_EVENTS = "/gigwire.v1.EventService/WatchEvents"
INDEX_HTML = b"<!doctype html><title>console</title><script src=/app.js></script>"


def web_flags(root, *more):
    return ("--web-listen", "127.0.0.1:0", "--web-root", str(root), *more)


@pytest.fixture(scope="module")
def console_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("console")
    (root / "index.html").write_bytes(INDEX_HTML)
    (root / "app.js").write_text("console.log('gigwire');\n")
    (root / ".secret").write_text("not served\n")
    return root


@pytest.fixture(scope="module")
def web_server(tmp_path_factory, console_root):
    running = launch(gigwired_path(), tmp_path_factory.mktemp("gigwired-web"),
                     RELAXED_AUTH_LIMITS + web_flags(console_root, "--web-origin", ALLOWED_ORIGIN,
                                                     "--web-max-request-bytes", "65536"))
    yield running
    shutdown(running)


@pytest.fixture(scope="module")
def market(web_server):
    market = Market(web_server.address)
    yield market
    market.close()


@pytest.fixture
def web(web_server):
    client = WebClient(web_server.web_address)
    yield client
    client.close()


def grpc_error(call) -> GigwireError:
    with pytest.raises(GigwireError) as caught:
        call()
    return caught.value


def rpc_log_count(server, method: str) -> int:
    count = 0
    for line in server.log_path.read_text(errors="replace").splitlines():
        entry = json.loads(line)
        count += entry.get("msg") == "rpc" and entry.get("method") == method
    return count


# ---- same answers both ways ----

def test_login_and_get_me_answer_as_over_grpc_in_both_wire_modes(web, market):
    buyer = market.user(BUYER, prefix="web-buyer")
    request = auth_pb2.LoginRequest(email=buyer.email, password="user-password-1234")
    for text in (False, True):
        reply = web.call(LOGIN, request, text=text)
        assert (reply.http_status, reply.code) == (200, 0), reply
        tokens = auth_pb2.TokenPair.FromString(reply.messages[0])
        me = web.call(GET_ME, user_pb2.GetMeRequest(), token=tokens.access_token, text=text)
        assert me.code == 0
        assert user_pb2.User.FromString(me.messages[0]) == buyer.client.users.GetMe(
            user_pb2.GetMeRequest())
    assert reply.headers["content-type"] == TEXT


def test_errors_carry_the_same_code_reason_and_violations_as_grpc(web, market):
    buyer = market.user(BUYER, prefix="web-errors")
    anonymous = market.client()
    cases = [
        (GET_ME, user_pb2.GetMeRequest(), None,
         lambda: anonymous.users.GetMe(user_pb2.GetMeRequest())),
        (GET_JOB, job_pb2.GetJobRequest(id="job_doesnotexist"), buyer.token,
         lambda: buyer.client.jobs.GetJob(job_pb2.GetJobRequest(id="job_doesnotexist"))),
        (CREATE_JOB, job_pb2.CreateJobRequest(job=job_pb2.Job(title=""), request_id="r1"),
         buyer.token,
         lambda: buyer.client.jobs.CreateJob(
             job_pb2.CreateJobRequest(job=job_pb2.Job(title=""), request_id="r1"))),
    ]
    for method, request, token, over_grpc in cases:
        reply = web.call(method, request, token=token)
        expected = grpc_error(over_grpc)
        assert reply.code == expected.code.value[0], method
        assert reply.reason == expected.reason, method
        assert urllib.parse.unquote(reply.trailers["grpc-message"]) == expected.message, method
        assert ({v.field for v in reply.details.field_violations} ==
                violated_fields(expected)), method
    assert violated_fields(expected)  # the last case did name its bad fields


def test_an_error_without_messages_is_trailers_only(web, web_server):
    reply = web.call(GET_ME, user_pb2.GetMeRequest())
    assert reply.raw == b""  # the status travels in the HTTP headers
    assert reply.headers["grpc-status"] == str(grpc.StatusCode.UNAUTHENTICATED.value[0])
    assert reply.reason == grpc_error(
        lambda: Client(web_server.address).users.GetMe(user_pb2.GetMeRequest())).reason


# ---- streams ----

def test_a_watch_streams_events_as_they_commit(web, market):
    buyer = market.user(BUYER, prefix="web-watch")
    response = web.post(WATCH_EVENTS, frame(event_pb2.WatchEventsRequest().SerializeToString()),
                        headers={"authorization": f"Bearer {buyer.token}"})
    assert response.status == 200
    frames = stream_frames(response)
    flags, first = next(frames)
    assert flags == 0 and event_pb2.WatchEventsResponse.FromString(first).HasField("heartbeat")
    job = market.post_job(buyer, title="Streamed through gRPC-Web")
    for flags, payload in frames:
        assert flags == 0, payload
        message = event_pb2.WatchEventsResponse.FromString(payload)
        if message.HasField("event") and message.event.job.id == job.id:
            assert message.event.type == event_type_pb2.JOB_CREATED
            break
    response.close()


def test_a_watch_ends_with_unavailable_when_the_server_stops(tmp_path, console_root):
    server = launch(gigwired_path(), tmp_path, RELAXED_AUTH_LIMITS + web_flags(console_root))
    with Client(server.address) as client:
        client.login("admin@example.com", "admin-password-123")
        token = client.token
    web = WebClient(server.web_address)
    response = web.post(WATCH_EVENTS, frame(b""), headers={"authorization": f"Bearer {token}"})
    frames = stream_frames(response)
    assert next(frames)[0] == 0  # the opening heartbeat
    server.process.send_signal(signal.SIGTERM)
    trailer = [payload for flags, payload in frames if flags & 0x80]
    assert len(trailer) == 1 and b"grpc-status:14" in trailer[0], trailer
    assert server.process.wait(timeout=15) == 0


def test_sigterm_with_watches_open_and_reconnecting_exits_0_every_time(tmp_path, console_root):
    """SIGTERM while gRPC-Web watches are open, some of them reconnecting at once when their
    watch ends (as the browser SDK does), so that web calls keep arriving while the gRPC server
    shuts down. gigwired must exit 0 every time, each watch ending UNAVAILABLE. (A web call
    started on the in-process channel during the gRPC server's Shutdown crashed gigwired in an
    MHD thread, about one SIGTERM in two; the web port now stops forwarding first.)"""
    rounds, watches, reconnecting = 15, 4, 2
    args = RELAXED_AUTH_LIMITS + web_flags(console_root)
    server = launch(gigwired_path(), tmp_path, args)
    for round_ in range(rounds):
        if round_ > 0:
            server = launch(gigwired_path(), tmp_path, args, fresh=False)
        with Client(server.address) as client:
            client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            auth = {"authorization": f"Bearer {client.token}"}
        opened, stop, lock = threading.Semaphore(0), threading.Event(), threading.Lock()
        endings = []  # the trailer frames of each first watch

        def watch(reconnect: bool) -> None:
            web = WebClient(server.web_address, timeout=20)
            try:
                frames = stream_frames(web.post(WATCH_EVENTS, frame(b""), headers=auth))
                assert next(frames)[0] == 0  # the opening heartbeat
                opened.release()
                trailers = [payload for flags, payload in frames if flags & 0x80]
                with lock:
                    endings.append(trailers)
                while reconnect and not stop.is_set():
                    try:  # answered UNAVAILABLE, refused, or no server: at once again
                        for _ in stream_frames(web.post(WATCH_EVENTS, frame(b""), headers=auth)):
                            pass
                    except (OSError, http.client.HTTPException):
                        web.close()
                        time.sleep(0.002)
            finally:
                web.close()

        threads = [threading.Thread(target=watch, args=(i < reconnecting,), daemon=True)
                   for i in range(watches)]
        for thread in threads:
            thread.start()
        for _ in threads:
            assert opened.acquire(timeout=10), f"round {round_}: a watch did not open"
        server.process.send_signal(signal.SIGTERM)
        try:
            code = server.process.wait(timeout=15)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
        assert code == 0, f"round {round_}: gigwired exited {code} on SIGTERM:\n{server.log_tail()}"
        assert len(endings) == watches, f"round {round_}: {endings}"
        for trailers in endings:
            assert len(trailers) == 1 and b"grpc-status:14" in trailers[0], (round_, trailers)


# ---- bad input ----

def test_bad_bodies_get_malformed_request_and_reach_no_handler(web, web_server):
    login = frame(auth_pb2.LoginRequest(email="x@example.com", password="p").SerializeToString())
    before = rpc_log_count(web_server, REGISTER)
    cases = {
        "truncated frame": (login[:-3], BINARY),
        "two frames": (login + login, BINARY),
        "no frame": (b"", BINARY),
        "a trailer frame": (frame(b"grpc-status:0\r\n", flags=0x80), BINARY),
        "garbage base64": (b"!!!!not-base64", TEXT),
        "base64 cut mid-quantum": (base64.b64encode(login)[:-1], TEXT),
        "frame longer than the limit": (b"\x00\x7f\xff\xff\xff" + b"x" * 16, BINARY),
    }
    for name, (body, content_type) in cases.items():
        response = web.post(REGISTER, body, content_type)
        reply = read_reply(response, text=False)
        assert reply.http_status == 200, name
        assert reply.code == grpc.StatusCode.INVALID_ARGUMENT.value[0], name
        assert reply.reason == "MALFORMED_REQUEST", name
    assert rpc_log_count(web_server, REGISTER) == before  # no handler ran


def test_what_is_not_grpc_web_gets_an_http_status(web):
    login = frame(auth_pb2.LoginRequest().SerializeToString())
    assert web.post(LOGIN, login, "application/json").status == 415
    web.conn.close()
    assert web.post(LOGIN, login, "application/grpc-web+json").status == 415
    web.conn.close()
    oversized = web.post(LOGIN, frame(b"\x0a" + b"x" * 70_000))
    assert oversized.status == 413
    web.conn.close()
    web.conn.request("PUT", LOGIN, body=login)
    put = web.conn.getresponse()
    assert put.status == 405 and "POST" in put.getheader("allow")
    put.read()


def test_a_compressed_frame_is_unimplemented(web):
    reply = read_reply(web.post(LOGIN, frame(b"\x1f\x8b", flags=0x01)), text=False)
    assert reply.code == grpc.StatusCode.UNIMPLEMENTED.value[0]


def test_an_undecodable_message_gets_the_servers_own_answer(web):
    reply = web.call(LOGIN, None, raw_body=frame(b"\xff\xff\xff"))
    assert reply.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert reply.reason == "MALFORMED_REQUEST"


# ---- origins ----

def preflight(web, origin):
    web.conn.request("OPTIONS", LOGIN, headers={
        "origin": origin, "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-grpc-web,authorization"})
    response = web.conn.getresponse()
    response.read()
    return response


def test_listed_and_own_origins_pass_preflight_and_others_are_refused(web, web_server):
    allowed = preflight(web, ALLOWED_ORIGIN)
    assert allowed.status == 204
    assert allowed.getheader("access-control-allow-origin") == ALLOWED_ORIGIN
    assert "authorization" in allowed.getheader("access-control-allow-headers")
    own = preflight(web, f"http://{web_server.web_address}")
    assert own.status == 204
    assert preflight(web, "http://evil.example").status == 403


def test_a_foreign_origin_cannot_act_and_a_listed_one_sees_the_status(web, market):
    email = unique_email("csrf")
    register = register_request(email, (user_pb2.ROLE_BUYER,))
    refused = web.post(REGISTER, frame(register.SerializeToString()),
                       headers={"origin": "http://evil.example"})
    assert refused.status == 403
    refused.read()
    with pytest.raises(GigwireError) as caught:
        market.client().login(email, register.password)
    assert caught.value.reason == "INVALID_CREDENTIALS"  # the account was never created
    allowed = web.post(REGISTER, frame(register.SerializeToString()),
                       headers={"origin": ALLOWED_ORIGIN})
    reply = read_reply(allowed, text=False)
    assert reply.code == 0
    assert reply.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    exposed = reply.headers["access-control-expose-headers"]
    for name in ("grpc-status", "grpc-message", "grpc-status-details-bin", "retry-after"):
        assert name in exposed


# ---- limits ----

def test_rate_limits_apply_to_the_browsers_address_with_retry_after(tmp_path, console_root):
    server = launch(gigwired_path(), tmp_path, web_flags(
        console_root, "--rate-auth-per-second", "0.001", "--rate-auth-burst", "2"))
    try:
        web = WebClient(server.web_address)
        login = auth_pb2.LoginRequest(email="nobody@example.com", password="wrong-password-1")
        codes = [web.call(LOGIN, login).code for _ in range(2)]
        assert codes == [grpc.StatusCode.UNAUTHENTICATED.value[0]] * 2
        limited = web.call(LOGIN, login)
        assert limited.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
        assert limited.reason == "RATE_LIMITED"
        assert int(limited.trailers["retry-after"]) >= 1
        # The browser's address (127.0.0.1) was charged, not the in-process channel's.
        with Client(server.address) as client:
            with pytest.raises(GigwireError) as caught:
                client.login("nobody@example.com", "wrong-password-1")
            assert caught.value.reason == "RATE_LIMITED"
    finally:
        shutdown(server)


def test_connections_over_the_cap_wait_until_one_closes(tmp_path, console_root):
    server = launch(gigwired_path(), tmp_path, web_flags(console_root,
                                                         "--web-max-connections", "2"))
    host, port = server.web_address.rsplit(":", 1)
    try:
        held = [WebClient(server.web_address) for _ in range(2)]
        for client in held:
            assert client.get("/")[0].status == 200  # both kept alive
        surplus = socket.create_connection((host, int(port)), timeout=1)
        surplus.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(socket.timeout):
            surplus.recv(65536)  # not served while two are open
        held[0].close()
        surplus.settimeout(10)
        assert surplus.recv(65536).startswith(b"HTTP/1.1 200")  # served once one closed
        surplus.close()
        held[1].close()
    finally:
        shutdown(server)


def test_a_slow_client_is_cut_off_after_the_idle_timeout(tmp_path, console_root):
    server = launch(gigwired_path(), tmp_path, web_flags(console_root,
                                                         "--web-idle-timeout-seconds", "1"))
    host, port = server.web_address.rsplit(":", 1)
    try:
        slow = socket.create_connection((host, int(port)), timeout=10)
        slow.sendall(b"POST /gigwire.v1.AuthService/Login HTTP/1.1\r\nHost: x\r\n")
        assert closed_without_answer(slow), "a client that stopped mid-request kept its connection"
        web = WebClient(server.web_address)
        assert web.get("/")[0].status == 200  # and the port still serves
        web.close()
    finally:
        shutdown(server)


def served_within(address: str, seconds: float) -> bool:
    """Whether a GET / is served within `seconds` (the server notices a close on its own time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        client = WebClient(address)
        try:
            if client.get("/")[0].status == 200:
                return True
        except (ConnectionError, http.client.HTTPException):
            time.sleep(0.05)
        finally:
            client.close()
    return False


def closed_without_answer(sock: socket.socket) -> bool:
    """Whether the server closed `sock` (within its 10 s timeout) without serving it."""
    try:
        data = sock.recv(65536)
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    finally:
        sock.close()
    return data == b"" or data.startswith(b"HTTP/1.1 408") or data.startswith(b"HTTP/1.1 503")


# ---- the console's files ----

def test_the_console_is_served_with_safe_headers(web):
    response, body = web.get("/")
    assert (response.status, body) == (200, INDEX_HTML)
    assert response.getheader("content-type").startswith("text/html")
    assert "default-src 'self'" in response.getheader("content-security-policy")
    assert response.getheader("x-content-type-options") == "nosniff"
    etag = response.getheader("etag")
    again, _ = web.get("/", headers={"if-none-match": etag})
    assert again.status == 304
    script, _ = web.get("/app.js")
    assert script.getheader("content-type").startswith("text/javascript")
    route, body = web.get("/jobs/job_123")  # a console route: the app handles it
    assert (route.status, body) == (200, INDEX_HTML)
    for missing in ("/missing.js", "/.secret", "/../../etc/passwd.txt"):
        response, _ = web.get(missing)
        assert response.status == 404, missing


def test_tls_on_the_web_port_uses_the_grpc_certificate(tmp_path, console_root, certificate):
    cert, key = certificate
    server = launch(gigwired_path(), tmp_path, web_flags(
        console_root, "--tls-cert", str(cert), "--tls-key", str(key)))
    try:
        context = ssl.create_default_context(cafile=str(cert))
        web = WebClient(server.web_address, tls_context=context)
        reply = web.call(LOGIN, auth_pb2.LoginRequest(email="admin@example.com",
                                                      password="admin-password-123"))
        assert reply.code == 0 and auth_pb2.TokenPair.FromString(reply.messages[0]).access_token
        web.close()
        with pytest.raises(ssl.SSLError):
            WebClient(server.web_address, tls_context=ssl.create_default_context()).get("/")
    finally:
        shutdown(server)


# ---- the same as grpcurl sees ----

def test_grpcurl_and_the_web_port_agree_on_answers_and_errors(web, web_server, market,
                                                             grpcurl):
    buyer = market.user(BUYER, prefix="web-grpcurl")

    def over_grpcurl(method, data, token=None):
        command = [grpcurl, "-plaintext", "-format-error", "-d", json.dumps(data)]
        if token:
            command += ["-H", f"authorization: Bearer {token}"]
        result = subprocess.run(command + [web_server.address, method.lstrip("/")],
                                capture_output=True, text=True, timeout=30)
        # An answer is printed on stdout, a formatted error status on stderr.
        return result.returncode, json.loads(result.stdout if result.returncode == 0
                                             else result.stderr)

    code, answer = over_grpcurl(GET_ME, {}, buyer.token)
    reply = web.call(GET_ME, user_pb2.GetMeRequest(), token=buyer.token)
    assert code == 0 and reply.code == 0
    assert json_format.MessageToDict(user_pb2.User.FromString(reply.messages[0]),
                                     preserving_proto_field_name=True) == answer
    for method, request, token in [
            (GET_ME, user_pb2.GetMeRequest(), None),
            (GET_JOB, job_pb2.GetJobRequest(id="job_nope"), buyer.token),
            (REGISTER, register_request(buyer.email, (user_pb2.ROLE_BUYER,)), None)]:
        code, status = over_grpcurl(method, json_format.MessageToDict(request), token)
        reply = web.call(method, request, token=token)
        assert code == 64 + reply.code, method  # grpcurl exits 64 + the gRPC code
        assert status["code"] == reply.code, method
        assert status["details"][0]["reason"] == reply.reason, method
        assert status["message"] == urllib.parse.unquote(reply.trailers["grpc-message"]), method


def test_random_bodies_get_an_answer_and_leave_the_server_serving(web_server):
    """Bounded: 300 seeded random bodies, both wire modes; each gets an HTTP status or a
    gRPC status, and the port still serves a real call afterwards."""
    rng = random.Random(14)
    for i in range(300):
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
        if rng.random() < 0.3:  # a plausible frame header with a lying length
            header = bytes([rng.choice((0, 1, 0x80))]) + rng.randrange(1 << 32).to_bytes(4, "big")
            body = header + body
        text = i % 2 == 1
        if text and rng.random() < 0.5:
            body = base64.b64encode(body)[:rng.randrange(0, 90)]
        client = WebClient(web_server.web_address)
        try:
            reply = read_reply(client.post(LOGIN, body, TEXT if text else BINARY), text)
        finally:
            client.close()
        assert reply.http_status in (200, 413), (i, reply)
        if reply.http_status == 200:
            assert reply.code is not None and reply.code != 0, (i, reply)
    web = WebClient(web_server.web_address)
    unauthenticated = grpc.StatusCode.UNAUTHENTICATED.value[0]
    assert web.call(GET_ME, user_pb2.GetMeRequest()).code == unauthenticated
    web.close()


def test_a_header_value_grpc_cannot_carry_is_refused_not_fatal(web):
    for value in ("a\tb", "caf\u00e9"):
        response = web.post(LOGIN, frame(auth_pb2.LoginRequest().SerializeToString()),
                            headers={"x-note": value.encode("utf-8").decode("latin-1")})
        reply = read_reply(response, text=False)
        assert reply.code == grpc.StatusCode.INVALID_ARGUMENT.value[0], value
        assert reply.reason == "MALFORMED_REQUEST", value
    assert web.call(GET_ME, user_pb2.GetMeRequest()).code == \
        grpc.StatusCode.UNAUTHENTICATED.value[0]  # still serving


def test_a_unary_answer_over_a_mebibyte_arrives_whole(tmp_path, console_root):
    server = launch(gigwired_path(), tmp_path, web_flags(
        console_root, "--rate-principal-per-second", "100000", "--rate-principal-burst", "100000"))
    market = Market(server.address)
    try:
        buyer = market.user(BUYER, prefix="big-lister")
        for i in range(260):  # 260 jobs with 5,000-character descriptions: ~1.3 MB
            buyer.client.jobs.CreateJob(job_pb2.CreateJobRequest(
                job=job_pb2.Job(title=f"Job {i}", description="d" * 5000,
                                category_id=market.category.id, skills=["logo"],
                                budget=common_pb2.MoneyRange(min=usd(20_000), max=usd(50_000)),
                                due_time=in_days(7)),
                request_id=f"big-{i}"))
        request = job_pb2.ListJobsRequest(page_size=500)
        over_grpc = buyer.client.jobs.ListJobs(request)
        web = WebClient(server.web_address, timeout=30)
        for text in (False, True):
            reply = web.call("/gigwire.v1.JobService/ListJobs", request, token=buyer.token,
                             text=text)
            assert reply.code == 0, reply.trailers
            answer = job_pb2.ListJobsResponse.FromString(reply.messages[0])
            assert [j.id for j in answer.jobs] == [j.id for j in over_grpc.jobs]
        web.close()
    finally:
        market.close()
        shutdown(server)


def test_connections_over_the_per_address_cap_are_closed(tmp_path, console_root):
    server = launch(gigwired_path(), tmp_path, web_flags(
        console_root, "--web-max-connections-per-address", "2"))
    host, port = server.web_address.rsplit(":", 1)
    try:
        held = [WebClient(server.web_address) for _ in range(2)]
        for client in held:
            assert client.get("/")[0].status == 200
        third = socket.create_connection((host, int(port)), timeout=10)
        third.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert closed_without_answer(third), "a third connection from one address was served"
        held[0].close()
        assert served_within(server.web_address, seconds=10), "room did not come back"
        held[1].close()
    finally:
        shutdown(server)
