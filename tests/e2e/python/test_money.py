# Money end-to-end (issue 15) through the Python SDK against a real gigwired:
#   (a) fund -> confirm -> submit -> revision -> submit -> approve with a 2.5% platform fee:
#       exact balances, fee totals, the completed booking's money, ledger entries and paging;
#   (b) a funded milestone cancelled by the seller: refunded, booking cancelled;
#   (c) a dispute resolved 70/30, internal notes hidden from the parties;
#   (d) payouts: over the withdrawable balance refused, requested, marked paid;
#   (e) bad input: each refusal with its code and reason, and no money moved;
#   (f) events: MILESTONE_* to the seller, PAYMENT_* to the buyer without a client secret;
#   (g) auto-release by the scheduler (--auto-release-days takes fractions);
#   and the Stripe gateway against stripe-mock (stateless: every intent it returns carries
#   a last_payment_error, so a payment reads FAILED and the money stays untouched).
# ReconcileLedger must be ok after every step. Loopback only; every process is stopped.
import time

import grpc
import pytest
from google.protobuf import timestamp_pb2

from conftest import FAST_SCHEDULER, RELAXED_AUTH_LIMITS, gigwired_path, launch, shutdown
from e2e_support import raises_gigwire, violated_fields
from events_support import Collector
from gigwire.v1 import (booking_pb2, common_pb2, dispute_pb2, event_type_pb2, ledger_pb2,
                        payment_pb2)
from money_support import (BUYER, FEE_BPS, MS, MoneyMarket, all_entries, balance_of,
                           fee_of, request_id, stripe_mock, usd, write_key_file)

INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT
FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
PERMISSION_DENIED = grpc.StatusCode.PERMISSION_DENIED
NOT_FOUND = grpc.StatusCode.NOT_FOUND
ET = event_type_pb2
LK = ledger_pb2
INT64_MAX = 2**63 - 1
EVENT_WAIT_S = 20.0
AUTO_RELEASE_WAIT_S = 30.0
# 0.00002 days = 1.728 s: a submitted milestone is released by the scheduler soon after.
AUTO_RELEASE_DAYS = "0.00002"
MONEY_FLAGS = RELAXED_AUTH_LIMITS + FAST_SCHEDULER + ("--platform-fee-bps", str(FEE_BPS))


@pytest.fixture(scope="module")
def money_server(tmp_path_factory):
    """One gigwired with the manual gateway and a 2.5% platform fee for this module."""
    running = launch(gigwired_path(), tmp_path_factory.mktemp("money"), MONEY_FLAGS)
    yield running
    shutdown(running)


@pytest.fixture
def market(money_server):
    made = MoneyMarket(money_server.address)
    yield made
    made.close()


def in_days(days: float) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromSeconds(int(time.time() + days * 86400))
    return stamp


def money_tuple(money: booking_pb2.BookingMoney):
    def minor(m: common_pb2.Money) -> int:
        assert m.currency_code in ("", "USD"), m
        return m.amount_minor
    return (minor(money.contract_total), minor(money.funded), minor(money.in_escrow),
            minor(money.released), minor(money.platform_fees), minor(money.refunded),
            money.milestone_count, money.milestones_final)


# --- (a) the happy path with a revision, to the last minor unit ------------------------------


