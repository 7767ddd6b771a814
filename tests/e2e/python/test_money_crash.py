# SIGKILL during a run of money steps (issue 15): no acknowledged step is lost and the
# ledger stays reconciled.
#
# One database, ROUNDS server processes in turn on the same loopback port. In each round
# a client thread orders a gig (a booking with one milestone) and drives the milestone
# through fund (buyer) -> confirm (admin) -> submit (seller) -> approve (buyer), then
# the next, one call at a time, each with its own request_id, and records every step
# the server answered OK. The test kills gigwired with SIGKILL at a random moment
# (seeded: GIGWIRE_CRASH_SEED), restarts it on the same database and port, and checks:
#   - every milestone is exactly where its acknowledged steps put it, except the one
#     whose call was in flight, which may be one step further (committed, unanswered);
#     every acknowledged payment is there (a confirmed one still SUCCEEDED);
#   - the in-flight call, retried with the same request_id, succeeds (its first attempt
#     committed and is replayed, or it happens now): exactly one effect;
#   - then, to the minor unit: one booking per acknowledged order, one payment per
#     funded milestone, the seller's available balance and the platform's fees from the
#     released milestones, the buyer's escrow from the funded ones, one ledger
#     transaction per fund and per release, and ReconcileLedger ok.
# Every server started is killed or stopped; the last one must stop cleanly on SIGTERM.
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import grpc

from conftest import gigwired_path, launch, shutdown
from events_support import BUSY_PRODUCER_FLAGS, retry_unavailable
from gigwire import GigwireError
from gigwire.v1 import booking_pb2, payment_pb2, user_pb2
from money_support import (BUYER, FEE_BPS, HAPPY_PATH, MS, MoneyMarket, balance_of, fee_of,
                           reconcile, request_id)

ROUNDS = 20
SEED = int(os.environ.get("GIGWIRE_CRASH_SEED", "1515"))
# The kill comes this long after the client thread starts its round.
KILL_AFTER_S = (0.01, 0.5)
PRICE_MINOR = 10_001  # fee floor(250.025) = 250
CALL_TIMEOUT_S = 5.0
WORKER_JOIN_S = 15.0
FAST_RECONNECT = (("grpc.initial_reconnect_backoff_ms", 50),
                  ("grpc.min_reconnect_backoff_ms", 50),
                  ("grpc.max_reconnect_backoff_ms", 300))
# No gRPC-level retries: a call the kill interrupts fails at once (the test retries it
# itself after the restart, with the same request_id), so each round stays short.
NO_RETRIES = '{"methodConfig": []}'
FLAGS = BUSY_PRODUCER_FLAGS + ("--platform-fee-bps", str(FEE_BPS))
TRANSPORT_FAILURES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
STEPS = ("order", "list", "fund", "confirm", "submit", "approve")


@dataclass
class Tracked:
    """One milestone as the client knows it from OK answers."""
    id: str
    booking_id: str
    rank: int = 0                       # index in HAPPY_PATH of the acknowledged state
    payment_id: str = ""                # acknowledged FundMilestone's payment

    def next_step(self) -> Optional[str]:
        if self.rank == 0:
            return "confirm" if self.payment_id else "fund"
        return {1: "submit", 2: "approve"}.get(self.rank)


@dataclass
class InFlight:
    """The call the kill interrupted: retried with the same request after the restart."""
    milestone: Optional[Tracked]
    step: str
    request: object


@dataclass
class Stats:
    kills: int = 0
    steps_acked: Dict[str, int] = field(default_factory=lambda: {s: 0 for s in STEPS})
    in_flight: Dict[str, int] = field(default_factory=lambda: {s: 0 for s in STEPS})
    committed_unanswered: int = 0


