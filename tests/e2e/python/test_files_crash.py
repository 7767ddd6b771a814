# SIGKILL during uploads (issue 16): no files row without its complete blob, no blob
# without its row, no temporary file left, no acknowledged upload lost.
#
# One database and files directory, ROUNDS server processes in turn on the same port. In
# each round WORKERS client threads (each its own user) upload files one after another
# through the generated Python stubs: most by the client-streaming UploadFile in 256 KiB
# chunks, some by unary UploadChunk calls with a request_id, a few with content another
# upload already stored (one blob, several rows). The test kills gigwired with SIGKILL
# at a random moment (seeded: GIGWIRE_FILES_CRASH_SEED), restarts it on the same
# database, files directory and port (the restart removes what the crash left before it
# serves), and checks the directory against the database (read-only, beside the server):
#   - every files row names a blob under objects/ whose size and SHA-256 are the row's;
#   - every blob under objects/ is named by a row, and tmp/ holds nothing;
#   - every upload the server answered OK is a row with its SHA-256 and size.
# At the end some acknowledged files are downloaded (DownloadFile) and checked, and the
# last server must stop cleanly on SIGTERM.
import hashlib
import os
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import grpc

from conftest import gigwired_path, launch, shutdown
from e2e_support import register_request, unique_email
from events_support import BUSY_PRODUCER_FLAGS
from gigwire import Client
from gigwire.v1 import file_pb2, file_pb2_grpc, user_pb2

ROUNDS = 12
WORKERS = 4
SEED = int(os.environ.get("GIGWIRE_FILES_CRASH_SEED", "1616"))
KILL_AFTER_S = (0.05, 0.6)
SIZES = (1_000, 1_500_000)       # bytes per file, uniformly
STREAM_CHUNK = 256 << 10
UNARY_CHUNK = 512 << 10
CALL_TIMEOUT_S = 10.0
WORKER_JOIN_S = 15.0
FAST_RECONNECT = (("grpc.initial_reconnect_backoff_ms", 50),
                  ("grpc.min_reconnect_backoff_ms", 50),
                  ("grpc.max_reconnect_backoff_ms", 300))
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"


@dataclass
class Acked:
    id: str
    sha256: str
    size: int


@dataclass
class Uploader:
    """One user's thread: what the server acknowledged, and a failure other than the kill."""
    token: str
    rng: random.Random
    acked: List[Acked] = field(default_factory=list)
    contents: List[bytes] = field(default_factory=list)  # a few, to upload again
    failure: Optional[BaseException] = None
    in_flight: int = 0  # uploads cut by a kill

    def metadata(self):
        return (("authorization", f"Bearer {self.token}"),)

    def next_content(self) -> bytes:
        if self.contents and self.rng.random() < 0.15:
            return self.rng.choice(self.contents)  # the same bytes again: a shared blob
        size = self.rng.randint(*SIZES)
        content = PNG_HEAD + self.rng.randbytes(size - len(PNG_HEAD))
        if len(self.contents) < 4:
            self.contents.append(content)
        return content

    def upload_stream(self, stub, content: bytes, killed: threading.Event) -> file_pb2.FileInfo:
        header = file_pb2.UploadHeader(name="crash.png", size_bytes=len(content),
                                       sha256=hashlib.sha256(content).hexdigest())

        def messages():
            yield file_pb2.UploadFileRequest(header=header)
            for offset in range(0, len(content), STREAM_CHUNK):
                if killed.is_set():
                    return
                yield file_pb2.UploadFileRequest(chunk=content[offset:offset + STREAM_CHUNK])

        return stub.UploadFile(messages(), metadata=self.metadata(), timeout=CALL_TIMEOUT_S)

    def upload_chunks(self, stub, content: bytes) -> file_pb2.FileInfo:
        header = file_pb2.UploadHeader(name="crash.png", size_bytes=len(content),
                                       sha256=hashlib.sha256(content).hexdigest(),
                                       request_id=f"crash-{self.rng.getrandbits(64):x}")
        status = None
        for offset in range(0, len(content), UNARY_CHUNK):
            status = stub.UploadChunk(
                file_pb2.UploadChunkRequest(header=header, offset=offset,
                                            data=content[offset:offset + UNARY_CHUNK]),
                metadata=self.metadata(), timeout=CALL_TIMEOUT_S)
        assert status.HasField("file"), status
        return status.file

    def run(self, address: str, killed: threading.Event) -> None:
        try:
            with grpc.insecure_channel(address, options=FAST_RECONNECT) as channel:
                stub = file_pb2_grpc.FileServiceStub(channel)
                while not killed.is_set():
                    content = self.next_content()
                    try:
                        if self.rng.random() < 0.7:
                            info = self.upload_stream(stub, content, killed)
                        else:
                            info = self.upload_chunks(stub, content)
                    except grpc.RpcError as error:
                        if killed.is_set():
                            self.in_flight += 1
                            return
                        raise AssertionError(f"upload failed: {error.code()} {error.details()}")
                    sha = hashlib.sha256(content).hexdigest()
                    assert (info.sha256, info.size_bytes) == (sha, len(content)), info
                    assert info.content_type == "image/png", info
                    self.acked.append(Acked(info.id, sha, len(content)))
        except BaseException as failure:  # noqa: B902 - reported to the test thread
            self.failure = failure


