# End-to-end tests of the open market through the Python SDK against a real gigwired
# (issue 13): (a) an open project from bids to reviews (three proposals, one updated, one
# withdrawn, shortlist, accept, the booking with the milestone plan, deliver, complete,
# both review); (b) a gig order through to completion; (c) bad input, each failure checked
# for its exact code AND reason, and that it changed nothing; (d) sealed bids: a seller
# never sees another seller's proposal, in lists, Get or its event stream; (e) portfolios.
import time
import uuid

import grpc
from google.protobuf import field_mask_pb2

from conftest import RELAXED_AUTH_LIMITS
from e2e_support import raises_gigwire, violated_fields
from events_support import Collector, Market
from gigwire import GigwireError
from gigwire.v1 import (assignment_pb2, booking_pb2, catalog_pb2, common_pb2, event_type_pb2,
                        gig_pb2, job_pb2, portfolio_pb2, proposal_pb2, user_pb2)
from test_marketplace import (DAY_S, category, deliver_and_complete, in_days,  # noqa: F401
                              open_job, ratings_of, review, seller_with_approved_gig, usd)

INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
ALREADY_EXISTS = grpc.StatusCode.ALREADY_EXISTS
SELLER = (user_pb2.ROLE_SELLER,)
BUYER = (user_pb2.ROLE_BUYER,)
BOTH = (user_pb2.ROLE_BUYER, user_pb2.ROLE_SELLER)
PS = proposal_pb2  # states and orders: PS.PROPOSAL_STATE_SUBMITTED, ...
ET = event_type_pb2
WATCH_DEADLINE_S = 10.0
DUE_SLACK_S = 300  # the server's clock and ours, and the time between the call and the check


# --- Helpers ------------------------------------------------------------------------------------


def project_request(category_id: str, title="Brand kit for a coffee roaster",
                    currency="USD", close_days=3.0, due_days=30.0) -> job_pb2.CreateJobRequest:
    """An open project (sourcing mode OPEN), bidding closing in `close_days`."""
    def money(amount: int) -> common_pb2.Money:
        return common_pb2.Money(currency_code=currency, amount_minor=amount)

    job = job_pb2.Job(title=title, description="Logo, palette and type; open to proposals.",
                      category_id=category_id, skills=["branding", "logo"],
                      budget=common_pb2.MoneyRange(min=money(30_000), max=money(60_000)),
                      due_time=in_days(due_days), sourcing_mode=job_pb2.SOURCING_MODE_OPEN,
                      bidding_close_time=in_days(close_days))
    return job_pb2.CreateJobRequest(job=job, request_id=uuid.uuid4().hex)


def open_project(buyer, admin, category, **overrides) -> job_pb2.Job:  # noqa: F811
    """An open project posted by `buyer`, reviewed and approved by the admin."""
    posted = buyer.client.jobs.CreateJob(project_request(category.id, **overrides))
    assert posted.state == job_pb2.JOB_STATE_PENDING_REVIEW
    assert posted.sourcing_mode == job_pb2.SOURCING_MODE_OPEN
    assert posted.bidding_close_time.seconds > time.time()
    approved = admin.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=posted.id))
    assert (approved.state, approved.sourcing_mode) == (job_pb2.JOB_STATE_OPEN,
                                                        job_pb2.SOURCING_MODE_OPEN)
    assert approved.award_deadline_time.seconds >= approved.bidding_close_time.seconds
    return approved


def plan(*steps) -> list:
    """A milestone plan from (title, amount in USD cents, due in days) steps."""
    return [common_pb2.PlannedMilestone(title=title, amount=usd(amount), due_in_days=day)
            for title, amount, day in steps]


def proposal(price, days, letter="I have done this many times.", milestones=()):
    return proposal_pb2.Proposal(price=price, delivery_days=days, cover_letter=letter,
                                 milestones=list(milestones))


def submit(seller, job_id, bid: proposal_pb2.Proposal, request_id="") -> proposal_pb2.Proposal:
    return seller.client.proposals.SubmitProposal(proposal_pb2.SubmitProposalRequest(
        job_id=job_id, proposal=bid, request_id=request_id or uuid.uuid4().hex))


