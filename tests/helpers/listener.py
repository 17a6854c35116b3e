"""A loopback HTTP listener that records every connection made to it.

It stands for "the network" in the tests of SERVICE and LOAD: a query that reached the network
would connect here. It answers every request with one SPARQL JSON row (so an engine that calls
it gets an answer and goes on), and counts connections, not requests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

ROW = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"PWNED"}}]}}'
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ROW), ROW)
)


@dataclass
class Listener:
    port: int
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def count(self) -> int:
        return len(self.connections)


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    """A listener on a free loopback port, closed at the end of the block."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    listener = Listener(server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    request = conn.recv(65536)
                except OSError:
                    request = b""
                listener.connections.append(request)
                with contextlib.suppress(OSError):
                    conn.sendall(ANSWER)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        server.close()
        thread.join(timeout=5)