def new_uploader(address: str, rng: random.Random) -> Uploader:
    with Client(address) as client:
        request = register_request(unique_email("uploader"), (user_pb2.ROLE_SELLER,))
        client.auth.Register(request)
        tokens = client.login(request.email, request.password)
        return Uploader(tokens.access_token, random.Random(rng.getrandbits(64)))


def rows_of(db: Path) -> Dict[str, tuple]:
    """id -> (sha256_hex, size_bytes) of every files row, read beside the server."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
        return {row[0]: (row[1], row[2])
                for row in connection.execute("SELECT id, sha256_hex, size_bytes FROM files")}


def check_directory(data_dir: Path, uploaders: List[Uploader]) -> int:
    """The files directory agrees with the database; returns the number of rows."""
    rows = rows_of(data_dir / "gigwire.db")
    objects = data_dir / "files" / "objects"
    for file_id, (sha, size) in rows.items():
        blob = objects / sha[:2] / sha
        assert blob.is_file(), f"row {file_id} names a missing blob {sha}"
        content = blob.read_bytes()
        assert len(content) == size, f"row {file_id}: blob of {len(content)} bytes, not {size}"
        assert hashlib.sha256(content).hexdigest() == sha, f"row {file_id}: blob content differs"
    named = {sha for sha, _ in rows.values()}
    blobs = [p for p in objects.rglob("*") if p.is_file()]
    unnamed = [p.name for p in blobs if p.name not in named]
    assert not unnamed, f"blobs no row names: {unnamed}"
    leftovers = [p.name for p in (data_dir / "files" / "tmp").rglob("*") if p.is_file()]
    assert not leftovers, f"temporary files left: {leftovers}"
    for uploader in uploaders:
        for acked in uploader.acked:
            assert rows.get(acked.id) == (acked.sha256, acked.size), \
                f"acknowledged upload {acked.id} lost or changed: {rows.get(acked.id)}"
    return len(rows)


def recovered_counts(log_path: Path) -> Dict[str, int]:
    """What the startup sweeps removed, summed over the log's "files recovered" lines."""
    import json
    totals = {"orphan_blobs": 0, "stale_temporaries": 0}
    for line in log_path.read_text(errors="replace").splitlines():
        if '"files recovered"' not in line:
            continue
        entry = json.loads(line)
        for key in totals:
            totals[key] += int(entry.get(key, 0))
    return totals


def download(address: str, uploader: Uploader, acked: Acked) -> bytes:
    with grpc.insecure_channel(address) as channel:
        stub = file_pb2_grpc.FileServiceStub(channel)
        chunks = []
        for message in stub.DownloadFile(file_pb2.DownloadFileRequest(id=acked.id),
                                         metadata=uploader.metadata(), timeout=CALL_TIMEOUT_S):
            if message.HasField("info"):
                assert message.info.id == acked.id, message.info
            else:
                chunks.append(message.chunk)
        return b"".join(chunks)