def test_fund_confirm_submit_revise_approve(market):
    amount = 30_001  # floor(30001 * 250 / 10000) = 750: the fee rounds down
    fee = fee_of(amount)
    assert fee == 750
    seller, gig = market.seller_with_gig(amount, "sam")
    buyer = market.party(BUYER, "ada")
    before = market.reconcile()
    booking, milestone = market.order(buyer, gig)
    assert (milestone.buyer_id, milestone.seller_id) == (buyer.id, seller.id)
    assert milestone.amount == usd(amount)
    assert "fund" in milestone.allowed_actions
    mid = milestone.id
    bm = buyer.client.milestones
    sm = seller.client.milestones

    funded = bm.FundMilestone(MS.FundMilestoneRequest(id=mid))
    payment = funded.payment
    assert funded.milestone.state == MS.MILESTONE_STATE_PENDING
    assert funded.milestone.payment_id == payment.id
    assert payment.id.startswith("pay_") and payment.gateway == "manual"
    assert payment.provider_id.startswith("mpay_") and payment.provider_id in payment.instructions
    assert (payment.state, payment.amount, payment.milestone_id, payment.booking_id,
            payment.buyer_id) == (payment_pb2.PAYMENT_STATE_PENDING, usd(amount), mid,
                                  booking.id, buyer.id)
    # A second Fund while the first payment is under way is refused.
    with raises_gigwire(FAILED_PRECONDITION, "PAYMENT_PENDING"):
        bm.FundMilestone(MS.FundMilestoneRequest(id=mid))
    # Nothing moved before the admin confirms the transfer.
    assert market.reconcile() == before
    assert market.milestone(mid).state == MS.MILESTONE_STATE_PENDING
    queue = market.admin.payments.ListPayments(payment_pb2.ListPaymentsRequest(
        state=payment_pb2.PAYMENT_STATE_PENDING, milestone_id=mid)).payments
    assert [p.id for p in queue] == [payment.id]

    confirmed = market.admin.payments.ConfirmPayment(payment_pb2.ConfirmPaymentRequest(
        id=payment.id, note="Bank reference 4711"))
    assert confirmed.state == payment_pb2.PAYMENT_STATE_SUCCEEDED
    assert (confirmed.confirmation_note, confirmed.confirmed_by) == (
        "Bank reference 4711", market.admin.tokens.user.id)
    assert market.milestone(mid).state == MS.MILESTONE_STATE_FUNDED
    assert market.balance(buyer.id).escrow_as_buyer == amount
    assert market.balance(seller.id).escrow_as_seller == amount
    assert market.balance(seller.id).available == 0
    after_fund = market.reconcile()
    assert after_fund.in_escrow == before.in_escrow + amount
    assert money_tuple(market.booking(booking.id).money) == (amount, amount, amount, 0, 0, 0, 1, 0)

    submitted = sm.SubmitMilestone(MS.SubmitMilestoneRequest(id=mid, note="First draft."))
    assert submitted.state == MS.MILESTONE_STATE_SUBMITTED
    assert submitted.submission_note == "First draft."
    assert submitted.auto_release_time.seconds > 0  # the default 14 days
    assert "approve" in bm.GetMilestone(MS.GetMilestoneRequest(id=mid)).allowed_actions
    revised = bm.RequestMilestoneRevision(MS.RequestMilestoneRevisionRequest(
        id=mid, note="Warmer colours, please."))
    assert (revised.state, revised.revision_note, revised.revision_count) == (
        MS.MILESTONE_STATE_REVISION_REQUESTED, "Warmer colours, please.", 1)
    assert market.reconcile() == after_fund  # a revision moves no money
    resubmitted = sm.SubmitMilestone(MS.SubmitMilestoneRequest(id=mid, note="Warmer now."))
    assert resubmitted.state == MS.MILESTONE_STATE_SUBMITTED

    released = bm.ApproveMilestone(MS.ApproveMilestoneRequest(id=mid))
    assert released.state == MS.MILESTONE_STATE_RELEASED
    assert released.released == usd(amount)

    seller_balance = market.balance(seller.id)
    assert (seller_balance.available, seller_balance.withdrawable,
            seller_balance.payouts_requested, seller_balance.escrow_as_seller) == (
        amount - fee, amount - fee, 0, 0)
    assert balance_of(seller.client) == seller_balance  # the seller reads the same
    assert market.balance(buyer.id).escrow_as_buyer == 0
    after = market.reconcile()
    assert after.platform_fees - before.platform_fees == fee
    assert after.seller_available - before.seller_available == amount - fee
    assert after.in_escrow == before.in_escrow
    assert after.transactions - before.transactions == 2  # fund, release

    completed = buyer.client.bookings.GetBooking(booking_pb2.GetBookingRequest(id=booking.id))
    assert completed.state == booking_pb2.BOOKING_STATE_COMPLETED
    assert money_tuple(completed.money) == (amount, amount, 0, amount, fee, 0, 1, 1)

    # The seller's own entries: the release into the available balance.
    own = all_entries(seller.client)
    assert [(e.kind, e.account_kind, e.account_owner_id, e.amount_minor, e.fee_bps,
             e.milestone_id, e.booking_id, e.actor_id) for e in own] == [
        (LK.LEDGER_TRANSACTION_KIND_RELEASE, LK.ACCOUNT_KIND_SELLER_AVAILABLE, seller.id,
         amount - fee, FEE_BPS, mid, booking.id, buyer.id)]
    assert all_entries(market.admin, user_id=seller.id) == own
    # The booking's entries, one page at a time: fund (world -> escrow) and release
    # (escrow -> seller and platform), in commit order, balanced per transaction.
    paged = all_entries(buyer.client, page_size=1, booking_id=booking.id)
    assert paged == all_entries(seller.client, booking_id=booking.id)
    assert [(e.kind, e.account_kind, e.amount_minor) for e in paged] == [
        (LK.LEDGER_TRANSACTION_KIND_FUND, LK.ACCOUNT_KIND_WORLD, -amount),
        (LK.LEDGER_TRANSACTION_KIND_FUND, LK.ACCOUNT_KIND_ESCROW, amount),
        (LK.LEDGER_TRANSACTION_KIND_RELEASE, LK.ACCOUNT_KIND_ESCROW, -amount),
        (LK.LEDGER_TRANSACTION_KIND_RELEASE, LK.ACCOUNT_KIND_SELLER_AVAILABLE, amount - fee),
        (LK.LEDGER_TRANSACTION_KIND_RELEASE, LK.ACCOUNT_KIND_PLATFORM_FEES, fee)]
    assert [e.sequence for e in paged] == sorted(e.sequence for e in paged)
    for transaction_id in {e.transaction_id for e in paged}:
        assert sum(e.amount_minor for e in paged if e.transaction_id == transaction_id) == 0
    # A stranger sees neither the booking's entries nor the seller's.
    stranger = market.party(BUYER, "eve")
    with raises_gigwire(NOT_FOUND):
        all_entries(stranger.client, booking_id=booking.id)
    with raises_gigwire(PERMISSION_DENIED):
        all_entries(stranger.client, user_id=seller.id)
    assert all_entries(stranger.client) == []


