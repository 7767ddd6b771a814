# Unit tests of the streaming layer (ServerStream, ResponseStream) and of the resumable
# Watch, against an in-process fake OfferService whose WatchOffers follows a script:
# per connection, some messages, then an end status. Checks resuming from the last
# cursor, de-duplication, which statuses reconnect, CursorExpiredError, token refresh,
# backoff with jitter, and close() from another thread.
import random
import threading
import time

import grpc
import pytest

from gigwire import Client, CursorExpiredError, GigwireError, Watch
from gigwire.v1 import auth_pb2, auth_pb2_grpc, errors_pb2, event_type_pb2, offer_pb2
from gigwire.v1 import offer_pb2_grpc, user_pb2
from fake_server import abort, serving
from gigwire.watch import is_after

TIMEOUT_S = 10.0


def event(cursor, offer_id="off_1"):
    return offer_pb2.WatchOffersResponse(event=offer_pb2.OfferEvent(
        cursor=cursor, type=event_type_pb2.OFFER_CREATED, offer=offer_pb2.Offer(id=offer_id)))


def heartbeat(cursor):
    response = offer_pb2.WatchOffersResponse()
    response.heartbeat.cursor = cursor
    return response


def end(code, reason=errors_pb2.ERROR_REASON_UNSPECIFIED, retry_after_ms=0):
    return (code, reason, retry_after_ms)


HANG = "hang"  # the connection stays open until the client cancels it




class FakeWatchServer(offer_pb2_grpc.OfferServiceServicer, auth_pb2_grpc.AuthServiceServicer):
    """WatchOffers plays script[i] on the i-th connection: messages, then an end
    (a status triple, HANG, or None for a clean OK end)."""

    def __init__(self):
        self.script = []
        self.requests = []  # (resume_cursor, authorization)
        self.cancelled = threading.Event()
        self.refreshes = 0

    def WatchOffers(self, request, context):
        metadata = dict(context.invocation_metadata())
        self.requests.append((request.resume_cursor, metadata.get("authorization")))
        index = len(self.requests) - 1
        messages, ending = self.script[index] if index < len(self.script) else ([], HANG)
        yield from messages
        if ending == HANG:
            while context.is_active():
                time.sleep(0.01)
            self.cancelled.set()
        elif ending is not None:
            code, reason, retry_after_ms = ending
            abort(context, code, "scripted", reason, retry_after_ms)

    def Login(self, request, context):
        return auth_pb2.TokenPair(access_token="access-0", refresh_token="refresh-0",
                                  user=user_pb2.User(id="usr_1"))

    def Refresh(self, request, context):
        self.refreshes += 1
        return auth_pb2.TokenPair(access_token=f"access-{self.refreshes}",
                                  refresh_token=f"refresh-{self.refreshes}",
                                  user=user_pb2.User(id="usr_1"))


@pytest.fixture
def fake():
    servicer = FakeWatchServer()
    with serving(servicer, offer_pb2_grpc.add_OfferServiceServicer_to_server,
                 auth_pb2_grpc.add_AuthServiceServicer_to_server, workers=8) as address:
        client = Client(address, token="tok")
        yield servicer, client
        client.close()


def fast_watch(client, **kwargs):
    watch = client.watch_offers(max_backoff=0.05, **kwargs)
    watch._initial_backoff = 0.01
    return watch


def take(watch, count):
    """The next `count` events' cursors, failing rather than hanging."""
    result = []
    deadline = time.monotonic() + TIMEOUT_S
    for item in watch:
        result.append(item.cursor)
        if len(result) == count:
            return result
        assert time.monotonic() < deadline, "watch too slow"
    return result


def test_raw_stream_yields_messages_then_raises_typed_error(fake):
    servicer, client = fake
    servicer.script = [([heartbeat("3"), event("4")],
                        end(grpc.StatusCode.RESOURCE_EXHAUSTED, errors_pb2.SLOW_CONSUMER))]
    stream = client.offers.WatchOffers(offer_pb2.WatchOffersRequest(resume_cursor="3"))
    assert next(stream).heartbeat.cursor == "3"
    assert next(stream).event.cursor == "4"
    with pytest.raises(GigwireError) as caught:
        next(stream)
    assert (caught.value.code, caught.value.reason) == (
        grpc.StatusCode.RESOURCE_EXHAUSTED, "SLOW_CONSUMER")
    assert servicer.requests == [("3", "Bearer tok")]


