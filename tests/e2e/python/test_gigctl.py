# End-to-end tests of the gigctl binary against a real gigwired: an admin's day
# (log in, review the queue, search sellers, bulk assign, watch the offers being
# accepted, complete the booking, read the audit log), output formats, exit codes
# on errors, the saved login, and gigctl's JSON compared with grpcurl's on the
# same calls. Buyers and sellers act through the Python SDK meanwhile.
#
# Env: GIGCTL (default <repo>/build/cmake/bin/gigctl); grpcurl as in test_grpcurl.py.
import hashlib
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import gigwired_path, launch, shutdown
from e2e_support import (ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, register_request,
                         unique_email)
from gigwire import Client
from gigwire.v1 import (booking_pb2, catalog_pb2, conversation_pb2, gig_pb2, offer_pb2,
                        proposal_pb2, user_pb2)
from test_grpcurl import grpcurl  # noqa: F401 (fixture)
from test_marketplace import assign as sdk_assign
from test_marketplace import category, job_request, open_job, seller_with_approved_gig  # noqa: F401
from test_marketplace import usd
from test_open_market import open_project, plan, proposal, submit

REPO_ROOT = Path(__file__).resolve().parents[3]
GIGCTL = Path(os.environ.get("GIGCTL", REPO_ROOT / "build/cmake/bin/gigctl"))
WATCH_TIMEOUT_S = 30
DEMO_PASSWORD = "gigwire-demo-password"
README_SERVER = "127.0.0.1:50051"


class Gigctl:
    """Runs gigctl against the test server with a config file of its own."""

    def __init__(self, address: str, config: Path):
        if not os.access(GIGCTL, os.X_OK):
            pytest.fail(f"gigctl not found at {GIGCTL} (build it or set GIGCTL)")
        self.address, self.config = address, config
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIGWIRE_")}
        self.env.update(GIGCTL_CONFIG=str(config), NO_COLOR="1")

    def command(self, *args) -> list:
        return [str(GIGCTL), "--server", self.address, "--insecure", *args]

    def __call__(self, *args, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args), input=stdin, capture_output=True, text=True,
                              env=self.env, timeout=60)

    def ok(self, *args, stdin: str = "") -> str:
        result = self(*args, stdin=stdin)
        assert result.returncode == 0, f"gigctl {args} exited {result.returncode}: {result.stderr}"
        return result.stdout

    def json_lines(self, *args) -> list:
        return [json.loads(line) for line in self.ok("-o", "json", *args).splitlines()]

    def login_admin(self) -> None:
        self.ok("login", "--email", ADMIN_EMAIL, stdin=ADMIN_PASSWORD + "\n")


@pytest.fixture
def gigctl(server, tmp_path) -> Gigctl:
    return Gigctl(server.address, tmp_path / "gigctl" / "config.json")


@pytest.fixture(scope="module")
def admin_config(server, tmp_path_factory) -> Path:
    """One admin login for the module (logins are rate limited per email)."""
    logged_in = Gigctl(server.address, tmp_path_factory.mktemp("admin") / "config.json")
    logged_in.login_admin()
    return logged_in.config


@pytest.fixture
def admin_gigctl(gigctl, admin_config) -> Gigctl:
    """gigctl with a copy of the module's admin login."""
    gigctl.config.parent.mkdir(mode=0o700)
    shutil.copyfile(admin_config, gigctl.config)
    return gigctl


def test_login_saves_a_private_config_and_refreshes_it(gigctl):
    gigctl.login_admin()
    assert stat.S_IMODE(gigctl.config.stat().st_mode) == 0o600
    assert stat.S_IMODE(gigctl.config.parent.stat().st_mode) == 0o700
    assert ADMIN_EMAIL in gigctl.ok("whoami")
    [me] = gigctl.json_lines("whoami")
    assert me["email"] == ADMIN_EMAIL and "ROLE_ADMIN" in me["roles"]

    saved = json.loads(gigctl.config.read_text())
    saved["access_token_expire_time"] = "2000-01-01T00:00:00Z"  # as if it expired
    gigctl.config.write_text(json.dumps(saved))
    assert ADMIN_EMAIL in gigctl.ok("whoami")
    rotated = json.loads(gigctl.config.read_text())
    assert rotated["refresh_token"] != saved["refresh_token"]
    assert stat.S_IMODE(gigctl.config.stat().st_mode) == 0o600

    gigctl.ok("logout")
    result = gigctl("whoami")
    assert result.returncode == 16 and "UNAUTHENTICATED (CREDENTIALS_MISSING)" in result.stderr


