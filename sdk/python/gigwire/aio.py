# The asyncio Gigwire client: gigwire.Client's API on grpc.aio, where every
# unary call is awaited and watches are async iterators.
#
#   async with AsyncClient("127.0.0.1:50051") as client:
#       await client.login("ada@example.com", "correct horse battery")
#       job = await client.jobs.CreateJob(job_pb2.CreateJobRequest(job=...))
#       async for event in client.watch_offers():
#           ...
#
# The same rules as the synchronous client: the shared service config
# (deadlines, retries), request_id filled in, TOKEN_EXPIRED refreshed once,
# GigwireError for every failure. Use one AsyncClient per event loop.
from __future__ import annotations

import asyncio
import random
from types import TracebackType
from typing import (Any, AsyncIterable, AsyncIterator, Awaitable, Callable, Generic, Iterable,
                    Optional, Sequence, Type, Union)

import grpc
import grpc.aio

from gigwire._service import CallKinds, bind_services
from gigwire.client import (TOKEN_EXPIRED, ChannelOptions, Metadata, RequestT, ResponseT,
                            _Session, sdk_channel_options, with_request_id)
from gigwire.conversations import (CONVERSATION_EVENT_TYPES, DEFAULT_PAGE_SIZE,
                                   conversation_id_of, iter_messages_async)
from gigwire.errors import GigwireError
from gigwire.files import (DownloadTarget, ProgressCallback, TransferRetry, UploadSource,
                           download_async, upload_async)
from gigwire.watch import INITIAL_BACKOFF_S, EventT, HeartbeatCallback, _ResumableCursor
from gigwire.v1 import (auth_pb2, conversation_pb2, event_pb2, event_type_pb2, file_pb2,
                        offer_pb2)
from gigwire.v1.services import AsyncServices


class AsyncUnary(Generic[RequestT, ResponseT]):
    """One unary RPC: `await call(request)` returns the response or raises GigwireError."""

    def __init__(self, method: Any, session: _Session, *, authenticated: bool = True):
        self._method = method
        self._session = session
        self._authenticated = authenticated

    async def __call__(self, request: RequestT, *, timeout: Optional[float] = None,
                       metadata: Metadata = ()) -> ResponseT:
        """As gigwire.Unary.__call__, awaited."""
        request = with_request_id(request)
        try:
            return await self._attempt(request, timeout, metadata)
        except GigwireError as error:
            refresh = self._session.refresh_async
            if not (self._authenticated and error.reason == TOKEN_EXPIRED and refresh
                    and await refresh()):
                raise
        return await self._attempt(request, timeout, metadata)

    async def _attempt(self, request: RequestT, timeout: Optional[float],
                       metadata: Metadata) -> ResponseT:
        try:
            return await self._method(
                request, timeout=self._session.timeout if timeout is None else timeout,
                metadata=self._session.metadata(metadata, self._authenticated))
        except grpc.aio.AioRpcError as error:
            raise GigwireError.from_rpc_error(error) from error


class AsyncResponseStream(Generic[ResponseT]):
    """A running server-streaming call: `async for response in stream`; read() returns
    None at the end. Failures (including cancel()) raise GigwireError."""

    def __init__(self, call: Any):
        self._call = call
        self._cancel_requested = False

    async def read(self) -> Optional[ResponseT]:
        """The next response, or None at the end. Raises GigwireError(CANCELLED) after
        cancel(); when the awaiting task itself is cancelled, the call is cancelled too and
        asyncio.CancelledError propagates (a cancelled task must end, not read on)."""
        try:
            response = await self._call.read()
        except grpc.aio.AioRpcError as error:
            raise GigwireError.from_rpc_error(error) from error
        except asyncio.CancelledError as cancelled:
            self._call.cancel()
            if self._cancel_requested and not _task_is_cancelling():
                raise GigwireError(grpc.StatusCode.CANCELLED, "cancelled") from cancelled
            raise
        return None if response is grpc.aio.EOF else response

    def __aiter__(self) -> "AsyncResponseStream[ResponseT]":
        return self

    async def __anext__(self) -> ResponseT:
        response = await self.read()
        if response is None:
            raise StopAsyncIteration
        return response

    def cancel(self) -> None:
        """Cancels the call; a pending read() then raises GigwireError(CANCELLED)."""
        self._cancel_requested = True
        self._call.cancel()


