# End-to-end tests of the real-time API (EventService.WatchEvents, OfferService.WatchOffers,
# NotificationService) and of the SDK's resumable watch, each on a gigwired of its own:
#   - a seller's watch through a proxy that keeps cutting connections, across a server
#     restart on the same database and port, gets every offer exactly once, in order;
#   - a reader too slow for the server's per-stream queue gets SLOW_CONSUMER, and the
#     watch helper resumes without loss;
#   - a cursor older than retention fails OUT_OF_RANGE / CURSOR_EXPIRED;
#   - every stream carries only what its user may see (two buyers, two sellers);
#   - list, then watch from the list's event_cursor, sees exactly the later changes;
#   - heartbeats, UNAVAILABLE on shutdown, and the notification inbox.
# Everything runs on loopback, with explicit deadlines.
import random
import threading
import time

import grpc
import pytest

from e2e_support import raises_gigwire
from events_support import (BUSY_PRODUCER_FLAGS, BUYER, SELLER, Collector, Market,
                            list_all_offers)
from gigwire import Client, CursorExpiredError, GigwireError
from gigwire.v1 import (booking_pb2, catalog_pb2, conversation_pb2, event_pb2, event_type_pb2,
                        gig_pb2, job_pb2, notification_pb2, offer_pb2, review_pb2)
from tcp_proxy import CuttingProxy

ET = event_type_pb2
WATCH_DEADLINE_S = 60.0
# The proxied client reconnects quickly: gRPC's own reconnect backoff stays short.
FAST_RECONNECT = (("grpc.initial_reconnect_backoff_ms", 50),
                  ("grpc.min_reconnect_backoff_ms", 50),
                  ("grpc.max_reconnect_backoff_ms", 500))
LONG_NOTE = "n" * 1000  # fat events fill a stalled stream's HTTP/2 window sooner
NO_WINDOW_GROWTH = (("grpc.http2.bdp_probe", 0),)


@pytest.fixture
def market_on(request):
    """Factory: market_on(server) -> Market on that server, closed after the test."""
    markets = []

    def make(server) -> Market:
        market = Market(server.address)
        markets.append(market)
        return market

    yield make
    for market in markets:
        market.close()


def offer_ids(events):
    return [event.offer.id for event in events]


def assert_strictly_increasing(events):
    cursors = [int(event.cursor) for event in events]
    assert cursors == sorted(set(cursors)), "cursors repeat or go backwards"


def read_until_error(stream, limit=100_000):
    """Reads a raw stream to its end; returns (responses, the GigwireError it ended with)."""
    responses = []
    deadline = time.monotonic() + WATCH_DEADLINE_S
    try:
        for response in stream:
            responses.append(response)
            assert len(responses) < limit and time.monotonic() < deadline
    except GigwireError as error:
        return responses, error
    return responses, None


# --- (a) resume under connection cuts and a server restart --------------------------------

OFFERS_UNDER_CUTS = 200