def start_watch(gigctl: Gigctl, job_id: str, count: int) -> subprocess.Popen:
    """`gigctl watch offers --job JOB` from the cursor of the job's (empty) offer list."""
    listed = json.loads(gigctl.ok("call", "gigwire.v1.OfferService/ListOffers",
                                  "-d", json.dumps({"job_id": job_id})))
    return subprocess.Popen(
        gigctl.command("-o", "json", "watch", "offers", "--job", job_id,
                       "--from", listed["event_cursor"], "--count", str(count)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=gigctl.env)


def review_queue(gigctl, buyer, category) -> str:
    job = buyer.client.jobs.CreateJob(job_request(category.id, title="Logo for a tea shop"))
    pending = gigctl.json_lines("jobs", "pending", "--page-size", "500")
    assert job.id in {j["id"] for j in pending}
    assert {j["state"] for j in pending} == {"JOB_STATE_PENDING_REVIEW"}
    table = gigctl.ok("jobs", "pending", "--page-size", "500").splitlines()
    assert table[0].split() == ["ID", "STATE", "TITLE", "BUYER", "BUDGET", "DUE", "CREATED"]
    row = next(line for line in table if line.startswith(job.id))
    assert "PENDING_REVIEW" in row and "Logo for a tea shop" in row and "USD 200.00-500.00" in row
    assert f"buyer person <{buyer.email}>" in row and buyer.user.id not in row  # names, not ids
    assert gigctl.ok("jobs", "approve", job.id, "--note", "clear brief").strip() == \
        f"approved {job.id}: OPEN"
    return job.id


def assign(gigctl, job_id, sellers) -> dict:
    """Sellers by email or id, repeated, comma-separated or listed; a readable confirmation."""
    ids, emails = [s.user.id for s in sellers], [s.email for s in sellers]
    declined = gigctl("jobs", "assign", job_id, "--seller", emails[0], "--seller", ids[1],
                      "--note", "Strong portfolios", "--ttl", "48h", stdin="n\n")
    assert declined.returncode == 1 and "nothing was done" in declined.stderr
    question = declined.stderr
    assert f'JOB:                 "Logo for a tea shop" ({job_id})' in question, question
    assert f"{sellers[0].user.display_name} <{emails[0]}>, " \
           f"{sellers[1].user.display_name} <{emails[1]}>" in question, question
    assert "NOTE:                Strong portfolios" in question
    assert "OFFERS EXPIRE AFTER: 48h" in question and "{" not in question
    rows = gigctl.json_lines("jobs", "assign", job_id, "--seller", emails[0], ids[1],
                             "--note", "Strong portfolios", "--yes")
    assert sorted(r["seller_id"] for r in rows) == sorted(ids)
    return {r["seller_id"]: r["offer_id"] for r in rows}


def test_an_admins_day(admin_gigctl, new_user, admin, category):  # noqa: F811
    gigctl = admin_gigctl
    sellers = [seller_with_approved_gig(new_user, admin, category, n)[0] for n in ("ann", "ben")]
    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="buyer")
    job_id = review_queue(gigctl, buyer, category)

    found = gigctl.json_lines("sellers", "search", "--category", category.slug, "--sort", "rating")
    assert {s["user_id"] for s in found} == {s.user.id for s in sellers}
    assert "RATING" in gigctl.ok("sellers", "search", "--category", category.id).splitlines()[0]

    watch = start_watch(gigctl, job_id, count=4)
    offers = assign(gigctl, job_id, sellers)
    winner, loser = sellers
    accepted = winner.client.offers.AcceptOffer(
        offer_pb2.AcceptOfferRequest(id=offers[winner.user.id]))
    out, err = watch.communicate(timeout=WATCH_TIMEOUT_S)
    assert watch.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert sorted(e["type"] for e in events) == sorted(
        ["OFFER_CREATED", "OFFER_CREATED", "OFFER_ACCEPTED", "OFFER_SUPERSEDED"])
    assert {e["offer"]["job_id"] for e in events} == {job_id}

    winner.client.bookings.DeliverBooking(booking_pb2.DeliverBookingRequest(
        id=accepted.booking_id, note="Files attached."))
    delivered = gigctl.json_lines("bookings", "list", "--state", "delivered", "--page-size", "500")
    assert accepted.booking_id in {b["id"] for b in delivered}
    assert gigctl.ok("bookings", "complete", accepted.booking_id).strip() == \
        f"completed {accepted.booking_id}: COMPLETED"

    actions = {e["action"] for e in gigctl.json_lines("audit", "list", "--target", job_id)}
    assert {"ApproveJob", "AssignSellers"} <= actions, actions

    first = gigctl("-o", "json", "audit", "list", "--page-size", "1")
    token = first.stderr.split("more: add --page-token ")[1].split()[0]
    [newest] = [json.loads(line) for line in first.stdout.splitlines()]
    [older] = gigctl.json_lines("audit", "list", "--page-size", "1", "--page-token", token)
    assert newest["id"] != older["id"]


def test_errors_print_code_reason_and_violations_and_set_the_exit_code(admin_gigctl, new_user):
    gigctl = admin_gigctl
    missing = gigctl("jobs", "show", "job_doesnotexist")
    assert missing.returncode == 5
    assert missing.stderr.startswith("error: NOT_FOUND (RESOURCE_NOT_FOUND):")

    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="buyer")
    as_buyer = gigctl("--token", buyer.client.token, "jobs", "approve", "job_x")
    assert as_buyer.returncode == 7 and "PERMISSION_DENIED (ROLE_REQUIRED)" in as_buyer.stderr

    invalid = gigctl("--token", buyer.client.token, "call", "gigwire.v1.JobService/CreateJob",
                     "-d", '{"job": {"description": "no title"}}')
    assert invalid.returncode == 3, invalid.stderr
    assert "INVALID_ARGUMENT (INVALID_FIELDS)" in invalid.stderr
    assert "\n  job.title: " in invalid.stderr

    request_file = gigctl.config.parent / "request.json"
    request_file.write_text('{"id": "job_doesnotexist"}')
    assert gigctl("call", "gigwire.v1.JobService/GetJob", "-d", f"@{request_file}").returncode == 5
    from_stdin = gigctl("call", "gigwire.v1.JobService/GetJob", stdin='{"id": "job_nope"}')
    assert from_stdin.returncode == 5 and "job job_nope not found" in from_stdin.stderr
    not_json = gigctl("call", "gigwire.v1.JobService/GetJob", "-d", "{oops")
    assert not_json.returncode == 3 and "not a valid gigwire.v1.GetJobRequest" in not_json.stderr
    usage = gigctl("jobs", "reject", "job_x")
    assert usage.returncode == 64 and "--reason is required" in usage.stderr
    assert gigctl("jobs", "frobnicate").returncode == 64
    unknown = gigctl("call", "gigwire.v1.JobService/NoSuchMethod")
    assert unknown.returncode == 5 and "has no method NoSuchMethod" in unknown.stderr


