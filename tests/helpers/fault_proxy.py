"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between the kiosk and the sandbox (one request at a time per connection)."""

from __future__ import annotations

import enum
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


class Fault(enum.StrEnum):
    """What the proxy does with the next request."""

    NONE = "none"  # forward faithfully
    REFUSE = "refuse"  # no listener: connection refused
    HANG = "hang"  # accept, read the request, never answer (the client times out)
    HTTP_500 = "http_500"  # answer 500 without forwarding
    DROP_AFTER_COMMIT = "drop_after_commit"  # forward, read the answer, close without sending it
    SLOW_DRIP = "slow_drip"  # forward, send the answer one byte at a time
    GARBAGE = "garbage"  # answer 200 with a body that is not JSON, without forwarding
    CANNED = "canned"  # answer with the bytes `canned()` yields (head and body, any size), without forwarding


@dataclass
class _Request:
    head: bytes
    body: bytes


def _read_message(sock: socket.socket, buffer: bytearray) -> _Request | None:
    """One HTTP message (head + Content-Length body) from sock; None on EOF before a full head."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head_end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:head_end])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(buffer) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    body = bytes(buffer[head_end:head_end + length])
    del buffer[:head_end + length]
    return _Request(head, body)


class FaultProxy:
    """Proxy on an ephemeral 127.0.0.1 port; switch `fault` at any time; counts what it did per fault."""

    def __init__(self, upstream_port: int, *, drip_delay_s: float = 0.002, hang_s: float = 30.0) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.drip_delay_s = drip_delay_s
        self.hang_s = hang_s
        self._fault = Fault.NONE
        self.canned: Callable[[], Iterable[bytes]] = lambda: (b"HTTP/1.1 204 No Content\r\n\r\n",)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self.port = self._bind(0)
        self.counts: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._serve, name="fault-proxy", daemon=True)
        self._clients: set[socket.socket] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _bind(self, port: int) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        sock.settimeout(0.05)
        self._listener = sock
        return sock.getsockname()[1]

    @property
    def fault(self) -> Fault:
        return self._fault

    def set_fault(self, fault: Fault) -> None:
        """Switch behaviour; REFUSE closes the listening socket, anything else reopens it on the same port."""
        with self._lock:
            self._fault = Fault(fault)
            if fault is Fault.REFUSE and self._listener is not None:
                self._listener.close()
                self._listener = None
            elif fault is not Fault.REFUSE and self._listener is None:
                self._bind(self.port)
            if fault is not Fault.NONE:
                # A fault applies to new requests: drop kept-alive connections so the next request sees it.
                for c in list(self._clients):
                    try:
                        c.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for c in list(self._clients):
                try:
                    c.close()
                except OSError:
                    pass

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            client.settimeout(None)
            self._clients.add(client)
            threading.Thread(target=self._handle, args=(client,), name="fault-proxy-conn", daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        buffer = bytearray()
        try:
            while not self._stop.is_set():
                request = _read_message(client, buffer)
                if request is None:
                    return
                fault = self._fault
                self.counts[fault.value] += 1
                if fault is Fault.HANG:
                    self._stop.wait(self.hang_s)
                    return
                if fault is Fault.HTTP_500:
                    self._send(client, b'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n'
                                       b'Content-Length: 2\r\n\r\n{}')
                    continue
                if fault is Fault.CANNED:
                    for piece in self.canned():  # a reader that stops early ends this with a broken pipe
                        client.sendall(piece)
                    continue
                if fault is Fault.GARBAGE:
                    body = b"<html>gateway says hello</html>"
                    self._send(client, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                               + str(len(body)).encode() + b"\r\n\r\n" + body)
                    continue
                response = self._forward(request)
                if fault is Fault.DROP_AFTER_COMMIT:
                    return  # the platform has done the work; the kiosk never hears about it
                if fault is Fault.SLOW_DRIP:
                    for i in range(len(response)):
                        client.sendall(response[i:i + 1])
                        time.sleep(self.drip_delay_s)
                    continue
                self._send(client, response)
        except OSError:
            return
        finally:
            self._clients.discard(client)
            try:
                client.close()
            except OSError:
                pass

    @staticmethod
    def _send(client: socket.socket, data: bytes) -> None:
        client.sendall(data)

    def _forward(self, request: _Request) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as up:
            up.sendall(request.head + request.body)
            reply = _read_message(up, bytearray())
            if reply is None:
                raise OSError("upstream closed")
            return reply.head + reply.body
