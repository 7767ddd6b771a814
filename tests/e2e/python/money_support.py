# Helpers of the money end-to-end tests (test_money.py, test_money_crash.py): a
# marketplace on one gigwired driven through SDK clients (MoneyMarket: sellers with
# approved gigs, gig orders whose one milestone the tests fund, submit and approve),
# exact balance and ledger reads, and stripe-mock started on a loopback port.
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest

from e2e_support import ADMIN_EMAIL, ADMIN_PASSWORD, register_request, unique_email
from gigwire import Client
from gigwire.v1 import (booking_pb2, catalog_pb2, category_pb2, common_pb2, gig_pb2,
                        ledger_pb2, milestone_pb2, payment_pb2, user_pb2)

FEE_BPS = 250
SELLER = (user_pb2.ROLE_SELLER,)
BUYER = (user_pb2.ROLE_BUYER,)
MS = milestone_pb2
# The order of a milestone's happy path: "at least as far as" compares these ranks.
HAPPY_PATH = (MS.MILESTONE_STATE_PENDING, MS.MILESTONE_STATE_FUNDED,
              MS.MILESTONE_STATE_SUBMITTED, MS.MILESTONE_STATE_RELEASED)


def usd(amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency_code="USD", amount_minor=amount_minor)


def fee_of(amount_minor: int, fee_bps: int = FEE_BPS) -> int:
    """The platform fee the ledger takes: floor(amount * bps / 10000)."""
    return amount_minor * fee_bps // 10_000


def request_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Party:
    """A registered, logged-in user with its own client."""
    id: str
    email: str
    client: Client


@dataclass
class Balance:
    """One user's USD balance as plain integers (all zero when the user has none)."""
    available: int = 0
    payouts_requested: int = 0
    withdrawable: int = 0
    escrow_as_buyer: int = 0
    escrow_as_seller: int = 0


@dataclass
class Totals:
    """What ReconcileLedger reports, as USD integers and counts."""
    transactions: int
    entries: int
    platform_fees: int
    in_escrow: int
    seller_available: int


def usd_total(moneys) -> int:
    found = [m.amount_minor for m in moneys if m.currency_code == "USD"]
    assert len(found) <= 1, moneys
    return found[0] if found else 0


