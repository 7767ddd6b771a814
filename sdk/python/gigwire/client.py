# Gigwire client: one gRPC channel, credentials, default deadline and typed errors.
#
# Thin layer over the generated stubs in gigwire.v1: each RPC is exposed under
# its proto name on a per-service attribute (client.auth.Login,
# client.users.GetMe, client.jobs.CreateJob, client.offers.AcceptOffer; the
# attributes and their types are generated from the protos into
# gigwire.v1.services by gen_services.py), takes
# the generated request message and returns the generated response message.
# Server-streaming RPCs (client.events.WatchEvents, client.offers.WatchOffers) return a
# ResponseStream; client.watch_events / client.watch_offers / client.watch_conversation
# wrap them in a resumable gigwire.Watch. The client-streaming FileService.UploadFile
# is a ClientStream; client.upload_file / client.download_file send and fetch whole
# files, resuming broken transfers (gigwire.files). Failures raise gigwire.GigwireError.
#
# Deadlines and retries come from the service config shared by every Gigwire
# SDK (sdk/service_config.json, shipped as gigwire/v1/service_config.json):
# gRPC itself retries UNAVAILABLE with backoff for reads and for mutations that
# carry a request_id, which this client fills in when the caller leaves it
# empty, so a retried mutation has at most one effect.
from __future__ import annotations

import importlib.resources
import threading
import uuid
from types import TracebackType
from typing import (Any, Awaitable, Callable, Generic, Iterable, Iterator, List, Optional,
                    Sequence, Tuple, Type, TypeVar)

import grpc

from gigwire._service import CallKinds, bind_services
from gigwire._version import __version__
from gigwire.conversations import (CONVERSATION_EVENT_TYPES, DEFAULT_PAGE_SIZE,
                                   conversation_id_of, iter_messages)
from gigwire.errors import GigwireError
from gigwire.files import (DownloadTarget, ProgressCallback, TransferRetry, UploadSource,
                           download, upload)
from gigwire.watch import HeartbeatCallback, Watch
from gigwire.v1 import (auth_pb2, conversation_pb2, event_pb2, event_type_pb2, file_pb2,
                        offer_pb2)
from gigwire.v1.services import Services

Metadata = Sequence[Tuple[str, str]]
ChannelOptions = Sequence[Tuple[str, Any]]
RequestT = TypeVar("RequestT")
ResponseT = TypeVar("ResponseT")

SDK_METADATA = ("x-gigwire-sdk", f"python/{__version__}")
TOKEN_EXPIRED = "TOKEN_EXPIRED"


def service_config_json() -> str:
    """The shared service config (deadlines, retry policy) as JSON text."""
    return importlib.resources.files("gigwire.v1").joinpath("service_config.json").read_text()


def with_request_id(request: RequestT) -> RequestT:
    """`request` itself, or a copy with a fresh `request_id` when the message has
    that field and the caller left it empty (so gRPC's retries stay idempotent)."""
    fields = getattr(getattr(request, "DESCRIPTOR", None), "fields_by_name", {})
    if "request_id" not in fields or getattr(request, "request_id"):
        return request
    filled = type(request)()
    filled.CopyFrom(request)  # type: ignore[attr-defined]
    setattr(filled, "request_id", str(uuid.uuid4()))
    return filled


class _Session:
    """Credentials and call defaults shared by every service of one Client.

    Thread-safe: tokens are swapped under a lock, and refreshes are serialized
    so two threads never present the same refresh token (which the server
    treats as reuse and answers by revoking the whole login).
    """

    def __init__(self, token: Optional[str], api_key: Optional[str], timeout: Optional[float]):
        self.timeout = timeout
        self.refresh_lock = threading.Lock()
        self._lock = threading.Lock()
        self._access_token = token
        self._api_key = api_key
        self._tokens: Optional[auth_pb2.TokenPair] = None
        # Set by Client (AsyncClient): rotates the stored token pair; False when
        # there is none.
        self.refresh: Callable[[], bool] = lambda: False
        self.refresh_async: Optional[Callable[[], Awaitable[bool]]] = None

    def store(self, tokens: Optional[auth_pb2.TokenPair]) -> None:
        with self._lock:
            self._tokens = tokens
            self._access_token = tokens.access_token if tokens else None

    def set_access_token(self, token: Optional[str]) -> None:
        with self._lock:
            self._access_token = token

    @property
    def tokens(self) -> Optional[auth_pb2.TokenPair]:
        with self._lock:
            return self._tokens

    @property
    def access_token(self) -> Optional[str]:
        with self._lock:
            return self._access_token

    def metadata(self, extra: Metadata, authenticated: bool) -> List[Tuple[str, str]]:
        """Call metadata: SDK version, credentials (bearer token wins over API key), extra."""
        result = [SDK_METADATA]
        with self._lock:
            if authenticated and self._access_token:
                result.append(("authorization", f"Bearer {self._access_token}"))
            elif authenticated and self._api_key:
                result.append(("x-api-key", self._api_key))
        result.extend(extra)
        return result


