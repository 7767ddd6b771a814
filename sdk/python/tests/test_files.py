# Unit tests of the file helpers (gigwire.files: Client.upload_file / download_file and
# their asyncio forms) against an in-process fake FileService that breaks uploads and
# downloads on purpose: chunking, SHA-256, progress, resuming from GetUpload and from
# UPLOAD_OFFSET_MISMATCH's received_bytes, restarting when the server lost the upload,
# bounded retries, errors raised as is, and the integrity check of downloads.
import asyncio
import hashlib
import io
import random

import grpc
import pytest

from gigwire import Client, DownloadIntegrityError, GigwireError, TransferRetry
from gigwire.aio import AsyncClient
from gigwire.files import CHUNK_BYTES
from gigwire.v1 import auth_pb2, auth_pb2_grpc, errors_pb2, file_pb2, file_pb2_grpc
from fake_server import abort, serving

MIB = 1 << 20
DOWNLOAD_CHUNK = 256 * 1024
FAST = TransferRetry(max_failures=4, initial_backoff=0.001, max_backoff=0.01)
CONTENT = random.Random(16).randbytes(3 * MIB + 12345)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FakeFiles(file_pb2_grpc.FileServiceServicer):
    """UploadFile keeps each upload's bytes by request_id and fails the i-th attempt
    UNAVAILABLE once it holds fail_upload_at[i] bytes; DownloadFile serves stored files
    in 256 KiB chunks and breaks the i-th stream after break_download_after[i] chunks."""

    def __init__(self):
        self.received = {}        # request_id -> bytearray
        self.completed = {}       # request_id -> FileInfo
        self.stored = {}          # file id -> bytes
        self.headers = []         # the header of every UploadFile attempt
        self.chunk_sizes = []
        self.get_upload_calls = 0
        self.fail_upload_at = []
        self.refuse_upload = None  # (code, reason) for every upload
        self.forget_uploads = False
        self.download_offsets = []
        self.break_download_after = []
        self.always_break_download = False
        self.corrupt_sha256 = False

    def UploadFile(self, request_iterator, context):
        if dict(context.invocation_metadata()).get("authorization") == "Bearer stale":
            abort(context, grpc.StatusCode.UNAUTHENTICATED, "expired", errors_pb2.TOKEN_EXPIRED)
        attempt = len(self.headers)
        header = next(request_iterator).header
        self.headers.append(file_pb2.UploadHeader().FromString(header.SerializeToString()))
        if self.refuse_upload is not None:
            abort(context, self.refuse_upload[0], "refused", self.refuse_upload[1])
        if self.forget_uploads:
            self.received.pop(header.request_id, None)
        received = self.received.setdefault(header.request_id, bytearray())
        if header.offset != len(received):
            abort(context, grpc.StatusCode.FAILED_PRECONDITION, "offset",
                  errors_pb2.UPLOAD_OFFSET_MISMATCH, metadata={"received_bytes": str(len(received))})
        fail_at = self.fail_upload_at[attempt] if attempt < len(self.fail_upload_at) else None
        for message in request_iterator:
            self.chunk_sizes.append(len(message.chunk))
            received.extend(message.chunk)
            if fail_at is not None and len(received) >= fail_at:
                abort(context, grpc.StatusCode.UNAVAILABLE, "cut", errors_pb2.ERROR_REASON_UNSPECIFIED)
        if len(received) != header.size_bytes:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "size", errors_pb2.UPLOAD_SIZE_MISMATCH)
        if sha256(bytes(received)) != header.sha256:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "sha", errors_pb2.CHECKSUM_MISMATCH)
        return self._complete(header, bytes(received))

    def _complete(self, header, data):
        info = file_pb2.FileInfo(id=f"fil_{len(self.stored) + 1}", name=header.name,
                                 size_bytes=len(data), sha256=sha256(data))
        self.stored[info.id] = data
        self.completed[header.request_id] = info
        return info

    def GetUpload(self, request, context):
        self.get_upload_calls += 1
        if request.request_id in self.completed:
            done = self.completed[request.request_id]
            return file_pb2.UploadStatus(received_bytes=done.size_bytes,
                                         size_bytes=done.size_bytes, file=done)
        if self.forget_uploads or request.request_id not in self.received:
            abort(context, grpc.StatusCode.NOT_FOUND, "no upload", errors_pb2.RESOURCE_NOT_FOUND)
        return file_pb2.UploadStatus(received_bytes=len(self.received[request.request_id]))

    def DownloadFile(self, request, context):
        if dict(context.invocation_metadata()).get("authorization") == "Bearer stale":
            abort(context, grpc.StatusCode.UNAUTHENTICATED, "expired", errors_pb2.TOKEN_EXPIRED)
        attempt = len(self.download_offsets)
        self.download_offsets.append(request.offset)
        data = self.stored.get(request.id)
        if data is None:
            abort(context, grpc.StatusCode.NOT_FOUND, "no file", errors_pb2.RESOURCE_NOT_FOUND)
        digest = "0" * 64 if self.corrupt_sha256 else sha256(data)
        yield file_pb2.DownloadFileResponse(info=file_pb2.FileInfo(
            id=request.id, size_bytes=len(data), sha256=digest))
        limit = (0 if self.always_break_download else self.break_download_after[attempt]
                 if attempt < len(self.break_download_after) else None)
        for index, start in enumerate(range(request.offset, len(data), DOWNLOAD_CHUNK)):
            if limit is not None and index >= limit:
                abort(context, grpc.StatusCode.UNAVAILABLE, "cut", errors_pb2.ERROR_REASON_UNSPECIFIED)
            yield file_pb2.DownloadFileResponse(chunk=data[start:start + DOWNLOAD_CHUNK])