def test_raw_stream_ends_cleanly_on_ok(fake):
    servicer, client = fake
    servicer.script = [([event("1")], None)]
    with client.offers.WatchOffers(offer_pb2.WatchOffersRequest()) as stream:
        assert [r.event.cursor for r in stream] == ["1"]


def test_reconnects_from_last_cursor_and_drops_duplicates(fake):
    servicer, client = fake
    servicer.script = [
        ([heartbeat("10"), event("11"), event("12")], end(grpc.StatusCode.UNAVAILABLE)),
        ([event("12"), event("13")],
         end(grpc.StatusCode.RESOURCE_EXHAUSTED, errors_pb2.SLOW_CONSUMER)),
        ([heartbeat("20")], end(grpc.StatusCode.UNAVAILABLE, errors_pb2.SHUTTING_DOWN)),
        ([event("19"), event("20"), event("21")], None),
        ([event("22")], HANG),
    ]
    beats = []
    with fast_watch(client, on_heartbeat=lambda hb: beats.append(hb.cursor)) as watch:
        assert take(watch, 5) == ["11", "12", "13", "21", "22"]
        assert watch.cursor == "22"
        assert watch.connects == 5
    assert [cursor for cursor, _ in servicer.requests] == ["", "12", "13", "20", "21"]
    assert beats == ["10", "20"]


def test_a_stream_the_server_cancelled_is_resumed(fake):
    # A stopping server cancels calls it has not started; only close() stops a watch.
    servicer, client = fake
    servicer.script = [([event("1")], end(grpc.StatusCode.CANCELLED)), ([event("2")], HANG)]
    with fast_watch(client) as watch:
        assert take(watch, 2) == ["1", "2"]
    assert [cursor for cursor, _ in servicer.requests] == ["", "1"]


def test_resume_cursor_is_used_and_older_events_dropped(fake):
    servicer, client = fake
    servicer.script = [([event("5"), event("6"), event("7")], HANG)]
    with fast_watch(client, resume_cursor="6") as watch:
        assert take(watch, 1) == ["7"]
    assert servicer.requests[0][0] == "6"


@pytest.mark.parametrize("reason", ["CURSOR_EXPIRED", "CURSOR_AHEAD"])
def test_a_cursor_that_cannot_resume_raises_distinct_error_without_retry(fake, reason):
    servicer, client = fake
    servicer.script = [([], end(grpc.StatusCode.OUT_OF_RANGE,
                                errors_pb2.ErrorReason.Value(reason)))]
    watch = fast_watch(client, resume_cursor="1")
    with pytest.raises(CursorExpiredError) as caught:
        next(watch)
    assert isinstance(caught.value, GigwireError)
    assert (caught.value.code, caught.value.reason) == (grpc.StatusCode.OUT_OF_RANGE, reason)
    assert isinstance(caught.value.__cause__, grpc.RpcError)
    assert len(servicer.requests) == 1


@pytest.mark.parametrize("code, reason", [
    (grpc.StatusCode.INVALID_ARGUMENT, errors_pb2.INVALID_FIELDS),
    (grpc.StatusCode.PERMISSION_DENIED, errors_pb2.ROLE_REQUIRED),
    (grpc.StatusCode.UNAUTHENTICATED, errors_pb2.TOKEN_INVALID),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, errors_pb2.ERROR_REASON_UNSPECIFIED),
])
def test_other_errors_surface_without_retry(fake, code, reason):
    servicer, client = fake
    servicer.script = [([event("1")], end(code, reason))]
    watch = fast_watch(client)
    assert next(watch).cursor == "1"
    with pytest.raises(GigwireError) as caught:
        next(watch)
    assert not isinstance(caught.value, CursorExpiredError)
    assert caught.value.code == code
    assert len(servicer.requests) == 1


