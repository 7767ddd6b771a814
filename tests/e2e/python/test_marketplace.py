# End-to-end marketplace scenario through the Python SDK against a real gigwired:
# catalog and gig review, jobs and their review queue, seller search, assignments,
# offers (first accept wins), bookings, reviews and ratings, the audit log; then the
# rejection, cancellation, expiry, idempotency and authorization paths. Every
# failure is checked for its exact status code AND reason.
import time
import uuid

import grpc
import pytest
from google.protobuf import duration_pb2, timestamp_pb2

from e2e_support import raises_gigwire, violated_fields
from gigwire.v1 import (assignment_pb2, audit_pb2, booking_pb2, catalog_pb2, category_pb2,
                        common_pb2, gig_pb2, job_pb2, offer_pb2, review_pb2, seller_pb2, user_pb2)

INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
PERMISSION_DENIED = grpc.StatusCode.PERMISSION_DENIED
FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION

DAY_S = 24 * 3600
EXPIRY_WAIT_S = 5.0
SELLER = (user_pb2.ROLE_SELLER,)
BUYER = (user_pb2.ROLE_BUYER,)


def usd(amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency_code="USD", amount_minor=amount_minor)


def in_days(days: float) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromSeconds(int(time.time() + days * DAY_S))
    return stamp


def job_request(category_id: str, title="Design a logo for a bakery",
                request_id="") -> job_pb2.CreateJobRequest:
    job = job_pb2.Job(title=title, description="A round logo, warm colours, SVG and PNG.",
                      category_id=category_id, skills=["logo", "illustrator"],
                      budget=common_pb2.MoneyRange(min=usd(20_000), max=usd(50_000)),
                      due_time=in_days(7))
    return job_pb2.CreateJobRequest(job=job, request_id=request_id)


def user_id(client) -> str:
    return client.tokens.user.id


@pytest.fixture
def category(admin):
    """A fresh category per test, so seller searches by category see only its sellers."""
    slug = f"logo-design-{uuid.uuid4().hex[:8]}"
    created = admin.catalog.CreateCategory(catalog_pb2.CreateCategoryRequest(
        category=category_pb2.Category(slug=slug, display_name="Logo design")))
    assert created.id.startswith("cat_")
    assert (created.slug, created.display_name, created.parent_id) == (slug, "Logo design", "")
    listed = admin.catalog.ListCategories(catalog_pb2.ListCategoriesRequest()).categories
    assert created.id in {c.id for c in listed}
    return created


def seller_with_approved_gig(new_user, admin, category, name):
    """A new seller whose gig in `category` went DRAFT -> PENDING_REVIEW -> APPROVED."""
    seller = new_user(roles=SELLER, prefix=name)
    catalog = seller.client.catalog
    gig = catalog.CreateGig(catalog_pb2.CreateGigRequest(gig=gig_pb2.Gig(
        title=f"Logo design by {name}", description="Three concepts, two revisions.",
        category_id=category.id, price=usd(30_000), delivery_days=5, tags=["logo"])))
    assert gig.id.startswith("gig_")
    assert (gig.seller_id, gig.state) == (seller.user.id, gig_pb2.GIG_STATE_DRAFT)
    submitted = catalog.SubmitGig(catalog_pb2.GigActionRequest(id=gig.id))
    assert submitted.state == gig_pb2.GIG_STATE_PENDING_REVIEW
    approved = admin.catalog.ApproveGig(catalog_pb2.GigActionRequest(id=gig.id))
    assert approved.state == gig_pb2.GIG_STATE_APPROVED
    return seller, approved


def open_job(buyer, admin, category, **overrides) -> job_pb2.Job:
    """A job posted by `buyer` and approved by the admin."""
    job = buyer.client.jobs.CreateJob(job_request(category.id, **overrides))
    opened = admin.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=job.id))
    assert opened.state == job_pb2.JOB_STATE_OPEN
    return opened


def assign(admin, job, sellers, note="", ttl_seconds=0):
    request = assignment_pb2.AssignSellersRequest(
        job_id=job.id, seller_ids=[s.user.id for s in sellers], note=note,
        request_id=uuid.uuid4().hex)
    if ttl_seconds:
        request.offer_ttl.CopyFrom(duration_pb2.Duration(seconds=ttl_seconds))
    return admin.assignments.AssignSellers(request).assignments


def offer_of(seller, job) -> offer_pb2.Offer:
    """The seller's one offer for `job`, as ListOffers shows it."""
    offers = seller.client.offers.ListOffers(offer_pb2.ListOffersRequest(job_id=job.id)).offers
    assert len(offers) == 1, offers
    return offers[0]


