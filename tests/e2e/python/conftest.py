# Fixtures of the Python end-to-end tests: a real gigwired process on a fresh
# database (with one admin), SDK clients connected to it, and fresh users.
#
# Env: GIGWIRED = server binary (default <repo>/build/cmake/bin/gigwired).
# Needs the generated SDK code: run sdk/python/gen.sh first.
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
# GIGWIRE_USE_INSTALLED_SDK=1: test the gigwire package installed in this Python
# (e.g. a virtualenv after `pip install ./sdk/python`), not the source tree.
if not os.environ.get("GIGWIRE_USE_INSTALLED_SDK"):
    sys.path.insert(0, str(REPO_ROOT / "sdk" / "python"))
    if not (REPO_ROOT / "sdk/python/gigwire/v1/auth_pb2.py").exists():
        raise RuntimeError("generated SDK code missing: run sdk/python/gen.sh first")

from gigwire import Client  # noqa: E402
from gigwire.v1 import user_pb2  # noqa: E402
from e2e_support import (ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD,  # noqa: E402
                         register_request, unique_email)

READY_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 15.0
ADDRESS_RE = re.compile(r"^[0-9.]+:[0-9]+$")
RELAXED_AUTH_LIMITS = ("--rate-auth-per-second", "1000", "--rate-auth-burst", "1000")
# Offers past their ttl expire within 0.2 s, so the expiry test waits ~1 s, not ~2 s.
FAST_SCHEDULER = ("--scheduler-interval-seconds", "0.2")


@dataclass
class Server:
    """A running gigwired: where it listens and where its log goes. `data_dir` holds its
    database, and `args` its extra flags, so that it can be restarted (start_server.restart)."""
    address: str
    process: subprocess.Popen
    log_path: Path
    data_dir: Optional[Path] = None
    args: Tuple[str, ...] = ()
    # "host:port" of the web port (gRPC-Web), when started with --web-listen.
    web_address: Optional[str] = None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class User:
    """A registered, logged-in account and its own client."""
    email: str
    password: str
    user: user_pb2.User
    client: Client


def gigwired_path() -> Path:
    path = Path(os.environ.get("GIGWIRED", REPO_ROOT / "build/cmake/bin/gigwired"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"gigwired binary not found at {path} (build it or set GIGWIRED)")
    return path


def create_admin(binary: Path, db: Path) -> None:
    result = subprocess.run(
        [str(binary), "--db", str(db), "--create-admin", ADMIN_EMAIL,
         "--insecure-fast-password-hashing"],
        input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"--create-admin failed: {result.stdout}{result.stderr}"


def wait_ready(process: subprocess.Popen, ready_file: Path, log_path: Path) -> List[str]:
    """Polls the ready file for its "host:port" lines (the gRPC port, then the web port if
    there is one); fails fast if the server exits."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gigwired exited early ({process.returncode}):\n{log_path.read_text()}")
        lines = ready_file.read_text().split() if ready_file.exists() else []
        if lines and all(ADDRESS_RE.match(line) for line in lines):
            return lines
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"gigwired not ready after {READY_TIMEOUT_S}s:\n{log_path.read_text()}")


def stop(server: Server) -> int:
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        pytest.fail(f"gigwired ignored SIGTERM for {STOP_TIMEOUT_S}s:\n{server.log_tail()}")


def launch(binary: Path, tmp: Path, extra_args=(), listen: str = "127.0.0.1:0",
           fresh: bool = True) -> Server:
    """Creates the admin, starts gigwired on a fresh database in `tmp`, waits until ready.
    With fresh=False, serves the database already in `tmp` (no new admin) on `listen`, and
    appends to its log."""
    db, ready, log_path = tmp / "gigwire.db", tmp / "ready", tmp / "gigwired.log"
    if fresh:
        create_admin(binary, db)
    ready.unlink(missing_ok=True)  # a restart must not read the previous process's address
    with open(log_path, "w" if fresh else "a") as log:
        process = subprocess.Popen(
            [str(binary), "--listen", listen, "--db", str(db), "--ready-file", str(ready),
             "--insecure-fast-password-hashing", *extra_args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    addresses = wait_ready(process, ready, log_path)
    return Server(addresses[0], process, log_path, tmp, tuple(extra_args),
                  addresses[1] if len(addresses) > 1 else None)


def shutdown(server: Server) -> None:
    """SIGTERM must end the server with exit code 0, and its log must hold no password."""
    code = stop(server)
    assert code == 0, f"gigwired exited {code} on SIGTERM:\n{server.log_tail()}"
    log = server.log_path.read_text(errors="replace")
    for secret in (ADMIN_PASSWORD, USER_PASSWORD):
        assert secret not in log, "gigwired logged a password"


def _with_web_listen(args: Tuple[str, ...], address: str) -> Tuple[str, ...]:
    """`args` with the value of --web-listen replaced by `address`."""
    replaced = list(args)
    for i, arg in enumerate(replaced[:-1]):
        if arg == "--web-listen":
            replaced[i + 1] = address
    return tuple(replaced)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One gigwired for the whole session. The per-address auth rate limit is raised
    (the suite registers and logs in far more than 30 times); test_rate_limits.py
    checks the limits on servers of its own. The scheduler runs every 0.2 s so that
    offer expiry is quick to observe."""
    running = launch(gigwired_path(), tmp_path_factory.mktemp("gigwired"),
                     RELAXED_AUTH_LIMITS + FAST_SCHEDULER)
    yield running
    shutdown(running)


@pytest.fixture
def start_server(tmp_path_factory):
    """Factory: start_server(*flags) runs an extra gigwired, shut down after the test.
    start_server.restart(server) stops it (SIGTERM, must exit 0) and starts a new process
    with the same flags on the same database and port; use the returned Server from then on."""
    started = []

    def start(*extra_args) -> Server:
        running = launch(gigwired_path(), tmp_path_factory.mktemp("gigwired"), extra_args)
        started.append(running)
        return running

    def restart(old: Server) -> Server:
        started.remove(old)
        shutdown(old)
        args = old.args
        if old.web_address is not None:  # the web port keeps its port too
            args = _with_web_listen(args, old.web_address)
        running = launch(gigwired_path(), old.data_dir, args, listen=old.address, fresh=False)
        started.append(running)
        return running

    start.restart = restart
    yield start
    for running in started:
        shutdown(running)


@pytest.fixture
def connect(server):
    """Factory of SDK clients (closed after the test): connect(token=..., api_key=...)."""
    clients = []

    def make(**kwargs) -> Client:
        client = Client(server.address, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def new_user(connect):
    """Factory: registers a fresh account and returns it logged in."""

    def make(roles=(user_pb2.ROLE_BUYER,), prefix="user") -> User:
        client = connect()
        request = register_request(unique_email(prefix), roles, display_name=f"{prefix} person")
        registered = client.auth.Register(request)
        client.login(request.email, request.password)
        return User(request.email, request.password, registered, client)

    return make


@pytest.fixture(scope="session")
def admin(server):
    """A client logged in as the admin created before the server started (one login
    per session: logins are rate limited per email)."""
    with Client(server.address) as client:
        client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        yield client