class FakeAuth(auth_pb2_grpc.AuthServiceServicer):
    """Logs in with an access token the fake FileService refuses as expired."""

    def __init__(self):
        self.refreshes = 0

    def Login(self, request, context):
        return auth_pb2.TokenPair(access_token="stale", refresh_token="refresh-0")

    def Refresh(self, request, context):
        self.refreshes += 1
        return auth_pb2.TokenPair(access_token=f"fresh-{self.refreshes}",
                                  refresh_token=f"refresh-{self.refreshes}")


@pytest.fixture
def fake():
    servicer = FakeFiles()
    with serving(servicer, file_pb2_grpc.add_FileServiceServicer_to_server) as address:
        servicer.address = address
        yield servicer


@pytest.fixture
def client(fake):
    with Client(fake.address) as connected:
        yield connected


def test_upload_sends_the_header_then_chunks_of_at_most_1_mib(fake, client):
    progress = []
    info = client.upload_file(CONTENT, "logo.png", on_progress=lambda *p: progress.append(p))
    assert fake.stored[info.id] == CONTENT and info.name == "logo.png"
    (header,) = fake.headers
    assert (header.name, header.size_bytes, header.sha256, header.offset) == (
        "logo.png", len(CONTENT), sha256(CONTENT), 0)
    assert len(header.request_id) == 36  # a UUID, so that the upload can be resumed
    assert fake.chunk_sizes == [MIB, MIB, MIB, 12345]
    assert progress == [(0, len(CONTENT)), (MIB, len(CONTENT)), (2 * MIB, len(CONTENT)),
                        (3 * MIB, len(CONTENT)), (len(CONTENT), len(CONTENT))]


def test_upload_from_a_path_is_named_after_it_and_from_a_stream_reads_from_its_position(
        fake, client, tmp_path):
    path = tmp_path / "brief.txt"
    path.write_bytes(b"a brief")
    assert client.upload_file(path).name == "brief.txt"
    stream = io.BytesIO(b"skip:kept")
    stream.read(5)
    info = client.upload_file(stream, "kept.txt")
    assert fake.stored[info.id] == b"kept"
    with pytest.raises(ValueError, match="name is required"):
        client.upload_file(b"bytes")


