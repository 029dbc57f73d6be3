"""Tells `kiosk update` (root, kiosk/updates/) how the running kiosk is: healthy, and whether it is in use.

A timer on the GUI thread looks at the window only (no I/O here): once the attract screen is exposed
it asks the core's RunStatus to write health.json (database already opened and migrated by the core,
device health read on the writer thread); whenever the screen leaves or returns to the attract page it
writes session.json, so an update never restarts the kiosk in front of a resident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from kiosk.updates.files import RunStatus
from ui.watchdog import WindowTicker, window_on_screen

POLL_MS = 500


class RunStatusWatch(WindowTicker):
    """Publishes health once and the in-use state on every change; idle when there is no status folder."""

    interval_ms = POLL_MS

    def __init__(self, status: RunStatus, window: QWidget, *, in_use: Callable[[], bool],
                 device_health: Callable[[], Mapping[str, str]], parent: QObject | None = None) -> None:
        super().__init__(window, parent)
        self.status = status
        self.in_use = in_use
        self.device_health = device_health
        self.healthy_sent = False
        self._busy: bool | None = None

    def enabled(self) -> bool:
        return self.status.enabled

    def tick(self) -> None:
        if not self.healthy_sent:
            if not window_on_screen(self.window):
                return
            self.status.healthy(self.device_health)
            self.healthy_sent = True
        busy = self.in_use()
        if busy != self._busy:
            self._busy = busy
            self.status.session(busy)