def grpcurl_output(grpcurl, gigctl, *args, flags=()) -> str:  # noqa: F811
    """`grpcurl -plaintext -H <the saved login> FLAGS ADDRESS ARGS`."""
    token = json.loads(gigctl.config.read_text())["access_token"]
    result = subprocess.run([grpcurl, "-plaintext", "-H", f"authorization: Bearer {token}",
                             *flags, gigctl.address, *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("method,request_json", [
    ("gigwire.v1.CatalogService/ListCategories", {}),
    ("gigwire.v1.JobService/ListJobs", {"state": "JOB_STATE_PENDING_REVIEW", "page_size": 3}),
    ("gigwire.v1.SellerService/SearchSellers", {"order_by": "SELLER_ORDER_NAME"}),
    ("gigwire.v1.UserService/GetMe", {}),
])
def test_call_prints_what_grpcurl_prints(admin_gigctl, grpcurl, method, request_json):  # noqa: F811
    data = json.dumps(request_json)
    ours = admin_gigctl.ok("call", method, "-d", data)
    theirs = grpcurl_output(grpcurl, admin_gigctl, method, flags=("-d", data))
    assert ours == theirs


def test_list_and_describe_match_grpcurl(admin_gigctl, grpcurl):  # noqa: F811
    assert admin_gigctl.ok("list") == grpcurl_output(grpcurl, admin_gigctl, "list")
    assert admin_gigctl.ok("list", "gigwire.v1.JobService") == \
        grpcurl_output(grpcurl, admin_gigctl, "list", "gigwire.v1.JobService")
    described = admin_gigctl.ok("describe", "gigwire.v1.JobService")
    assert described.startswith("gigwire.v1.JobService is a service:")
    assert "rpc GetJob(.gigwire.v1.GetJobRequest) returns (.gigwire.v1.Job);" in described


def test_call_streams_json_lines(admin_gigctl, new_user, category):  # noqa: F811
    listed = json.loads(admin_gigctl.ok("call", "gigwire.v1.OfferService/ListOffers"))
    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="buyer")
    job = buyer.client.jobs.CreateJob(job_request(category.id))  # after the cursor: replayed
    process = subprocess.Popen(
        admin_gigctl.command("call", "gigwire.v1.EventService/WatchEvents", "-d",
                             json.dumps({"resume_cursor": listed["event_cursor"]})),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=admin_gigctl.env)
    try:  # one JSON object per line; a heartbeat (server-wide tick) may come first
        lines = (json.loads(process.stdout.readline()) for _ in range(5))
        first = next(m["event"] for m in lines if "event" in m)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert first["type"] == "JOB_CREATED" and first["job"]["id"] == job.id


def test_help_and_bash_completion(gigctl):
    help_text = gigctl.ok("--help")
    for group in ("jobs", "sellers", "offers", "gigs", "categories", "bookings", "users",
                  "api-keys", "audit"):
        assert f"gigctl {group} " in help_text
        assert gigctl.ok(group, "--help").startswith(f"gigctl {group} commands:")
    verb_help = gigctl.ok("jobs", "assign", "--help")
    assert "Example:\n  gigctl jobs assign" in verb_help and "--yes" in verb_help
    assert gigctl().returncode == 64

    script = gigctl.ok("completion", "bash")
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    probe = script + '\nCOMP_WORDS=(gigctl jobs ""); COMP_CWORD=2; _gigctl; echo "${COMPREPLY[@]}"\n'
    words = subprocess.run(["bash"], input=probe, capture_output=True, text=True).stdout.split()
    assert {"pending", "show", "approve", "reject", "assign", "list"} <= set(words)


def test_users_api_keys_gigs_and_the_environment(admin_gigctl, new_user, admin, category):  # noqa: F811
    gigctl = admin_gigctl
    person = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="person")
    granted = gigctl.ok("users", "grant", person.user.id, "seller").strip()
    assert granted == f"{person.user.id} now has roles BUYER, SELLER"
    sellers = gigctl.json_lines("users", "list", "--role", "seller", "--page-size", "500")
    assert person.user.id in {u["id"] for u in sellers}
    gigctl.ok("users", "revoke", person.user.id, "seller")

    [created] = gigctl.json_lines("api-keys", "create", "--user", person.user.id, "--name", "sync")
    key_id, secret = created["api_key"]["id"], created["secret"]
    partner = gigctl("--api-key", secret, "whoami")
    assert partner.returncode == 0 and person.user.id in partner.stdout
    assert key_id in {k["id"] for k in gigctl.json_lines("api-keys", "list", "--page-size", "500")}
    assert gigctl.ok("api-keys", "revoke", key_id).strip() == f"revoked {key_id}"
    revoked = gigctl("--api-key", secret, "whoami")
    assert revoked.returncode == 16 and "API_KEY_INVALID" in revoked.stderr

    seller, approved = seller_with_approved_gig(new_user, admin, category, "gia")
    draft = seller.client.catalog.CreateGig(catalog_pb2.CreateGigRequest(gig=gig_pb2.Gig(
        title="Second logo offer", description="One concept.", category_id=category.id,
        price=approved.price, delivery_days=3)))
    seller.client.catalog.SubmitGig(catalog_pb2.GigActionRequest(id=draft.id))
    pending = {g["id"] for g in gigctl.json_lines("gigs", "pending", "--page-size", "500")}
    assert draft.id in pending and approved.id not in pending
    assert gigctl.ok("gigs", "reject", draft.id, "--reason", "add samples").strip() == \
        f"rejected {draft.id}: REJECTED"

    token = json.loads(gigctl.config.read_text())["access_token"]
    env = {**gigctl.env, "GIGCTL_CONFIG": str(gigctl.config) + ".none",
           "GIGWIRE_SERVER": gigctl.address, "GIGWIRE_TOKEN": token, "GIGWIRE_INSECURE": "1"}
    from_env = subprocess.run([str(GIGCTL), "whoami"], capture_output=True, text=True, env=env,
                              timeout=60)
    assert from_env.returncode == 0 and ADMIN_EMAIL in from_env.stdout, from_env.stderr


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl CLI): (cert path, key path)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