# --- (b) cancel after funding: a full refund -------------------------------------------------


def test_seller_cancels_a_funded_milestone_and_the_buyer_is_refunded(market):
    amount = 12_345
    seller, gig = market.seller_with_gig(amount, "mia")
    buyer = market.party(BUYER, "bo")
    before = market.reconcile()
    booking, milestone = market.order(buyer, gig)
    market.fund_and_confirm(buyer, milestone.id)
    assert market.reconcile().in_escrow == before.in_escrow + amount
    # The buyer may not take funded money back by cancelling (a dispute is the way).
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        buyer.client.milestones.CancelMilestone(MS.CancelMilestoneRequest(
            id=milestone.id, reason="Changed my mind"))
    # Nor may the booking be completed or cancelled around the escrow.
    with raises_gigwire(FAILED_PRECONDITION, "ESCROW_HELD"):
        market.admin.bookings.CancelBooking(booking_pb2.CancelBookingRequest(
            id=booking.id, reason="Admin tidy-up"))

    cancelled = seller.client.milestones.CancelMilestone(MS.CancelMilestoneRequest(
        id=milestone.id, reason="I cannot do it after all"))
    assert cancelled.state == MS.MILESTONE_STATE_CANCELLED
    assert cancelled.refunded == usd(amount)
    assert cancelled.cancel_reason == "I cannot do it after all"
    after = market.reconcile()
    assert (after.in_escrow, after.platform_fees, after.seller_available) == (
        before.in_escrow, before.platform_fees, before.seller_available)
    assert after.transactions - before.transactions == 2  # fund, refund
    assert market.balance(buyer.id).escrow_as_buyer == 0
    assert market.balance(seller.id).available == 0
    entries = all_entries(buyer.client, booking_id=booking.id)
    assert [(e.kind, e.account_kind, e.amount_minor) for e in entries] == [
        (LK.LEDGER_TRANSACTION_KIND_FUND, LK.ACCOUNT_KIND_WORLD, -amount),
        (LK.LEDGER_TRANSACTION_KIND_FUND, LK.ACCOUNT_KIND_ESCROW, amount),
        (LK.LEDGER_TRANSACTION_KIND_REFUND, LK.ACCOUNT_KIND_ESCROW, -amount),
        (LK.LEDGER_TRANSACTION_KIND_REFUND, LK.ACCOUNT_KIND_WORLD, amount)]
    ended = market.booking(booking.id)
    assert ended.state == booking_pb2.BOOKING_STATE_CANCELLED
    # contract_total leaves cancelled milestones out.
    assert money_tuple(ended.money) == (0, amount, 0, 0, 0, amount, 1, 1)
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        seller.client.milestones.CancelMilestone(MS.CancelMilestoneRequest(
            id=milestone.id, reason="Again"))
    assert market.reconcile() == after


# --- (c) a dispute resolved 70/30 -------------------------------------------------------------


