# Helpers of the SDK unit tests: an in-process gRPC server for fake servicers,
# and a gigwired-style error (RpcStatus with ErrorDetails in the trailer).
import collections
import contextlib
from concurrent import futures
from typing import Callable, Iterator

import grpc

from gigwire.errors import STATUS_DETAILS_KEY
from gigwire.v1 import errors_pb2


class Status(collections.namedtuple("Status", "code details trailing_metadata"), grpc.Status):
    """A grpc.Status for context.abort_with_status."""


def abort(context, code: grpc.StatusCode, message: str, reason: int,
          retry_after_ms: int = 0, metadata=None) -> None:
    """Ends the call as gigwired would: `code`, `message` and its ErrorDetails
    (with `metadata`, a dict of strings, if given)."""
    status = errors_pb2.RpcStatus(code=code.value[0], message=message)
    status.details.add().Pack(errors_pb2.ErrorDetails(reason=reason,
                                                      retry_after_ms=retry_after_ms,
                                                      metadata=metadata or {}))
    trailer = ((STATUS_DETAILS_KEY, status.SerializeToString()),)
    context.abort_with_status(Status(code, message, trailer))


@contextlib.contextmanager
def serving(servicer, *add_to_server: Callable, workers: int = 4) -> Iterator[str]:
    """Serves `servicer` (with each generated add_*_to_server) on a loopback port;
    yields "127.0.0.1:PORT" and stops the server afterwards."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
    for add in add_to_server:
        add(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)