def test_tls_with_a_private_ca(start_server, certificate, tmp_path, server):
    cert, key = certificate
    tls_server = start_server("--tls-cert", str(cert), "--tls-key", str(key))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIGWIRE_")}
    env["GIGCTL_CONFIG"] = str(tmp_path / "config.json")

    def run(*flags):
        return subprocess.run([str(GIGCTL), "--server", tls_server.address, *flags, "call",
                               "gigwire.v1.CatalogService/ListCategories"],
                              capture_output=True, text=True, env=env, timeout=60)

    trusted = run("--cacert", str(cert))
    assert trusted.returncode == 0, trusted.stderr
    assert json.loads(trusted.stdout) == {}  # a new server has no categories yet
    assert run().returncode == 14  # the system roots do not trust it: UNAVAILABLE
    assert run("--insecure").returncode == 14  # plaintext to a TLS port

    def gigctl(*args, stdin=""):
        return subprocess.run([str(GIGCTL), *args], input=stdin, capture_output=True, text=True,
                              env=env, timeout=60)

    login = gigctl("--server", tls_server.address, "--cacert", str(cert), "login", "--email",
                   ADMIN_EMAIL, stdin=ADMIN_PASSWORD + "\n")
    assert login.returncode == 0, login.stderr
    saved = json.loads(Path(env["GIGCTL_CONFIG"]).read_text())
    assert (saved["server"], saved["cacert"], saved["insecure"]) == \
        (tls_server.address, str(cert.resolve()), False)
    later = gigctl("whoami")  # the saved server, with its CA
    assert later.returncode == 0 and ADMIN_EMAIL in later.stdout, later.stderr

    elsewhere = gigctl("--server", server.address, "--insecure", "whoami")
    assert elsewhere.returncode == 16, elsewhere.stderr
    assert f"gigctl has no saved login for {server.address} (the saved login is for " \
           f"{tls_server.address})" in elsewhere.stderr
    assert "CREDENTIALS_MISSING" in elsewhere.stderr  # the saved token was not sent there
    logout = gigctl("--server", server.address, "--insecure", "logout")
    assert logout.returncode == 9 and "no saved login for" in logout.stderr
    assert json.loads(Path(env["GIGCTL_CONFIG"]).read_text())["refresh_token"]