def bid(seller, job, price_cents, days, **kwargs) -> proposal_pb2.Proposal:
    """`seller` bids on `job` in USD; checks what SubmitProposal returns."""
    sent = proposal(usd(price_cents), days, **kwargs)
    made = submit(seller, job.id, sent)
    assert made.id.startswith("prp_"), made
    assert (made.job_id, made.seller_id, made.job_title) == (job.id, seller.user.id, job.title)
    assert made.state == PS.PROPOSAL_STATE_SUBMITTED
    assert (made.price, made.delivery_days, made.cover_letter) == (
        sent.price, sent.delivery_days, sent.cover_letter)
    assert list(made.milestones) == list(sent.milestones)
    assert made.etag and made.booking_id == "" and not made.invited
    assert {"update", "withdraw"} <= set(made.allowed_actions), made.allowed_actions
    return made


def listed(client, **filters) -> proposal_pb2.ListProposalsResponse:
    return client.proposals.ListProposals(proposal_pb2.ListProposalsRequest(
        page_size=500, **filters))


def listed_ids(client, **filters) -> list:
    return [p.id for p in listed(client, **filters).proposals]


def get_proposal(client, proposal_id) -> proposal_pb2.Proposal:
    return client.proposals.GetProposal(proposal_pb2.GetProposalRequest(id=proposal_id))


def get_job(client, job_id) -> job_pb2.Job:
    return client.jobs.GetJob(job_pb2.GetJobRequest(id=job_id))


def get_booking(client, booking_id) -> booking_pb2.Booking:
    return client.bookings.GetBooking(booking_pb2.GetBookingRequest(id=booking_id))


def bookings_of(client) -> list:
    return [b.id for b in client.bookings.ListBookings(
        booking_pb2.ListBookingsRequest(page_size=500)).bookings]


def assert_due_in(booking: booking_pb2.Booking, days: int, since: float) -> None:
    """The booking is due `days` after it was made (between `since` and now)."""
    earliest, latest = since + days * DAY_S - DUE_SLACK_S, time.time() + days * DAY_S + DUE_SLACK_S
    assert earliest <= booking.due_time.seconds <= latest, (booking.due_time, days)


def violates(error: GigwireError, field: str) -> bool:
    """Whether a field violation names `field` or a field inside it."""
    return any(f == field or f.startswith(field + ".") or f.startswith(field + "[")
               for f in violated_fields(error))


def proposal_ids_in(event) -> set:
    """The proposal id an event carries, if any."""
    if event.WhichOneof("resource") == "proposal":
        return {event.proposal.id}
    return set()


# --- (a) an open project from bids to reviews ----------------------------------------------------


