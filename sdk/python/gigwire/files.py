# Upload and download helpers of the Gigwire Python SDK (FileService).
#
# upload() sends a file in chunks of at most 1 MiB over the client-streaming
# FileService.UploadFile, after computing its SHA-256 (the server checks it over
# the bytes it received). Every upload carries a request_id, so when the
# connection breaks it asks FileService.GetUpload how many bytes the server holds
# and resumes from there (a FAILED_PRECONDITION / UPLOAD_OFFSET_MISMATCH also
# says where, in its `received_bytes` metadata). download() streams
# FileService.DownloadFile into a file or a binary stream, resumes a broken
# stream from the bytes already written (`offset`), and checks the SHA-256 of
# what it wrote against the file's. Both report progress as (bytes done, total)
# and retry a bounded number of times with backoff (see TransferRetry).
#
# Client.upload_file / Client.download_file (and their gigwire.aio forms) are the
# entry points; the functions here take the client's `files` service.
from __future__ import annotations

import asyncio
import hashlib
import io
import os
import random
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Awaitable, BinaryIO, Callable, Iterator, Optional, Type, Union

import grpc

from gigwire.errors import GigwireError
from gigwire.v1 import file_pb2
from gigwire.watch import is_retryable

# The largest chunk FileService.UploadFile and UploadChunk take.
CHUNK_BYTES = 1 << 20
UPLOAD_OFFSET_MISMATCH = "UPLOAD_OFFSET_MISMATCH"
CHECKSUM_MISMATCH = "CHECKSUM_MISMATCH"
TOKEN_EXPIRED = "TOKEN_EXPIRED"

# Called with (bytes done, total bytes).
ProgressCallback = Callable[[int, int], None]
# A path, bytes, or a readable binary stream (read from its current position).
UploadSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]
# A path (written to a temporary file beside it, renamed into place once checked)
# or a writable binary stream.
DownloadTarget = Union[str, "os.PathLike[str]", BinaryIO]


@dataclass(frozen=True)
class TransferRetry:
    """How the file helpers retry a broken transfer.

    A transfer that fails with UNAVAILABLE, a CANCELLED it did not ask for, or
    RESOURCE_EXHAUSTED / RATE_LIMITED is resumed after a delay drawn uniformly from
    [0, min(max_backoff, initial_backoff * 2^n)] seconds (full jitter; RATE_LIMITED
    waits at least the server's retry_after_ms), where n counts the failures in a row;
    any attempt that moved bytes forward resets n. After `max_failures` failures in a
    row the last error is raised. UNAUTHENTICATED / TOKEN_EXPIRED refreshes the
    client's stored login once (when it has one) and retries. Any other error is
    raised at once.
    """

    max_failures: int = 6
    initial_backoff: float = 0.1
    max_backoff: float = 5.0


class DownloadIntegrityError(GigwireError):
    """The bytes a download wrote do not match the file: code DATA_LOSS, reason
    CHECKSUM_MISMATCH. `expected_sha256` / `actual_sha256` and `expected_size` /
    `actual_size` say how; a path target is left untouched (nothing is renamed into
    place), a stream target holds the bytes written."""

    def __init__(self, file_id: str, expected_sha256: str, actual_sha256: str,
                 expected_size: int, actual_size: int) -> None:
        super().__init__(
            grpc.StatusCode.DATA_LOSS,
            f"download of {file_id} does not match the file: {actual_size} bytes with "
            f"SHA-256 {actual_sha256}, expected {expected_size} bytes with {expected_sha256}",
            reason=CHECKSUM_MISMATCH)
        self.file_id = file_id
        self.expected_sha256 = expected_sha256
        self.actual_sha256 = actual_sha256
        self.expected_size = expected_size
        self.actual_size = actual_size


