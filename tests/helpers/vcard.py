"""A virtual social security card speaking the vpcd wire protocol: connect = inserted, close = removed.

The card's answers come from tests/helpers/ssc_emulator.py (written from card-protocols.md §B), never from
devices/: the wire protocol here is test-stack.md's vpcd notes.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from dataclasses import replace
from typing import Any

from tests.helpers.ssc_emulator import SsCardEmulator, SsCardProfile

log = logging.getLogger(__name__)

CTRL_POWER_OFF, CTRL_POWER_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    # Without QUICKACK each exchange waits ~40 ms for a delayed ACK; it must be re-armed before every receive.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    return sock.recv(n, socket.MSG_WAITALL) if n else b""


class VirtualSsCard:
    """A social security card in vpcd's reader slot on port; the card's state survives remove/insert."""

    def __init__(self, port: int, profile: SsCardProfile | None = None, host: str = "127.0.0.1",
                 model: Any = None) -> None:
        """model: any card with process(apdu), reset() and profile.atr / profile.pull_after_apdus (e.g. a PSAM);
        default a social security card of `profile`."""
        if host != "127.0.0.1":
            raise ValueError("tests talk to 127.0.0.1 only")
        self.port = port
        self.host = host
        self.model = model if model is not None else SsCardEmulator(profile or SsCardProfile())
        self.pulled = threading.Event()  # set when the card was pulled out mid-conversation
        self.removed = threading.Event()
        self.removed.set()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._apdus_this_insert = 0

    @property
    def profile(self) -> SsCardProfile:
        return self.model.profile

    def configure(self, **changes: object) -> None:
        """Change the profile (e.g. pull_after_apdus) for the next insertion; the PIN counter is kept."""
        self.model.profile = replace(self.model.profile, **changes)  # type: ignore[arg-type]

    @property
    def inserted(self) -> bool:
        return not self.removed.is_set()

    def insert(self, timeout: float = 10.0) -> None:
        """Connect to vpcd (retrying while pcscd is (re)starting): the reader now has a card."""
        if self.inserted:
            raise RuntimeError("card already inserted")
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._apdus_this_insert = 0
        self.pulled.clear()
        self.removed.clear()
        self.model.reset()
        self._thread = threading.Thread(target=self._serve, args=(sock,), name=f"vcard-{self.port}", daemon=True)
        self._thread.start()

    def remove(self, timeout: float = 5.0) -> None:
        """Take the card out (close the connection)."""
        sock, thread = self._sock, self._thread
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the other side
        if thread is not None:
            thread.join(timeout)
        self._sock = self._thread = None
        self.removed.set()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                head = _recv_exact(sock, 2)
                if len(head) < 2:
                    return
                (n,) = struct.unpack("!H", head)
                msg = _recv_exact(sock, n)
                if len(msg) < n:
                    return
                if n == 1:
                    if msg[0] == CTRL_ATR:
                        self._send(sock, self.model.profile.atr)
                    elif msg[0] in (CTRL_POWER_ON, CTRL_RESET, CTRL_POWER_OFF):
                        self.model.reset()
                    continue
                limit = self.model.profile.pull_after_apdus
                if limit is not None and self._apdus_this_insert >= limit:
                    self.pulled.set()
                    return  # closing without an answer: the card left the reader mid-command
                self._apdus_this_insert += 1
                self._send(sock, self.model.process(msg))
        except OSError as exc:
            log.debug("virtual card connection ended: %s", exc)
        finally:
            try:
                sock.close()
            finally:
                self.removed.set()

    @staticmethod
    def _send(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack("!H", len(payload)) + payload)


class EventRecorder:
    """An event sink for card reader drivers that lets a test wait for an event instead of sleeping."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._cond = threading.Condition()

    def __call__(self, event: object) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0, after: int = 0) -> object:
        """The first event at index >= after matching predicate; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[after:]:
                    if predicate(event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching event within {timeout}s; got {self.kinds()}")
                self._cond.wait(left)

    def wait_type(self, kind: type, timeout: float = 10.0, after: int = 0) -> object:
        return self.wait_for(lambda e: isinstance(e, kind), timeout, after)

    def mark(self) -> int:
        """The current length: pass as after= to wait only for newer events."""
        with self._cond:
            return len(self.events)

    def kinds(self, after: int = 0) -> list[str]:
        with self._cond:
            return [_describe(e) for e in self.events[after:]]


def _describe(event: object) -> str:
    health = getattr(event, "health", None)
    if health is not None:
        return f"HealthChanged({health.state.value})"
    return type(event).__name__
