# Resumable watches: an iterator of Gigwire events that survives disconnects.
#
# The server's watch streams (EventService.WatchEvents, OfferService.WatchOffers)
# take a resume cursor and replay everything after it, so a client that remembers
# the last cursor it saw loses nothing across a reconnect. Watch does that
# bookkeeping: it reconnects with backoff, resumes from the last cursor (of an
# event or a heartbeat), drops events it already delivered, and raises
# CursorExpiredError when the server no longer has the events after the cursor.
from __future__ import annotations

import random
import threading
from types import TracebackType
from typing import Any, Callable, Generic, Iterator, Optional, Protocol, Type, TypeVar

import grpc

from gigwire.errors import GigwireError

EventT = TypeVar("EventT")
HeartbeatCallback = Callable[[Any], None]

INITIAL_BACKOFF_S = 0.1


class CursorExpiredError(GigwireError):
    """OUT_OF_RANGE with reason CURSOR_EXPIRED (the server no longer keeps the events
    after the watch's cursor, so some were missed) or CURSOR_AHEAD (the cursor is ahead
    of the server's newest event: it came from another server or database). `reason`
    says which. Never retried: list the resources again, then watch from the list's
    `event_cursor`."""

    @classmethod
    def from_error(cls, error: GigwireError) -> "CursorExpiredError":
        result = cls(error.code, error.message, reason=error.reason,
                     field_violations=error.field_violations,
                     retry_after_ms=error.retry_after_ms, metadata=error.metadata)
        result.__cause__ = error.__cause__
        return result


class _Stream(Protocol):
    """What a Watch reads: a ResponseStream of Watch*Response messages."""

    def __next__(self) -> Any: ...

    def cancel(self) -> None: ...


def is_cursor_expired(error: GigwireError) -> bool:
    """True when the stream cannot resume from its cursor (CURSOR_EXPIRED, CURSOR_AHEAD)."""
    return (error.code == grpc.StatusCode.OUT_OF_RANGE
            and error.reason in ("CURSOR_EXPIRED", "CURSOR_AHEAD"))


def is_retryable(error: GigwireError) -> bool:
    """Whether a watch reconnects after a stream ended with `error`: UNAVAILABLE (server
    shutting down, transport failures), CANCELLED that the watch did not ask for (a
    server that is stopping cancels the calls it has not started), RESOURCE_EXHAUSTED for
    SLOW_CONSUMER or RATE_LIMITED. Everything else is the caller's to handle."""
    if error.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
        return True
    return (error.code == grpc.StatusCode.RESOURCE_EXHAUSTED
            and error.reason in ("SLOW_CONSUMER", "RATE_LIMITED"))


def _position(cursor: str) -> Optional[int]:
    """A cursor's sequence number, or None for a cursor that is not one."""
    return int(cursor) if cursor.isascii() and cursor.isdigit() else None


def is_after(cursor: str, last: str) -> bool:
    """Whether `cursor` comes after `last` (always true when either is not a number)."""
    position, last_position = _position(cursor), _position(last)
    if position is None or last_position is None:
        return True
    return position > last_position


class _ResumableCursor(Generic[EventT]):
    """What Watch and gigwire.aio.AsyncWatch share: the last cursor seen, the
    reconnect delay (full jitter) and the rules for messages and failures."""

    def __init__(self, resume_cursor: str, on_heartbeat: Optional[HeartbeatCallback],
                 max_backoff: float, initial_backoff: float,
                 rng: Optional[random.Random],
                 event_filter: Optional[Callable[[Any], bool]] = None) -> None:
        self._on_heartbeat = on_heartbeat
        self._event_filter = event_filter
        self._max_backoff = max_backoff
        self._initial_backoff = initial_backoff
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._cursor = resume_cursor
        self._attempt = 0
        self._refreshed = False
        self._connects = 0

    @property
    def cursor(self) -> str:
        """The last cursor seen (event or heartbeat): resume from it to miss nothing."""
        with self._lock:
            return self._cursor

    @property
    def connects(self) -> int:
        """How many streams the watch has opened (1 + reconnects)."""
        with self._lock:
            return self._connects

    def _recovery_delay(self, error: GigwireError) -> Optional[float]:
        """After a failed stream: seconds to wait before reconnecting, or None when the
        token expired and the caller should refresh it; raises what the caller of the
        watch must handle."""
        if is_cursor_expired(error):
            raise CursorExpiredError.from_error(error) from error.__cause__
        if error.code == grpc.StatusCode.UNAUTHENTICATED and error.reason == "TOKEN_EXPIRED":
            if self._refreshed:
                raise error
            return None
        if not is_retryable(error):
            raise error
        return max(self._next_delay(), error.retry_after_ms / 1000.0)

    def _accept(self, response: Any) -> Optional[EventT]:
        """Handles one message: returns a new event, or None (heartbeat, duplicate)."""
        self._attempt = 0
        self._refreshed = False
        if response.WhichOneof("kind") == "heartbeat":
            self._advance(response.heartbeat.cursor)
            if self._on_heartbeat is not None:
                self._on_heartbeat(response.heartbeat)
            return None
        event = response.event
        if not self._advance(event.cursor):
            return None
        return event if self._event_filter is None or self._event_filter(event) else None

    def _advance(self, cursor: str) -> bool:
        """Moves the cursor forward to `cursor`; False if it is not after the current one."""
        with self._lock:
            if self._cursor and not is_after(cursor, self._cursor):
                return False
            self._cursor = cursor
            return True

    def _next_delay(self) -> float:
        ceiling = min(self._max_backoff, self._initial_backoff * (2 ** min(self._attempt, 30)))
        self._attempt += 1
        return self._rng.uniform(0, ceiling)