class _Failures:
    """Counts failed attempts in a row and says how long to wait before the next."""

    def __init__(self, retry: TransferRetry, rng: random.Random) -> None:
        self._retry = retry
        self._rng = rng
        self._count = 0
        self._refreshed = False

    def progressed(self) -> None:
        self._count = 0
        self._refreshed = False

    def should_refresh(self, error: GigwireError) -> bool:
        """Whether to refresh the login and retry at once: TOKEN_EXPIRED, the first
        time since the transfer last moved forward."""
        if error.code != grpc.StatusCode.UNAUTHENTICATED or error.reason != TOKEN_EXPIRED \
                or self._refreshed:
            return False
        self._refreshed = True
        return True

    def delay_after(self, error: GigwireError) -> float:
        """Seconds to wait before retrying after `error`; raises it when it is not
        retryable or the failures in a row reached the limit."""
        if not is_retryable(error):
            raise error
        self._count += 1
        if self._count >= self._retry.max_failures:
            raise error
        ceiling = min(self._retry.max_backoff,
                      self._retry.initial_backoff * (2 ** min(self._count - 1, 30)))
        return max(self._rng.uniform(0, ceiling), error.retry_after_ms / 1000.0)


# --- Upload ---------------------------------------------------------------------------------


class _Source:
    """A seekable binary source from its start position: size, SHA-256 and chunks."""

    def __init__(self, stream: BinaryIO, owned: bool) -> None:
        self._stream = stream
        self._owned = owned
        self._start = stream.tell()
        digest = hashlib.sha256()
        self.size = 0
        for block in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest.update(block)
            self.size += len(block)
        self.sha256 = digest.hexdigest()

    def chunks(self, offset: int, chunk_bytes: int) -> Iterator[bytes]:
        """The bytes from `offset` to the end, in chunks of `chunk_bytes`."""
        self._stream.seek(self._start + offset)
        remaining = self.size - offset
        while remaining > 0:
            block = self._stream.read(min(chunk_bytes, remaining))
            if not block:
                raise ValueError("upload source shrank while uploading")
            remaining -= len(block)
            yield block

    def close(self) -> None:
        if self._owned:
            self._stream.close()

    def __enter__(self) -> "_Source":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], traceback: Optional[TracebackType]) -> None:
        self.close()


def _open_source(source: UploadSource) -> _Source:
    """Opens `source`: a path (opened here), bytes, or a stream (a stream that cannot
    seek is read into memory first, since a resumed upload reads part of it again)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _Source(io.BytesIO(bytes(source)), owned=True)
    if isinstance(source, (str, os.PathLike)):
        return _Source(open(source, "rb"), owned=True)
    if not hasattr(source, "read"):
        raise TypeError(f"cannot upload a {type(source).__name__}: give a path, bytes or a "
                        "binary stream")
    if getattr(source, "seekable", lambda: False)():
        return _Source(source, owned=False)
    return _Source(io.BytesIO(source.read()), owned=True)


def _upload_name(source: UploadSource, name: Optional[str]) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    raise ValueError("name is required to upload bytes or a stream")


class _Progress:
    """Reports (done, total) to the caller's callback, if any."""

    def __init__(self, callback: Optional[ProgressCallback], total: int) -> None:
        self._callback = callback
        self.total = total

    def __call__(self, done: int) -> None:
        if self._callback is not None:
            self._callback(done, self.total)


class _UploadRequests:
    """The messages of one UploadFile attempt: the header, then the chunks from the
    header's offset, reporting progress as gRPC takes them. A failure of the source or
    of the progress callback is kept (gRPC would report it as a cancelled call) and
    raised by the helper instead."""

    def __init__(self, header: file_pb2.UploadHeader, source: _Source, progress: _Progress,
                 chunk_bytes: int) -> None:
        self._header = header
        self._source = source
        self._progress = progress
        self._chunk_bytes = chunk_bytes
        self.failure: Optional[BaseException] = None

    def __iter__(self) -> Iterator[file_pb2.UploadFileRequest]:
        try:
            yield file_pb2.UploadFileRequest(header=self._header)
            done = self._header.offset
            for chunk in self._source.chunks(done, self._chunk_bytes):
                yield file_pb2.UploadFileRequest(chunk=chunk)
                done += len(chunk)
                self._progress(done)
        except Exception as failure:  # noqa: BLE001 (re-raised by the helper)
            self.failure = failure
            raise


