# Files through the web port (gRPC-Web, as browsers call it): browsers cannot stream
# from the client, so they upload with unary UploadChunk calls of up to 1 MiB, which
# fit the default --web-max-request-bytes (5600000) in text mode too (base64: a third
# larger); DownloadFile streams to them like a watch. With our own gRPC-Web client
# (grpc_web_client.py), in both wire modes, against the default limits.
import hashlib

import pytest

from conftest import RELAXED_AUTH_LIMITS, gigwired_path, launch, shutdown
from e2e_support import register_request, unique_email
from gigwire import Client
from gigwire.v1 import file_pb2, user_pb2
from grpc_web_client import WebClient

UPLOAD_CHUNK = "/gigwire.v1.FileService/UploadChunk"
DOWNLOAD_FILE = "/gigwire.v1.FileService/DownloadFile"
GET_UPLOAD = "/gigwire.v1.FileService/GetUpload"
MIB = 1 << 20
OK, OUT_OF_RANGE, NOT_FOUND = 0, 11, 5


@pytest.fixture(scope="module")
def web_server(tmp_path_factory):
    running = launch(gigwired_path(), tmp_path_factory.mktemp("gigwired-files-web"),
                     RELAXED_AUTH_LIMITS + ("--web-listen", "127.0.0.1:0"))
    yield running
    shutdown(running)


@pytest.fixture(scope="module")
def token(web_server):
    with Client(web_server.address) as client:
        request = register_request(unique_email("browser"), (user_pb2.ROLE_SELLER,))
        client.auth.Register(request)
        return client.login(request.email, request.password).access_token


@pytest.fixture
def web(web_server):
    client = WebClient(web_server.web_address, timeout=30)
    yield client
    client.close()


def png(size: int, seed: int) -> bytes:
    head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"
    body = hashlib.sha256(bytes([seed])).digest() * (size // 32 + 1)
    return (head + body)[:size]


@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
def test_a_browser_uploads_in_1_mib_chunks_and_downloads_the_same_bytes(web, token, text):
    content = png(2 * MIB + 12345, seed=1 if text else 2)
    header = file_pb2.UploadHeader(name="drawing.png", size_bytes=len(content),
                                   sha256=hashlib.sha256(content).hexdigest(),
                                   request_id=f"web-upload-{text}")
    status = None
    for offset in range(0, len(content), MIB):
        reply = web.call(UPLOAD_CHUNK, file_pb2.UploadChunkRequest(
            header=header, offset=offset, data=content[offset:offset + MIB]), token, text=text)
        assert reply.http_status == 200 and reply.code == OK, reply.trailers
        status = file_pb2.UploadStatus.FromString(reply.messages[0])
        assert status.received_bytes == min(offset + MIB, len(content))
    assert status.file.content_type == "image/png"
    assert status.file.sha256 == header.sha256

    reply = web.call(GET_UPLOAD, file_pb2.GetUploadRequest(request_id=header.request_id), token,
                     text=text)
    assert file_pb2.UploadStatus.FromString(reply.messages[0]).file.id == status.file.id

    reply = web.call(DOWNLOAD_FILE, file_pb2.DownloadFileRequest(id=status.file.id, offset=7),
                     token, text=text)
    assert reply.code == OK, reply.trailers
    messages = [file_pb2.DownloadFileResponse.FromString(m) for m in reply.messages]
    assert messages[0].info.id == status.file.id
    chunks = [m.chunk for m in messages[1:]]
    assert all(len(chunk) <= 256 << 10 for chunk in chunks)
    assert b"".join(chunks) == content[7:]


def test_a_browsers_download_errors_carry_code_and_reason(web, token):
    content = png(1000, seed=3)
    header = file_pb2.UploadHeader(name="small.png", size_bytes=len(content),
                                   sha256=hashlib.sha256(content).hexdigest())
    reply = web.call(UPLOAD_CHUNK, file_pb2.UploadChunkRequest(header=header, data=content), token)
    file_id = file_pb2.UploadStatus.FromString(reply.messages[0]).file.id
    past_end = web.call(DOWNLOAD_FILE, file_pb2.DownloadFileRequest(id=file_id, offset=1001), token)
    assert (past_end.code, past_end.reason) == (OUT_OF_RANGE, "INVALID_FIELDS")
    missing = web.call(DOWNLOAD_FILE, file_pb2.DownloadFileRequest(id="fil_nothing"), token)
    assert (missing.code, missing.reason) == (NOT_FOUND, "RESOURCE_NOT_FOUND")