def get_offer(seller, offer_id) -> offer_pb2.Offer:
    return seller.client.offers.GetOffer(offer_pb2.GetOfferRequest(id=offer_id))


def search_category(client, category) -> list:
    return list(client.sellers.SearchSellers(seller_pb2.SearchSellersRequest(
        category_id=category.id, order_by=seller_pb2.SELLER_ORDER_RATING)).sellers)


def audit_entries(admin, action, target):
    return admin.audit.ListAuditEntries(audit_pb2.ListAuditEntriesRequest(
        action=action, target=target)).entries


# --- The happy path, step by step -------------------------------------------------------


def post_and_review_job(buyer, admin, category) -> job_pb2.Job:
    """Buyer posts; the admin finds it in the PENDING_REVIEW queue and approves it."""
    job = buyer.client.jobs.CreateJob(job_request(category.id))
    assert job.id.startswith("job_")
    assert (job.buyer_id, job.state) == (buyer.user.id, job_pb2.JOB_STATE_PENDING_REVIEW)
    assert job.budget.min == usd(20_000) and job.budget.max == usd(50_000)

    queue = admin.jobs.ListJobs(job_pb2.ListJobsRequest(
        state=job_pb2.JOB_STATE_PENDING_REVIEW, page_size=500)).jobs
    assert job.id in {j.id for j in queue}
    assert {j.state for j in queue} == {job_pb2.JOB_STATE_PENDING_REVIEW}

    approved = admin.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=job.id, note="clear brief"))
    assert approved.state == job_pb2.JOB_STATE_OPEN
    return approved


def check_search_finds(admin, category, sellers, gigs):
    found = search_category(admin, category)
    assert {s.user_id for s in found} == {s.user.id for s in sellers}
    for preview in found:
        assert preview.gig_count == 1
        assert [g.id for g in preview.sample_gigs] == [gigs[preview.user_id].id]


def check_assignments(assignments, job, sellers, admin_id, note):
    """One assignment per seller (any order: one call's assignments share a create time)."""
    assert sorted(a.seller_id for a in assignments) == sorted(s.user.id for s in sellers)
    for a in assignments:
        assert a.id.startswith("asg_") and a.offer_id.startswith("off_")
        assert (a.job_id, a.assigner_id, a.note) == (job.id, admin_id, note)


def check_offers_received(sellers, assignments, job, note):
    for seller, assignment in zip(sellers, assignments):
        offer = offer_of(seller, job)
        assert offer.id == assignment.offer_id
        assert (offer.seller_id, offer.job_title, offer.note) == (seller.user.id, job.title, note)
        assert offer.state == offer_pb2.OFFER_STATE_PENDING
        assert offer.budget == job.budget
        assert {"accept", "decline"} <= set(offer.allowed_actions)


def deliver_and_complete(seller, buyer, booking_id) -> booking_pb2.Booking:
    delivered = seller.client.bookings.DeliverBooking(booking_pb2.DeliverBookingRequest(
        id=booking_id, note="Final files attached."))
    assert delivered.state == booking_pb2.BOOKING_STATE_DELIVERED
    assert delivered.delivery_note == "Final files attached."
    completed = buyer.client.bookings.CompleteBooking(
        booking_pb2.CompleteBookingRequest(id=booking_id))
    assert completed.state == booking_pb2.BOOKING_STATE_COMPLETED
    assert completed.HasField("complete_time")
    return completed


def review(party, booking_id, rating, text) -> review_pb2.Review:
    return party.client.reviews.CreateReview(review_pb2.CreateReviewRequest(
        review=review_pb2.Review(booking_id=booking_id, rating=rating, text=text)))


def ratings_of(client, user) -> review_pb2.ListReviewsResponse:
    return client.reviews.ListReviews(review_pb2.ListReviewsRequest(user_id=user.user.id))