@dataclass
class _UploadState:
    """Where a resumable upload stands: the header (with the offset of the next
    attempt) and the server's best known position."""

    header: file_pb2.UploadHeader
    failures: _Failures
    best: int = 0

    def resume_at(self, offset: int) -> None:
        if offset > self.best:
            self.best = offset
            self.failures.progressed()
        self.header.offset = offset


def _offset_from_mismatch(error: GigwireError) -> Optional[int]:
    """The server's position from an UPLOAD_OFFSET_MISMATCH, if it says."""
    if error.reason != UPLOAD_OFFSET_MISMATCH:
        return None
    text = error.metadata.get("received_bytes", "")
    return int(text) if text.isdigit() else None


def _new_upload_state(source: _Source, name: str, request_id: Optional[str],
                      retry: TransferRetry, rng: Optional[random.Random]) -> _UploadState:
    header = file_pb2.UploadHeader(name=name, size_bytes=source.size, sha256=source.sha256,
                                   request_id=request_id or str(uuid.uuid4()))
    return _UploadState(header, _Failures(retry, rng or random.Random()))


def _apply_status(state: _UploadState, status: Optional[file_pb2.UploadStatus]
                  ) -> Optional[file_pb2.FileInfo]:
    """Moves the upload to where GetUpload says (None: NOT_FOUND, start again);
    returns the file when the server already completed it."""
    if status is None:
        state.header.offset = 0
        return None
    if status.HasField("file"):
        return status.file
    state.resume_at(status.received_bytes)
    return None


def upload(files: Any, source: UploadSource, name: Optional[str] = None, *,
           on_progress: Optional[ProgressCallback] = None, request_id: Optional[str] = None,
           retry: TransferRetry = TransferRetry(), chunk_bytes: int = CHUNK_BYTES,
           timeout: Optional[float] = None, rng: Optional[random.Random] = None,
           sleep: Callable[[float], None] = time.sleep,
           refresh: Callable[[], bool] = lambda: False) -> file_pb2.FileInfo:
    """Uploads `source` through `files` (a client's FileService); see Client.upload_file."""
    _check_chunk_bytes(chunk_bytes)
    name = _upload_name(source, name)
    with _open_source(source) as opened:
        state = _new_upload_state(opened, name, request_id, retry, rng)
        progress = _Progress(on_progress, opened.size)
        progress(0)
        while True:
            requests = _UploadRequests(state.header, opened, progress, chunk_bytes)
            try:
                return files.UploadFile(requests, timeout=timeout)  # type: ignore[no-any-return]
            except GigwireError as error:
                if requests.failure is not None:
                    raise requests.failure from None
                if state.failures.should_refresh(error) and refresh():
                    continue
                done = _recover_upload(files, state, error, sleep)
            if done is not None:
                progress(opened.size)
                return done
            progress(state.header.offset)


def _recover_upload(files: Any, state: _UploadState, error: GigwireError,
                    sleep: Callable[[float], None]) -> Optional[file_pb2.FileInfo]:
    """After a failed attempt: sets the offset to resume from (or raises); returns the
    file when the server turns out to have completed the upload."""
    offset = _offset_from_mismatch(error)
    if offset is not None:
        state.resume_at(offset)
        return None
    while True:
        sleep(state.failures.delay_after(error))
        try:
            status = files.GetUpload(
                file_pb2.GetUploadRequest(request_id=state.header.request_id))
        except GigwireError as failed:
            if failed.code != grpc.StatusCode.NOT_FOUND:
                error = failed
                continue
            status = None
        return _apply_status(state, status)


