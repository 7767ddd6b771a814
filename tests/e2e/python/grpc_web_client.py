"""A small gRPC-Web client over http.client, written from the protocol text
(grpc/grpc doc/PROTOCOL-WEB.md), for testing gigwired's web port from outside:
binary and text modes, unary and server streaming, raw bodies for bad input.
Not the SDK: the browser SDK (@gigwire/sdk/web) is tested in Chromium."""
import base64
import http.client
import ssl
import struct
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

from gigwire.v1 import errors_pb2

BINARY = "application/grpc-web+proto"
TEXT = "application/grpc-web-text+proto"


def frame(message: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(message)) + message


def split_frames(body: bytes) -> Tuple[List[bytes], Optional[bytes]]:
    """The data frames' messages and the trailer frame's text (None if absent).
    Raises ValueError on a truncated frame."""
    messages, trailer, offset = [], None, 0
    while offset < len(body):
        if len(body) - offset < 5:
            raise ValueError("truncated frame header")
        flags, length = struct.unpack(">BI", body[offset:offset + 5])
        payload = body[offset + 5:offset + 5 + length]
        if len(payload) != length:
            raise ValueError("truncated frame")
        if flags & 0x80:
            trailer = payload
        else:
            messages.append(payload)
        offset += 5 + length
    return messages, trailer


def decode_text(body: bytes) -> bytes:
    """Text mode: base64 in padded chunks, one after the other."""
    out, start = b"", 0
    for end in range(4, len(body) + 1, 4):
        if body[end - 1:end] == b"=" or end == len(body):
            out += base64.b64decode(body[start:end])
            start = end
    return out


def parse_trailers(text: bytes) -> Dict[str, str]:
    trailers = {}
    for line in text.decode().split("\r\n"):
        if line:
            key, _, value = line.partition(":")
            trailers[key.strip().lower()] = value.strip()
    return trailers


@dataclass
class Reply:
    http_status: int
    headers: Dict[str, str]
    messages: List[bytes] = field(default_factory=list)
    trailers: Dict[str, str] = field(default_factory=dict)
    raw: bytes = b""

    @property
    def code(self) -> Optional[int]:
        value = self.trailers.get("grpc-status")
        return None if value is None else int(value)

    @property
    def details(self) -> errors_pb2.ErrorDetails:
        envelope = errors_pb2.RpcStatus.FromString(
            base64.b64decode(self.trailers["grpc-status-details-bin"] + "=="))
        details = errors_pb2.ErrorDetails()
        envelope.details[0].Unpack(details)
        return details

    @property
    def reason(self) -> str:
        return errors_pb2.ErrorReason.Name(self.details.reason)


class WebClient:
    """One keep-alive HTTP/1.1 connection to a web port."""

    def __init__(self, address: str, tls_context: Optional[ssl.SSLContext] = None,
                 timeout: float = 10.0):
        host, port = address.rsplit(":", 1)
        if tls_context is None:
            self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        else:
            self.conn = http.client.HTTPSConnection(host, int(port), timeout=timeout,
                                                    context=tls_context)

    def close(self) -> None:
        self.conn.close()

    def post(self, path: str, body: bytes, content_type: str = BINARY,
             headers: Optional[Dict[str, str]] = None) -> http.client.HTTPResponse:
        all_headers = {"content-type": content_type, "x-grpc-web": "1"}
        all_headers.update(headers or {})
        self.conn.request("POST", path, body=body, headers=all_headers)
        return self.conn.getresponse()

    def call(self, method: str, request, token: Optional[str] = None, text: bool = False,
             headers: Optional[Dict[str, str]] = None, raw_body: Optional[bytes] = None) -> Reply:
        """A call; the whole response is read (unary, or a stream that ends)."""
        all_headers = dict(headers or {})
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        body = raw_body if raw_body is not None else frame(request.SerializeToString())
        if text and raw_body is None:
            body = base64.b64encode(body)
        response = self.post(method, body, TEXT if text else BINARY, all_headers)
        return read_reply(response, text)

    def get(self, path: str, headers: Optional[Dict[str, str]] = None):
        self.conn.request("GET", path, headers=headers or {})
        response = self.conn.getresponse()
        return response, response.read()


def read_reply(response: http.client.HTTPResponse, text: bool) -> Reply:
    raw = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    reply = Reply(response.status, headers, raw=raw)
    if response.status != 200:
        return reply
    body = decode_text(raw) if text else raw
    reply.messages, trailer = split_frames(body)
    if trailer is not None:
        reply.trailers = parse_trailers(trailer)
    else:  # trailers-only: the status is in the headers
        reply.trailers = {k: v for k, v in headers.items()
                          if k.startswith("grpc-") or k == "retry-after"}
    return reply


def stream_frames(response: http.client.HTTPResponse) -> Iterator[Tuple[int, bytes]]:
    """(flags, payload) of each frame of a binary-mode streaming response, as it arrives."""
    buffer = b""
    while True:
        while len(buffer) < 5 or len(buffer) < 5 + struct.unpack(">I", buffer[1:5])[0]:
            chunk = response.read1(65536)
            if not chunk:
                return
            buffer += chunk
        length = struct.unpack(">I", buffer[1:5])[0]
        yield buffer[0], buffer[5:5 + length]
        buffer = buffer[5 + length:]