def test_upload_resumes_where_get_upload_says_after_a_broken_stream(fake, client):
    fake.fail_upload_at = [MIB + MIB // 2, 2 * MIB]  # two cuts, then a clean attempt
    progress = []
    info = client.upload_file(CONTENT, "big.bin", retry=FAST,
                              on_progress=lambda *p: progress.append(p[0]))
    assert fake.stored[info.id] == CONTENT
    assert [h.offset for h in fake.headers] == [0, 2 * MIB, 3 * MIB]
    assert len({h.request_id for h in fake.headers}) == 1
    assert fake.get_upload_calls == 2
    assert progress[-1] == len(CONTENT) and 3 * MIB in progress


def test_upload_resumes_from_the_received_bytes_of_an_offset_mismatch(fake, client):
    fake.received["upload-7"] = bytearray(CONTENT[:MIB])  # sent by an earlier process
    info = client.upload_file(CONTENT, "big.bin", request_id="upload-7", retry=FAST)
    assert fake.stored[info.id] == CONTENT
    assert [h.offset for h in fake.headers] == [0, MIB]
    assert fake.get_upload_calls == 0


def test_upload_starts_again_when_the_server_lost_it(fake, client):
    fake.fail_upload_at = [2 * MIB]
    fake.forget_uploads = True  # GetUpload: NOT_FOUND, as after a server restart
    info = client.upload_file(CONTENT, "big.bin", retry=FAST)
    assert fake.stored[info.id] == CONTENT
    assert [h.offset for h in fake.headers] == [0, 0]


def test_upload_completed_before_the_answer_was_lost_returns_that_file(fake, client):
    fake.completed["upload-9"] = done = file_pb2.FileInfo(id="fil_done", size_bytes=len(CONTENT))
    fake.refuse_upload = (grpc.StatusCode.UNAVAILABLE, errors_pb2.ERROR_REASON_UNSPECIFIED)
    assert client.upload_file(CONTENT, "x", request_id="upload-9", retry=FAST) == done


def test_upload_gives_up_after_max_failures_in_a_row(fake, client):
    fake.refuse_upload = (grpc.StatusCode.UNAVAILABLE, errors_pb2.ERROR_REASON_UNSPECIFIED)
    with pytest.raises(GigwireError) as caught:
        client.upload_file(CONTENT, "x", retry=FAST)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    assert len(fake.headers) == FAST.max_failures


@pytest.mark.parametrize("code, reason", [
    (grpc.StatusCode.INVALID_ARGUMENT, errors_pb2.FILE_TYPE_NOT_ALLOWED),
    (grpc.StatusCode.INVALID_ARGUMENT, errors_pb2.FILE_TOO_LARGE),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, errors_pb2.STORAGE_QUOTA_EXCEEDED),
])
def test_upload_refusals_are_raised_at_once_with_their_reason(fake, client, code, reason):
    fake.refuse_upload = (code, reason)
    with pytest.raises(GigwireError) as caught:
        client.upload_file(CONTENT, "x", retry=FAST)
    assert (caught.value.code, caught.value.reason) == (code, errors_pb2.ErrorReason.Name(reason))
    assert len(fake.headers) == 1


class Stop(Exception):
    pass


def test_an_exception_from_on_progress_aborts_the_upload(fake, client):
    def stop(done, total):
        if done >= MIB:
            raise Stop()

    with pytest.raises(Stop):
        client.upload_file(CONTENT, "x", on_progress=stop, retry=FAST)
    assert len(fake.headers) <= 1 and not fake.stored  # cancelled, not retried