async def upload_async(files: Any, source: UploadSource, name: Optional[str] = None, *,
                       on_progress: Optional[ProgressCallback] = None,
                       request_id: Optional[str] = None,
                       retry: TransferRetry = TransferRetry(), chunk_bytes: int = CHUNK_BYTES,
                       timeout: Optional[float] = None,
                       rng: Optional[random.Random] = None,
                       refresh: Optional[Callable[[], Awaitable[bool]]] = None
                       ) -> file_pb2.FileInfo:
    """The asyncio form of upload(), for gigwire.aio.AsyncClient.upload_file."""
    _check_chunk_bytes(chunk_bytes)
    name = _upload_name(source, name)
    with _open_source(source) as opened:
        state = _new_upload_state(opened, name, request_id, retry, rng)
        progress = _Progress(on_progress, opened.size)
        progress(0)
        while True:
            requests = _UploadRequests(state.header, opened, progress, chunk_bytes)
            try:
                return await files.UploadFile(requests, timeout=timeout)  # type: ignore[no-any-return]
            except (GigwireError, asyncio.CancelledError) as error:
                # grpc.aio cancels the call when the request iterator fails.
                if requests.failure is not None:
                    raise requests.failure from None
                if not isinstance(error, GigwireError):
                    raise
                if state.failures.should_refresh(error) and refresh is not None \
                        and await refresh():
                    continue
                done = await _recover_upload_async(files, state, error)
            if done is not None:
                progress(opened.size)
                return done
            progress(state.header.offset)


async def _recover_upload_async(files: Any, state: _UploadState,
                                error: GigwireError) -> Optional[file_pb2.FileInfo]:
    offset = _offset_from_mismatch(error)
    if offset is not None:
        state.resume_at(offset)
        return None
    while True:
        await asyncio.sleep(state.failures.delay_after(error))
        try:
            status = await files.GetUpload(
                file_pb2.GetUploadRequest(request_id=state.header.request_id))
        except GigwireError as failed:
            if failed.code != grpc.StatusCode.NOT_FOUND:
                error = failed
                continue
            status = None
        return _apply_status(state, status)


def _check_chunk_bytes(chunk_bytes: int) -> None:
    if not 0 < chunk_bytes <= CHUNK_BYTES:
        raise ValueError(f"chunk_bytes must be 1..{CHUNK_BYTES}, not {chunk_bytes}")


# --- Download -------------------------------------------------------------------------------


class _Target:
    """Where a download goes: a stream, or a temporary file beside a path that is
    renamed into place by commit() (and removed by abort())."""

    def __init__(self, target: DownloadTarget) -> None:
        self._path: Optional[Path] = None
        self._temporary: Optional[Path] = None
        if isinstance(target, (str, os.PathLike)):
            self._path = Path(target)
            descriptor, name = tempfile.mkstemp(dir=self._path.parent or ".",
                                                prefix=f".{self._path.name}.", suffix=".part")
            self._temporary = Path(name)
            self.stream: BinaryIO = os.fdopen(descriptor, "wb")
        elif hasattr(target, "write"):
            self.stream = target
        else:
            raise TypeError(f"cannot download into a {type(target).__name__}: give a path or "
                            "a writable binary stream")

    def commit(self) -> None:
        if self._path is None or self._temporary is None:
            self.stream.flush()
            return
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.replace(self._temporary, self._path)
        self._temporary = None

    def abort(self) -> None:
        if self._temporary is not None:
            self.stream.close()
            self._temporary.unlink(missing_ok=True)
            self._temporary = None