def test_marketplace_scenario(admin, new_user, category):
    admin_id = user_id(admin)
    made = [seller_with_approved_gig(new_user, admin, category, n) for n in ("ann", "ben", "cy")]
    sellers = [seller for seller, _ in made]
    gigs = {seller.user.id: gig for seller, gig in made}
    decliner, winner, loser = sellers
    buyer = new_user(roles=BUYER, prefix="buyer")

    job = post_and_review_job(buyer, admin, category)
    check_search_finds(admin, category, sellers, gigs)

    note = "Strong logo portfolios; please answer within a day."
    assignments = assign(admin, job, sellers, note)
    assert [a.seller_id for a in assignments] == [s.user.id for s in sellers], "request order"
    check_assignments(assignments, job, sellers, admin_id, note)
    check_offers_received(sellers, assignments, job, note)
    offer_ids = {a.seller_id: a.offer_id for a in assignments}

    declined = decliner.client.offers.DeclineOffer(offer_pb2.DeclineOfferRequest(
        id=offer_ids[decliner.user.id], reason="Fully booked this week"))
    assert declined.state == offer_pb2.OFFER_STATE_DECLINED
    assert declined.decline_reason == "Fully booked this week"

    accepted = winner.client.offers.AcceptOffer(
        offer_pb2.AcceptOfferRequest(id=offer_ids[winner.user.id]))
    assert accepted.state == offer_pb2.OFFER_STATE_ACCEPTED
    assert accepted.booking_id.startswith("bkg_")
    booked = buyer.client.jobs.GetJob(job_pb2.GetJobRequest(id=job.id))
    assert (booked.state, booked.booking_id) == (job_pb2.JOB_STATE_BOOKED, accepted.booking_id)

    late = get_offer(loser, offer_ids[loser.user.id])
    assert late.state == offer_pb2.OFFER_STATE_SUPERSEDED
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE") as caught:
        loser.client.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=late.id))
    assert "SUPERSEDED" in caught.value.metadata.get("current_state", ""), caught.value

    booking = winner.client.bookings.GetBooking(booking_pb2.GetBookingRequest(
        id=accepted.booking_id))
    assert (booking.job_id, booking.offer_id) == (job.id, accepted.id)
    assert (booking.buyer_id, booking.seller_id) == (buyer.user.id, winner.user.id)
    assert booking.state == booking_pb2.BOOKING_STATE_ACTIVE
    assert ratings_of(buyer.client, winner).rating_count == 0
    deliver_and_complete(winner, buyer, booking.id)

    by_buyer = review(buyer, booking.id, 5, "Great logo, on time.")
    assert (by_buyer.author_id, by_buyer.subject_id) == (buyer.user.id, winner.user.id)
    by_seller = review(winner, booking.id, 4, "Clear brief, quick feedback.")
    assert (by_seller.author_id, by_seller.subject_id) == (winner.user.id, buyer.user.id)
    with raises_gigwire(grpc.StatusCode.ALREADY_EXISTS, "ALREADY_REVIEWED"):
        review(buyer, booking.id, 1, "Changed my mind.")

    received = ratings_of(buyer.client, winner)
    assert (received.rating_milli, received.rating_count) == (5000, 1)
    assert [r.id for r in received.reviews] == [by_buyer.id]
    found = search_category(admin, category)
    assert found[0].user_id == winner.user.id, "best rated first"
    assert (found[0].rating_milli, found[0].rating_count) == (5000, 1)
    assert found[0].completed_bookings == 1
    assert [(s.rating_milli, s.rating_count) for s in found[1:]] == [(0, 0), (0, 0)]

    for client in (admin, buyer.client):
        listed = client.assignments.ListAssignments(
            assignment_pb2.ListAssignmentsRequest(job_id=job.id)).assignments
        check_assignments(listed, job, sellers, admin_id, note)
        assert {a.offer_id for a in listed} == set(offer_ids.values())

    approvals = audit_entries(admin, "ApproveJob", job.id)
    assert [(e.actor_id, e.action) for e in approvals] == [(admin_id, "ApproveJob")]
    assert approvals[0].note == "clear brief"
    assignment_entries = audit_entries(admin, "AssignSellers", job.id)
    assert [(e.actor_id, e.action) for e in assignment_entries] == [(admin_id, "AssignSellers")]


# --- Other paths --------------------------------------------------------------------------


def test_rejected_job_shows_its_reason_to_the_buyer(admin, new_user, category):
    buyer = new_user(roles=BUYER, prefix="buyer")
    job = buyer.client.jobs.CreateJob(job_request(category.id))

    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        admin.jobs.RejectJob(job_pb2.RejectJobRequest(id=job.id))
    assert violated_fields(caught.value) == {"reason"}

    rejected = admin.jobs.RejectJob(job_pb2.RejectJobRequest(id=job.id, reason="Too vague"))
    assert (rejected.state, rejected.rejection_reason) == (job_pb2.JOB_STATE_REJECTED,
                                                           "Too vague")
    seen = buyer.client.jobs.GetJob(job_pb2.GetJobRequest(id=job.id))
    assert (seen.state, seen.rejection_reason) == (job_pb2.JOB_STATE_REJECTED, "Too vague")
    assert audit_entries(admin, "RejectJob", job.id)[0].note == "Too vague"


