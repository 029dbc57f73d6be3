"""A stand-in for systemd supervising village-kiosk.service, over the same notify socket protocol.

What it does is what systemd does for `Type=notify`, `NotifyAccess=all`, `WatchdogSec=N`,
`Restart=always` (packaging/systemd/village-kiosk.service): it binds a unix datagram socket, starts the
program with NOTIFY_SOCKET and WATCHDOG_USEC in its environment, waits for READY=1, then expects
WATCHDOG=1 at least every N seconds; when a ping is late it sends the WatchdogSignal (SIGABRT), kills
what is left, and starts the program again. Every datagram is recorded with the sender's pid
(SCM_CREDENTIALS, as systemd reads it), so a test can tell which process said what.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

WATCHDOG_SIGNAL = signal.SIGABRT  # systemd's default WatchdogSignal=
FINAL_KILL_AFTER_S = 5.0  # systemd's TimeoutAbortSec= is longer; a test need not wait as long


@dataclass
class Event:
    """One thing the supervisor saw or did, at a monotonic time."""

    at: float
    pid: int | None
    what: str  # "start", "READY=1", "WATCHDOG=1", "STOPPING=1", "watchdog-timeout", "exit", "start-timeout"
    detail: str = ""


@dataclass
class NotifySupervisor:
    command: Sequence[str]
    env: Mapping[str, str]
    folder: Path
    watchdog_sec: float
    start_timeout_s: float = 90.0
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.socket_path = self.folder / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.socket_path))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.settimeout(0.1)
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notify-supervisor", daemon=True)
        self.log_path = self.folder / "program.log"

    # ---- the service ----
    def _spawn(self) -> None:
        env = {**self.env, "NOTIFY_SOCKET": str(self.socket_path),
               "WATCHDOG_USEC": str(int(self.watchdog_sec * 1_000_000))}
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(list(self.command), env=env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self._record(self.proc.pid, "start")

    def _kill(self, proc: subprocess.Popen[bytes], first: signal.Signals) -> None:
        try:
            os.killpg(proc.pid, first)
        except ProcessLookupError:
            return
        try:
            proc.wait(FINAL_KILL_AFTER_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def _record(self, pid: int | None, what: str, detail: str = "") -> None:
        with self._lock:
            self.events.append(Event(time.monotonic(), pid, what, detail))

    def _receive(self) -> tuple[int | None, list[str]] | None:
        try:
            data, ancillary, _flags, _addr = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except TimeoutError:
            return None
        pid = None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid, _uid, _gid = struct.unpack("iII", payload[:12])
        return pid, data.decode("utf-8", "replace").splitlines()

    def _run(self) -> None:
        self._spawn()
        assert self.proc is not None
        started = time.monotonic()
        last_ping: float | None = None
        while not self._stop.is_set():
            got = self._receive()
            now = time.monotonic()
            proc = self.proc
            if got is not None:
                pid, lines = got
                for line in lines:
                    if line in ("READY=1", "WATCHDOG=1", "STOPPING=1"):
                        self._record(pid, line)
                        if line != "STOPPING=1" and pid == proc.pid:
                            last_ping = now
            if proc.poll() is not None:
                self._record(proc.pid, "exit", str(proc.returncode))
            elif last_ping is None and now - started > self.start_timeout_s:
                self._record(proc.pid, "start-timeout")
                self._kill(proc, signal.SIGTERM)
            elif last_ping is not None and now - last_ping > self.watchdog_sec:
                self._record(proc.pid, "watchdog-timeout", f"last ping {now - last_ping:.1f} s ago")
                self._kill(proc, WATCHDOG_SIGNAL)
            else:
                continue
            if not self._stop.is_set():  # Restart=always
                self._spawn()
                started, last_ping = time.monotonic(), None

    # ---- the test's side ----
    def start(self) -> NotifySupervisor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        if self.proc is not None and self.proc.poll() is None:
            self._kill(self.proc, signal.SIGTERM)
        self.sock.close()

    def snapshot(self) -> list[Event]:
        with self._lock:
            return list(self.events)

    def wait_for(self, what: str, *, pid: int | None = None, not_pid: int | None = None, after: float = 0.0,
                 count: int = 1, timeout: float = 60.0) -> list[Event]:
        """The first `count` events `what` (from `pid`, or from any pid but `not_pid`) after `after`."""
        deadline = time.monotonic() + timeout
        while True:
            hits = [e for e in self.snapshot() if e.what == what and e.at >= after
                    and (pid is None or e.pid == pid) and (not_pid is None or e.pid != not_pid)]
            if len(hits) >= count:
                return hits[:count]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {count}× {what} within {timeout} s; events: {self.describe()}\n"
                                     f"program log tail:\n{self.log_tail()}")
            time.sleep(0.05)

    def describe(self) -> str:
        t0 = self.events[0].at if self.events else 0.0
        return "; ".join(f"{e.at - t0:.1f}s {e.pid} {e.what} {e.detail}".strip() for e in self.snapshot())

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except FileNotFoundError:
            return ""