def test_dispute_resolved_seventy_thirty(market):
    amount = 40_010
    to_seller, refunded = 28_007, 12_003  # 70% / 30%
    assert to_seller + refunded == amount and to_seller * 10 == amount * 7
    fee = fee_of(to_seller)
    assert fee == 700  # floor(700.175)
    seller, gig = market.seller_with_gig(amount, "raj")
    buyer = market.party(BUYER, "lee")
    booking, milestone = market.order(buyer, gig)
    market.funded_and_submitted(buyer, seller, milestone.id)
    before = market.reconcile()

    opened = buyer.client.disputes.OpenDispute(dispute_pb2.OpenDisputeRequest(
        milestone_id=milestone.id, reason="Not what we agreed",
        evidence="The brief asked for a round logo; this one is square."))
    assert opened.id.startswith("dsp_")
    assert (opened.state, opened.opened_by, opened.amount, opened.milestone_id,
            opened.buyer_id, opened.seller_id) == (
        dispute_pb2.DISPUTE_STATE_OPEN, buyer.id, usd(amount), milestone.id, buyer.id, seller.id)
    assert market.milestone(milestone.id).state == MS.MILESTONE_STATE_DISPUTED
    assert market.milestone(milestone.id).dispute_id == opened.id
    assert market.reconcile() == before  # frozen, not moved
    # The money is frozen: no approval, no second dispute.
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        buyer.client.milestones.ApproveMilestone(MS.ApproveMilestoneRequest(id=milestone.id))
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        seller.client.disputes.OpenDispute(dispute_pb2.OpenDisputeRequest(
            milestone_id=milestone.id, reason="Me too"))

    admin_disputes = market.admin.disputes
    internal = admin_disputes.AddDisputeNote(dispute_pb2.AddDisputeNoteRequest(
        id=opened.id, text="Internal: the seller has two earlier disputes.", internal=True))
    public = admin_disputes.AddDisputeNote(dispute_pb2.AddDisputeNoteRequest(
        id=opened.id, text="Please both upload the brief.", internal=False))
    assert [(n.text, n.internal) for n in public.notes] == [
        ("Internal: the seller has two earlier disputes.", True),
        ("Please both upload the brief.", False)]
    assert internal.notes[0].author_id == market.admin.tokens.user.id
    for party in (buyer, seller):
        seen = party.client.disputes.GetDispute(dispute_pb2.GetDisputeRequest(id=opened.id))
        assert [(n.text, n.internal) for n in seen.notes] == [
            ("Please both upload the brief.", False)], party.email
    # Parties cannot write internal notes; they can write public ones.
    with raises_gigwire(PERMISSION_DENIED):
        seller.client.disputes.AddDisputeNote(dispute_pb2.AddDisputeNoteRequest(
            id=opened.id, text="Secret", internal=True))
    seller.client.disputes.AddDisputeNote(dispute_pb2.AddDisputeNoteRequest(
        id=opened.id, text="Here is the brief."))
    queue = admin_disputes.ListDisputes(dispute_pb2.ListDisputesRequest(
        state=dispute_pb2.DISPUTE_STATE_OPEN, booking_id=booking.id)).disputes
    assert [d.id for d in queue] == [opened.id]

    def resolve(seller_part: common_pb2.Money, refund_part: common_pb2.Money, who=market.admin):
        return who.disputes.ResolveDispute(dispute_pb2.ResolveDisputeRequest(
            id=opened.id, to_seller=seller_part, refunded=refund_part,
            note="Split for partial delivery", request_id=request_id()))

    # Parts that do not add up, or in another currency, move nothing.
    for seller_part, refund_part in ((usd(to_seller), usd(refunded - 1)),
                                     (usd(to_seller), usd(refunded + 1)),
                                     (usd(amount), usd(1))):
        with raises_gigwire(INVALID_ARGUMENT, "AMOUNT_MISMATCH"):
            resolve(seller_part, refund_part)
        assert market.reconcile() == before
    with raises_gigwire(INVALID_ARGUMENT, "AMOUNT_MISMATCH"):
        resolve(common_pb2.Money(currency_code="EUR", amount_minor=to_seller),
                common_pb2.Money(currency_code="EUR", amount_minor=refunded))
    with raises_gigwire(PERMISSION_DENIED):
        resolve(usd(amount), usd(0), who=buyer.client)
    assert market.reconcile() == before
    assert market.milestone(milestone.id).state == MS.MILESTONE_STATE_DISPUTED

    resolved = resolve(usd(to_seller), usd(refunded))
    assert (resolved.state, resolved.to_seller, resolved.refunded, resolved.resolved_by) == (
        dispute_pb2.DISPUTE_STATE_RESOLVED, usd(to_seller), usd(refunded),
        market.admin.tokens.user.id)
    settled = market.milestone(milestone.id)
    assert (settled.state, settled.released, settled.refunded) == (
        MS.MILESTONE_STATE_RESOLVED, usd(to_seller), usd(refunded))
    after = market.reconcile()
    assert after.seller_available - before.seller_available == to_seller - fee
    assert after.platform_fees - before.platform_fees == fee
    assert before.in_escrow - after.in_escrow == amount
    assert market.balance(seller.id).available == to_seller - fee
    assert market.balance(buyer.id).escrow_as_buyer == 0
    entries = all_entries(market.admin, booking_id=booking.id)
    resolution = [(e.account_kind, e.amount_minor) for e in entries
                  if e.kind == LK.LEDGER_TRANSACTION_KIND_RESOLUTION]
    assert sorted(resolution) == sorted([
        (LK.ACCOUNT_KIND_ESCROW, -amount), (LK.ACCOUNT_KIND_SELLER_AVAILABLE, to_seller - fee),
        (LK.ACCOUNT_KIND_PLATFORM_FEES, fee), (LK.ACCOUNT_KIND_WORLD, refunded)])
    completed = market.booking(booking.id)
    assert completed.state == booking_pb2.BOOKING_STATE_COMPLETED  # money reached the seller
    assert money_tuple(completed.money) == (amount, amount, 0, to_seller, fee, refunded, 1, 1)

    # Resolving again moves nothing.
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        resolve(usd(to_seller), usd(refunded))
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        resolve(usd(0), usd(amount))
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        admin_disputes.AddDisputeNote(dispute_pb2.AddDisputeNoteRequest(
            id=opened.id, text="Too late"))
    assert market.reconcile() == after
    for party in (buyer, seller):  # still no internal note for the parties
        seen = party.client.disputes.GetDispute(dispute_pb2.GetDisputeRequest(id=opened.id))
        assert not any(n.internal for n in seen.notes)
        assert seen.state == dispute_pb2.DISPUTE_STATE_RESOLVED


# --- (d) payouts ----------------------------------------------------------------------------