class _Download:
    """What a download wrote so far (bytes, SHA-256) and the file's metadata."""

    def __init__(self, file_id: str, target: _Target, on_progress: Optional[ProgressCallback],
                 failures: _Failures) -> None:
        self.file_id = file_id
        self.target = target
        self.written = 0
        self.info: Optional[file_pb2.FileInfo] = None
        self._digest = hashlib.sha256()
        self._on_progress = on_progress
        self.failures = failures

    def request(self) -> file_pb2.DownloadFileRequest:
        return file_pb2.DownloadFileRequest(id=self.file_id, offset=self.written)

    def accept(self, response: file_pb2.DownloadFileResponse) -> None:
        """Takes one message of the stream: the file's info, or the next chunk."""
        if response.WhichOneof("kind") == "info":
            self._take_info(response.info)
        elif response.WhichOneof("kind") == "chunk":
            self.target.stream.write(response.chunk)
            self._digest.update(response.chunk)
            self.written += len(response.chunk)
            self.failures.progressed()
            self._report()

    def _take_info(self, info: file_pb2.FileInfo) -> None:
        if self.info is not None and (info.sha256, info.size_bytes) != (
                self.info.sha256, self.info.size_bytes):
            raise self._mismatch(info)
        first = self.info is None
        self.info = info
        if first:
            self._report()

    def _report(self) -> None:
        if self._on_progress is not None and self.info is not None:
            self._on_progress(self.written, self.info.size_bytes)

    @property
    def complete(self) -> bool:
        return self.info is not None and self.written >= self.info.size_bytes

    def finish(self) -> file_pb2.FileInfo:
        """Checks size and SHA-256, then puts the file in place; returns its info."""
        assert self.info is not None
        if self.written != self.info.size_bytes or \
                self._digest.hexdigest() != self.info.sha256.lower():
            raise self._mismatch(self.info)
        self.target.commit()
        return self.info

    def _mismatch(self, info: file_pb2.FileInfo) -> DownloadIntegrityError:
        return DownloadIntegrityError(self.file_id, info.sha256, self._digest.hexdigest(),
                                      info.size_bytes, self.written)


def _ended_early(download: _Download) -> GigwireError:
    """A stream that ended OK before the last byte: treated as a broken one."""
    return GigwireError(grpc.StatusCode.UNAVAILABLE,
                        f"download of {download.file_id} ended at byte {download.written}")


def download(files: Any, file_id: str, target: DownloadTarget, *,
             on_progress: Optional[ProgressCallback] = None,
             retry: TransferRetry = TransferRetry(), rng: Optional[random.Random] = None,
             sleep: Callable[[float], None] = time.sleep,
             refresh: Callable[[], bool] = lambda: False) -> file_pb2.FileInfo:
    """Downloads file `file_id` through `files` into `target`; see Client.download_file."""
    state = _Download(file_id, _Target(target), on_progress,
                      _Failures(retry, rng or random.Random()))
    try:
        while True:
            try:
                with files.DownloadFile(state.request()) as stream:
                    for response in stream:
                        state.accept(response)
                if state.complete:
                    return state.finish()
                error = _ended_early(state)
            except GigwireError as failed:
                if isinstance(failed, DownloadIntegrityError):
                    raise
                error = failed
            if not (state.failures.should_refresh(error) and refresh()):
                sleep(state.failures.delay_after(error))
    finally:
        state.target.abort()


async def download_async(files: Any, file_id: str, target: DownloadTarget, *,
                         on_progress: Optional[ProgressCallback] = None,
                         retry: TransferRetry = TransferRetry(),
                         rng: Optional[random.Random] = None,
                         refresh: Optional[Callable[[], Awaitable[bool]]] = None
                         ) -> file_pb2.FileInfo:
    """The asyncio form of download(), for gigwire.aio.AsyncClient.download_file."""
    state = _Download(file_id, _Target(target), on_progress,
                      _Failures(retry, rng or random.Random()))
    try:
        while True:
            stream = files.DownloadFile(state.request())
            try:
                async for response in stream:
                    state.accept(response)
                if state.complete:
                    return state.finish()
                error = _ended_early(state)
            except GigwireError as failed:
                if isinstance(failed, DownloadIntegrityError):
                    raise
                error = failed
            finally:
                stream.cancel()
            if state.failures.should_refresh(error) and refresh is not None and await refresh():
                continue
            await asyncio.sleep(state.failures.delay_after(error))
    finally:
        state.target.abort()