class Driver:
    """The parties and what the client has been told."""

    def __init__(self, market: MoneyMarket):
        self.market = market
        self.seller, self.gig = market.seller_with_gig(PRICE_MINOR, "crash-seller")
        self.buyer = market.party(BUYER, "crash-buyer")
        self.admin = market.admin
        self.milestones: List[Tracked] = []
        self.bookings: List[str] = []   # acknowledged orders
        self.pending_booking = ""       # ordered; its milestone not listed yet
        self.in_flight: Optional[InFlight] = None
        self.failure: Optional[BaseException] = None
        self.stats = Stats()

    # --- the calls -------------------------------------------------------------------------

    def request_for(self, tracked: Optional[Tracked], step: str):
        rid = request_id()
        if step == "order":
            return booking_pb2.OrderGigRequest(gig_id=self.gig.id, requirements="A logo.",
                                               request_id=rid)
        if step == "list":
            return MS.ListMilestonesRequest(booking_id=self.pending_booking)
        if step == "fund":
            return MS.FundMilestoneRequest(id=tracked.id, request_id=rid)
        if step == "confirm":
            return payment_pb2.ConfirmPaymentRequest(id=tracked.payment_id, note="Transfer seen",
                                                     request_id=rid)
        if step == "submit":
            return MS.SubmitMilestoneRequest(id=tracked.id, note="Delivered", request_id=rid)
        return MS.ApproveMilestoneRequest(id=tracked.id, request_id=rid)

    def call(self, step: str, request):
        buyer, seller = self.buyer.client, self.seller.client
        method = {"order": buyer.bookings.OrderGig, "list": buyer.milestones.ListMilestones,
                  "fund": buyer.milestones.FundMilestone,
                  "confirm": self.admin.payments.ConfirmPayment,
                  "submit": seller.milestones.SubmitMilestone,
                  "approve": buyer.milestones.ApproveMilestone}[step]
        return method(request, timeout=CALL_TIMEOUT_S)

    def acknowledge(self, tracked: Optional[Tracked], step: str, response) -> None:
        """Records an OK answer after checking that it says what the step does."""
        if step == "order":
            assert response.state == booking_pb2.BOOKING_STATE_ACTIVE, response
            assert response.id not in self.bookings, response
            self.bookings.append(response.id)
            self.pending_booking = response.id
        elif step == "list":
            assert len(response.milestones) == 1, response
            milestone = response.milestones[0]
            assert milestone.state == MS.MILESTONE_STATE_PENDING, milestone
            self.milestones.append(Tracked(milestone.id, self.pending_booking))
            self.pending_booking = ""
        elif step == "fund":
            assert response.payment.state == payment_pb2.PAYMENT_STATE_PENDING, response
            assert response.milestone.state == MS.MILESTONE_STATE_PENDING, response
            tracked.payment_id = response.payment.id
        elif step == "confirm":
            assert response.state == payment_pb2.PAYMENT_STATE_SUCCEEDED, response
            assert response.id == tracked.payment_id, response
            tracked.rank = 1
        elif step == "submit":
            assert response.state == MS.MILESTONE_STATE_SUBMITTED, response
            tracked.rank = 2
        else:
            assert response.state == MS.MILESTONE_STATE_RELEASED, response
            tracked.rank = 3
        self.stats.steps_acked[step] += 1

    def next_call(self) -> Tuple[Optional[Tracked], str]:
        """The next step: the open milestone's, else list the new booking's, else order."""
        if self.milestones and self.milestones[-1].next_step() is not None:
            return self.milestones[-1], self.milestones[-1].next_step()
        return None, ("list" if self.pending_booking else "order")

    def run(self, killed: threading.Event) -> None:
        """The client thread: steps until the server is gone (or a real failure)."""
        try:
            while not killed.is_set():
                tracked, step = self.next_call()
                request = self.request_for(tracked, step)
                self.in_flight = InFlight(tracked, step, request)
                try:
                    response = self.call(step, request)
                except GigwireError as error:
                    if killed.is_set() and error.code in TRANSPORT_FAILURES:
                        return  # in_flight stays: retried after the restart
                    raise
                self.in_flight = None
                self.acknowledge(tracked, step, response)
        except BaseException as failure:  # noqa: B902 - reported to the test thread
            self.failure = failure

    # --- after a restart -------------------------------------------------------------------

    def warm_up(self) -> None:
        """Every client's channel reconnected to the new process."""
        for client in (self.admin, self.buyer.client, self.seller.client):
            retry_unavailable(lambda c=client: c.users.GetMe(user_pb2.GetMeRequest()))

    def check_acknowledged(self) -> None:
        """Nothing acknowledged is lost; only the interrupted call may be one step further."""
        interrupted = self.in_flight.milestone if self.in_flight else None
        payments = {p.id: p for p in retry_unavailable(self.all_payments)}
        for tracked in self.milestones:
            milestone = retry_unavailable(lambda t=tracked: self.market.milestone(t.id))
            assert milestone.state in HAPPY_PATH, (tracked, milestone)
            rank = HAPPY_PATH.index(milestone.state)
            if tracked is interrupted and self.in_flight.step != "fund":
                assert rank in (tracked.rank, tracked.rank + 1), (tracked, milestone)
                self.stats.committed_unanswered += rank - tracked.rank
            else:
                assert rank == tracked.rank, (tracked, milestone)
            if tracked.payment_id:
                assert milestone.payment_id == tracked.payment_id, (tracked, milestone)
                assert tracked.payment_id in payments, tracked
                expected = (payment_pb2.PAYMENT_STATE_SUCCEEDED if rank >= 1
                            else payment_pb2.PAYMENT_STATE_PENDING)
                assert payments[tracked.payment_id].state == expected, \
                    (tracked, payments[tracked.payment_id])

    def retry_interrupted(self) -> None:
        """The interrupted call again, same request_id: it must succeed exactly once. Then
        the milestone of a booking ordered but not listed yet."""
        if self.in_flight is not None:
            flight, self.in_flight = self.in_flight, None
            self.stats.in_flight[flight.step] += 1
            response = retry_unavailable(lambda: self.call(flight.step, flight.request))
            self.acknowledge(flight.milestone, flight.step, response)
        if self.pending_booking:
            listed = retry_unavailable(lambda: self.call("list", self.request_for(None, "list")))
            self.acknowledge(None, "list", listed)

    def check_money(self) -> None:
        """Exact balances, one payment per funded milestone, one ledger transaction per
        fund and release, and a clean reconciliation."""
        assert sorted(self.all_bookings()) == sorted(self.bookings)
        assert sorted(t.booking_id for t in self.milestones) == sorted(self.bookings)
        released = [t for t in self.milestones if t.rank == 3]
        in_escrow = [t for t in self.milestones if t.rank in (1, 2)]
        funded = released + in_escrow
        net = PRICE_MINOR - fee_of(PRICE_MINOR)
        assert balance_of(self.admin, self.seller.id).available == net * len(released)
        assert balance_of(self.admin, self.buyer.id).escrow_as_buyer == \
            PRICE_MINOR * len(in_escrow)
        payments = self.all_payments()
        by_milestone: Dict[str, List[payment_pb2.Payment]] = {}
        for payment in payments:
            by_milestone.setdefault(payment.milestone_id, []).append(payment)
        for tracked in self.milestones:
            found = by_milestone.get(tracked.id, [])
            assert [p.id for p in found] == ([tracked.payment_id] if tracked.payment_id else []), \
                (tracked, found)
        assert sum(p.state == payment_pb2.PAYMENT_STATE_SUCCEEDED for p in payments) == \
            len(funded)
        totals = reconcile(self.admin)
        assert totals.transactions == len(funded) + len(released), totals
        assert totals.platform_fees == fee_of(PRICE_MINOR) * len(released), totals
        assert totals.seller_available == net * len(released), totals
        assert totals.in_escrow == PRICE_MINOR * len(in_escrow), totals

    def all_payments(self) -> List[payment_pb2.Payment]:
        payments, token = [], ""
        while True:
            page = self.admin.payments.ListPayments(payment_pb2.ListPaymentsRequest(
                page_size=500, page_token=token, buyer_id=self.buyer.id))
            payments.extend(page.payments)
            token = page.next_page_token
            if not token:
                return payments

    def all_bookings(self) -> List[str]:
        ids, token = [], ""
        while True:
            page = self.admin.bookings.ListBookings(booking_pb2.ListBookingsRequest(
                page_size=500, page_token=token, buyer_id=self.buyer.id))
            ids.extend(b.id for b in page.bookings)
            token = page.next_page_token
            if not token:
                return ids