def test_open_project_from_three_bids_to_reviews(admin, new_user, category):  # noqa: F811
    buyer = new_user(roles=BUYER, prefix="buyer")
    ann, ben, cy = (new_user(roles=SELLER, prefix=name) for name in ("ann", "ben", "cy"))
    project = open_project(buyer, admin, category)

    market = ann.client.jobs.ListOpenJobs(job_pb2.ListOpenJobsRequest(category_id=category.id))
    assert [j.id for j in market.jobs] == [project.id]
    assert market.jobs[0].proposal_count == 0
    assert "bid" in get_job(ann.client, project.id).allowed_actions

    milestones = plan(("Sketches", 15_000, 4), ("Final kit", 30_000, 10))
    ann_bid = bid(ann, project, 45_000, 10, milestones=milestones)
    ben_bid = bid(ben, project, 38_000, 7, letter="Fast and careful.")
    cy_bid = bid(cy, project, 52_000, 14, letter="Brand kits are all I do.")
    assert set(listed_ids(buyer.client, job_id=project.id)) == {ann_bid.id, ben_bid.id, cy_bid.id}
    assert listed(buyer.client, job_id=project.id).total_size == 3
    assert get_job(buyer.client, project.id).proposal_count == 3

    # Ben lowers his price (the mask changes price and cover letter only).
    updated = ben.client.proposals.UpdateProposal(proposal_pb2.UpdateProposalRequest(
        proposal=proposal_pb2.Proposal(id=ben_bid.id, price=usd(36_000), delivery_days=99,
                                       cover_letter="Fast, careful and cheaper.",
                                       etag=ben_bid.etag),
        update_mask=field_mask_pb2.FieldMask(paths=["price", "cover_letter"]),
        request_id=uuid.uuid4().hex))
    assert (updated.id, updated.state) == (ben_bid.id, PS.PROPOSAL_STATE_SUBMITTED)
    assert (updated.price, updated.cover_letter) == (usd(36_000), "Fast, careful and cheaper.")
    assert updated.delivery_days == 7, "delivery_days is not in the mask"
    assert updated.etag != ben_bid.etag
    with raises_gigwire(grpc.StatusCode.ABORTED, "ETAG_MISMATCH"):
        ben.client.proposals.UpdateProposal(proposal_pb2.UpdateProposalRequest(
            proposal=proposal_pb2.Proposal(id=ben_bid.id, price=usd(30_000), etag=ben_bid.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["price"])))
    assert get_proposal(buyer.client, ben_bid.id).price == usd(36_000)

    # Cy withdraws: no longer live, so the project counts two proposals.
    withdrawn = cy.client.proposals.WithdrawProposal(proposal_pb2.WithdrawProposalRequest(
        id=cy_bid.id, reason="Booked elsewhere.", request_id=uuid.uuid4().hex))
    assert (withdrawn.state, withdrawn.withdraw_reason) == (PS.PROPOSAL_STATE_WITHDRAWN,
                                                            "Booked elsewhere.")
    assert get_job(buyer.client, project.id).proposal_count == 2
    assert set(listed_ids(buyer.client, job_id=project.id, state=PS.PROPOSAL_STATE_SUBMITTED)) \
        == {ann_bid.id, ben_bid.id}
    by_price = listed(buyer.client, job_id=project.id, order_by=PS.PROPOSAL_ORDER_PRICE).proposals
    assert [p.id for p in by_price] == [ben_bid.id, ann_bid.id, cy_bid.id]

    # The buyer shortlists Ann's and accepts it.
    shortlisted = buyer.client.proposals.ShortlistProposal(
        proposal_pb2.ShortlistProposalRequest(id=ann_bid.id, request_id=uuid.uuid4().hex))
    assert shortlisted.state == PS.PROPOSAL_STATE_SHORTLISTED
    assert "accept" in shortlisted.allowed_actions, shortlisted.allowed_actions
    assert listed_ids(buyer.client, job_id=project.id, shortlisted_only=True) == [ann_bid.id]
    accepted_at = time.time()
    accepted = buyer.client.proposals.AcceptProposal(
        proposal_pb2.AcceptProposalRequest(id=ann_bid.id, request_id=uuid.uuid4().hex))
    assert accepted.state == PS.PROPOSAL_STATE_ACCEPTED
    assert accepted.booking_id.startswith("bkg_"), accepted

    booking = get_booking(buyer.client, accepted.booking_id)
    assert booking.source == booking_pb2.BOOKING_SOURCE_PROPOSAL
    assert (booking.proposal_id, booking.job_id, booking.offer_id, booking.gig_id) == (
        ann_bid.id, project.id, "", "")
    assert (booking.buyer_id, booking.seller_id) == (buyer.user.id, ann.user.id)
    assert booking.state == booking_pb2.BOOKING_STATE_ACTIVE
    assert booking.price == usd(45_000)
    assert list(booking.milestones) == milestones
    assert_due_in(booking, 10, accepted_at)
    assert get_booking(ann.client, booking.id).milestones == booking.milestones

    job = get_job(buyer.client, project.id)
    assert (job.state, job.booking_id) == (job_pb2.JOB_STATE_BOOKED, booking.id)
    assert get_proposal(ben.client, ben_bid.id).state == PS.PROPOSAL_STATE_NOT_SELECTED
    assert get_proposal(cy.client, cy_bid.id).state == PS.PROPOSAL_STATE_WITHDRAWN
    assert list(ann.client.jobs.ListOpenJobs(
        job_pb2.ListOpenJobsRequest(category_id=category.id)).jobs) == []

    # The work is delivered and completed, and both sides review each other.
    deliver_and_complete(ann, buyer, booking.id)
    assert review(buyer, booking.id, 5, "Lovely brand kit.").subject_id == ann.user.id
    assert review(ann, booking.id, 4, "Clear brief.").subject_id == buyer.user.id
    ratings = ratings_of(buyer.client, ann)
    assert (ratings.rating_count, ratings.rating_milli) == (1, 5000)
    assert get_proposal(buyer.client, ben_bid.id).seller_display_name == "ben person"