def test_offer_watch_survives_connection_cuts_and_a_restart(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    market = market_on(server)
    seller, other_seller = market.user(SELLER, "seller"), market.user(SELLER, "other")
    buyer = market.user(BUYER, "buyer")
    jobs = [market.open_job(buyer, f"Job {i}") for i in range(OFFERS_UNDER_CUTS)]
    start = seller.client.offers.ListOffers(offer_pb2.ListOffersRequest())
    assert list(start.offers) == [] and start.event_cursor

    rng = random.Random(20240611)
    expected = []
    with CuttingProxy(server.address, seed=7) as proxy:
        proxied = Client(proxy.address, token=seller.token, channel_options=FAST_RECONNECT)
        watch = proxied.watch_offers(resume_cursor=start.event_cursor, max_backoff=0.5)
        collector = Collector(watch)
        for i, job in enumerate(jobs):
            if i == OFFERS_UNDER_CUTS // 2:
                server = start_server.restart(server)  # SIGTERM, then the same db and port
            sellers = [seller, other_seller] if i % 3 == 0 else [seller]
            assignments = market.assign(job, sellers)
            expected.append(next(a.offer_id for a in assignments if a.seller_id == seller.id))
            time.sleep(rng.uniform(0.005, 0.03))
        caught_up = collector.wait_count(len(expected), WATCH_DEADLINE_S)
        events = collector.stop()
        proxied.close()
        cuts = proxy.cuts

    assert collector.error is None, collector.error
    assert caught_up, f"watch got {len(events)} of {len(expected)} offers"
    assert offer_ids(events) == expected  # every offer once, in commit order
    assert_strictly_increasing(events)
    assert {event.type for event in events} == {ET.OFFER_CREATED}
    assert {event.offer.seller_id for event in events} == {seller.id}  # never other_seller's
    assert sorted(o.id for o in list_all_offers(seller.client)) == sorted(expected)
    assert cuts >= 10, f"the proxy cut connections only {cuts} times"
    assert watch.connects >= 10
    assert watch.cursor == events[-1].cursor


# --- (b) slow consumer ------------------------------------------------------------------------

SLOW_EVENTS = 200


def test_slow_consumer_is_cut_and_the_watch_resumes(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS, "--stream-queue-events", "4")
    market = market_on(server)
    seller, buyer = market.user(SELLER, "seller"), market.user(BUYER, "buyer")
    jobs = [market.open_job(buyer, f"Job {i}") for i in range(SLOW_EVENTS)]

    # Without BDP probing the HTTP/2 window stays at 64 KiB, so a reader that stops
    # reading stalls the server's writes after a few dozen fat events (with it, the
    # window grows to megabytes and the client's buffers would absorb every event).
    stalled = market.client(token=seller.token, channel_options=NO_WINDOW_GROWTH)
    raw = stalled.offers.WatchOffers(offer_pb2.WatchOffersRequest())
    first = next(raw)
    assert first.WhichOneof("kind") == "heartbeat"
    gate = threading.Event()
    watch = stalled.watch_offers(resume_cursor=first.heartbeat.cursor, max_backoff=0.5)
    collector = Collector(watch, gate=gate)  # reads one event, then stalls until the gate opens

    expected = [market.assign(jobs[0], [seller], LONG_NOTE)[0].offer_id]
    assert collector.wait_count(1, WATCH_DEADLINE_S)
    for job in jobs[1:]:
        expected.append(market.assign(job, [seller], LONG_NOTE)[0].offer_id)

    responses, error = read_until_error(raw)
    assert error is not None, "a stalled stream was never cut"
    assert (error.code, error.reason) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "SLOW_CONSUMER")
    raw_events = [r.event for r in responses if r.WhichOneof("kind") == "event"]
    assert len(raw_events) < len(expected)
    assert offer_ids(raw_events) == expected[:len(raw_events)]  # a prefix, nothing skipped

    gate.set()
    caught_up = collector.wait_count(len(expected), WATCH_DEADLINE_S)
    events = collector.stop()
    assert collector.error is None, collector.error
    assert caught_up, f"watch got {len(events)} of {len(expected)}"
    assert offer_ids(events) == expected
    assert_strictly_increasing(events)
    assert watch.connects >= 2, "the stalled helper stream should have been cut too"

    # Resuming the raw reader from its last cursor also loses nothing.
    resumed = seller.client.watch_offers(resume_cursor=raw_events[-1].cursor if raw_events
                                         else first.heartbeat.cursor)
    rest = Collector(resumed)
    assert rest.wait_count(len(expected) - len(raw_events), WATCH_DEADLINE_S)
    assert offer_ids(raw_events) + offer_ids(rest.stop()) == expected


# --- (c) expired cursor ---------------------------------------------------------------------