class Unary(Generic[RequestT, ResponseT]):
    """One unary RPC: `call(request)` returns the response or raises GigwireError."""

    def __init__(self, method: grpc.UnaryUnaryMultiCallable, session: _Session, *,
                 authenticated: bool = True):
        self._method = method
        self._session = session
        self._authenticated = authenticated

    def __call__(self, request: RequestT, *, timeout: Optional[float] = None,
                 metadata: Metadata = ()) -> ResponseT:
        """Calls the RPC. `timeout` (seconds) overrides the client's default deadline;
        `metadata` is sent in addition to the SDK's own. An empty `request_id` is
        filled in. A call refused TOKEN_EXPIRED is retried once after refreshing
        the stored login (when there is one)."""
        request = with_request_id(request)
        try:
            return self._attempt(request, timeout, metadata)
        except GigwireError as error:
            if not (self._authenticated and error.reason == TOKEN_EXPIRED
                    and self._session.refresh()):
                raise
        return self._attempt(request, timeout, metadata)

    def _attempt(self, request: RequestT, timeout: Optional[float],
                 metadata: Metadata) -> ResponseT:
        try:
            return self._method(
                request,
                timeout=self._session.timeout if timeout is None else timeout,
                metadata=self._session.metadata(metadata, self._authenticated),
            )
        except grpc.RpcError as error:
            raise GigwireError.from_rpc_error(error) from error


class ResponseStream(Generic[ResponseT]):
    """The responses of one running server-streaming call, as an iterator.

    Iterating yields each response in order and stops when the server ends the
    stream with OK; any other end (including cancel()) raises GigwireError.
    cancel() (also close(), or leaving a `with` block) ends the call from any
    thread; a thread blocked in next() then gets GigwireError(CANCELLED).
    """

    def __init__(self, call: Any):
        self._call = call

    def __iter__(self) -> "ResponseStream[ResponseT]":
        return self

    def __next__(self) -> ResponseT:
        try:
            return next(self._call)
        except grpc.RpcError as error:
            raise GigwireError.from_rpc_error(error) from error

    def cancel(self) -> None:
        """Cancels the call (no-op once it ended)."""
        self._call.cancel()

    close = cancel

    def __enter__(self) -> "ResponseStream[ResponseT]":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], traceback: Optional[TracebackType]) -> None:
        self.cancel()


class ServerStream(Generic[RequestT, ResponseT]):
    """One server-streaming RPC: `call(request)` starts it and returns a ResponseStream.

    Unlike unary calls, streams get no default deadline: they are meant to stay open.
    Failures surface while iterating, as GigwireError.
    """

    def __init__(self, method: grpc.UnaryStreamMultiCallable, session: _Session, *,
                 authenticated: bool = True):
        self._method = method
        self._session = session
        self._authenticated = authenticated

    def __call__(self, request: RequestT, *, timeout: Optional[float] = None,
                 metadata: Metadata = ()) -> ResponseStream[ResponseT]:
        """Starts the call. `timeout` (seconds) bounds the whole stream; None: no deadline."""
        try:
            call = self._method(request, timeout=timeout,
                                metadata=self._session.metadata(metadata, self._authenticated))
        except grpc.RpcError as error:
            raise GigwireError.from_rpc_error(error) from error
        return ResponseStream(call)