def test_payout_requested_and_marked_paid(market):
    amount = 20_000
    net = amount - fee_of(amount)  # 19_500
    seller, gig = market.seller_with_gig(amount, "pat")
    buyer = market.party(BUYER, "ben")
    _, milestone = market.order(buyer, gig)
    market.release(buyer, seller, milestone.id)
    assert market.balance(seller.id).withdrawable == net
    payouts = seller.client.payouts
    before = market.reconcile()

    with raises_gigwire(FAILED_PRECONDITION, "INSUFFICIENT_FUNDS") as caught:
        payouts.RequestPayout(payment_pb2.RequestPayoutRequest(amount=usd(net + 1)))
    assert (caught.value.metadata.get("balance_minor"), caught.value.metadata.get("asked_minor")) \
        == (str(net), str(net + 1))
    assert market.reconcile() == before

    requested = payouts.RequestPayout(payment_pb2.RequestPayoutRequest(amount=usd(15_000)))
    assert requested.id.startswith("pyt_")
    assert (requested.state, requested.amount, requested.seller_id) == (
        payment_pb2.PAYOUT_STATE_REQUESTED, usd(15_000), seller.id)
    held = market.balance(seller.id)
    assert (held.available, held.payouts_requested, held.withdrawable) == (
        net, 15_000, net - 15_000)
    assert market.reconcile() == before  # requested, not paid: nothing moved yet
    # What is already requested is not withdrawable again.
    with raises_gigwire(FAILED_PRECONDITION, "INSUFFICIENT_FUNDS"):
        payouts.RequestPayout(payment_pb2.RequestPayoutRequest(amount=usd(net - 15_000 + 1)))
    # Only admins mark payouts paid.
    with raises_gigwire(PERMISSION_DENIED):
        payouts.MarkPayoutPaid(payment_pb2.MarkPayoutPaidRequest(id=requested.id, reference="x"))
    queue = market.admin.payouts.ListPayouts(payment_pb2.ListPayoutsRequest(
        state=payment_pb2.PAYOUT_STATE_REQUESTED, seller_id=seller.id)).payouts
    assert [p.id for p in queue] == [requested.id]

    paid = market.admin.payouts.MarkPayoutPaid(payment_pb2.MarkPayoutPaidRequest(
        id=requested.id, reference="SEPA-2026-0042"))
    assert (paid.state, paid.reference, paid.paid_by) == (
        payment_pb2.PAYOUT_STATE_PAID, "SEPA-2026-0042", market.admin.tokens.user.id)
    left = market.balance(seller.id)
    assert (left.available, left.payouts_requested, left.withdrawable) == (
        net - 15_000, 0, net - 15_000)
    after = market.reconcile()
    assert before.seller_available - after.seller_available == 15_000
    assert after.transactions - before.transactions == 1
    own = all_entries(seller.client)
    assert [(e.kind, e.amount_minor, e.payout_id) for e in own] == [
        (LK.LEDGER_TRANSACTION_KIND_RELEASE, net, ""),
        (LK.LEDGER_TRANSACTION_KIND_PAYOUT, -15_000, requested.id)]
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        market.admin.payouts.MarkPayoutPaid(payment_pb2.MarkPayoutPaidRequest(
            id=requested.id, reference="again"))

    # A second payout cancelled by the seller frees its amount again.
    second = payouts.RequestPayout(payment_pb2.RequestPayoutRequest(amount=usd(net - 15_000)))
    assert market.balance(seller.id).withdrawable == 0
    cancelled = payouts.CancelPayout(payment_pb2.CancelPayoutRequest(
        id=second.id, reason="Wrong account"))
    assert cancelled.state == payment_pb2.PAYOUT_STATE_CANCELLED
    assert market.balance(seller.id).withdrawable == net - 15_000
    assert market.reconcile() == after


# --- (e) bad input: a clear code and reason, and no money moved ------------------------------