def test_sigkill_during_uploads_leaves_rows_and_blobs_in_agreement(tmp_path):
    rng = random.Random(SEED)
    binary = gigwired_path()
    server = launch(binary, tmp_path, BUSY_PRODUCER_FLAGS)
    finished = False
    try:
        uploaders = [new_uploader(server.address, rng) for _ in range(WORKERS)]
        rows = 0
        for round_number in range(ROUNDS):
            where = f"round {round_number} (GIGWIRE_FILES_CRASH_SEED={SEED})"
            killed = threading.Event()
            threads = [threading.Thread(target=u.run, args=(server.address, killed), daemon=True)
                       for u in uploaders]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(*KILL_AFTER_S))
            killed.set()
            server.process.kill()
            server.process.wait()
            for thread in threads:
                thread.join(WORKER_JOIN_S)
                assert not thread.is_alive(), f"{where}: an upload thread did not stop"
            for uploader in uploaders:
                if uploader.failure is not None:
                    raise AssertionError(f"{where}: {uploader.failure!r}") from uploader.failure

            server = launch(binary, tmp_path, BUSY_PRODUCER_FLAGS, listen=server.address,
                            fresh=False)
            try:
                rows = check_directory(tmp_path, uploaders)
            except AssertionError as failure:
                raise AssertionError(f"{where}: {failure}\n{server.log_tail()}") from failure

        for uploader in uploaders:
            for acked in uploader.acked[-2:]:
                content = download(server.address, uploader, acked)
                assert hashlib.sha256(content).hexdigest() == acked.sha256, acked
        recovered = recovered_counts(server.log_path)
        acked = sum(len(u.acked) for u in uploaders)
        cut = sum(u.in_flight for u in uploaders)
        print(f"\nSIGKILL rounds: {ROUNDS}, uploads acknowledged {acked}, cut by a kill {cut}, "
              f"rows {rows}, removed at restarts {recovered}, seed {SEED}")
        assert acked > 0 and cut > 0
        assert recovered["stale_temporaries"] > 0, "no kill landed during an upload"
        finished = True
    finally:
        if server.process.poll() is None:
            if finished:
                shutdown(server)
            else:
                server.process.kill()
                server.process.wait()


def test_create_admin_beside_a_serving_gigwired_leaves_its_uploads_alone(tmp_path):
    """`gigwired --create-admin` may run beside the serving process: it must not sweep the
    files directory it does not own (an upload in progress there would lose its bytes)."""
    from conftest import create_admin
    binary = gigwired_path()
    server = launch(binary, tmp_path, BUSY_PRODUCER_FLAGS)
    try:
        uploader = new_uploader(server.address, random.Random(SEED))
        content = PNG_HEAD + uploader.rng.randbytes(3 * UNARY_CHUNK)
        header = file_pb2.UploadHeader(name="beside.png", size_bytes=len(content),
                                       sha256=hashlib.sha256(content).hexdigest(),
                                       request_id="beside-create-admin")
        with grpc.insecure_channel(server.address) as channel:
            stub = file_pb2_grpc.FileServiceStub(channel)

            def send(offset: int) -> file_pb2.UploadStatus:
                return stub.UploadChunk(file_pb2.UploadChunkRequest(
                    header=header, offset=offset, data=content[offset:offset + UNARY_CHUNK]),
                    metadata=uploader.metadata(), timeout=CALL_TIMEOUT_S)

            send(0)
            tmp_files = [p for p in (tmp_path / "files" / "tmp").iterdir() if p.is_file()]
            assert len(tmp_files) == 1, tmp_files
            create_admin(binary, tmp_path / "gigwire.db")  # a second process, same database
            assert tmp_files[0].exists(), "--create-admin swept the serving process's upload"
            for offset in range(UNARY_CHUNK, len(content), UNARY_CHUNK):
                status = send(offset)
        assert status.file.sha256 == header.sha256
        check_directory(tmp_path, [])
    finally:
        shutdown(server)