def test_watch_resumes_across_a_server_restart(start_server, tmp_path):
    """`gigctl watch events` keeps going when the server restarts, missing nothing."""
    running = start_server("--shutdown-grace-seconds", "1")
    gigctl = Gigctl(running.address, tmp_path / "config.json")
    gigctl.login_admin()
    buyer = Client(running.address)
    request = register_request(unique_email("buyer"), (user_pb2.ROLE_BUYER,))
    buyer.auth.Register(request)
    buyer.login(request.email, request.password)
    category = json.loads(gigctl.ok("call", "gigwire.v1.CatalogService/CreateCategory", "-d",
                                    json.dumps({"category": {"slug": "restart-test",
                                                             "display_name": "Restart"}})))
    listed = json.loads(gigctl.ok("call", "gigwire.v1.OfferService/ListOffers"))
    watch = subprocess.Popen(
        gigctl.command("-o", "json", "watch", "events", "--from", listed["event_cursor"],
                       "--count", "2"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=gigctl.env)
    try:
        first = buyer.jobs.CreateJob(job_request(category["id"], title="Before the restart"))
        assert json.loads(watch.stdout.readline())["job"]["id"] == first.id
        running = start_server.restart(running)
        second = buyer.jobs.CreateJob(job_request(category["id"], title="After the restart"))
        out, err = watch.communicate(timeout=WATCH_TIMEOUT_S)
    finally:
        watch.kill()
        buyer.close()
    assert watch.returncode == 0, err
    assert [json.loads(line)["job"]["id"] for line in out.splitlines()] == [second.id]
    lost = err.index("gigctl: connection lost; reconnecting (the watch resumes where it stopped)")
    assert err.index("gigctl: reconnected\n") > lost, err


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A gigwired serving the demo marketplace (`make run`'s data)."""
    running = launch(gigwired_path(), tmp_path_factory.mktemp("demo"), ("--demo-data",),
                     fresh=False)
    yield running
    shutdown(running)


def readme_gigctl_examples() -> list:
    """Each gigctl command of the README's shell blocks, as its argument list (comments
    dropped; `source <(gigctl completion bash)` gives its gigctl part)."""
    text = (REPO_ROOT / "README.md").read_text()
    examples = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            match = re.search(r"(?:^|<\()gigctl ([^)]*)", line)
            if match:
                examples.append(shlex.split(match.group(1), comments=True))
    return examples


def demo_placeholders(gigctl) -> dict:
    """JOB_ID: the demo's open (curated) job; USER_ID: Sam, the logo designer;
    PROJECT_ID: the demo's open project (taking proposals); PROPOSAL_ID: one of its
    proposals."""
    [job] = [j for j in gigctl.json_lines("jobs", "list", "--state", "open")
             if j.get("sourcing_mode") != "SOURCING_MODE_OPEN"]
    sellers = gigctl.json_lines("users", "list", "--role", "seller")
    [sam] = [u for u in sellers if u["email"] == "sam@demo.gigwire.dev"]
    [project, *_] = [j for j in gigctl.json_lines("jobs", "open") if j.get("proposal_count")]
    [proposal, *_] = gigctl.json_lines("proposals", "list", "--job", project["id"])
    return {"JOB_ID": job["id"], "USER_ID": sam["id"], "PROJECT_ID": project["id"],
            "PROPOSAL_ID": proposal["id"]}


def test_every_gigctl_example_of_the_readme_works(demo_server, tmp_path):
    examples = readme_gigctl_examples()
    assert examples[0][-3:] == ["login", "--email", "admin@demo.gigwire.dev"], examples[0]
    assert any(e[:2] == ["sellers", "search"] for e in examples), examples
    for verb in (["jobs", "open"], ["proposals", "list"], ["proposals", "show"],
                 ["portfolio", "list"]):
        assert any(e[:2] == verb for e in examples), (verb, examples)
    gigctl = Gigctl(demo_server.address, tmp_path / "config.json")
    placeholders = {}
    for example in examples:
        args = [placeholders.get(a, a) for a in example]
        args = [re.sub(r"\b(JOB_ID|USER_ID|PROJECT_ID|PROPOSAL_ID)\b",
                       lambda m: placeholders[m.group(1)], a) for a in args]
        args = [demo_server.address if a == README_SERVER else a for a in args]
        stdin = DEMO_PASSWORD + "\n" if "login" in args else "y\n"
        result = subprocess.run([str(GIGCTL), *args], input=stdin, capture_output=True,
                                text=True, env=gigctl.env, timeout=60)
        assert result.returncode == 0, f"gigctl {shlex.join(args)}: {result.stderr}"
        if args[:2] == ["sellers", "search"]:
            rows = result.stdout.splitlines()[1:]
            assert any("Sam Rivera" in row for row in rows), result.stdout
        if "login" in args:
            placeholders = demo_placeholders(gigctl)


def demo_admin(demo_server, tmp_path) -> Gigctl:
    gigctl = Gigctl(demo_server.address, tmp_path / "config.json")
    gigctl.ok("login", "--email", "admin@demo.gigwire.dev", stdin=DEMO_PASSWORD + "\n")
    return gigctl


def test_show_verbs_preview_sellers_gigs_bookings_and_users(demo_server, tmp_path):
    gigctl = demo_admin(demo_server, tmp_path)
    sam = gigctl.ok("sellers", "show", "sam@demo.gigwire.dev")
    assert re.search(r"NAME:\s+Sam Rivera\n", sam) and "logo design, branding, illustrator" in sam
    assert "Rating and recent reviews" in sam and re.search(r"RATING:\s+5.00\n", sam), sam
    assert re.search(r"Ada Lovelace <ada@demo.gigwire.dev>\s+Great communication", sam), sam
    assert re.search(r"Minimal logo with three concepts\s+USD 250.00\s+logo-design", sam), sam

    ada = gigctl.ok("users", "show", "ada@demo.gigwire.dev")
    assert re.search(r"EMAIL:\s+ada@demo.gigwire.dev\n", ada) and "Ada Lovelace" in ada

    [gig, *_] = gigctl.json_lines("gigs", "list", "--seller", "sam@demo.gigwire.dev")
    shown = gigctl.ok("gigs", "show", gig["id"])
    assert re.search(r"SELLER:\s+Sam Rivera <sam@demo.gigwire.dev>\n", shown), shown
    assert re.search(r"CATEGORY:\s+logo-design\n", shown), shown

    [booking] = gigctl.json_lines("bookings", "list", "--state", "completed",
                                  "--seller", "sam@demo.gigwire.dev")
    shown = gigctl.ok("bookings", "show", booking["id"])
    assert re.search(r"BUYER:\s+Ada Lovelace <ada@demo.gigwire.dev>\n", shown), shown
    assert re.search(r"SELLER:\s+Sam Rivera <sam@demo.gigwire.dev>\n", shown), shown
    job, offer = shown.split("\nJob\n")[1].split("\nOffer\n")
    assert re.search(r"TITLE:\s+Logo for a bakery chain\n", job), shown
    assert re.search(r"STATE:\s+ACCEPTED\n", offer), shown
    [as_json] = gigctl.json_lines("bookings", "show", booking["id"])
    assert as_json["id"] == booking["id"]  # -o json: the booking alone


def test_the_demo_has_a_job_reopened_by_a_cancelled_booking_and_booked_again(demo_server,
                                                                            tmp_path):
    gigctl = demo_admin(demo_server, tmp_path)
    [cancelled] = gigctl.json_lines("bookings", "list", "--state", "cancelled")
    assert cancelled["cancel_reason"] == "Lee is away until next month.", cancelled
    [lee] = gigctl.json_lines("users", "show", "lee@demo.gigwire.dev")
    assert cancelled["seller_id"] == lee["id"], cancelled
    [job] = gigctl.json_lines("call", "gigwire.v1.JobService/GetJob",
                              "-d", json.dumps({"id": cancelled["job_id"]}))
    assert job["state"] == "JOB_STATE_BOOKED" and job["booking_id"] != cancelled["id"], job
    [active] = gigctl.json_lines("bookings", "show", job["booking_id"])
    assert active["state"] == "BOOKING_STATE_ACTIVE", active
    [sam] = gigctl.json_lines("users", "show", "sam@demo.gigwire.dev")
    assert active["seller_id"] == sam["id"], active


def test_the_demo_has_an_open_project_with_three_proposals_and_a_portfolio(demo_server,
                                                                          tmp_path):
    gigctl = demo_admin(demo_server, tmp_path)
    projects = gigctl.json_lines("jobs", "open")
    assert projects and {p["sourcing_mode"] for p in projects} == {"SOURCING_MODE_OPEN"}
    [project, *_] = [p for p in projects if p.get("proposal_count") == 3]
    table = gigctl.ok("jobs", "open").splitlines()
    assert table[0].split() == ["ID", "TITLE", "BUYER", "CATEGORY", "BUDGET", "BIDS", "CLOSES",
                                "DUE"]
    assert any(row.startswith(project["id"]) and "@demo.gigwire.dev>" in row for row in table)

    bids = gigctl.json_lines("proposals", "list", "--job", project["id"], "--order", "price")
    assert len(bids) == 3 and {b["job_id"] for b in bids} == {project["id"]}
    prices = [int(b["price"]["amount_minor"]) for b in bids]
    assert prices == sorted(prices), prices
    table = gigctl.ok("proposals", "list", "--job", project["id"]).splitlines()
    assert table[0].split() == ["ID", "JOB", "SELLER", "PRICE", "DAYS", "STATE", "RATING",
                                "SUBMITTED"]
    assert len(table) == 4 and all("@demo.gigwire.dev>" in row for row in table[1:]), table
    assert "usr_" not in "\n".join(table)

    shown = gigctl.ok("proposals", "show", bids[0]["id"])
    assert re.search(rf'JOB:\s+"{re.escape(project["title"])}" \({project["id"]}\)\n', shown), shown
    assert re.search(r"SELLER:\s+.+ <\w+@demo.gigwire.dev>\n", shown), shown
    assert "\nJob\n" in shown and "\nSeller's portfolio (newest first)\n" in shown, shown
    [as_json] = gigctl.json_lines("proposals", "show", bids[0]["id"])
    assert as_json["id"] == bids[0]["id"]  # -o json: the proposal alone

    sellers = [u["email"] for u in gigctl.json_lines("users", "list", "--role", "seller")]
    portfolios = {email: gigctl.json_lines("portfolio", "list", "--seller", email)
                  for email in sellers}
    [(email, items), *_] = [(e, items) for e, items in portfolios.items() if items]
    assert all(i["link_url"].startswith(("https://", "http://")) for i in items
               if i.get("link_url")), items
    table = gigctl.ok("portfolio", "list", "--seller", email).splitlines()
    assert table[0].split() == ["ID", "TITLE", "LINK", "SKILLS", "CREATED"]
    assert len(table) == len(items) + 1
    assert "Portfolio (newest first)" in gigctl.ok("sellers", "show", email)


def test_lists_show_names_and_take_emails_and_slugs(demo_server, tmp_path):
    gigctl = demo_admin(demo_server, tmp_path)
    gigs = gigctl.ok("gigs", "list", "--category", "logo-design", "--state", "approved")
    assert gigs.splitlines()[0].split() == ["ID", "STATE", "TITLE", "SELLER", "PRICE",
                                            "CATEGORY", "UPDATED"]
    assert "Sam Rivera <sam@demo.gigwire.dev>" in gigs and "logo-design" in gigs
    assert "usr_" not in gigs and "cat_" not in gigs
    categories = gigctl.ok("categories", "list").splitlines()
    assert categories[0].split() == ["SLUG", "NAME", "PARENT", "ID"]
    assert any(re.match(r"logo-design\s+Logo design\s+design\s+cat_", row) for row in categories)
    pending = gigctl.ok("jobs", "pending")
    assert "<bo@demo.gigwire.dev>" in pending or "<ada@demo.gigwire.dev>" in pending, pending
    unknown = gigctl("users", "show", "nobody@demo.gigwire.dev")
    assert unknown.returncode == 5 and "no account has the email nobody@demo" in unknown.stderr
    no_slug = gigctl("gigs", "list", "--category", "no-such-slug")
    assert no_slug.returncode == 5 and "no category has the slug 'no-such-slug'" in no_slug.stderr


def test_all_walks_every_page(admin_gigctl, new_user):
    new_user(prefix="page1"), new_user(prefix="page2")
    every = admin_gigctl.json_lines("users", "list", "--page-size", "500")
    first = admin_gigctl("-o", "json", "users", "list", "--page-size", "1")
    assert first.returncode == 0 and len(first.stdout.splitlines()) == 1
    assert "more: add --page-token" in first.stderr and "(or --all)" in first.stderr
    walked = admin_gigctl("-o", "json", "users", "list", "--page-size", "1", "--all")
    assert walked.returncode == 0 and "more:" not in walked.stderr
    ids = [json.loads(line)["id"] for line in walked.stdout.splitlines()]
    assert len(ids) == len(set(ids)) and set(ids) >= {u["id"] for u in every}
    table = admin_gigctl.ok("users", "list", "--page-size", "2", "--all").splitlines()
    assert table[0].startswith("ID") and len(table) - 1 >= len(every)


def test_a_seller_works_from_gigctl(gigctl, new_user, admin, category):  # noqa: F811
    seller = new_user(roles=(user_pb2.ROLE_SELLER,), prefix="sal")
    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="buyer")
    jobs = [open_job(buyer, admin, category, title=f"Poster {n}") for n in (1, 2)]
    offers = [sdk_assign(admin, job, [seller])[0].offer_id for job in jobs]
    gigctl.ok("login", "--email", seller.email, stdin=USER_PASSWORD + "\n")
    pending = gigctl.json_lines("offers", "list", "--state", "pending")
    assert sorted(o["id"] for o in pending) == sorted(offers)
    table = gigctl.ok("offers", "list")
    assert "Poster 1" in table and "Poster 2" in table and "sal person" in table

    declined = gigctl.ok("offers", "decline", offers[0], "--reason", "busy").strip()
    assert declined == f"declined {offers[0]}: DECLINED"
    accepted = gigctl.ok("offers", "accept", offers[1]).strip()
    match = re.fullmatch(rf"accepted {offers[1]}: ACCEPTED, booking (bkg_\S+)", accepted)
    assert match, accepted
    delivered = gigctl.ok("bookings", "deliver", match.group(1), "--note", "files sent").strip()
    assert delivered == f"delivered {match.group(1)}: DELIVERED"
    assert gigctl("bookings", "deliver", match.group(1)).returncode == 64  # --note is required


def test_open_market_verbs(admin_gigctl, new_user, admin, category):  # noqa: F811
    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="buyer")
    ann, ben = (new_user(roles=(user_pb2.ROLE_SELLER,), prefix=n) for n in ("ann", "ben"))
    project = open_project(buyer, admin, category)
    milestones = plan(("Sketches", 15_000, 4), ("Final kit", 30_000, 10))
    ann_bid = submit(ann, project.id, proposal(usd(45_000), 10, milestones=milestones))
    ben_bid = submit(ben, project.id, proposal(usd(38_000), 7))

    [listed] = admin_gigctl.json_lines("jobs", "open", "--category", category.slug,
                                       "--order", "closing")
    assert (listed["id"], listed["proposal_count"]) == (project.id, 2)
    assert admin_gigctl.json_lines("jobs", "open", "--category", category.id,
                                   "--currency", "EUR") == []

    table = admin_gigctl.ok("proposals", "list", "--job", project.id, "--order", "price")
    rows = table.splitlines()
    assert rows[1].startswith(ben_bid.id) and rows[2].startswith(ann_bid.id), table
    assert f"ann person <{ann.email}>" in rows[2] and "USD 450.00" in rows[2], table
    assert "SUBMITTED" in rows[1] and project.title in rows[1], table
    only_ann = admin_gigctl.json_lines("proposals", "list", "--seller", ann.email)
    assert [p["id"] for p in only_ann] == [ann_bid.id]

    shown = admin_gigctl.ok("proposals", "show", ann_bid.id)
    assert re.search(r"MILESTONES:\s+Sketches: USD 150.00 by day 4, "
                     r"Final kit: USD 300.00 by day 10\n", shown), shown
    assert re.search(r"PRICE:\s+USD 450.00\n", shown) and re.search(r"DAYS:\s+10\n", shown)
    assert re.search(rf"SELLER:\s+ann person <{re.escape(ann.email)}>\n", shown), shown

    accepted = buyer.client.proposals.AcceptProposal(
        proposal_pb2.AcceptProposalRequest(id=ann_bid.id))
    booking = admin_gigctl.ok("bookings", "show", accepted.booking_id)
    assert re.search(r"SOURCE:\s+PROPOSAL\n", booking) and "\nProposal\n" in booking, booking
    assert re.search(r"PRICE:\s+USD 450.00\n", booking), booking
    assert "Final kit: USD 300.00 by day 10" in booking, booking
    assert admin_gigctl.json_lines("proposals", "list", "--job", project.id, "--state",
                                   "not-selected")[0]["id"] == ben_bid.id

    # A seller's gigctl shows its own proposal only (sealed bids).
    admin_gigctl.ok("login", "--email", ben.email, stdin=USER_PASSWORD + "\n")
    assert [p["id"] for p in admin_gigctl.json_lines("proposals", "list", "--job",
                                                     project.id)] == [ben_bid.id]
    hidden = admin_gigctl("proposals", "show", ann_bid.id)
    assert hidden.returncode == 5 and "NOT_FOUND" in hidden.stderr, hidden.stderr