def test_token_expired_refreshes_once_then_surfaces(fake):
    servicer, client = fake
    client.login("a@example.com", "pw")
    expired = end(grpc.StatusCode.UNAUTHENTICATED, errors_pb2.TOKEN_EXPIRED)
    servicer.script = [([], expired), ([event("1")], expired), ([], expired)]
    watch = fast_watch(client)
    assert next(watch).cursor == "1"  # refreshed after the 1st; a message re-arms it
    with pytest.raises(GigwireError) as caught:
        next(watch)  # refreshes after the 2nd, then the 3rd surfaces
    assert caught.value.reason == "TOKEN_EXPIRED"
    assert servicer.refreshes == 2
    assert [auth for _, auth in servicer.requests] == [
        "Bearer access-0", "Bearer access-1", "Bearer access-2"]


def test_token_expired_without_refresh_token_surfaces(fake):
    servicer, client = fake
    servicer.script = [([], end(grpc.StatusCode.UNAUTHENTICATED, errors_pb2.TOKEN_EXPIRED))]
    with pytest.raises(GigwireError):
        next(fast_watch(client))
    assert len(servicer.requests) == 1


def test_close_from_another_thread_cancels_the_call(fake):
    servicer, client = fake
    servicer.script = [([heartbeat("1")], HANG)]
    watch = fast_watch(client)
    result = []
    reader = threading.Thread(target=lambda: result.extend(watch))
    reader.start()
    deadline = time.monotonic() + TIMEOUT_S
    while watch.cursor != "1":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    watch.close()
    reader.join(TIMEOUT_S)
    assert not reader.is_alive()
    assert result == []
    assert servicer.cancelled.wait(TIMEOUT_S), "the server never saw the cancel"
    assert list(watch) == []  # stays stopped


def test_close_interrupts_backoff():
    def failing(_cursor):
        raise_unavailable = GigwireError(grpc.StatusCode.UNAVAILABLE, "down")

        class Failing:
            def __next__(self):
                raise raise_unavailable

            def cancel(self):
                pass
        return Failing()

    watch = Watch(failing, initial_backoff=60.0, max_backoff=60.0, rng=random.Random(1))
    threading.Timer(0.2, watch.close).start()
    started = time.monotonic()
    assert list(watch) == []
    assert time.monotonic() - started < 5.0


def test_backoff_has_full_jitter_and_resets_after_a_message():
    delays = []

    class Recording(Watch):
        def _sleep(self, seconds):
            delays.append(seconds)

    outcomes = iter(["fail", "fail", "fail", "fail", "msg", "fail", "stop"])

    class Scripted:
        def __next__(self):
            outcome = next(outcomes)
            if outcome == "msg":
                return heartbeat("1")
            if outcome == "stop":
                watch.close()
            raise GigwireError(grpc.StatusCode.UNAVAILABLE, "down")

        def cancel(self):
            pass

    watch = Recording(lambda _cursor: Scripted(), initial_backoff=1.0, max_backoff=5.0,
                      rng=random.Random(7))
    assert list(watch) == []
    assert len(delays) == 5
    for delay, ceiling in zip(delays, [1.0, 2.0, 4.0, 5.0, 1.0]):
        assert 0.0 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # drawn at random, not fixed steps


def test_rate_limited_waits_at_least_retry_after():
    delays = []

    class Recording(Watch):
        def _sleep(self, seconds):
            delays.append(seconds)
            self.close()

    class Limited:
        def __next__(self):
            raise GigwireError(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down",
                               reason="RATE_LIMITED", retry_after_ms=1500)

        def cancel(self):
            pass

    assert list(Recording(lambda _cursor: Limited(), initial_backoff=0.01)) == []
    assert delays and delays[0] >= 1.5


@pytest.mark.parametrize("cursor, last, expected", [
    ("10", "9", True), ("9", "10", False), ("10", "10", False),
    ("100", "99", True), ("opaque", "5", True), ("5", "", True),
])
def test_cursor_order_is_numeric(cursor, last, expected):
    assert is_after(cursor, last) is expected
