"""Tell the service manager (systemd) that the kiosk is up and that its screen still answers.

The sd_notify protocol, written out here (no dependency): newline-separated `KEY=VALUE` lines sent as
one datagram to the unix socket named by $NOTIFY_SOCKET (a leading `@` means the abstract namespace).
`READY=1` once the attract screen is shown; `WATCHDOG=1` at a third of $WATCHDOG_USEC, from a timer
on the GUI event loop (ui/watchdog.py), so a frozen GUI thread stops the pings and systemd restarts
the session after WatchdogSec (packaging/systemd/village-kiosk.service). Without $NOTIFY_SOCKET (a
source checkout, the demo, the tests) every call is a no-op.

No Qt here; sending never blocks (a full socket buffer drops the message with one log line).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping, MutableMapping
from types import MappingProxyType

log = logging.getLogger(__name__)

ENV_SOCKET = "NOTIFY_SOCKET"
ENV_WATCHDOG_USEC = "WATCHDOG_USEC"
ENV_WATCHDOG_PID = "WATCHDOG_PID"
# Pings per WatchdogSec: a third leaves room for a slow tick under load before systemd gives up.
PINGS_PER_PERIOD = 3

# STATUS= texts, shown to a technician by `systemctl status village-kiosk`.
MESSAGES: Mapping[str, str] = MappingProxyType({
    "ready": "待机画面已显示",
    "stopping": "正在退出",
})


class ServiceNotifier:
    """One service manager's notify socket; `enabled` is False (and every call a no-op) without one.

    `watchdog_interval_s` is how often to send WATCHDOG=1, or None when the unit has no WatchdogSec
    (or the watchdog is meant for another process: WATCHDOG_PID names neither us nor our parent —
    the parent counts because the unit's main process is cage, whose only client is the kiosk).
    """

    def __init__(self, socket_path: str | None, *, watchdog_usec: int | None = None) -> None:
        self.socket_path = socket_path or None
        self.watchdog_interval_s: float | None = None
        if self.socket_path and watchdog_usec and watchdog_usec > 0:
            self.watchdog_interval_s = watchdog_usec / 1_000_000 / PINGS_PER_PERIOD
        self._sock: socket.socket | None = None
        self._failed_once = False
        self.ready_sent = False

    @classmethod
    def from_environment(cls, env: MutableMapping[str, str] | None = None, *, pid: int | None = None,
                         parent_pid: int | None = None) -> ServiceNotifier:
        """Read $NOTIFY_SOCKET, $WATCHDOG_USEC, $WATCHDOG_PID and remove them from `env` (default
        os.environ), so child processes (the demo sandbox) do not talk to the service manager too."""
        env = os.environ if env is None else env
        pid = os.getpid() if pid is None else pid
        parent_pid = os.getppid() if parent_pid is None else parent_pid
        path = env.pop(ENV_SOCKET, None)
        usec_text = env.pop(ENV_WATCHDOG_USEC, None)
        pid_text = env.pop(ENV_WATCHDOG_PID, None)
        usec: int | None = None
        if usec_text:
            try:
                usec = int(usec_text)
            except ValueError:
                log.warning("ignoring %s=%r: not a number of microseconds", ENV_WATCHDOG_USEC, usec_text)
        if usec and pid_text:
            try:
                watched = int(pid_text)
            except ValueError:
                watched = -1
            if watched not in (pid, parent_pid):
                log.info("the service watchdog is for process %s, not this one: no pings", pid_text)
                usec = None
        return cls(path, watchdog_usec=usec)

    @property
    def enabled(self) -> bool:
        return self.socket_path is not None

    def ready(self) -> bool:
        """READY=1 (once): the attract screen is shown."""
        if self.ready_sent:
            return True
        self.ready_sent = self.send(f"READY=1\nSTATUS={MESSAGES['ready']}")
        return self.ready_sent

    def ping(self) -> bool:
        """WATCHDOG=1: the GUI event loop is turning."""
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        """STOPPING=1: a deliberate exit (systemd still restarts the unit: Restart=always)."""
        return self.send(f"STOPPING=1\nSTATUS={MESSAGES['stopping']}")

    def send(self, message: str) -> bool:
        """One datagram; True when it left. Never blocks, never raises."""
        if self.socket_path is None:
            return False
        address = "\0" + self.socket_path[1:] if self.socket_path.startswith("@") else self.socket_path
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                self._sock.setblocking(False)
            self._sock.sendto(message.encode("utf-8"), address)
        except OSError as exc:
            if not self._failed_once:  # once: a missing manager must not fill the log every few seconds
                log.warning("could not notify the service manager at %s: %s", self.socket_path, exc)
                self._failed_once = True
            return False
        return True

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