def test_bad_input_is_refused_and_moves_no_money(market):
    amount = 10_000
    seller, gig = market.seller_with_gig(amount, "sol")
    buyer = market.party(BUYER, "ivy")
    other_seller, other_gig = market.seller_with_gig(amount, "oli")
    other_buyer = market.party(BUYER, "una")
    booking, milestone = market.order(buyer, gig)
    _, released_one = market.order(buyer, gig)
    market.release(buyer, seller, released_one.id)  # the seller has money to pay out
    _, funded_one = market.order(buyer, gig)
    market.fund_and_confirm(buyer, funded_one.id)
    _, others = market.order(other_buyer, other_gig)
    market.funded_and_submitted(other_buyer, other_seller, others.id)
    manual = buyer.client.milestones.FundMilestone(MS.FundMilestoneRequest(id=milestone.id))

    parties = (buyer, seller, other_seller, other_buyer)

    def snapshot():
        return (market.reconcile(), [market.balance(p.id) for p in parties],
                [market.milestone(m).state
                 for m in (milestone.id, released_one.id, funded_one.id, others.id)])

    before = snapshot()
    bm, sm = buyer.client.milestones, seller.client.milestones

    # Negative and overflowing amounts.
    for minor in (-1, -amount, INT64_MAX, 2**62):
        with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
            seller.client.payouts.RequestPayout(
                payment_pb2.RequestPayoutRequest(amount=usd(minor)))
        assert "amount.amount_minor" in violated_fields(caught.value), caught.value
        with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
            bm.ProposeMilestone(MS.ProposeMilestoneRequest(
                booking_id=booking.id, title="Extra", amount=usd(minor), due_time=in_days(3)))
        assert "amount.amount_minor" in violated_fields(caught.value), caught.value
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        seller.client.payouts.RequestPayout(payment_pb2.RequestPayoutRequest(amount=usd(0)))
    assert "amount" in violated_fields(caught.value)
    # Another currency: the booking is paid in USD; the seller has no EUR.
    with raises_gigwire(INVALID_ARGUMENT, "AMOUNT_MISMATCH") as caught:
        bm.ProposeMilestone(MS.ProposeMilestoneRequest(
            booking_id=booking.id, title="Extra",
            amount=common_pb2.Money(currency_code="EUR", amount_minor=500), due_time=in_days(3)))
    assert caught.value.metadata.get("currency_code") == "USD"
    with raises_gigwire(FAILED_PRECONDITION, "INSUFFICIENT_FUNDS"):
        seller.client.payouts.RequestPayout(payment_pb2.RequestPayoutRequest(
            amount=common_pb2.Money(currency_code="EUR", amount_minor=1)))
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS"):
        seller.client.payouts.RequestPayout(payment_pb2.RequestPayoutRequest(
            amount=common_pb2.Money(currency_code="usd", amount_minor=1)))
    assert snapshot() == before

    # Acting on another party's milestone: strangers do not see it; the wrong side of
    # the booking may not act.
    with raises_gigwire(NOT_FOUND):
        bm.ApproveMilestone(MS.ApproveMilestoneRequest(id=others.id))
    with raises_gigwire(NOT_FOUND):
        sm.SubmitMilestone(MS.SubmitMilestoneRequest(id=others.id, note="Mine now"))
    with raises_gigwire(NOT_FOUND):
        bm.FundMilestone(MS.FundMilestoneRequest(id=others.id))
    with raises_gigwire(NOT_FOUND):
        buyer.client.disputes.OpenDispute(dispute_pb2.OpenDisputeRequest(
            milestone_id=others.id, reason="Not mine"))
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        other_seller.client.milestones.ApproveMilestone(MS.ApproveMilestoneRequest(id=others.id))
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        other_seller.client.milestones.RequestMilestoneRevision(
            MS.RequestMilestoneRevisionRequest(id=others.id, note="More, please"))
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        bm.SubmitMilestone(MS.SubmitMilestoneRequest(id=funded_one.id, note="I did it myself"))
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        bm.CancelMilestone(MS.CancelMilestoneRequest(id=funded_one.id, reason="Give it back"))
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        sm.FundMilestone(MS.FundMilestoneRequest(id=milestone.id))
    # Another buyer's payment is not visible; only admins confirm; a manual payment is
    # not refreshed from a provider.
    with raises_gigwire(NOT_FOUND):
        other_buyer.client.payments.GetPayment(payment_pb2.GetPaymentRequest(
            id=manual.payment.id))
    with raises_gigwire(PERMISSION_DENIED):
        buyer.client.payments.ConfirmPayment(payment_pb2.ConfirmPaymentRequest(
            id=manual.payment.id, note="I paid, trust me"))
    with raises_gigwire(FAILED_PRECONDITION, "WRONG_GATEWAY"):
        buyer.client.payments.RefreshPayment(payment_pb2.RefreshPaymentRequest(
            id=manual.payment.id))
    # Another user's balance and the reconciliation are for admins.
    with raises_gigwire(PERMISSION_DENIED):
        buyer.client.ledger.GetBalance(ledger_pb2.GetBalanceRequest(user_id=seller.id))
    with raises_gigwire(PERMISSION_DENIED):
        seller.client.ledger.ReconcileLedger(ledger_pb2.ReconcileLedgerRequest())
    assert snapshot() == before

    # Releasing twice, confirming twice.
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE") as caught:
        bm.ApproveMilestone(MS.ApproveMilestoneRequest(id=released_one.id))
    assert caught.value.metadata.get("current_state"), caught.value
    approved = other_buyer.client.milestones.ApproveMilestone(
        MS.ApproveMilestoneRequest(id=others.id))
    assert approved.state == MS.MILESTONE_STATE_RELEASED
    after_release = snapshot()
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        other_buyer.client.milestones.ApproveMilestone(MS.ApproveMilestoneRequest(id=others.id))
    confirmed = market.admin.payments.ConfirmPayment(payment_pb2.ConfirmPaymentRequest(
        id=manual.payment.id, note="Arrived"))
    assert confirmed.state == payment_pb2.PAYMENT_STATE_SUCCEEDED
    after_confirm = snapshot()
    assert after_confirm[0].in_escrow == after_release[0].in_escrow + amount
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        market.admin.payments.ConfirmPayment(payment_pb2.ConfirmPaymentRequest(
            id=manual.payment.id, note="Arrived twice?"))
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        bm.FundMilestone(MS.FundMilestoneRequest(id=milestone.id))
    assert snapshot() == after_confirm


# --- (f) events -------------------------------------------------------------------------------