def pdf_bytes(size: int) -> bytes:
    """A file the server takes as application/pdf: the header, then random bytes."""
    return b"%PDF-1.4\n" + os.urandom(size)


def talk(admin, new_user, category):  # noqa: F811
    """A buyer and a seller with an offer on the buyer's job, and their conversation with
    a greeting, a file (message 2) and a message sharing a phone number with a file of its
    own (message 3)."""
    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="bua")
    seller = new_user(roles=(user_pb2.ROLE_SELLER,), prefix="sel")
    job = open_job(buyer, admin, category, title="Logo for a flower shop")
    sdk_assign(admin, job, [seller])
    conversation = seller.client.conversations.OpenConversation(
        conversation_pb2.OpenConversationRequest(job_id=job.id))
    send = lambda user, text, *files: user.client.conversations.SendMessage(  # noqa: E731
        conversation_pb2.SendMessageRequest(conversation_id=conversation.id, text=text,
                                            attachment_ids=[f.id for f in files]))
    evidence_bytes, secret_bytes = pdf_bytes(300 * 1024), pdf_bytes(2048)
    evidence = buyer.client.upload_file(evidence_bytes, "evidence.pdf")
    secret_file = buyer.client.upload_file(secret_bytes, "card.pdf")
    messages = [send(seller, "Hello, which colours?"),
                send(buyer, "The current logo", evidence),
                send(buyer, "Call me on 555-0100", secret_file)]
    return dict(buyer=buyer, seller=seller, job=job, conversation=conversation,
                messages=messages, evidence=evidence, evidence_bytes=evidence_bytes,
                secret_file=secret_file)