class MoneyMarket:
    """One gigwired's marketplace for money tests: its admin (created by the launcher),
    a category, and parties made on demand. close() it."""

    def __init__(self, address: str, **client_kwargs):
        self.address = address
        self._client_kwargs = client_kwargs
        self._clients: List[Client] = []
        self.admin = self.client()
        self.admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        self.category = self.admin.catalog.CreateCategory(catalog_pb2.CreateCategoryRequest(
            category=category_pb2.Category(slug=f"money-{uuid.uuid4().hex[:8]}",
                                           display_name="Money tests")))

    def client(self) -> Client:
        client = Client(self.address, **self._client_kwargs)
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def party(self, roles=BUYER, prefix="user") -> Party:
        client = self.client()
        request = register_request(unique_email(prefix), roles, display_name=prefix)
        registered = client.auth.Register(request)
        client.login(request.email, request.password)
        return Party(registered.id, request.email, client)

    def seller_with_gig(self, price_minor: int, prefix="seller") -> Tuple[Party, gig_pb2.Gig]:
        """A new seller whose gig (at `price_minor` USD) an admin approved."""
        seller = self.party(SELLER, prefix)
        gig = seller.client.catalog.CreateGig(catalog_pb2.CreateGigRequest(gig=gig_pb2.Gig(
            title=f"Logo design by {prefix}", description="Three concepts, two revisions.",
            category_id=self.category.id, price=usd(price_minor), delivery_days=5,
            tags=["logo"])))
        seller.client.catalog.SubmitGig(catalog_pb2.GigActionRequest(id=gig.id))
        approved = self.admin.catalog.ApproveGig(catalog_pb2.GigActionRequest(id=gig.id))
        assert approved.state == gig_pb2.GIG_STATE_APPROVED
        return seller, approved

    @staticmethod
    def order(buyer: Party, gig: gig_pb2.Gig) -> Tuple[booking_pb2.Booking, MS.Milestone]:
        """A gig order by `buyer`: the booking and its one PENDING milestone."""
        booking = buyer.client.bookings.OrderGig(booking_pb2.OrderGigRequest(
            gig_id=gig.id, requirements="A round logo, please.", request_id=request_id()))
        milestones = buyer.client.milestones.ListMilestones(
            MS.ListMilestonesRequest(booking_id=booking.id)).milestones
        assert len(milestones) == 1, milestones
        assert milestones[0].state == MS.MILESTONE_STATE_PENDING
        assert milestones[0].amount == gig.price
        return booking, milestones[0]

    def fund_and_confirm(self, buyer: Party, milestone_id: str) -> payment_pb2.Payment:
        """FundMilestone by the buyer, ConfirmPayment by the admin: the milestone is FUNDED."""
        funded = buyer.client.milestones.FundMilestone(MS.FundMilestoneRequest(id=milestone_id))
        assert funded.payment.state == payment_pb2.PAYMENT_STATE_PENDING, funded.payment
        confirmed = self.admin.payments.ConfirmPayment(payment_pb2.ConfirmPaymentRequest(
            id=funded.payment.id, note="Bank transfer arrived"))
        assert confirmed.state == payment_pb2.PAYMENT_STATE_SUCCEEDED, confirmed
        return confirmed

    def funded_and_submitted(self, buyer: Party, seller: Party, milestone_id: str) -> None:
        self.fund_and_confirm(buyer, milestone_id)
        submitted = seller.client.milestones.SubmitMilestone(
            MS.SubmitMilestoneRequest(id=milestone_id, note="The files are attached."))
        assert submitted.state == MS.MILESTONE_STATE_SUBMITTED

    def release(self, buyer: Party, seller: Party, milestone_id: str) -> MS.Milestone:
        """Fund, confirm, submit and approve: the milestone is RELEASED."""
        self.funded_and_submitted(buyer, seller, milestone_id)
        released = buyer.client.milestones.ApproveMilestone(
            MS.ApproveMilestoneRequest(id=milestone_id))
        assert released.state == MS.MILESTONE_STATE_RELEASED
        return released

    def milestone(self, milestone_id: str) -> MS.Milestone:
        return self.admin.milestones.GetMilestone(MS.GetMilestoneRequest(id=milestone_id))

    def booking(self, booking_id: str) -> booking_pb2.Booking:
        return self.admin.bookings.GetBooking(booking_pb2.GetBookingRequest(id=booking_id))

    def balance(self, user_id: str) -> Balance:
        """`user_id`'s USD balance, read by the admin."""
        return balance_of(self.admin, user_id)

    def reconcile(self) -> Totals:
        """ReconcileLedger must be ok; returns its totals."""
        return reconcile(self.admin)


def balance_of(client: Client, user_id: str = "") -> Balance:
    response = client.ledger.GetBalance(ledger_pb2.GetBalanceRequest(user_id=user_id))
    found = [b for b in response.balances if b.currency_code == "USD"]
    assert len(found) <= 1, response
    if not found:
        return Balance()
    b = found[0]
    for money in (b.available, b.payouts_requested, b.withdrawable, b.escrow_as_buyer,
                  b.escrow_as_seller):
        assert money.currency_code in ("", "USD"), b
    return Balance(b.available.amount_minor, b.payouts_requested.amount_minor,
                   b.withdrawable.amount_minor, b.escrow_as_buyer.amount_minor,
                   b.escrow_as_seller.amount_minor)


def reconcile(admin: Client) -> Totals:
    report = admin.ledger.ReconcileLedger(ledger_pb2.ReconcileLedgerRequest())
    assert report.ok and not report.violations, list(report.violations)
    return Totals(report.transactions, report.entries, usd_total(report.platform_fees),
                  usd_total(report.in_escrow), usd_total(report.seller_available))