def test_sigkill_loses_no_acknowledged_money_step(tmp_path):
    rng = random.Random(SEED)
    binary = gigwired_path()
    server = launch(binary, tmp_path, FLAGS)
    market = None
    finished = False
    try:
        market = MoneyMarket(server.address, channel_options=FAST_RECONNECT,
                             service_config=NO_RETRIES)
        driver = Driver(market)
        for round_number in range(ROUNDS):
            where = f"round {round_number} (GIGWIRE_CRASH_SEED={SEED})"
            killed = threading.Event()
            worker = threading.Thread(target=driver.run, args=(killed,), daemon=True)
            worker.start()
            time.sleep(rng.uniform(*KILL_AFTER_S))
            killed.set()
            server.process.kill()
            server.process.wait()
            driver.stats.kills += 1
            worker.join(WORKER_JOIN_S)
            assert not worker.is_alive(), f"{where}: the client thread did not stop"
            if driver.failure is not None:
                raise AssertionError(f"{where}: {driver.failure!r}") from driver.failure

            server = launch(binary, tmp_path, FLAGS, listen=server.address, fresh=False)
            try:
                driver.warm_up()
                driver.check_acknowledged()
                driver.retry_interrupted()
                driver.check_money()
            except AssertionError as failure:
                raise AssertionError(f"{where}: {failure}") from failure
        stats = driver.stats
        print(f"\nSIGKILL rounds: {stats.kills}, steps acknowledged {stats.steps_acked}, "
              f"interrupted calls {stats.in_flight}, committed but unanswered "
              f"{stats.committed_unanswered}, seed {SEED}")
        assert stats.kills == ROUNDS
        assert stats.steps_acked["approve"] > 0, stats
        finished = True
    finally:
        if market is not None:
            market.close()
        if server.process.poll() is None:
            if finished:
                shutdown(server)  # the last process must stop cleanly (exit 0 on SIGTERM)
            else:
                server.process.kill()
                server.process.wait()