# --- (b) a gig order -------------------------------------------------------------------------------


def test_gig_order_from_order_to_completion(admin, new_user, category):  # noqa: F811
    seller, gig = seller_with_approved_gig(new_user, admin, category, "gus")
    buyer = new_user(roles=BUYER, prefix="buyer")
    request = booking_pb2.OrderGigRequest(
        gig_id=gig.id, requirements="Our name is Bean There; warm colours.",
        request_id=uuid.uuid4().hex)
    ordered_at = time.time()
    booking = buyer.client.bookings.OrderGig(request)
    assert booking.id.startswith("bkg_")
    assert booking.source == booking_pb2.BOOKING_SOURCE_GIG_ORDER
    assert (booking.gig_id, booking.job_id, booking.offer_id, booking.proposal_id) == (
        gig.id, "", "", "")
    assert (booking.buyer_id, booking.seller_id) == (buyer.user.id, seller.user.id)
    assert booking.state == booking_pb2.BOOKING_STATE_ACTIVE
    assert booking.price == gig.price == usd(30_000)
    assert booking.budget.min == gig.price and booking.budget.max == gig.price
    assert booking.job_title == gig.title
    assert booking.requirements == "Our name is Bean There; warm colours."
    assert list(booking.milestones) == []
    assert_due_in(booking, gig.delivery_days, ordered_at)

    again = buyer.client.bookings.OrderGig(request)  # the same request_id: the same booking
    assert again.id == booking.id
    assert bookings_of(buyer.client).count(booking.id) == 1
    assert booking.id in bookings_of(seller.client)
    assert get_booking(seller.client, booking.id).requirements == booking.requirements

    completed = deliver_and_complete(seller, buyer, booking.id)
    assert completed.source == booking_pb2.BOOKING_SOURCE_GIG_ORDER
    assert completed.price == gig.price


# --- (c) bad input: the exact code and reason, and nothing changed -------------------------------


def test_bad_proposals_are_refused_and_change_nothing(admin, new_user, category):  # noqa: F811
    buyer = new_user(roles=BUYER, prefix="buyer")
    seller = new_user(roles=SELLER, prefix="sal")
    project = open_project(buyer, admin, category)
    live = bid(seller, project, 40_000, 10)

    def unchanged() -> None:
        assert listed_ids(buyer.client, job_id=project.id) == [live.id]
        assert listed_ids(seller.client) == [live.id]
        assert get_job(buyer.client, project.id).proposal_count == 1
        again = get_proposal(seller.client, live.id)
        assert (again.state, again.price, again.etag) == (live.state, live.price, live.etag)

    other = new_user(roles=SELLER, prefix="other")
    # A price in another currency than the budget's.
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        submit(other, project.id, proposal(common_pb2.Money(currency_code="EUR",
                                                            amount_minor=40_000), 10))
    assert violates(caught.value, "proposal.price"), caught.value
    # A milestone plan whose amounts do not add up to the price.
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        submit(other, project.id, proposal(usd(40_000), 10, milestones=plan(
            ("Sketches", 10_000, 4), ("Final", 20_000, 10))))
    assert violates(caught.value, "proposal.milestones") or violates(caught.value,
                                                                      "proposal.price"), caught.value
    # A 100 kB cover letter.
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        submit(other, project.id, proposal(usd(40_000), 10, letter="x" * 100_000))
    assert violates(caught.value, "proposal.cover_letter"), caught.value
    # A second live proposal of the same seller.
    with raises_gigwire(ALREADY_EXISTS, "PROPOSAL_EXISTS") as caught:
        submit(seller, project.id, proposal(usd(35_000), 8))
    assert caught.value.metadata.get("proposal_id") == live.id, caught.value
    assert listed_ids(other.client) == []
    unchanged()

    # A proposal on one's own project (a user who is buyer and seller).
    both = new_user(roles=BOTH, prefix="both")
    own = open_project(both, admin, category, title="My own project")
    with raises_gigwire(FAILED_PRECONDITION, "SELF_DEALING"):
        submit(both, own.id, proposal(usd(40_000), 10))
    assert listed(both.client, job_id=own.id).total_size == 0
    assert get_job(both.client, own.id).proposal_count == 0

    # A proposal on an assigned-only job, by a seller holding an offer for it (so it sees it).
    curated = open_job(buyer, admin, category)
    admin.assignments.AssignSellers(assignment_pb2.AssignSellersRequest(
        job_id=curated.id, seller_ids=[other.user.id], request_id=uuid.uuid4().hex))
    with raises_gigwire(FAILED_PRECONDITION, "BIDDING_CLOSED"):
        submit(other, curated.id, proposal(usd(40_000), 10))
    assert listed_ids(other.client) == []
    assert get_job(buyer.client, curated.id).state == job_pb2.JOB_STATE_OPEN

    # A proposal on a project that is booked (bidding ended with an accept).
    buyer.client.proposals.AcceptProposal(proposal_pb2.AcceptProposalRequest(id=live.id))
    with raises_gigwire(FAILED_PRECONDITION, "BIDDING_CLOSED"):
        submit(other, project.id, proposal(usd(40_000), 10))
    assert listed_ids(buyer.client, job_id=project.id) == [live.id]