class ClientStream(Generic[RequestT, ResponseT]):
    """One client-streaming RPC (FileService.UploadFile): `call(requests)` sends the
    request messages in order and returns the one response, or raises GigwireError.

    `requests` may be any iterable; a generator is consumed lazily, as gRPC's flow
    control asks for more, so it can read a file chunk by chunk. Client streams get no
    default deadline (how long one takes depends on how much it sends): pass `timeout`
    to bound one. A call refused TOKEN_EXPIRED is retried once after refreshing the
    stored login only when `requests` is a sequence (list, tuple), which can be sent
    again; Client.upload_file resumes an upload instead.
    """

    def __init__(self, method: grpc.StreamUnaryMultiCallable, session: _Session, *,
                 authenticated: bool = True):
        self._method = method
        self._session = session
        self._authenticated = authenticated

    def __call__(self, requests: Iterable[RequestT], *, timeout: Optional[float] = None,
                 metadata: Metadata = ()) -> ResponseT:
        """Calls the RPC with `requests`; `timeout` (seconds) bounds the whole call."""
        try:
            return self._attempt(requests, timeout, metadata)
        except GigwireError as error:
            if not (self._authenticated and error.reason == TOKEN_EXPIRED
                    and isinstance(requests, Sequence) and self._session.refresh()):
                raise
        return self._attempt(requests, timeout, metadata)

    def _attempt(self, requests: Iterable[RequestT], timeout: Optional[float],
                 metadata: Metadata) -> ResponseT:
        try:
            return self._method(
                iter(requests), timeout=timeout,
                metadata=self._session.metadata(metadata, self._authenticated))
        except grpc.RpcError as error:
            raise GigwireError.from_rpc_error(error) from error


def sdk_channel_options(extra: ChannelOptions = (),
                        service_config: Optional[str] = None) -> List[Tuple[str, Any]]:
    """The SDK's channel arguments (service config, retries on), then `extra`."""
    config = service_config_json() if service_config is None else service_config
    return [("grpc.service_config", config), ("grpc.enable_retries", 1), *extra]


def _open_channel(target: str, secure: bool, root_certificates: Optional[bytes],
                  options: List[Tuple[str, Any]]) -> grpc.Channel:
    if not secure:
        return grpc.insecure_channel(target, options=options)
    credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
    return grpc.secure_channel(target, credentials, options=options)