def test_support_reads_a_conversation_hides_a_message_and_joins(admin_gigctl, new_user, admin,
                                                                 category):  # noqa: F811
    t = talk(admin, new_user, category)
    cnv, (hello, with_file, secret) = t["conversation"].id, t["messages"]
    assert admin_gigctl.json_lines("conversations", "list") == []  # none joined yet
    [listed] = admin_gigctl.json_lines("conversations", "list", "--user", t["buyer"].email)
    assert (listed["id"], listed["last_message"]["id"]) == (cnv, secret.id)
    table = admin_gigctl.ok("conversations", "list", "--user", t["seller"].user.id)
    assert "Logo for a flower shop" in table and f"bua person <{t['buyer'].email}>" in table

    hid = admin_gigctl.ok("messages", "hide", secret.id, "--reason", "a phone number").strip()
    assert hid == f"hid message 3 ({secret.id}) of {cnv}"
    again = admin_gigctl("messages", "hide", secret.id, "--reason", "twice")
    assert again.returncode == 9 and "FAILED_PRECONDITION (INVALID_STATE)" in again.stderr
    assert admin_gigctl("messages", "hide", secret.id).returncode == 64  # --reason is required

    shown = admin_gigctl.ok("conversations", "show", cnv)
    assert re.search(r"TITLE:\s+Logo for a flower shop\n", shown), shown
    assert re.search(rf"SELLER:\s+sel person <{re.escape(t['seller'].email)}>\n", shown), shown
    rows = {line.split()[0]: line for line in shown.split("Messages (")[1].splitlines()[2:]
            if line.strip()}
    assert "Call me on 555-0100" in rows["3"] and "yes" in rows["3"], shown  # admins see it, marked
    assert "a phone number" in rows["3"] and "card.pdf (fil_" in rows["3"], shown
    assert re.search(r"evidence\.pdf \(fil_\S+, 300\.0 KiB\)", rows["2"]), shown
    assert " no " in rows["1"], shown
    # The participants get the hidden message without its text or files.
    seen = t["seller"].client.conversations.ListMessages(
        conversation_pb2.ListMessagesRequest(conversation_id=cnv)).messages
    assert (seen[2].hidden, seen[2].text, len(seen[2].attachments)) == (True, "", 0)

    [newest] = admin_gigctl.json_lines("messages", "list", cnv, "--page-size", "1")
    assert newest["id"] == secret.id and newest["hidden_reason"] == "a phone number"
    paged = admin_gigctl("messages", "list", cnv, "--page-size", "1")
    assert f"older: gigctl messages list {cnv} --before {secret.id}" in paged.stderr
    older = admin_gigctl.json_lines("messages", "list", cnv, "--before", secret.id)
    assert [m["id"] for m in older] == [hello.id, with_file.id]

    joined = admin_gigctl.ok("conversations", "join", cnv).strip()
    assert re.fullmatch(rf"joined {cnv}: admins usr_\S+", joined), joined
    assert "send" in admin_gigctl.json_lines("conversations", "show", cnv)[0]["allowed_actions"]
    assert [c["id"] for c in admin_gigctl.json_lines("conversations", "list")] == [cnv]
    gone = admin_gigctl("conversations", "show", "cnv_nope")
    assert gone.returncode == 5 and "NOT_FOUND" in gone.stderr


