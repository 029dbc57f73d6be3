"""Stand-in receipt printers for tests: a TCP 9100 sink on 127.0.0.1 that answers DLE EOT, and a file sink."""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.escpos_decode import Decoded, EscposDecodeError, decode, tokenize

log = logging.getLogger(__name__)

# Answers to DLE EOT 1 / 2 / 4 per mode (fixed bits 0x12 always set, as real printers do).
MODES: dict[str, dict[int, int] | None] = {
    "normal": {1: 0x12, 2: 0x12, 4: 0x12},
    "paper_near_end": {1: 0x12, 2: 0x12, 4: 0x12 | 0x0C},
    "paper_out": {1: 0x12 | 0x08, 2: 0x12 | 0x20, 4: 0x12 | 0x60},
    "cover_open": {1: 0x12 | 0x08, 2: 0x12 | 0x04, 4: 0x12},
    "offline": {1: 0x12 | 0x08, 2: 0x12, 4: 0x12},
    "error": {1: 0x12 | 0x08, 2: 0x12 | 0x40, 4: 0x12},
    "garbled": {1: 0xFF, 2: 0xFF, 4: 0xFF},
    "silent": None,  # records everything, never answers a status query
}


@dataclass
class _Conn:
    data: bytearray = field(default_factory=bytearray)


class StatusResponder:
    """Tokenises a byte stream as it arrives and produces the answers to its DLE EOT queries."""

    def __init__(self, owner: _HasMode) -> None:
        self.owner = owner
        self.pending = b""

    def feed(self, chunk: bytes) -> bytes:
        """Consume a chunk; return the status bytes to send back."""
        self.pending += chunk
        try:
            tokens, used = tokenize(self.pending, final=False)
        except EscposDecodeError as exc:
            self.owner.errors.append(str(exc))
            self.pending = b""
            return b""
        self.pending = self.pending[used:]
        out = bytearray()
        for tok in tokens:
            if tok.kind != "command":
                continue
            if tok.raw[:2] == b"\x1dV" and self.owner.mode_after_cut:
                self.owner.set_mode(self.owner.mode_after_cut)
            if tok.raw[:2] == b"\x10\x04":
                answers = MODES[self.owner.mode]
                if answers is None:
                    continue
                n = tok.raw[2]
                reply = answers.get(n, 0x12)
                self.owner.answered.append((n, reply))
                out.append(reply)
        return bytes(out)


class _HasMode:
    """What a sink shares with its responder: the mode, and what happened."""

    mode: str
    mode_after_cut: str | None
    errors: list[str]
    answered: list[tuple[int, int]]

    def set_mode(self, mode: str) -> None:
        """Switch what status the printer reports (takes effect for the next query)."""
        if mode not in MODES:
            raise ValueError(f"unknown sink mode {mode!r}; one of {sorted(MODES)}")
        self.mode = mode


