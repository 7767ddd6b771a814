# End-to-end test of gigwired through the real grpcurl binary: server reflection,
# the standard health service, JSON requests and error statuses with details.
#
# grpcurl is required (CI installs it): missing, these tests FAIL, never skip.
# Env: GRPCURL, else $(go env GOPATH)/bin/grpcurl, else grpcurl on PATH.
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from e2e_support import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, unique_email

GRPCURL_STATUS_OFFSET = 64  # grpcurl exits 64 + gRPC code when an RPC fails
ALREADY_EXISTS = 6
EXPECTED_SERVICES = {"gigwire.v1.AuthService", "gigwire.v1.UserService",
                     "gigwire.v1.ApiKeyService", "grpc.health.v1.Health"}
REFLECTION_SERVICES = {"grpc.reflection.v1.ServerReflection",
                       "grpc.reflection.v1alpha.ServerReflection"}


def go_bin_grpcurl():
    go = shutil.which("go")
    if not go:
        return None
    result = subprocess.run([go, "env", "GOPATH"], capture_output=True, text=True, timeout=30)
    gopath = result.stdout.strip().split(os.pathsep)[0] if result.returncode == 0 else ""
    candidate = Path(gopath) / "bin" / "grpcurl" if gopath else None
    return str(candidate) if candidate and os.access(candidate, os.X_OK) else None


@pytest.fixture(scope="module")
def grpcurl():
    path = os.environ.get("GRPCURL") or go_bin_grpcurl() or shutil.which("grpcurl")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("grpcurl not found: set GRPCURL or run "
                    "`go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest`")
    return path


@pytest.fixture
def run(grpcurl, server):
    """run(verb, *flags, data=None): `grpcurl -plaintext FLAGS [-d JSON] ADDRESS VERB`."""

    def call(verb, *flags, data=None):
        command = [grpcurl, "-plaintext", *flags]
        if data is not None:
            command += ["-d", json.dumps(data)]
        command += [server.address, verb]
        return subprocess.run(command, capture_output=True, text=True, timeout=30)

    return call


def test_list_shows_services(run):
    result = run("list")
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert EXPECTED_SERVICES <= services, services
    assert services & REFLECTION_SERVICES, services


def test_health_check_serving(run):
    result = run("grpc.health.v1.Health/Check", data={})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"status": "SERVING"}


def json_field(message: dict, proto_name: str):
    """A field of grpcurl's JSON output, under its lowerCamelCase JSON name or its proto
    name: gRPC C++ reflection omits json_name from the descriptors it serves, and grpcurl
    then prints proto names."""
    head, *rest = proto_name.split("_")
    camel = head + "".join(part.capitalize() for part in rest)
    return message[camel] if camel in message else message[proto_name]


def register_payload():
    return {"email": unique_email("curl"), "password": USER_PASSWORD,
            "displayName": "Curl User", "roles": ["ROLE_BUYER"]}


def test_register_and_duplicate(run):
    payload = register_payload()
    result = run("gigwire.v1.AuthService/Register", data=payload)
    assert result.returncode == 0, result.stderr
    user = json.loads(result.stdout)
    assert user["id"].startswith("usr_")
    assert user["email"] == payload["email"]
    assert json_field(user, "display_name") == "Curl User"
    assert user["roles"] == ["ROLE_BUYER"]

    duplicate = run("gigwire.v1.AuthService/Register", data=payload)
    assert duplicate.returncode == GRPCURL_STATUS_OFFSET + ALREADY_EXISTS, duplicate.stderr
    assert "Code: AlreadyExists" in duplicate.stderr


def test_error_details_are_readable(run):
    payload = register_payload()
    assert run("gigwire.v1.AuthService/Register", data=payload).returncode == 0
    result = run("gigwire.v1.AuthService/Register", "-format-error", data=payload)
    assert result.returncode == GRPCURL_STATUS_OFFSET + ALREADY_EXISTS, result.stderr
    status = json.loads(result.stderr)  # grpcurl prints the formatted status on stderr
    assert status["code"] == ALREADY_EXISTS
    assert status["details"][0]["@type"] == "type.googleapis.com/gigwire.v1.ErrorDetails"
    assert status["details"][0]["reason"] == "EMAIL_TAKEN"


def json_messages(text):
    """The JSON documents grpcurl printed one after another."""
    decoder, messages, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        message, at = decoder.raw_decode(text, text.index("{", at))
        messages.append(message)
    return messages


def test_watch_events_streams_to_grpcurl(run, grpcurl, server):
    # A real outside client on a server stream: list (for the cursor), post a job, then
    # watch from the list's event_cursor: the buyer's JOB_CREATED arrives as JSON; grpcurl
    # stops itself after -max-time.
    def bearer(email, password):
        login = run("gigwire.v1.AuthService/Login", data={"email": email, "password": password})
        assert login.returncode == 0, login.stderr
        return "authorization: Bearer " + json_field(json.loads(login.stdout), "access_token")

    admin = bearer(ADMIN_EMAIL, ADMIN_PASSWORD)
    category = run("gigwire.v1.CatalogService/CreateCategory", "-H", admin,
                   data={"category": {"slug": "logos", "display_name": "Logos"}})
    assert category.returncode == 0, category.stderr
    payload = register_payload()
    assert run("gigwire.v1.AuthService/Register", data=payload).returncode == 0
    buyer = bearer(payload["email"], payload["password"])
    listed = run("gigwire.v1.JobService/ListJobs", "-H", buyer, data={})
    assert listed.returncode == 0, listed.stderr
    cursor = json_field(json.loads(listed.stdout), "event_cursor")
    job = run("gigwire.v1.JobService/CreateJob", "-H", buyer, data={"job": {
        "title": "Logo design", "description": "A round logo.",
        "category_id": json.loads(category.stdout)["id"],
        "budget": {"min": {"currency_code": "USD", "amount_minor": "1000"},
                   "max": {"currency_code": "USD", "amount_minor": "2000"}},
        "due_time": "2030-01-01T00:00:00Z"}})
    assert job.returncode == 0, job.stderr

    watch = run("gigwire.v1.EventService/WatchEvents", "-max-time", "2", "-H", buyer,
                data={"resume_cursor": cursor})
    assert "DeadlineExceeded" in watch.stderr  # -max-time ended it, not the server
    messages = json_messages(watch.stdout)
    # Heartbeats come on a server-wide tick, so one may fall in the 2 s window.
    events = [m["event"] for m in messages if "event" in m]
    assert len(events) == 1 and all(list(m) in (["event"], ["heartbeat"]) for m in messages), \
        watch.stdout
    event = events[0]
    assert event["type"] == "JOB_CREATED"
    assert event["job"]["id"] == json.loads(job.stdout)["id"]
    assert int(event["cursor"]) > int(cursor)