class Client(Services):
    """A connection to a gigwired server.

    Args:
      target: "host:port" of the server.
      token: access token sent as `authorization: Bearer <token>`.
      api_key: partner key sent as `x-api-key` (give token or api_key, not both).
      secure: use TLS; `root_certificates` (PEM bytes) overrides the system roots.
      timeout: deadline of every unary call in seconds; None (the default): the
        service config's per-method deadline (10 s). Streams have no default deadline.
      channel_options: extra gRPC channel arguments, e.g.
        [("grpc.max_reconnect_backoff_ms", 2000)].
      service_config: JSON text replacing the shipped service config (deadlines and
        retry policy per method; see sdk/README.md), e.g. for longer deadlines.

    Use it as a context manager, or call close(). Thread-safe.
    """

    def __init__(self, target: str, *, token: Optional[str] = None,
                 api_key: Optional[str] = None, secure: bool = False,
                 root_certificates: Optional[bytes] = None,
                 timeout: Optional[float] = None,
                 channel_options: ChannelOptions = (),
                 service_config: Optional[str] = None) -> None:
        if token and api_key:
            raise ValueError("pass token or api_key, not both")
        self._session = _Session(token, api_key, timeout)
        self._session.refresh = self._refresh_stored_login
        options = sdk_channel_options(channel_options, service_config)
        self._channel = _open_channel(target, secure, root_certificates, options)
        bind_services(self, self._service_classes, self._channel, self._session,
                      CallKinds(Unary, ServerStream, ClientStream))

    @property
    def channel(self) -> grpc.Channel:
        """The underlying channel, e.g. for the standard health service."""
        return self._channel

    @property
    def token(self) -> Optional[str]:
        """The access token sent with calls, if any."""
        return self._session.access_token

    @token.setter
    def token(self, value: Optional[str]) -> None:
        self._session.set_access_token(value)

    @property
    def tokens(self) -> Optional[auth_pb2.TokenPair]:
        """The token pair of the last login() or refresh(), if any."""
        return self._session.tokens

    def login(self, email: str, password: str) -> auth_pb2.TokenPair:
        """Logs in and sends the new access token with every later call."""
        tokens = self.auth.Login(auth_pb2.LoginRequest(email=email, password=password))
        self._session.store(tokens)
        return tokens

    def refresh(self) -> auth_pb2.TokenPair:
        """Rotates the stored token pair (the old refresh token is consumed).

        Raises ValueError without a prior login(); GigwireError (UNAUTHENTICATED)
        when the refresh token is invalid or was reused.
        """
        with self._session.refresh_lock:
            current = self._session.tokens
            if current is None or not current.refresh_token:
                raise ValueError("refresh() needs a token pair from login()")
            request = auth_pb2.RefreshRequest(refresh_token=current.refresh_token)
            tokens = self.auth.Refresh(request)
            self._session.store(tokens)
            return tokens

    def logout(self) -> None:
        """Ends the stored login on the server and forgets its tokens. No-op without one."""
        with self._session.refresh_lock:
            current = self._session.tokens
            if current is not None and current.refresh_token:
                self.auth.Logout(auth_pb2.LogoutRequest(refresh_token=current.refresh_token))
            self._session.store(None)

    def watch_events(self, resume_cursor: str = "",
                     types: Iterable["event_type_pb2.EventType.ValueType"] = (), *,
                     on_heartbeat: Optional[HeartbeatCallback] = None,
                     max_backoff: float = 10.0) -> "Watch[event_pb2.Event]":
        """Watches every event the caller may see (EventService.WatchEvents), resuming
        across disconnects; see gigwire.Watch for the rules.

        Args:
          resume_cursor: start after this cursor (an event's, a heartbeat's or a list's
            `event_cursor`); empty: from now.
          types: only these EventTypes; empty: all.
          on_heartbeat: called with each Heartbeat, on the iterating thread.
          max_backoff: cap of the reconnect delay in seconds.
        Returns: a Watch, an iterator of gigwire.v1.Event; close() it when done.
        """
        kinds = list(types)

        def open_stream(cursor: str) -> ResponseStream[Any]:
            request = event_pb2.WatchEventsRequest(resume_cursor=cursor, types=kinds)
            return self.events.WatchEvents(request)

        return Watch(open_stream, resume_cursor=resume_cursor, on_heartbeat=on_heartbeat,
                     max_backoff=max_backoff, refresh=self._refresh_stored_login)

    def watch_offers(self, resume_cursor: str = "", job_id: str = "",
                     types: Iterable["event_type_pb2.EventType.ValueType"] = (), *,
                     on_heartbeat: Optional[HeartbeatCallback] = None,
                     max_backoff: float = 10.0) -> "Watch[offer_pb2.OfferEvent]":
        """Watches offer changes (OfferService.WatchOffers: a seller's own offers, or for
        an admin any offer, or one job's with `job_id`), resuming across disconnects.
        Arguments as in watch_events; returns a Watch of gigwire.v1.OfferEvent.
        """
        kinds = list(types)

        def open_stream(cursor: str) -> ResponseStream[Any]:
            request = offer_pb2.WatchOffersRequest(resume_cursor=cursor, job_id=job_id,
                                                   types=kinds)
            return self.offers.WatchOffers(request)

        return Watch(open_stream, resume_cursor=resume_cursor, on_heartbeat=on_heartbeat,
                     max_backoff=max_backoff, refresh=self._refresh_stored_login)

    def watch_conversation(self, conversation_id: str, resume_cursor: str = "", *,
                           on_heartbeat: Optional[HeartbeatCallback] = None,
                           max_backoff: float = 10.0) -> "Watch[event_pb2.Event]":
        """Watches one conversation: its MESSAGE_SENT, MESSAGES_READ (read receipts),
        MESSAGE_HIDDEN and CONVERSATION_JOINED events, each exactly once and in order,
        resuming across disconnects as watch_events does (other events only move the
        cursor). ListMessages carries no event cursor: start from a cursor you hold, or
        start the watch, then list the messages and merge by `Message.seq`."""
        def about(event: Any) -> bool:
            return conversation_id_of(event) == conversation_id

        def open_stream(cursor: str) -> ResponseStream[Any]:
            request = event_pb2.WatchEventsRequest(resume_cursor=cursor,
                                                   types=list(CONVERSATION_EVENT_TYPES))
            return self.events.WatchEvents(request)

        return Watch(open_stream, resume_cursor=resume_cursor, on_heartbeat=on_heartbeat,
                     max_backoff=max_backoff, refresh=self._refresh_stored_login,
                     event_filter=about)

    def iter_messages(self, conversation_id: str, *, after_message_id: str = "",
                      page_size: int = DEFAULT_PAGE_SIZE
                      ) -> Iterator["conversation_pb2.Message"]:
        """Every message of a conversation, oldest first, across ListMessages pages.

        With `after_message_id`, the messages after that one, page by page as the
        iteration goes (to catch up). Without, the whole conversation: it pages back to
        the first message (holding those pages), then forward to the newest.
        Raises GigwireError (NOT_FOUND for a conversation the caller cannot see).
        """
        return iter_messages(self.conversations, conversation_id,
                             after_message_id=after_message_id, page_size=page_size)

    def upload_file(self, source: UploadSource, name: Optional[str] = None, *,
                    on_progress: Optional[ProgressCallback] = None,
                    request_id: Optional[str] = None, retry: TransferRetry = TransferRetry(),
                    timeout: Optional[float] = None) -> "file_pb2.FileInfo":
        """Uploads a file (FileService.UploadFile) and returns it, unattached.

        Args:
          source: a path, bytes, or a readable binary stream (from its current
            position; one that cannot seek is read into memory first).
          name: the file's display name; default: the path's file name (required for
            bytes and streams).
          on_progress: called with (bytes sent, total): at 0, after each chunk of at
            most 1 MiB is handed to gRPC (on gRPC's thread), and at the end. It steps
            back when a resumed upload restarts where the server stands. An exception
            it raises aborts the upload (and is raised).
          request_id: the upload's key (default: a new UUID); the same id after the
            upload finished returns the same file, even from another process.
          retry: how broken uploads are resumed (see TransferRetry).
          timeout: seconds for each UploadFile attempt; default none.

        The SHA-256 is computed first (the server refuses bytes that do not match
        it). On UNAVAILABLE (a lost connection, a restarting server) it asks
        GetUpload where the upload stands and resumes from there (from the start
        when the server no longer holds it); UPLOAD_OFFSET_MISMATCH resumes where its
        `received_bytes` says. Raises GigwireError: INVALID_ARGUMENT with
        FILE_TOO_LARGE, FILE_TYPE_NOT_ALLOWED, CHECKSUM_MISMATCH (the source changed
        while uploading) or UPLOAD_SIZE_MISMATCH; RESOURCE_EXHAUSTED with
        STORAGE_QUOTA_EXCEEDED; the last error after too many failures in a row.
        """
        return upload(self.files, source, name, on_progress=on_progress,
                      request_id=request_id, retry=retry, timeout=timeout,
                      refresh=self._refresh_stored_login)

    def download_file(self, file_id: str, target: DownloadTarget, *,
                      on_progress: Optional[ProgressCallback] = None,
                      retry: TransferRetry = TransferRetry()) -> "file_pb2.FileInfo":
        """Downloads a file (FileService.DownloadFile) and returns its metadata.

        Args:
          file_id: the file (`fil_...`).
          target: a path (written to a temporary file beside it and renamed into place
            only once complete and checked) or a writable binary stream.
          on_progress: called with (bytes written, total) once the size is known and
            after each chunk.
          retry: how broken streams are resumed (see TransferRetry).

        A stream that breaks (UNAVAILABLE, ...) is resumed from the bytes written so
        far. At the end the size and SHA-256 of what was written are checked against
        the file's. Raises DownloadIntegrityError (DATA_LOSS, CHECKSUM_MISMATCH) when
        they differ; GigwireError NOT_FOUND for a file the caller may not see.
        """
        return download(self.files, file_id, target, on_progress=on_progress, retry=retry,
                        refresh=self._refresh_stored_login)

    def _refresh_stored_login(self) -> bool:
        """For a call or watch told TOKEN_EXPIRED: rotates the stored pair if there is one."""
        tokens = self._session.tokens
        if tokens is None or not tokens.refresh_token:
            return False
        self.refresh()
        return True

    def close(self) -> None:
        """Closes the channel; calls made afterwards fail."""
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], traceback: Optional[TracebackType]) -> None:
        self.close()