class EscposTcpSink(_HasMode):
    """A printer on 127.0.0.1:<ephemeral>: records every byte, answers DLE EOT n according to mode.

    The byte stream is tokenised as it arrives (using the decoder's command lengths), so a
    DLE EOT inside raster or QR data is not mistaken for a query. Use as a context manager.
    """

    def __init__(self, mode: str = "normal") -> None:
        self.set_mode(mode)
        self.mode_after_cut = None  # e.g. "paper_out": the roll runs out during a job
        self.errors = []
        self.answered = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(8)
        self.port: int = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._conns: list[_Conn] = []
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._socks: list[socket.socket] = []
        self._received = threading.Condition(self._lock)
        self._accept_thread = threading.Thread(target=self._accept_loop, name="escpos-sink-accept", daemon=True)
        self._accept_thread.start()

    # --- control ------------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        """The address to configure the driver with."""
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def data(self) -> bytes:
        """Every byte received on every connection, in connection order."""
        with self._lock:
            return b"".join(bytes(c.data) for c in self._conns)

    @property
    def connections(self) -> int:
        """How many connections the driver opened."""
        with self._lock:
            return len(self._conns)

    def decoded(self, encoding: str = "gb18030", *, chinese_mode_required: bool = True) -> Decoded:
        """The received bytes decoded back."""
        return decode(self.data, encoding, chinese_mode_required=chinese_mode_required)

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:  # noqa: ANN001
        """Wait until predicate(received bytes) is true (no sleeping); False on timeout."""
        with self._received:
            return self._received.wait_for(
                lambda: predicate(b"".join(bytes(c.data) for c in self._conns)), timeout=timeout
            )

    def kick(self) -> None:
        """Drop every open connection from the printer's side (a power cycle or replugged cable)."""
        with self._lock:
            socks, self._socks = self._socks, []
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError as exc:
                log.debug("sink kick: %s", exc)

    def close(self) -> None:
        """Stop accepting, close every connection, join the threads."""
        self._stopping.set()
        try:
            self._server.close()
        except OSError as exc:
            log.debug("sink server close: %s", exc)
        # wake accept() by connecting once (closing a listening socket does not always interrupt it)
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
        except OSError as exc:  # refused: the accept loop has already ended
            log.debug("sink wake-up connect: %s", exc)
        for t in [self._accept_thread, *self._threads]:
            t.join(timeout=5)

    def __enter__(self) -> EscposTcpSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- threads ------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._server.accept()
            except OSError:
                return
            if self._stopping.is_set():
                sock.close()
                return
            conn = _Conn()
            with self._lock:
                self._conns.append(conn)
                self._socks.append(sock)
            t = threading.Thread(target=self._serve, args=(sock, conn), name="escpos-sink-conn", daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, sock: socket.socket, conn: _Conn) -> None:
        responder = StatusResponder(self)  # per connection: a new connection starts a new stream
        sock.settimeout(0.2)
        with sock:
            while not self._stopping.is_set():
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                with self._received:
                    conn.data += chunk
                    self._received.notify_all()
                reply = responder.feed(chunk)
                if reply:
                    try:
                        sock.sendall(reply)
                    except OSError:
                        return


class FileSink:
    """A file the driver prints into (file://…); read the bytes back and decode them."""

    def __init__(self, directory: Path, name: str = "receipt.bin") -> None:
        self.path = Path(directory) / name

    @property
    def uri(self) -> str:
        return f"file://{self.path}"

    @property
    def data(self) -> bytes:
        return self.path.read_bytes() if self.path.exists() else b""

    def decoded(self, encoding: str = "gb18030", *, chinese_mode_required: bool = True) -> Decoded:
        return decode(self.data, encoding, chinese_mode_required=chinese_mode_required)


class EscposPtySink(_HasMode):
    """A serial printer on a pseudo-terminal: the driver opens .path (serial://…?flow=none)."""

    def __init__(self, mode: str = "normal") -> None:
        import os
        import tty

        self.set_mode(mode)
        self.mode_after_cut = None
        self.errors = []
        self.answered = []
        self._os = os
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._data = bytearray()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._responder = StatusResponder(self)
        self._thread = threading.Thread(target=self._loop, name="escpos-pty-sink", daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"serial://{self.path}?baud=115200&flow=none"

    @property
    def data(self) -> bytes:
        with self._lock:
            return bytes(self._data)

    def decoded(self, encoding: str = "gb18030", *, chinese_mode_required: bool = True) -> Decoded:
        return decode(self.data, encoding, chinese_mode_required=chinese_mode_required)

    def _loop(self) -> None:
        import select

        while not self._stopping.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = self._os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._data += chunk
            reply = self._responder.feed(chunk)
            if reply:
                self._os.write(self.master, reply)

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for fd in (self.master, self._slave):
            try:
                self._os.close(fd)
            except OSError as exc:
                log.debug("pty close: %s", exc)

    def __enter__(self) -> EscposPtySink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