def test_cursor_older_than_retention_is_expired(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS, "--event-retention-seconds", "1",
                          "--scheduler-interval-seconds", "0.2")
    market = market_on(server)
    buyer = market.user(BUYER, "buyer")
    for i in range(3):
        market.open_job(buyer, f"Job {i}")
    time.sleep(2.5)  # retention 1 s, purged every 0.2 s
    market.post_job(buyer, "After the purge")

    raw = buyer.client.events.WatchEvents(event_pb2.WatchEventsRequest(resume_cursor="1"))
    with raises_gigwire(grpc.StatusCode.OUT_OF_RANGE, "CURSOR_EXPIRED"):
        next(raw)
    offers_raw = market.admin.offers.WatchOffers(offer_pb2.WatchOffersRequest(resume_cursor="1"))
    with raises_gigwire(grpc.StatusCode.OUT_OF_RANGE, "CURSOR_EXPIRED"):
        next(offers_raw)

    with buyer.client.watch_events(resume_cursor="1", max_backoff=0.2) as watch:
        started = time.monotonic()
        with pytest.raises(CursorExpiredError) as caught:
            next(watch)
        assert time.monotonic() - started < 5.0
    assert (caught.value.code, caught.value.reason) == (
        grpc.StatusCode.OUT_OF_RANGE, "CURSOR_EXPIRED")
    assert watch.connects == 1, "an expired cursor must not be retried"

    # The way back: list again, then watch from the list's cursor.
    listed = buyer.client.jobs.ListJobs(job_pb2.ListJobsRequest())
    assert len(listed.jobs) == 4
    with buyer.client.watch_events(resume_cursor=listed.event_cursor) as watch:
        collector = Collector(watch)
        later = market.post_job(buyer, "After the list")
        assert collector.wait_count(1, WATCH_DEADLINE_S)
        events = collector.stop()
    assert [(e.type, e.job.id) for e in events] == [(ET.JOB_CREATED, later.id)]


# --- (d) authorization of every event --------------------------------------------------------


def resource_kind(event):
    """"job", "offer", ... of an Event; "offer" for an OfferEvent (of WatchOffers)."""
    if isinstance(event, offer_pb2.OfferEvent):
        return "offer"
    return event.WhichOneof("resource")


def conversation_of(event):
    """The conversation id of a conversation, message or read-receipt event, else None."""
    kind = resource_kind(event)
    if kind == "conversation":
        return event.conversation.id
    if kind == "message":
        return event.message.conversation_id
    if kind == "read_receipt":
        return event.read_receipt.conversation_id
    return None


def visible_to_buyer(event, buyer_id, own_job_ids, own_conversation_ids=frozenset()):
    """What a buyer may see: its jobs, its bookings, reviews of them, its
    bookings' milestones and disputes, its payments, its conversations."""
    kind = resource_kind(event)
    if conversation_of(event) is not None:
        return conversation_of(event) in own_conversation_ids
    if kind == "job":
        return event.job.buyer_id == buyer_id
    if kind == "booking":
        return event.booking.buyer_id == buyer_id
    if kind == "offer":
        return event.offer.job_id in own_job_ids
    if kind == "review":
        return buyer_id in (event.review.author_id, event.review.subject_id)
    if kind == "milestone":
        return event.milestone.buyer_id == buyer_id
    if kind == "payment":
        return event.payment.buyer_id == buyer_id
    if kind == "dispute":
        return event.dispute.buyer_id == buyer_id
    return False


def visible_to_seller(event, seller_id, offered_job_ids, own_conversation_ids=frozenset()):
    """What a seller may see: its offers, bookings and gigs, reviews of it, its
    bookings' milestones and disputes, its payouts, its conversations, and (at
    most) the jobs it holds an offer for."""
    kind = resource_kind(event)
    if conversation_of(event) is not None:
        return conversation_of(event) in own_conversation_ids
    if kind == "offer":
        return event.offer.seller_id == seller_id
    if kind == "booking":
        return event.booking.seller_id == seller_id
    if kind == "gig":
        return event.gig.seller_id == seller_id
    if kind == "review":
        return seller_id in (event.review.author_id, event.review.subject_id)
    if kind == "job":
        return event.job.id in offered_job_ids
    if kind == "milestone":
        return event.milestone.seller_id == seller_id
    if kind == "payout":
        return event.payout.seller_id == seller_id
    if kind == "dispute":
        return event.dispute.seller_id == seller_id
    return False


