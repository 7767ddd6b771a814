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

from e2e_support import USER_PASSWORD, unique_email

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