def _task_is_cancelling() -> bool:
    """Whether someone asked to cancel the running task (Python 3.11+ can tell; before,
    a CancelledError seen after cancel() is taken as cancel()'s)."""
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)
    return bool(cancelling()) if cancelling is not None else False


class AsyncServerStream(Generic[RequestT, ResponseT]):
    """One server-streaming RPC: `call(request)` starts it (no default deadline)."""

    def __init__(self, method: Any, session: _Session, *, authenticated: bool = True):
        self._method = method
        self._session = session
        self._authenticated = authenticated

    def __call__(self, request: RequestT, *, timeout: Optional[float] = None,
                 metadata: Metadata = ()) -> AsyncResponseStream[ResponseT]:
        call = self._method(request, timeout=timeout,
                            metadata=self._session.metadata(metadata, self._authenticated))
        return AsyncResponseStream(call)


class AsyncClientStream(Generic[RequestT, ResponseT]):
    """One client-streaming RPC: `await call(requests)` sends the messages of `requests`
    (an iterable or an async iterable) and returns the response; as
    gigwire.ClientStream (no default deadline; TOKEN_EXPIRED retried once after a
    refresh only for a list or tuple of requests)."""

    def __init__(self, method: Any, session: _Session, *, authenticated: bool = True):
        self._method = method
        self._session = session
        self._authenticated = authenticated

    async def __call__(self, requests: Union[Iterable[RequestT], AsyncIterable[RequestT]], *,
                       timeout: Optional[float] = None, metadata: Metadata = ()) -> ResponseT:
        """Calls the RPC with `requests`; `timeout` (seconds) bounds the whole call."""
        try:
            return await self._attempt(requests, timeout, metadata)
        except GigwireError as error:
            refresh = self._session.refresh_async
            if not (self._authenticated and error.reason == TOKEN_EXPIRED and refresh
                    and isinstance(requests, Sequence) and await refresh()):
                raise
        return await self._attempt(requests, timeout, metadata)

    async def _attempt(self, requests: Union[Iterable[RequestT], AsyncIterable[RequestT]],
                       timeout: Optional[float], metadata: Metadata) -> ResponseT:
        source = requests if isinstance(requests, AsyncIterable) else iter(requests)
        try:
            return await self._method(
                source, timeout=timeout,
                metadata=self._session.metadata(metadata, self._authenticated))
        except grpc.aio.AioRpcError as error:
            raise GigwireError.from_rpc_error(error) from error