def run_two_party_scenario(market, buyers, sellers):
    """Jobs, offers, a booking taken to a review (with a conversation about it: a
    message and a read receipt), a decline, a cancellation and a gig. Returns the
    id of the last job (cancelled last)."""
    b1, b2 = buyers
    s1, s2 = sellers
    j1, j2 = market.open_job(b1, "Job of b1"), market.open_job(b2, "Job of b2")
    market.assign(j1, [s1, s2])
    market.assign(j2, [s2])
    o11 = next(o for o in list_all_offers(s1.client) if o.job_id == j1.id)
    o22 = next(o for o in list_all_offers(s2.client) if o.job_id == j2.id)
    s1.client.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=o11.id))
    s2.client.offers.DeclineOffer(offer_pb2.DeclineOfferRequest(id=o22.id, reason="busy"))
    booking = s1.client.bookings.ListBookings(booking_pb2.ListBookingsRequest()).bookings[0]
    talk = b1.client.conversations.OpenConversation(conversation_pb2.OpenConversationRequest(
        booking_id=booking.id))
    s1.client.conversations.SendMessage(conversation_pb2.SendMessageRequest(
        conversation_id=talk.id, text="Starting today."))
    b1.client.conversations.MarkRead(conversation_pb2.MarkReadRequest(conversation_id=talk.id))
    s1.client.bookings.DeliverBooking(booking_pb2.DeliverBookingRequest(
        id=booking.id, note="Here it is."))
    b1.client.bookings.CompleteBooking(booking_pb2.CompleteBookingRequest(id=booking.id))
    b1.client.reviews.CreateReview(review_pb2.CreateReviewRequest(review=review_pb2.Review(
        booking_id=booking.id, rating=5, text="Great work.")))
    s1.client.catalog.CreateGig(catalog_pb2.CreateGigRequest(gig=gig_pb2.Gig(
        title="Logos by s1", description="Three concepts.", category_id=market.category.id,
        price=booking.budget.min, delivery_days=3)))
    j2 = b2.client.jobs.CancelJob(job_pb2.CancelJobRequest(id=j2.id, reason="changed plans"))
    return j2.id


