# The base of the generated service classes (gigwire/v1/services.py, written by
# gen_services.py from the protos): binds each RPC annotated on a service class
# to the generated gRPC stub's method of the same name, wrapped in the SDK's
# call types (gigwire.Unary / ServerStream / ClientStream, or gigwire.aio's
# AsyncUnary / AsyncServerStream / AsyncClientStream).
from __future__ import annotations

from typing import Any, Callable, ClassVar, Dict, NamedTuple, Type

import grpc
import grpc.aio

# Services whose calls never carry credentials: logging in must work whatever
# token the client holds (an expired one would otherwise be refused).
PUBLIC_SERVICES = frozenset({"gigwire.v1.AuthService"})


class CallKinds(NamedTuple):
    """The call types of one kind of client: what wraps each kind of RPC."""

    unary: Callable[..., Any]
    server_stream: Callable[..., Any]
    client_stream: Callable[..., Any]


class Service:
    """One gRPC service of a client: an attribute per RPC, each a Unary (or
    ServerStream, ClientStream for streaming RPCs) of the client's kind."""

    _full_name: ClassVar[str]
    _stub_class: ClassVar[Callable[[Any], Any]]

    def __init__(self, channel: Any, session: Any, kinds: CallKinds) -> None:
        stub = self._stub_class(channel)
        authenticated = self._full_name not in PUBLIC_SERVICES
        for name in type(self).__annotations__:
            if name.startswith("_"):
                continue
            method = getattr(stub, name)
            wrapper = _wrapper_of(method, kinds)
            setattr(self, name, wrapper(method, session, authenticated=authenticated))


def _wrapper_of(method: Any, kinds: CallKinds) -> Callable[..., Any]:
    if isinstance(method, (grpc.UnaryStreamMultiCallable, grpc.aio.UnaryStreamMultiCallable)):
        return kinds.server_stream
    if isinstance(method, (grpc.StreamUnaryMultiCallable, grpc.aio.StreamUnaryMultiCallable)):
        return kinds.client_stream
    return kinds.unary


def bind_services(owner: Any, classes: Dict[str, Type[Service]], channel: Any, session: Any,
                  kinds: CallKinds) -> None:
    """Sets each attribute of `classes` on `owner` to its service bound to `channel`."""
    for name, service in classes.items():
        setattr(owner, name, service(channel, session, kinds))