class AsyncWatch(_ResumableCursor[EventT]):
    """The asyncio form of gigwire.Watch, with the same reconnect, resume and error
    rules: `async for event in watch`; close() ends it (iteration then stops).

    Cancellation ends the watch like close(), as it ends an async generator: when the
    task awaiting the next event is cancelled (task.cancel(), asyncio.wait_for timing
    out), the call in flight is cancelled, the watch is closed and CancelledError
    propagates. Leaving an `async for` loop (break, an exception) closes the watch too.
    """

    def __init__(self, open_stream: Callable[[str], AsyncResponseStream[Any]], *,
                 resume_cursor: str = "", on_heartbeat: Optional[HeartbeatCallback] = None,
                 max_backoff: float = 10.0, initial_backoff: float = INITIAL_BACKOFF_S,
                 refresh: Optional[Callable[[], Awaitable[bool]]] = None,
                 rng: Optional[random.Random] = None,
                 event_filter: Optional[Callable[[Any], bool]] = None) -> None:
        super().__init__(resume_cursor, on_heartbeat, max_backoff, initial_backoff, rng,
                         event_filter)
        self._open_stream = open_stream
        self._refresh = refresh
        self._closed = asyncio.Event()
        self._stream: Optional[AsyncResponseStream[Any]] = None

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Stops the watch: cancels the stream in flight and wakes a pending backoff."""
        self._closed.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()

    def __aiter__(self) -> AsyncIterator[EventT]:
        """The events, for `async for`; leaving the loop closes the watch."""
        return self._events()

    async def _events(self) -> AsyncIterator[EventT]:
        try:
            while True:
                yield await self.__anext__()
        except StopAsyncIteration:
            return
        finally:
            self.close()

    async def __anext__(self) -> EventT:
        """The next event; StopAsyncIteration once closed. A cancelled caller closes the
        watch (see the class comment)."""
        try:
            return await self._next_event()
        except asyncio.CancelledError:
            self.close()
            raise

    async def _next_event(self) -> EventT:
        while not self._closed.is_set():
            if self._stream is None:
                self._stream = self._open_stream(self.cursor)
                self._connects += 1
            try:
                response = await self._stream.read()
            except GigwireError as error:
                self._stream = None
                if self._closed.is_set():
                    break
                await self._recover(error)
                continue
            if response is None:  # the server ended the stream: reconnect
                self._stream = None
                await self._sleep(self._next_delay())
                continue
            event = self._accept(response)
            if event is not None:
                return event
        raise StopAsyncIteration

    async def _recover(self, error: GigwireError) -> None:
        delay = self._recovery_delay(error)
        if delay is None:
            if self._refresh is None or not await self._refresh():
                raise error
            self._refreshed = True
            return
        await self._sleep(delay)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._closed.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass


class AsyncClient(AsyncServices):
    """An asyncio connection to a gigwired server; arguments as gigwire.Client.

    Every service attribute's unary calls return awaitables (AsyncUnary, typed with
    the request and response messages as Client's are); use `async with`, or
    `await close()`.
    """

    def __init__(self, target: str, *, token: Optional[str] = None,
                 api_key: Optional[str] = None, secure: bool = False,
                 root_certificates: Optional[bytes] = None, timeout: Optional[float] = None,
                 channel_options: ChannelOptions = (),
                 service_config: Optional[str] = None) -> None:
        if token and api_key:
            raise ValueError("pass token or api_key, not both")
        self._session = _Session(token, api_key, timeout)
        self._session.refresh_async = self._refresh_stored_login
        self._refresh_lock = asyncio.Lock()
        options = sdk_channel_options(channel_options, service_config)
        if secure:
            credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self._channel = grpc.aio.secure_channel(target, credentials, options=options)
        else:
            self._channel = grpc.aio.insecure_channel(target, options=options)
        bind_services(self, self._service_classes, self._channel, self._session,
                      CallKinds(AsyncUnary, AsyncServerStream, AsyncClientStream))

    @property
    def token(self) -> Optional[str]:
        return self._session.access_token

    @property
    def tokens(self) -> Optional[auth_pb2.TokenPair]:
        return self._session.tokens

    async def login(self, email: str, password: str) -> auth_pb2.TokenPair:
        """Logs in and sends the new access token with every later call."""
        tokens = await self.auth.Login(auth_pb2.LoginRequest(email=email, password=password))
        self._session.store(tokens)
        return tokens

    async def refresh(self) -> auth_pb2.TokenPair:
        """Rotates the stored token pair (one refresh at a time); as Client.refresh."""
        async with self._refresh_lock:
            current = self._session.tokens
            if current is None or not current.refresh_token:
                raise ValueError("refresh() needs a token pair from login()")
            request = auth_pb2.RefreshRequest(refresh_token=current.refresh_token)
            tokens = await self.auth.Refresh(request)
            self._session.store(tokens)
            return tokens  # type: ignore[no-any-return]

    async def logout(self) -> None:
        """Ends the stored login on the server and forgets its tokens."""
        current = self._session.tokens
        if current is not None and current.refresh_token:
            await self.auth.Logout(auth_pb2.LogoutRequest(refresh_token=current.refresh_token))
        self._session.store(None)

    def watch_events(self, resume_cursor: str = "",
                     types: Iterable["event_type_pb2.EventType.ValueType"] = (), *,
                     on_heartbeat: Optional[HeartbeatCallback] = None,
                     max_backoff: float = 10.0) -> "AsyncWatch[event_pb2.Event]":
        """As Client.watch_events, as an async iterator."""
        kinds = list(types)
        return AsyncWatch(
            lambda cursor: self.events.WatchEvents(
                event_pb2.WatchEventsRequest(resume_cursor=cursor, types=kinds)),
            resume_cursor=resume_cursor, on_heartbeat=on_heartbeat, max_backoff=max_backoff,
            refresh=self._refresh_stored_login)

    def watch_offers(self, resume_cursor: str = "", job_id: str = "",
                     types: Iterable["event_type_pb2.EventType.ValueType"] = (), *,
                     on_heartbeat: Optional[HeartbeatCallback] = None,
                     max_backoff: float = 10.0) -> "AsyncWatch[offer_pb2.OfferEvent]":
        """As Client.watch_offers, as an async iterator."""
        kinds = list(types)
        return AsyncWatch(
            lambda cursor: self.offers.WatchOffers(offer_pb2.WatchOffersRequest(
                resume_cursor=cursor, job_id=job_id, types=kinds)),
            resume_cursor=resume_cursor, on_heartbeat=on_heartbeat, max_backoff=max_backoff,
            refresh=self._refresh_stored_login)

    def watch_conversation(self, conversation_id: str, resume_cursor: str = "", *,
                           on_heartbeat: Optional[HeartbeatCallback] = None,
                           max_backoff: float = 10.0) -> "AsyncWatch[event_pb2.Event]":
        """As Client.watch_conversation, as an async iterator."""
        def about(event: Any) -> bool:
            return conversation_id_of(event) == conversation_id

        return AsyncWatch(
            lambda cursor: self.events.WatchEvents(event_pb2.WatchEventsRequest(
                resume_cursor=cursor, types=list(CONVERSATION_EVENT_TYPES))),
            resume_cursor=resume_cursor, on_heartbeat=on_heartbeat, max_backoff=max_backoff,
            refresh=self._refresh_stored_login, event_filter=about)

    def iter_messages(self, conversation_id: str, *, after_message_id: str = "",
                      page_size: int = DEFAULT_PAGE_SIZE
                      ) -> AsyncIterator["conversation_pb2.Message"]:
        """As Client.iter_messages, as an async iterator."""
        return iter_messages_async(self.conversations, conversation_id,
                                   after_message_id=after_message_id, page_size=page_size)

    async def upload_file(self, source: UploadSource, name: Optional[str] = None, *,
                          on_progress: Optional[ProgressCallback] = None,
                          request_id: Optional[str] = None,
                          retry: TransferRetry = TransferRetry(),
                          timeout: Optional[float] = None) -> "file_pb2.FileInfo":
        """As Client.upload_file, awaited (the source is read on the event loop's thread,
        which also runs `on_progress`)."""
        return await upload_async(self.files, source, name, on_progress=on_progress,
                                  request_id=request_id, retry=retry, timeout=timeout,
                                  refresh=self._refresh_stored_login)

    async def download_file(self, file_id: str, target: DownloadTarget, *,
                            on_progress: Optional[ProgressCallback] = None,
                            retry: TransferRetry = TransferRetry()) -> "file_pb2.FileInfo":
        """As Client.download_file, awaited."""
        return await download_async(self.files, file_id, target, on_progress=on_progress,
                                    retry=retry, refresh=self._refresh_stored_login)

    async def _refresh_stored_login(self) -> bool:
        tokens = self._session.tokens
        if tokens is None or not tokens.refresh_token:
            return False
        await self.refresh()
        return True

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]],
                        exc: Optional[BaseException],
                        traceback: Optional[TracebackType]) -> None:
        await self.close()