def test_bad_gig_orders_are_refused_and_change_nothing(admin, new_user, category):  # noqa: F811
    seller, gig = seller_with_approved_gig(new_user, admin, category, "pia")
    buyer = new_user(roles=BUYER, prefix="buyer")

    def order(who, requirements="A logo, please.") -> booking_pb2.Booking:
        return who.client.bookings.OrderGig(booking_pb2.OrderGigRequest(
            gig_id=gig.id, requirements=requirements, request_id=uuid.uuid4().hex))

    # Ordering one's own gig (the seller made a buyer by an admin).
    admin.users.GrantRole(user_pb2.GrantRoleRequest(user_id=seller.user.id,
                                                    role=user_pb2.ROLE_BUYER))
    with raises_gigwire(FAILED_PRECONDITION, "SELF_DEALING"):
        order(seller)
    assert bookings_of(seller.client) == []

    # Requirements are required.
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        order(buyer, requirements="")
    assert violates(caught.value, "requirements"), caught.value

    # A paused gig cannot be ordered; resumed, it can.
    paused = seller.client.catalog.PauseGig(catalog_pb2.GigActionRequest(id=gig.id))
    assert paused.state == gig_pb2.GIG_STATE_PAUSED
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        order(buyer)
    assert bookings_of(buyer.client) == [] and bookings_of(seller.client) == []
    seller.client.catalog.ResumeGig(catalog_pb2.GigActionRequest(id=gig.id))
    assert order(buyer).source == booking_pb2.BOOKING_SOURCE_GIG_ORDER

    # An unknown gig is not found.
    with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
        buyer.client.bookings.OrderGig(booking_pb2.OrderGigRequest(
            gig_id="gig_doesnotexist", requirements="A logo."))
    assert len(bookings_of(buyer.client)) == 1


def test_open_proposals_are_capped_per_seller(start_server):
    server = start_server("--max-open-proposals", "2", *RELAXED_AUTH_LIMITS)
    market = Market(server.address)
    try:
        buyer, seller = market.user(BUYER, "buyer"), market.user(SELLER, "sal")
        projects = []
        for n in range(3):
            job = buyer.client.jobs.CreateJob(project_request(market.category.id,
                                                              title=f"Project {n}"))
            projects.append(market.admin.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=job.id)))
        first, second = (submit(seller, p.id, proposal(usd(40_000), 10)) for p in projects[:2])
        with raises_gigwire(grpc.StatusCode.RESOURCE_EXHAUSTED, "TOO_MANY_OPEN_PROPOSALS") as cap:
            submit(seller, projects[2].id, proposal(usd(40_000), 10))
        assert cap.value.metadata.get("limit") == "2", cap.value
        assert listed(seller.client).total_size == 2
        # Withdrawing one frees a place.
        seller.client.proposals.WithdrawProposal(proposal_pb2.WithdrawProposalRequest(id=first.id))
        assert submit(seller, projects[2].id, proposal(usd(40_000), 10)).state == \
            PS.PROPOSAL_STATE_SUBMITTED
        assert second.id in listed_ids(seller.client)
    finally:
        market.close()