def test_download_into_a_stream_and_a_path(fake, client, tmp_path):
    fake.stored["fil_1"] = CONTENT
    sink = io.BytesIO()
    progress = []
    info = client.download_file("fil_1", sink, on_progress=lambda *p: progress.append(p))
    assert sink.getvalue() == CONTENT and info.sha256 == sha256(CONTENT)
    assert progress[0] == (0, len(CONTENT)) and progress[-1] == (len(CONTENT), len(CONTENT))
    target = tmp_path / "out.bin"
    client.download_file("fil_1", str(target))
    assert target.read_bytes() == CONTENT
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]  # no temporary file left


def test_download_resumes_from_the_bytes_written(fake, client, tmp_path):
    fake.stored["fil_1"] = CONTENT
    fake.break_download_after = [3, 5]
    target = tmp_path / "out.bin"
    client.download_file("fil_1", target, retry=FAST)
    assert target.read_bytes() == CONTENT
    assert fake.download_offsets == [0, 3 * DOWNLOAD_CHUNK, 8 * DOWNLOAD_CHUNK]


def test_download_checks_the_sha256_and_leaves_no_file(fake, client, tmp_path):
    fake.stored["fil_1"] = CONTENT
    fake.corrupt_sha256 = True
    target = tmp_path / "out.bin"
    with pytest.raises(DownloadIntegrityError) as caught:
        client.download_file("fil_1", target)
    error = caught.value
    assert (error.code, error.reason) == (grpc.StatusCode.DATA_LOSS, "CHECKSUM_MISMATCH")
    assert error.actual_sha256 == sha256(CONTENT) and error.expected_sha256 == "0" * 64
    assert list(tmp_path.iterdir()) == []


def test_download_errors_and_bounded_retries(fake, client, tmp_path):
    with pytest.raises(GigwireError) as caught:
        client.download_file("fil_missing", io.BytesIO())
    assert (caught.value.code, caught.value.reason) == (grpc.StatusCode.NOT_FOUND,
                                                        "RESOURCE_NOT_FOUND")
    fake.stored["fil_1"] = CONTENT
    fake.always_break_download = True
    with pytest.raises(GigwireError) as caught:
        client.download_file("fil_1", tmp_path / "out.bin", retry=FAST)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    assert fake.download_offsets[1:] == [0] * FAST.max_failures
    assert list(tmp_path.iterdir()) == []


def test_asyncio_upload_and_download_resume(fake):
    fake.fail_upload_at = [MIB + 1]
    fake.break_download_after = [2]

    async def run():
        async with AsyncClient(fake.address) as client:
            progress = []
            info = await client.upload_file(CONTENT, "a.bin", retry=FAST,
                                            on_progress=lambda *p: progress.append(p[0]))
            sink = io.BytesIO()
            got = await client.download_file(info.id, sink, retry=FAST)
            return info, got, sink.getvalue(), progress

    info, got, data, progress = asyncio.run(run())
    assert fake.stored[info.id] == CONTENT and data == CONTENT and got.id == info.id
    assert [h.offset for h in fake.headers] == [0, 2 * MIB]
    assert fake.download_offsets == [0, 2 * DOWNLOAD_CHUNK]
    assert progress[-1] == len(CONTENT)


def test_chunk_size_is_bounded_by_the_server_limit(client):
    from gigwire.files import upload
    with pytest.raises(ValueError):
        upload(client.files, b"x", "x", chunk_bytes=CHUNK_BYTES + 1)


def test_an_expired_login_is_refreshed_once_and_the_transfer_retried():
    servicer = FakeFiles()
    auth = FakeAuth()
    with serving(servicer, file_pb2_grpc.add_FileServiceServicer_to_server,
                 lambda _, server: auth_pb2_grpc.add_AuthServiceServicer_to_server(auth, server)
                 ) as address, Client(address) as client:
        client.login("a@example.com", "pw")
        info = client.upload_file(b"hello", "a.txt", retry=FAST)
        assert auth.refreshes == 1 and servicer.stored[info.id] == b"hello"
        client.login("a@example.com", "pw")  # stale again
        sink = io.BytesIO()
        client.download_file(info.id, sink, retry=FAST)
        assert auth.refreshes == 2 and sink.getvalue() == b"hello"
