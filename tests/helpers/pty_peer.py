"""A pseudo-terminal serial peer for driver tests, plus an event recorder to wait on what a driver emits."""

from __future__ import annotations

import array
import fcntl
import os
import pty
import select
import termios
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

Handler = Callable[[bytes], bytes | None]
_SPEEDS = {getattr(termios, f"B{n}"): n for n in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)}


class PtyPeer:
    """The device end of a pty: a thread owning the master fd answers what the driver writes.

    `handler(received_bytes) -> reply | None` is called on that thread. Switches: `silent`
    (read and drop everything: a device that stopped answering), `split` (write replies one
    byte at a time, each only after the driver has read the previous one). `send()` injects
    bytes (garbage, unsolicited data). `disconnect()` closes the master: the driver sees the
    device vanish (SerialException / OSError EIO). With `link`, the driver opens a stable
    symlink, so a new PtyPeer on the same link is a "replug".
    """

    def __init__(self, handler: Handler | None = None, *, link: str | Path | None = None) -> None:
        self.handler: Handler = handler or (lambda data: None)
        self.silent = False
        self.split = False
        self.byte_wait = 0.2  # split mode: longest wait for the driver to read one byte
        self.received = bytearray()
        self._master, self._slave = pty.openpty()
        tty.setraw(self._slave)
        self.slave_name = os.ttyname(self._slave)
        self.link = Path(link) if link else None
        if self.link:
            tmp = self.link.with_name(self.link.name + ".new")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(self.slave_name)
            tmp.replace(self.link)  # atomic, like udev re-creating /dev/serial/by-id/…
        self._wake_r, self._wake_w = os.pipe()
        self._outgoing: list[tuple[bytes, bool]] = []
        self._lock = threading.Lock()
        self._closing = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="pty-peer", daemon=True)

    @property
    def path(self) -> str:
        """What the driver should open."""
        return str(self.link) if self.link else self.slave_name

    def start(self) -> PtyPeer:
        self._thread.start()
        return self

    def __enter__(self) -> PtyPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def baud(self) -> int:
        """The rate the driver set on its end (a pty shares one termios between both ends)."""
        return _SPEEDS.get(termios.tcgetattr(self._master)[5], 0)

    def send(self, data: bytes, split: bool | None = None) -> None:
        """Write bytes to the driver from the owner thread (any thread may call this)."""
        if self._closing:
            raise RuntimeError("peer is disconnected")
        with self._lock:
            self._outgoing.append((data, self.split if split is None else split))
        os.write(self._wake_w, b"x")

    def wait_received(self, predicate: Callable[[bytes], bool], timeout: float = 5.0) -> None:
        """Wait until what the driver has written so far satisfies `predicate` (AssertionError if never)."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(bytes(self.received)), timeout):
                raise AssertionError(f"peer never saw the expected bytes ({len(self.received)} received)")

    def disconnect(self) -> None:
        """Unplug: the owner thread closes the master (and our slave fd); returns when done."""
        if self._closing:
            return
        self._closing = True
        if self._thread.is_alive():
            os.write(self._wake_w, b"x")
            self._thread.join(5.0)
        else:
            self._close_fds(self._master, self._slave)
        self._close_fds(self._wake_r, self._wake_w)

    # --- owner thread ---
    def _run(self) -> None:
        try:
            while not self._closing:
                readable, _, _ = select.select([self._master, self._wake_r], [], [], 0.5)
                if self._wake_r in readable:
                    os.read(self._wake_r, 4096)
                if self._closing:
                    break
                if self._master in readable:
                    self._receive()
                with self._lock:
                    pending, self._outgoing = self._outgoing, []
                for data, split in pending:
                    self._write(data, split)
        finally:
            self._close_fds(self._master, self._slave)  # only the owner thread closes the master
            if self.link and self.link.is_symlink() and os.readlink(self.link) == self.slave_name:
                self.link.unlink()  # unplugged: the device node goes away too

    def _receive(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except OSError:  # EIO while nobody has the slave open: nothing to read
            time.sleep(0.01)
            return
        with self._cond:
            self.received += data
            self._cond.notify_all()
        if self.silent:
            return
        reply = self.handler(data)
        if reply:
            self._write(reply, self.split)

    def _write(self, data: bytes, split: bool) -> None:
        if not split:
            view = memoryview(data)
            while view:
                view = view[os.write(self._master, view) :]
            return
        for i in range(len(data)):
            os.write(self._master, data[i : i + 1])
            deadline = time.monotonic() + self.byte_wait
            while self._unread() and time.monotonic() < deadline and not self._closing:
                time.sleep(0.0001)

    def _unread(self) -> int:
        buf = array.array("i", [0])
        fcntl.ioctl(self._slave, termios.FIONREAD, buf)
        return buf[0]

    @staticmethod
    def _close_fds(*fds: int) -> None:
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass


E = TypeVar("E")


class EventLog:
    """A driver's event sink that tests can wait on (no sleeps: a condition variable)."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self._cond = threading.Condition()

    def __call__(self, event: Any) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, kind: type[E]) -> list[E]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(self, predicate: Callable[[list[Any]], bool], timeout: float = 5.0) -> list[Any]:
        """Wait until predicate(events) holds; AssertionError (listing event types) if it never does."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self.events), timeout):
                raise AssertionError(f"condition not met; events: {[type(e).__name__ for e in self.events]}")
            return list(self.events)

    def wait_count(self, kind: type[E], count: int = 1, timeout: float = 5.0) -> list[E]:
        """Wait until at least `count` events of `kind` arrived; return them."""
        self.wait_for(lambda events: sum(isinstance(e, kind) for e in events) >= count, timeout)
        return self.of(kind)

    def mark(self) -> int:
        """The number of events so far (to wait for something *after* this point)."""
        with self._cond:
            return len(self.events)

    def since(self, mark: int) -> list[Any]:
        with self._cond:
            return self.events[mark:]