# --- (d) sealed bids ------------------------------------------------------------------------------


def test_bids_are_sealed_from_other_sellers(admin, new_user, category):  # noqa: F811
    buyer = new_user(roles=BUYER, prefix="buyer")
    stranger = new_user(roles=BUYER, prefix="stranger")
    seller_a, seller_b = new_user(roles=SELLER, prefix="sa"), new_user(roles=SELLER, prefix="sb")
    project = open_project(buyer, admin, category)
    start = admin.jobs.ListJobs(job_pb2.ListJobsRequest(page_size=1)).event_cursor
    a_events = Collector(seller_a.client.watch_events(resume_cursor=start))
    buyer_events = Collector(buyer.client.watch_events(resume_cursor=start))
    try:
        request_id = uuid.uuid4().hex
        a_bid = submit(seller_a, project.id, proposal(usd(41_000), 9), request_id=request_id)
        # A retry with the same request_id returns the first proposal and adds none.
        assert submit(seller_a, project.id, proposal(usd(41_000), 9),
                      request_id=request_id).id == a_bid.id
        b_bid = submit(seller_b, project.id, proposal(usd(39_000), 6, letter="B's secret plan."))
        seller_b.client.proposals.UpdateProposal(proposal_pb2.UpdateProposalRequest(
            proposal=proposal_pb2.Proposal(id=b_bid.id, price=usd(37_000)),
            update_mask=field_mask_pb2.FieldMask(paths=["price"])))

        assert set(listed_ids(buyer.client, job_id=project.id)) == {a_bid.id, b_bid.id}
        assert listed_ids(seller_a.client, job_id=project.id) == [a_bid.id]
        assert listed(seller_a.client, job_id=project.id).total_size == 1
        assert listed_ids(seller_a.client) == [a_bid.id]
        assert listed_ids(seller_a.client, job_id=project.id,
                          order_by=PS.PROPOSAL_ORDER_PRICE) == [a_bid.id]
        try:  # seller_id is an admin filter: refused, or it shows nothing of B's
            assert b_bid.id not in listed_ids(seller_a.client, seller_id=seller_b.user.id)
        except GigwireError as refused:
            assert refused.code in (INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED), refused
        with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
            get_proposal(seller_a.client, b_bid.id)
        with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
            seller_a.client.proposals.WithdrawProposal(
                proposal_pb2.WithdrawProposalRequest(id=b_bid.id))
        with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
            seller_a.client.proposals.UpdateProposal(proposal_pb2.UpdateProposalRequest(
                proposal=proposal_pb2.Proposal(id=b_bid.id, price=usd(1_000)),
                update_mask=field_mask_pb2.FieldMask(paths=["price"])))
        with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
            get_proposal(stranger.client, b_bid.id)
        try:  # another buyer's project: refused, or nothing
            assert listed_ids(stranger.client, job_id=project.id) == []
        except GigwireError as refused:
            assert refused.code in (NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED), refused
        assert get_proposal(seller_b.client, b_bid.id).price == usd(37_000)  # untouched
        assert get_proposal(buyer.client, b_bid.id).cover_letter == "B's secret plan."
        assert get_proposal(admin, b_bid.id).seller_id == seller_b.user.id

        # The buyer's stream carries both sellers' proposals; A's only A's.
        assert buyer_events.wait_for(lambda events: any(
            e.type == ET.PROPOSAL_UPDATED and e.proposal.id == b_bid.id for e in events),
            WATCH_DEADLINE_S), buyer_events.snapshot()
        assert a_events.wait_for(lambda events: any(
            e.type == ET.PROPOSAL_SUBMITTED and e.proposal.id == a_bid.id for e in events),
            WATCH_DEADLINE_S), a_events.snapshot()
        time.sleep(0.5)  # anything A should not get would have arrived by now
    finally:
        seen_by_a, seen_by_buyer = a_events.stop(), buyer_events.stop()
    for event in seen_by_a:
        assert b_bid.id not in proposal_ids_in(event), event
        if event.WhichOneof("resource") == "proposal":
            assert event.proposal.seller_id == seller_a.user.id, event
    submitted = [e for e in seen_by_a if e.type == ET.PROPOSAL_SUBMITTED]
    assert [e.proposal.id for e in submitted] == [a_bid.id], "one event for the retried submit"
    assert {a_bid.id, b_bid.id} <= {e.proposal.id for e in seen_by_buyer
                                     if e.WhichOneof("resource") == "proposal"}