def test_files_info_list_and_a_verified_download(admin_gigctl, new_user, admin, category,
                                                 tmp_path, server):  # noqa: F811
    t = talk(admin, new_user, category)
    evidence, data = t["evidence"], t["evidence_bytes"]
    info = admin_gigctl.ok("files", "info", evidence.id)
    for pattern in (r"NAME:\s+evidence\.pdf\n", r"TYPE:\s+application/pdf\n",
                    rf"SIZE:\s+{len(data)} B \(300\.0 KiB\)\n",
                    rf"SHA-256:\s+{hashlib.sha256(data).hexdigest()}\n",
                    r"ATTACHED TO:\s+MESSAGE\n", rf"ATTACHED ID:\s+{t['messages'][1].id}\n"):
        assert re.search(pattern, info), (pattern, info)
    [listed] = admin_gigctl.json_lines("files", "list", "message", t["messages"][1].id)
    assert listed["id"] == evidence.id

    target = tmp_path / "downloads"
    target.mkdir()
    done = admin_gigctl.ok("files", "download", evidence.id, "--out", str(target)).strip()
    assert done.startswith(f"downloaded {evidence.id} (application/pdf, 0.3 MiB) to "
                           f"{target / 'evidence.pdf'}; SHA-256 "), done
    assert (target / "evidence.pdf").read_bytes() == data
    assert sorted(p.name for p in target.iterdir()) == ["evidence.pdf"]  # no part file left
    exists = admin_gigctl("files", "download", evidence.id, "--out", str(target))
    assert exists.returncode == 6 and "add --force" in exists.stderr
    admin_gigctl.ok("files", "download", evidence.id, "--out", str(target), "--force")
    to_stdout = subprocess.run(admin_gigctl.command("files", "download", evidence.id, "--out", "-"),
                               capture_output=True, env=admin_gigctl.env, timeout=60)
    assert to_stdout.returncode == 0 and to_stdout.stdout == data
    assert b"downloaded " + evidence.id.encode() in to_stdout.stderr  # the report is not in the bytes

    # On a terminal, progress on stderr.
    terminal, pty_side = os.openpty()
    with_progress = subprocess.run(
        admin_gigctl.command("files", "download", evidence.id, "--out", str(tmp_path / "p.pdf")),
        stdout=subprocess.PIPE, stderr=pty_side, env=admin_gigctl.env, timeout=60)
    os.close(pty_side)
    progress = os.read(terminal, 65536).decode()
    os.close(terminal)
    assert with_progress.returncode == 0 and "0.3 MiB of 0.3 MiB (100%)" in progress, progress

    # A stored blob damaged on disk: nothing is kept, exit 15 (DATA_LOSS).
    digest = hashlib.sha256(data).hexdigest()
    blob = server.data_dir / "files" / "objects" / digest[:2] / digest
    damaged = bytearray(blob.read_bytes())
    damaged[-1] ^= 0xFF
    blob.chmod(0o600)
    blob.write_bytes(bytes(damaged))
    broken = admin_gigctl("files", "download", evidence.id, "--out", str(tmp_path / "bad.pdf"))
    assert broken.returncode == 15 and "DATA_LOSS" in broken.stderr, broken.stderr
    assert list(tmp_path.glob("*bad.pdf*")) == [], "neither the file nor a temporary one"

    # A participant may not download the file of a hidden message; support may.
    admin.conversations.HideMessage(conversation_pb2.HideMessageRequest(
        id=t["messages"][2].id, reason="a phone number"))
    admin_gigctl.ok("login", "--email", t["seller"].email, stdin=USER_PASSWORD + "\n")
    refused = admin_gigctl("files", "download", t["secret_file"].id, "--out", str(tmp_path))
    assert refused.returncode == 5 and "NOT_FOUND" in refused.stderr
    assert not (tmp_path / "card.pdf").exists()


def test_bookings_show_lists_the_delivered_files(admin_gigctl, new_user, admin,
                                                 category):  # noqa: F811
    buyer = new_user(roles=(user_pb2.ROLE_BUYER,), prefix="bub")
    seller = new_user(roles=(user_pb2.ROLE_SELLER,), prefix="seb")
    job = open_job(buyer, admin, category, title="Mascot for a bakery")
    offer = sdk_assign(admin, job, [seller])[0].offer_id
    booking_id = seller.client.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=offer)).booking_id
    final = seller.client.upload_file(pdf_bytes(4096), "mascot.pdf")
    seller.client.bookings.DeliverBooking(booking_pb2.DeliverBookingRequest(
        id=booking_id, note="the mascot", attachment_ids=[final.id]))
    shown = admin_gigctl.ok("bookings", "show", booking_id)
    files = shown.split("\nDelivered files\n")[1]
    assert re.search(rf"{final.id}\s+mascot\.pdf\s+application/pdf\s+4105 B \(4\.0 KiB\)\s+"
                     rf"seb person <{re.escape(seller.email)}>", files), shown
    [listed] = admin_gigctl.json_lines("files", "list", "delivery", booking_id)
    assert listed["attached_kind"] == "FILE_ATTACHMENT_KIND_DELIVERY"