def test_every_stream_carries_only_what_its_user_may_see(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    market = market_on(server)
    buyers = [market.user(BUYER, "b1"), market.user(BUYER, "b2")]
    sellers = [market.user(SELLER, "s1"), market.user(SELLER, "s2")]
    # Every stream starts from the same cursor (not "now", which would race the scenario).
    start = market.admin.jobs.ListJobs(job_pb2.ListJobsRequest()).event_cursor
    everything = Collector(market.admin.watch_events(resume_cursor=start))
    streams = {}
    for account in buyers + sellers:
        streams[(account.id, "events")] = Collector(account.client.watch_events(start))
    for account in sellers:
        streams[(account.id, "offers")] = Collector(account.client.watch_offers(start))

    last_job_id = run_two_party_scenario(market, buyers, sellers)
    assert everything.wait_for(lambda events: any(
        e.type == ET.JOB_CANCELLED and e.job.id == last_job_id for e in events),
        WATCH_DEADLINE_S)
    all_events = everything.stop()
    time.sleep(0.5)  # anything a stream should not get would have arrived by now
    seen = {key: collector.stop() for key, collector in streams.items()}

    jobs_of = {b.id: {e.job.id for e in all_events if e.WhichOneof("resource") == "job"
                      and e.job.buyer_id == b.id} for b in buyers}
    offered = {s.id: {e.offer.job_id for e in all_events if e.WhichOneof("resource") == "offer"
                      and e.offer.seller_id == s.id} for s in sellers}
    talks = {u.id: {e.conversation.id for e in all_events
                    if e.WhichOneof("resource") == "conversation"
                    and u.id in (e.conversation.buyer_id, e.conversation.seller_id)}
             for u in buyers + sellers}
    for (user_id, kind), events in seen.items():
        assert events, f"{kind} stream of {user_id} got nothing"
        assert_strictly_increasing(events)
        if user_id in jobs_of:
            for e in events:
                assert visible_to_buyer(e, user_id, jobs_of[user_id], talks[user_id]), (user_id, e)
            expected = [e for e in all_events
                        if e.WhichOneof("resource") == "job" and e.job.buyer_id == user_id]
        else:
            for e in events:
                assert visible_to_seller(e, user_id, offered[user_id], talks[user_id]), (user_id, e)
            expected = [e for e in all_events
                        if e.WhichOneof("resource") == "offer" and e.offer.seller_id == user_id]
        got = [e.cursor for e in events]
        for e in expected:  # each user got its own jobs' / offers' events
            assert e.cursor in got, (user_id, kind, e)
    for seller in sellers:  # WatchOffers: OFFER_* only, the same ones WatchEvents carried
        offers_stream = seen[(seller.id, "offers")]
        assert {e.type for e in offers_stream} <= {ET.OFFER_CREATED, ET.OFFER_ACCEPTED,
                                                   ET.OFFER_DECLINED, ET.OFFER_SUPERSEDED,
                                                   ET.OFFER_WITHDRAWN, ET.OFFER_EXPIRED}
        from_events = [(e.cursor, e.offer.id) for e in seen[(seller.id, "events")]
                       if e.WhichOneof("resource") == "offer"]
        assert [(e.cursor, e.offer.id) for e in offers_stream] == from_events
    s1_types = [e.type for e in seen[(sellers[0].id, "events")]]
    assert ET.BOOKING_CREATED in s1_types and ET.GIG_CREATED in s1_types
    b1_types = [e.type for e in seen[(buyers[0].id, "events")]]
    assert ET.BOOKING_COMPLETED in b1_types
    for user in (buyers[0], sellers[0]):  # both parties of the conversation, nobody else
        types = [e.type for e in seen[(user.id, "events")]]
        assert [t for t in types if t in (ET.CONVERSATION_STARTED, ET.MESSAGE_SENT,
                                          ET.MESSAGES_READ)] == [
            ET.CONVERSATION_STARTED, ET.MESSAGE_SENT, ET.MESSAGES_READ], user.id
    for user in (buyers[1], sellers[1]):
        assert not talks[user.id]
        assert not any(conversation_of(e) for e in seen[(user.id, "events")]), user.id


# --- (e) list, then watch ---------------------------------------------------------------------


def test_list_then_watch_from_event_cursor_sees_exactly_later_changes(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    market = market_on(server)
    seller, buyer = market.user(SELLER, "seller"), market.user(BUYER, "buyer")
    jobs = [market.open_job(buyer, f"Job {i}") for i in range(6)]
    before = [market.assign(job, [seller])[0].offer_id for job in jobs[:3]]

    listed = seller.client.offers.ListOffers(offer_pb2.ListOffersRequest())
    assert sorted(o.id for o in listed.offers) == sorted(before)
    after = [market.assign(job, [seller])[0].offer_id for job in jobs[3:]]
    declined = seller.client.offers.DeclineOffer(offer_pb2.DeclineOfferRequest(
        id=before[0], reason="busy"))  # a change to a listed offer counts too

    with seller.client.watch_offers(resume_cursor=listed.event_cursor) as watch:
        collector = Collector(watch)
        assert collector.wait_count(4, WATCH_DEADLINE_S)
        time.sleep(0.3)
        events = collector.stop()
    assert [(e.type, e.offer.id) for e in events] == (
        [(ET.OFFER_CREATED, offer_id) for offer_id in after]
        + [(ET.OFFER_DECLINED, declined.id)])
    assert events[-1].offer.state == declined.state

    # Same for a buyer's jobs: ListJobs' cursor, then WatchEvents.
    jobs_listed = buyer.client.jobs.ListJobs(job_pb2.ListJobsRequest())
    with buyer.client.watch_events(resume_cursor=jobs_listed.event_cursor) as watch:
        collector = Collector(watch)
        cancelled = buyer.client.jobs.CancelJob(job_pb2.CancelJobRequest(id=jobs[5].id,
                                                                         reason="no longer"))
        assert collector.wait_count(1, WATCH_DEADLINE_S)
        events = collector.stop()
    assert (events[0].type, events[0].job.id) == (ET.JOB_CANCELLED, cancelled.id)


# --- (f) heartbeats, shutdown, notifications ------------------------------------------------


def test_watch_without_cursor_starts_with_a_heartbeat(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    market = market_on(server)
    buyer = market.user(BUYER, "buyer")
    with buyer.client.events.WatchEvents(event_pb2.WatchEventsRequest()) as raw:
        first = next(raw)
        assert first.WhichOneof("kind") == "heartbeat"
        assert first.heartbeat.cursor.isdigit() and first.heartbeat.time.seconds > 0
        job = market.post_job(buyer)
        second = next(raw)
        assert second.WhichOneof("kind") == "event"
        assert (second.event.type, second.event.job.id) == (ET.JOB_CREATED, job.id)
        assert int(second.event.cursor) > int(first.heartbeat.cursor)

    beats = []
    with buyer.client.watch_events(on_heartbeat=beats.append) as watch:
        collector = Collector(watch)
        assert collector.wait_for(lambda _: bool(beats), WATCH_DEADLINE_S)
        collector.stop()
    assert watch.cursor == beats[0].cursor


def test_server_shutdown_ends_open_streams_with_unavailable(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    market = market_on(server)
    seller = market.user(SELLER, "seller")
    raw = seller.client.offers.WatchOffers(offer_pb2.WatchOffersRequest())
    assert next(raw).WhichOneof("kind") == "heartbeat"
    outcome = {}

    def read():
        outcome["result"] = read_until_error(raw)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    server = start_server.restart(server)  # SIGTERM must exit 0 with the stream open
    reader.join(WATCH_DEADLINE_S)
    assert not reader.is_alive()
    responses, error = outcome["result"]
    assert error is not None and error.code == grpc.StatusCode.UNAVAILABLE, error
    assert error.reason in ("SHUTTING_DOWN", "ERROR_REASON_UNSPECIFIED")


def test_notifications_list_and_mark_read(start_server, market_on):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    market = market_on(server)
    seller, buyer = market.user(SELLER, "seller"), market.user(BUYER, "buyer")
    jobs = [market.open_job(buyer, f"Job {i}") for i in range(3)]
    for job in jobs:
        market.assign(job, [seller])
    inbox = seller.client.notifications
    listed = inbox.ListNotifications(notification_pb2.ListNotificationsRequest())
    assert listed.unread_count == 3 and listed.event_cursor
    assert [n.type for n in listed.notifications] == [ET.OFFER_CREATED] * 3
    assert [n.job_id for n in listed.notifications] == [j.id for j in reversed(jobs)]
    newest, oldest = listed.notifications[0], listed.notifications[-1]
    marked = inbox.MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(ids=[oldest.id]))
    assert (marked.marked_count, marked.unread_count) == (1, 2)
    marked = inbox.MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(up_to_id=newest.id))
    assert (marked.marked_count, marked.unread_count) == (2, 0)
    unread = inbox.ListNotifications(notification_pb2.ListNotificationsRequest(unread_only=True))
    assert list(unread.notifications) == [] and unread.unread_count == 0
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT):
        inbox.MarkNotificationsRead(notification_pb2.MarkNotificationsReadRequest())
    # Users are never notified of their own actions (the buyer posted its jobs).
    buyer_inbox = buyer.client.notifications.ListNotifications(
        notification_pb2.ListNotificationsRequest())
    assert ET.JOB_CREATED not in {n.type for n in buyer_inbox.notifications}