# --- (e) portfolios -------------------------------------------------------------------------------


def test_a_seller_keeps_a_portfolio_that_buyers_see(admin, new_user, category):  # noqa: F811
    seller, gig = seller_with_approved_gig(new_user, admin, category, "pat")
    buyer = new_user(roles=BUYER, prefix="buyer")
    portfolio = seller.client.portfolio
    item = portfolio.CreatePortfolioItem(portfolio_pb2.CreatePortfolioItemRequest(
        item=portfolio_pb2.PortfolioItem(
            title="Bakery rebrand", description="Logo and packaging.",
            link_url="https://example.com/bakery", image_urls=["https://example.com/1.png"],
            skills=["logo", "packaging"]),
        request_id=uuid.uuid4().hex))
    assert item.id.startswith("pfi_") and item.seller_id == seller.user.id and item.etag

    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        portfolio.CreatePortfolioItem(portfolio_pb2.CreatePortfolioItemRequest(
            item=portfolio_pb2.PortfolioItem(title="Bad link", link_url="javascript:alert(1)")))
    assert violates(caught.value, "item.link_url"), caught.value
    # Linking a booking: only a COMPLETED one of the seller's.
    booking = buyer.client.bookings.OrderGig(booking_pb2.OrderGigRequest(
        gig_id=gig.id, requirements="A logo.", request_id=uuid.uuid4().hex))
    linked = portfolio_pb2.PortfolioItem(title="The logo for a buyer", booking_id=booking.id)
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        portfolio.CreatePortfolioItem(portfolio_pb2.CreatePortfolioItemRequest(item=linked))
    deliver_and_complete(seller, buyer, booking.id)
    done = portfolio.CreatePortfolioItem(portfolio_pb2.CreatePortfolioItemRequest(item=linked))
    assert done.booking_id == booking.id
    portfolio.DeletePortfolioItem(portfolio_pb2.DeletePortfolioItemRequest(id=done.id))
    with raises_gigwire(grpc.StatusCode.PERMISSION_DENIED, "ROLE_REQUIRED"):
        buyer.client.portfolio.CreatePortfolioItem(portfolio_pb2.CreatePortfolioItemRequest(
            item=portfolio_pb2.PortfolioItem(title="A buyer's")))

    renamed = portfolio.UpdatePortfolioItem(portfolio_pb2.UpdatePortfolioItemRequest(
        item=portfolio_pb2.PortfolioItem(id=item.id, title="Bakery chain rebrand",
                                         etag=item.etag),
        update_mask=field_mask_pb2.FieldMask(paths=["title"])))
    assert (renamed.title, renamed.link_url) == ("Bakery chain rebrand", item.link_url)
    with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
        new_user(roles=SELLER, prefix="rival").client.portfolio.UpdatePortfolioItem(
            portfolio_pb2.UpdatePortfolioItemRequest(
                item=portfolio_pb2.PortfolioItem(id=item.id, title="Mine now"),
                update_mask=field_mask_pb2.FieldMask(paths=["title"])))

    seen = buyer.client.portfolio.ListPortfolioItems(
        portfolio_pb2.ListPortfolioItemsRequest(seller_id=seller.user.id)).items
    assert [(i.id, i.title) for i in seen] == [(item.id, "Bakery chain rebrand")]
    profile = buyer.client.users.GetUser(user_pb2.GetUserRequest(id=seller.user.id))
    assert [i.id for i in profile.portfolio] == [item.id]
    with raises_gigwire(INVALID_ARGUMENT):
        buyer.client.portfolio.ListPortfolioItems(portfolio_pb2.ListPortfolioItemsRequest())

    portfolio.DeletePortfolioItem(portfolio_pb2.DeletePortfolioItemRequest(id=item.id))
    assert list(buyer.client.portfolio.ListPortfolioItems(
        portfolio_pb2.ListPortfolioItemsRequest(seller_id=seller.user.id)).items) == []