def all_entries(client: Client, page_size: int = 500, **filters) -> List[ledger_pb2.LedgerEntry]:
    """Every ledger entry ListLedgerEntries shows `client` with `filters`, across pages
    (at most 1000 pages: the paging must end)."""
    entries, token = [], ""
    for _ in range(1000):
        page = client.ledger.ListLedgerEntries(ledger_pb2.ListLedgerEntriesRequest(
            page_size=page_size, page_token=token, **filters))
        assert len(page.entries) <= page_size
        entries.extend(page.entries)
        token = page.next_page_token
        if not token:
            return entries
    raise AssertionError("ListLedgerEntries never ended")


# --- stripe-mock ----------------------------------------------------------------------------

STRIPE_TEST_KEY = "sk_test_gigwireE2E"  # stripe-mock: letters and digits after sk_test_
STRIPE_MOCK_START_S = 30.0
LISTENING = re.compile(r"Listening for HTTP at address: 127\.0\.0\.1:(\d+)\n")


def e2e_required() -> bool:
    return os.environ.get("GIGWIRE_E2E") == "require"


def find_stripe_mock() -> Tuple[Optional[str], str]:
    """The stripe-mock binary ($STRIPE_MOCK, $(go env GOPATH)/bin, ~/go/bin, PATH) or None,
    and where it was looked for."""
    if os.environ.get("STRIPE_MOCK"):
        path = os.environ["STRIPE_MOCK"]
        return (path if os.access(path, os.X_OK) else None), f"$STRIPE_MOCK={path}"
    candidates = []
    try:
        gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True,
                                timeout=30).stdout.strip()
        if gopath:
            candidates.append(os.path.join(gopath, "bin", "stripe-mock"))
    except (OSError, subprocess.TimeoutExpired):
        pass
    candidates.append(os.path.expanduser("~/go/bin/stripe-mock"))
    on_path = shutil.which("stripe-mock")
    if on_path:
        candidates.append(on_path)
    for path in candidates:
        if os.access(path, os.X_OK):
            return path, ", ".join(candidates)
    return None, ", ".join(candidates)


def stripe_mock_answers(base: str) -> bool:
    request = urllib.request.Request(f"{base}/v1/payment_intents/pi_ready",
                                     headers={"Authorization": f"Bearer {STRIPE_TEST_KEY}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def stripe_mock() -> Iterator[str]:
    """Runs stripe-mock on loopback ports the kernel picks; yields its HTTP base URL and
    always kills it. Missing: the test fails under GIGWIRE_E2E=require (as `make test`
    sets), and is skipped otherwise."""
    binary, looked = find_stripe_mock()
    if binary is None:
        why = f"stripe-mock not found (looked at {looked}); install it with tools/setup.sh"
        if e2e_required():
            pytest.fail(why)
        pytest.skip(why + " (GIGWIRE_E2E=require makes this a failure)")
    with tempfile.TemporaryFile(mode="w+b") as log:
        process = subprocess.Popen([binary, "-http-addr", "127.0.0.1:0",
                                    "-https-addr", "127.0.0.1:0"],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STRIPE_MOCK_START_S
            base = None
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    break
                log.seek(0)
                match = LISTENING.search(log.read().decode(errors="replace"))
                if match and stripe_mock_answers(f"http://127.0.0.1:{match.group(1)}"):
                    base = f"http://127.0.0.1:{match.group(1)}"
                    break
                time.sleep(0.05)
            if base is None:
                log.seek(0)
                pytest.fail(f"stripe-mock did not start: {log.read().decode(errors='replace')}")
            yield base
        finally:
            process.kill()
            process.wait()


def write_key_file(folder: Path) -> Path:
    path = folder / "stripe.key"
    path.write_text(STRIPE_TEST_KEY + "\n")
    path.chmod(0o600)
    return path