def event_cursor(client) -> str:
    return client.bookings.ListBookings(booking_pb2.ListBookingsRequest(page_size=1)).event_cursor


def test_money_events_reach_the_right_parties(market):
    amount = 9_999
    seller, gig = market.seller_with_gig(amount, "wes")
    buyer = market.party(BUYER, "kai")
    booking, milestone = market.order(buyer, gig)
    seller_events = Collector(seller.client.watch_events(resume_cursor=event_cursor(seller.client)))
    buyer_events = Collector(buyer.client.watch_events(resume_cursor=event_cursor(buyer.client)))
    try:
        released = market.release(buyer, seller, milestone.id)

        def milestone_types(events):
            return [e.type for e in events if e.WhichOneof("resource") == "milestone"
                    and e.milestone.id == milestone.id]

        assert seller_events.wait_for(
            lambda events: ET.MILESTONE_RELEASED in milestone_types(events), EVENT_WAIT_S), \
            (seller_events.snapshot(), seller_events.error)
        assert milestone_types(seller_events.snapshot()) == [
            ET.MILESTONE_FUNDED, ET.MILESTONE_SUBMITTED, ET.MILESTONE_RELEASED]
        seen = {e.type: e for e in seller_events.snapshot()}
        assert seen[ET.MILESTONE_FUNDED].milestone.state == MS.MILESTONE_STATE_FUNDED
        assert seen[ET.MILESTONE_RELEASED].milestone.state == MS.MILESTONE_STATE_RELEASED
        assert seen[ET.MILESTONE_RELEASED].actor_id == buyer.id
        assert seen[ET.MILESTONE_RELEASED].milestone.booking_id == booking.id
        assert seen[ET.MILESTONE_FUNDED].actor_id == market.admin.tokens.user.id

        def payment_events(events):
            return [e for e in events if e.WhichOneof("resource") == "payment"
                    and e.payment.milestone_id == milestone.id]

        assert buyer_events.wait_for(
            lambda events: ET.MILESTONE_RELEASED in milestone_types(events), EVENT_WAIT_S), \
            (buyer_events.snapshot(), buyer_events.error)
        paid = payment_events(buyer_events.snapshot())
        assert [e.type for e in paid] == [ET.PAYMENT_CREATED, ET.PAYMENT_SUCCEEDED]
        for event in paid:
            assert event.payment.client_secret == ""
        assert paid[0].payment.id == paid[-1].payment.id == released.payment_id
        assert paid[-1].payment.state == payment_pb2.PAYMENT_STATE_SUCCEEDED
        # Events arrive in commit order: the seller saw the release, so it would have
        # seen any payment event before it. Payment events are the buyer's.
        assert payment_events(seller_events.snapshot()) == []
    finally:
        seller_events.stop()
        buyer_events.stop()


# --- (g) auto-release by the scheduler -------------------------------------------------------