class Watch(_ResumableCursor[EventT]):
    """A resumable watch: iterate it for events; each is delivered exactly once.

    Made by Client.watch_events / Client.watch_offers. On each connect it opens the
    stream from the last cursor seen (an event's or a heartbeat's; first the given
    `resume_cursor`). When the stream ends with UNAVAILABLE, CANCELLED (not by close()),
    RESOURCE_EXHAUSTED (SLOW_CONSUMER, RATE_LIMITED) or end-of-stream, it reconnects
    after a delay drawn uniformly from [0, min(max_backoff, 0.1 s * 2^attempt)] (full jitter; attempts
    count from the last message received, and RATE_LIMITED waits at least the server's
    retry_after_ms). UNAUTHENTICATED / TOKEN_EXPIRED refreshes the client's stored token
    pair once (when it has one) and reconnects. Events whose cursor is not after the
    last cursor seen are dropped (cursors compare as sequence numbers).

    Raises from iteration: CursorExpiredError for OUT_OF_RANGE / CURSOR_EXPIRED, and
    GigwireError for any other failure (INVALID_ARGUMENT, PERMISSION_DENIED,
    UNAUTHENTICATED, ...). After close() iteration stops (StopIteration). Leaving a `for`
    loop over the watch closes it (and so cancels its call), as does leaving a `with` block.

    `event_filter`, when given, keeps only the events it returns True for; the others
    still move the cursor forward (a resumed watch does not see them again).

    Thread safety: iterate from one thread at a time; `cursor` and close() may be used
    from any thread (close() cancels the call in flight and wakes a pending backoff).
    """

    def __init__(self, open_stream: Callable[[str], _Stream], *, resume_cursor: str = "",
                 on_heartbeat: Optional[HeartbeatCallback] = None, max_backoff: float = 10.0,
                 initial_backoff: float = INITIAL_BACKOFF_S,
                 refresh: Optional[Callable[[], bool]] = None,
                 rng: Optional[random.Random] = None,
                 event_filter: Optional[Callable[[Any], bool]] = None) -> None:
        super().__init__(resume_cursor, on_heartbeat, max_backoff, initial_backoff, rng,
                         event_filter)
        self._open_stream = open_stream
        self._refresh = refresh
        self._closed = threading.Event()
        self._stream: Optional[_Stream] = None

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Stops the watch: cancels the stream in flight; iteration then stops. Idempotent."""
        self._closed.set()
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()

    def __iter__(self) -> Iterator[EventT]:
        """The events, for a `for` loop; leaving the loop (break, return, an exception)
        closes the watch and so ends its call."""
        return self._events()

    def _events(self) -> Iterator[EventT]:
        try:
            while True:
                try:
                    event = self.__next__()
                except StopIteration:
                    return
                yield event
        finally:
            self.close()

    def __next__(self) -> EventT:
        while not self._closed.is_set():
            stream = self._current_stream()
            if stream is None:
                break
            try:
                response = next(stream)
            except StopIteration:
                self._drop(stream)
                self._sleep(self._next_delay())
                continue
            except GigwireError as error:
                self._drop(stream)
                if self._closed.is_set():
                    break
                self._recover(error)
                continue
            event = self._accept(response)
            if event is not None:
                return event
        raise StopIteration

    def __enter__(self) -> "Watch[EventT]":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], traceback: Optional[TracebackType]) -> None:
        self.close()

    def _current_stream(self) -> Optional[_Stream]:
        """The open stream, connecting from the last cursor if none; None once closed."""
        with self._lock:
            if self._stream is not None:
                return self._stream
            cursor = self._cursor
        stream = self._open_stream(cursor)
        with self._lock:
            if not self._closed.is_set():
                self._stream = stream
                self._connects += 1
                return stream
        stream.cancel()  # close() ran while connecting
        return None

    def _drop(self, stream: _Stream) -> None:
        with self._lock:
            if self._stream is stream:
                self._stream = None

    def _recover(self, error: GigwireError) -> None:
        """After a failed stream: waits to reconnect, or raises what the caller must handle."""
        delay = self._recovery_delay(error)
        if delay is None:
            if self._refresh is None or not self._refresh():
                raise error
            self._refreshed = True
            return
        self._sleep(delay)

    def _sleep(self, seconds: float) -> None:
        """Waits before reconnecting; returns early when close() is called."""
        self._closed.wait(seconds)
