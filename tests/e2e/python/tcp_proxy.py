# A loopback TCP proxy for the end-to-end tests that cuts every connection through it
# at random moments, so that clients see their streams break mid-flight.
#
#   with CuttingProxy("127.0.0.1:50051", seed=7) as proxy:
#       client = Client(proxy.address, ...)     # traffic goes through the proxy
#       ...
#       assert proxy.cuts >= 10
#
# Each accepted connection gets its own upstream connection (made at accept time: when
# the upstream is down, the client's connection is closed at once), and two pump threads.
# A cutter thread sleeps a random 20..300 ms (seeded), then closes every live connection,
# half of the time with a TCP reset. The listener stays up across upstream restarts.
import random
import socket
import struct
import threading
from typing import List, Optional, Set, Tuple

BUFFER_BYTES = 65536


def _split(address: str) -> Tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def _close(sock: socket.socket, reset: bool) -> None:
    """Closes `sock` with a FIN, or with a RST when `reset`. Either way it first shuts
    the socket down, which wakes a pump thread blocked in recv() on it (close() alone
    would not: the blocked call keeps the socket open, and the peer would hear nothing)."""
    try:
        if reset:  # SO_LINGER 0: the final close sends RST; SHUT_RD sends nothing itself
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RD)
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class _Link:
    """One proxied connection: the client's socket and its upstream socket."""

    def __init__(self, downstream: socket.socket, upstream: socket.socket):
        self.sockets = (downstream, upstream)
        self._lock = threading.Lock()
        self._closed = False

    def close(self, reset: bool = False) -> bool:
        """Closes both sides once; True if this call closed them."""
        with self._lock:
            if self._closed:
                return False
            self._closed = True
        for sock in self.sockets:
            _close(sock, reset)
        return True


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to `target` and cuts all connections at random times.

    Attributes: address ("127.0.0.1:port"), cuts (cut rounds that closed at least one
    connection), accepted (connections accepted). Call start() (or use `with`), stop().
    Thread-safe.
    """

    def __init__(self, target: str, *, seed: int, min_gap_s: float = 0.02,
                 max_gap_s: float = 0.3) -> None:
        self._target = _split(target)
        self._rng = random.Random(seed)
        self._gaps = (min_gap_s, max_gap_s)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._links: Set[_Link] = set()
        self._threads: List[threading.Thread] = []
        self._stopped = threading.Event()
        self._cutting = threading.Event()
        self.cuts = 0
        self.accepted = 0

    def start(self) -> "CuttingProxy":
        self._cutting.set()
        for target in (self._accept_loop, self._cut_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def pause_cutting(self) -> None:
        """Stops cutting (e.g. to let a watch catch up at the end); connections stay up."""
        self._cutting.clear()

    def stop(self) -> None:
        """Closes the listener and every connection; joins the proxy's threads."""
        self._stopped.set()
        _close(self._listener, reset=False)
        self.cut_all()
        for thread in self._threads:
            thread.join(timeout=5)

    def cut_all(self, reset: bool = False) -> int:
        """Closes every live connection now; returns how many."""
        with self._lock:
            links, self._links = self._links, set()
        return sum(link.close(reset) for link in links)

    def __enter__(self) -> "CuttingProxy":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                downstream, _ = self._listener.accept()
            except OSError:
                return
            upstream = self._connect_upstream()
            if upstream is None:
                _close(downstream, reset=True)
                continue
            self._start_link(downstream, upstream)

    def _connect_upstream(self) -> Optional[socket.socket]:
        try:
            return socket.create_connection(self._target, timeout=2.0)
        except OSError:
            return None

    def _start_link(self, downstream: socket.socket, upstream: socket.socket) -> None:
        upstream.settimeout(None)
        link = _Link(downstream, upstream)
        with self._lock:
            if self._stopped.is_set():
                link.close()
                return
            self._links.add(link)
            self.accepted += 1
        for source, sink in ((downstream, upstream), (upstream, downstream)):
            threading.Thread(target=self._pump, args=(link, source, sink), daemon=True).start()

    def _pump(self, link: _Link, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(BUFFER_BYTES)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        link.close()
        with self._lock:
            self._links.discard(link)

    def _cut_loop(self) -> None:
        while not self._stopped.wait(self._rng.uniform(*self._gaps)):
            if not self._cutting.is_set():
                continue
            reset = self._rng.random() < 0.5
            if self.cut_all(reset) > 0:
                with self._lock:
                    self.cuts += 1