def test_cancelling_an_open_job_withdraws_its_pending_offer(admin, new_user, category):
    seller, _ = seller_with_approved_gig(new_user, admin, category, "cancel-seller")
    buyer = new_user(roles=BUYER, prefix="buyer")
    job = open_job(buyer, admin, category)
    (assignment,) = assign(admin, job, [seller])
    assert get_offer(seller, assignment.offer_id).state == offer_pb2.OFFER_STATE_PENDING

    cancelled = buyer.client.jobs.CancelJob(job_pb2.CancelJobRequest(
        id=job.id, reason="Found someone else"))
    assert (cancelled.state, cancelled.cancel_reason) == (job_pb2.JOB_STATE_CANCELLED,
                                                          "Found someone else")
    assert get_offer(seller, assignment.offer_id).state == offer_pb2.OFFER_STATE_WITHDRAWN

    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE") as caught:
        buyer.client.jobs.CancelJob(job_pb2.CancelJobRequest(id=job.id))
    assert "CANCELLED" in caught.value.metadata.get("current_state", ""), caught.value
    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        seller.client.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=assignment.offer_id))


def test_unanswered_offer_expires_after_its_ttl(admin, new_user, category):
    seller, _ = seller_with_approved_gig(new_user, admin, category, "slow-seller")
    buyer = new_user(roles=BUYER, prefix="buyer")
    job = open_job(buyer, admin, category)
    (assignment,) = assign(admin, job, [seller], ttl_seconds=1)

    deadline = time.monotonic() + EXPIRY_WAIT_S
    offer = get_offer(seller, assignment.offer_id)
    while offer.state == offer_pb2.OFFER_STATE_PENDING and time.monotonic() < deadline:
        time.sleep(0.1)
        offer = get_offer(seller, assignment.offer_id)
    assert offer.state == offer_pb2.OFFER_STATE_EXPIRED, f"still {offer} after {EXPIRY_WAIT_S}s"

    with raises_gigwire(FAILED_PRECONDITION, "INVALID_STATE"):
        seller.client.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=offer.id))
    assert buyer.client.jobs.GetJob(job_pb2.GetJobRequest(id=job.id)).state == \
        job_pb2.JOB_STATE_OPEN


def test_create_job_is_idempotent_with_a_request_id(new_user, category):
    buyer = new_user(roles=BUYER, prefix="buyer")
    jobs = buyer.client.jobs
    request = job_request(category.id, request_id=uuid.uuid4().hex)
    first = jobs.CreateJob(request)
    retried = jobs.CreateJob(request)
    assert retried.id == first.id

    listed = jobs.ListJobs(job_pb2.ListJobsRequest()).jobs
    assert [j.id for j in listed] == [first.id]

    changed = job_pb2.CreateJobRequest()
    changed.CopyFrom(request)
    changed.job.title = "Another title entirely"
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        jobs.CreateJob(changed)
    assert violated_fields(caught.value) == {"request_id"}
    assert [j.id for j in jobs.ListJobs(job_pb2.ListJobsRequest()).jobs] == [first.id]


def test_jobs_are_guarded_by_owner_and_role(admin, new_user, category):
    seller, _ = seller_with_approved_gig(new_user, admin, category, "nosy-seller")
    buyer = new_user(roles=BUYER, prefix="buyer")
    other_buyer = new_user(roles=BUYER, prefix="other-buyer")
    job = open_job(buyer, admin, category)
    assign(admin, job, [seller])

    with raises_gigwire(NOT_FOUND, "RESOURCE_NOT_FOUND"):
        other_buyer.client.jobs.GetJob(job_pb2.GetJobRequest(id=job.id))
    visible = seller.client.jobs.GetJob(job_pb2.GetJobRequest(id=job.id))
    assert visible.id == job.id
    with raises_gigwire(PERMISSION_DENIED, "NOT_RESOURCE_OWNER"):
        seller.client.jobs.CancelJob(job_pb2.CancelJobRequest(id=job.id))
    pending = buyer.client.jobs.CreateJob(job_request(category.id))
    with raises_gigwire(PERMISSION_DENIED, "ROLE_REQUIRED"):
        buyer.client.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=pending.id))
    with raises_gigwire(PERMISSION_DENIED, "ROLE_REQUIRED"):
        buyer.client.audit.ListAuditEntries(audit_pb2.ListAuditEntriesRequest())
    assert buyer.client.jobs.GetJob(job_pb2.GetJobRequest(id=job.id)).state == \
        job_pb2.JOB_STATE_OPEN