def test_scheduler_auto_releases_a_submitted_milestone(tmp_path_factory):
    flags = RELAXED_AUTH_LIMITS + FAST_SCHEDULER + (
        "--platform-fee-bps", str(FEE_BPS), "--auto-release-days", AUTO_RELEASE_DAYS)
    server = launch(gigwired_path(), tmp_path_factory.mktemp("autorelease"), flags)
    market = MoneyMarket(server.address)
    try:
        amount = 5_000
        seller, gig = market.seller_with_gig(amount, "ari")
        buyer = market.party(BUYER, "noa")
        booking, milestone = market.order(buyer, gig)
        seller_events = Collector(
            seller.client.watch_events(resume_cursor=event_cursor(seller.client)))
        try:
            market.fund_and_confirm(buyer, milestone.id)
            submitted = seller.client.milestones.SubmitMilestone(
                MS.SubmitMilestoneRequest(id=milestone.id, note="Done."))
            assert submitted.state == MS.MILESTONE_STATE_SUBMITTED
            # auto_release_time = the submission + 0.00002 days (1.728 s).
            delay_ms = ((submitted.auto_release_time.ToNanoseconds()
                         - submitted.update_time.ToNanoseconds()) // 1_000_000)
            assert abs(delay_ms - 1728) <= 1, (submitted.auto_release_time, submitted.update_time)

            def released(events):
                return [e for e in events if e.type == ET.MILESTONE_RELEASED
                        and e.milestone.id == milestone.id]

            assert seller_events.wait_for(lambda events: released(events), AUTO_RELEASE_WAIT_S), \
                (market.milestone(milestone.id), seller_events.error)
            event = released(seller_events.snapshot())[0]
            assert event.actor_id == "system"
            assert event.milestone.state == MS.MILESTONE_STATE_RELEASED
        finally:
            seller_events.stop()
        # Released by the scheduler only after its time.
        assert event.create_time.ToNanoseconds() >= submitted.auto_release_time.ToNanoseconds()
        assert market.milestone(milestone.id).state == MS.MILESTONE_STATE_RELEASED
        assert market.balance(seller.id).available == amount - fee_of(amount)
        entries = all_entries(seller.client)
        assert [(e.kind, e.actor_id, e.amount_minor) for e in entries] == [
            (LK.LEDGER_TRANSACTION_KIND_RELEASE, "system", amount - fee_of(amount))]
        assert market.booking(booking.id).state == booking_pb2.BOOKING_STATE_COMPLETED
        totals = market.reconcile()
        assert (totals.platform_fees, totals.seller_available, totals.in_escrow) == (
            fee_of(amount), amount - fee_of(amount), 0)
    finally:
        market.close()
        shutdown(server)


# --- the Stripe gateway against stripe-mock ---------------------------------------------------


def test_stripe_gateway_against_stripe_mock(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stripe")
    key_file = write_key_file(folder)
    with stripe_mock() as api_base:
        flags = RELAXED_AUTH_LIMITS + ("--payment-gateway", "stripe", "--stripe-secret-key-file",
                                       str(key_file), "--stripe-api-base", api_base,
                                       "--platform-fee-bps", str(FEE_BPS))
        server = launch(gigwired_path(), folder, flags)
        market = MoneyMarket(server.address)
        try:
            stripe_scenario(market)
        finally:
            market.close()
            shutdown(server)
        assert "sk_test_" not in server.log_path.read_text(errors="replace"), \
            "gigwired logged the Stripe secret key"


def stripe_scenario(market: MoneyMarket) -> None:
    amount = 4_200
    seller, gig = market.seller_with_gig(amount, "stu")
    buyer = market.party(BUYER, "val")
    booking, milestone = market.order(buyer, gig)
    before = market.reconcile()
    buyer_events = Collector(buyer.client.watch_events(resume_cursor=event_cursor(buyer.client)))
    try:
        funded = buyer.client.milestones.FundMilestone(MS.FundMilestoneRequest(id=milestone.id))
        first = funded.payment
        assert (first.gateway, first.amount, first.milestone_id) == (
            "stripe", usd(amount), milestone.id)
        assert first.provider_id.startswith("pi_"), first
        # stripe-mock's intents all carry a last_payment_error: the payment failed.
        assert first.state == payment_pb2.PAYMENT_STATE_FAILED, first
        assert first.failure_reason, first
        assert first.client_secret, "the buyer gets Stripe's client secret for Stripe.js"
        assert funded.milestone.state == MS.MILESTONE_STATE_PENDING
        assert market.milestone(milestone.id).state == MS.MILESTONE_STATE_PENDING
        assert all_entries(market.admin, booking_id=booking.id) == []
        assert market.reconcile() == before
        # The seller and admins see the payment, never its client secret.
        for who in (seller.client, market.admin):
            seen = who.payments.GetPayment(payment_pb2.GetPaymentRequest(id=first.id))
            assert seen.client_secret == "" and seen.provider_id == first.provider_id

        # Admins do not confirm Stripe payments.
        with raises_gigwire(FAILED_PRECONDITION, "WRONG_GATEWAY"):
            market.admin.payments.ConfirmPayment(payment_pb2.ConfirmPaymentRequest(
                id=first.id, note="I saw the money"))
        assert market.reconcile() == before

        # Fund again: a new payment (and a new PaymentIntent).
        again = buyer.client.milestones.FundMilestone(MS.FundMilestoneRequest(id=milestone.id))
        second = again.payment
        assert second.id != first.id and second.provider_id.startswith("pi_")
        assert second.state == payment_pb2.PAYMENT_STATE_FAILED
        assert again.milestone.payment_id == second.id
        assert again.milestone.state == MS.MILESTONE_STATE_PENDING
        refreshed = buyer.client.payments.RefreshPayment(payment_pb2.RefreshPaymentRequest(
            id=second.id))
        assert refreshed.state == payment_pb2.PAYMENT_STATE_FAILED
        assert market.reconcile() == before
        assert all_entries(market.admin, booking_id=booking.id) == []

        # The PAYMENT_* events the buyer sees carry no client secret.
        def payments(events):
            return [e for e in events if e.WhichOneof("resource") == "payment"]

        assert buyer_events.wait_for(
            lambda events: [e.payment.id for e in payments(events)].count(second.id) >= 2,
            EVENT_WAIT_S), (buyer_events.snapshot(), buyer_events.error)
        seen = payments(buyer_events.snapshot())
        assert [(e.type, e.payment.id) for e in seen] == [
            (ET.PAYMENT_CREATED, first.id), (ET.PAYMENT_FAILED, first.id),
            (ET.PAYMENT_CREATED, second.id), (ET.PAYMENT_FAILED, second.id)]
        for event in seen:
            assert event.payment.client_secret == "", event
            assert event.payment.provider_id.startswith("pi_")
    finally:
        buyer_events.stop()

    # The cancel path: the unfunded milestone is cancelled; the booking ends unpaid.
    cancelled = buyer.client.milestones.CancelMilestone(MS.CancelMilestoneRequest(
        id=milestone.id, reason="Paying another way"))
    assert cancelled.state == MS.MILESTONE_STATE_CANCELLED
    assert market.booking(booking.id).state == booking_pb2.BOOKING_STATE_CANCELLED
    assert market.reconcile() == before
    assert all_entries(market.admin, booking_id=booking.id) == []
