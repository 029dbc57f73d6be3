"""The service watchdog's heartbeat, driven by the GUI event loop (the protocol is kiosk/watchdog.py).

READY=1 goes out on the first tick after the main window is on screen (it opens on the attract page;
a card already on a reader may move it on at once, which must not hold READY back);
WATCHDOG=1 on every tick after that. The ticks are a QTimer of the GUI thread: when that thread
hangs, the pings stop and systemd (WatchdogSec) restarts the session instead of leaving a dead screen.
"""

from __future__ import annotations

import logging
from typing import Self

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.watchdog import ServiceNotifier

log = logging.getLogger(__name__)

READY_POLL_MS = 100  # until the attract screen is shown


def window_on_screen(window: QWidget) -> bool:
    """The window is shown and exposed (drawn on screen), not merely created."""
    handle = window.windowHandle()
    return window.isVisible() and handle is not None and handle.isExposed()


class WindowTicker(QObject):
    """Ticks on the GUI thread every `interval_ms` from start() to stop(), and only if `enabled()` when started;
    the ticks usually wait for `window_on_screen(self.window)` before doing their work."""

    interval_ms = 100

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)

    def enabled(self) -> bool:
        raise NotImplementedError

    def tick(self) -> None:
        raise NotImplementedError

    def start(self) -> Self:
        if self.enabled():
            self.timer.start(self.interval_ms)
        return self

    def stop(self) -> None:
        self.timer.stop()


class WatchdogHeartbeat(WindowTicker):
    """Ticks on the GUI thread: READY=1 once the window is exposed, then WATCHDOG=1."""

    interval_ms = READY_POLL_MS

    def __init__(self, notifier: ServiceNotifier, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(window, parent)
        self.notifier = notifier

    def enabled(self) -> bool:
        return self.notifier.enabled

    def tick(self) -> None:
        if not self.notifier.ready_sent:
            if not window_on_screen(self.window) or not self.notifier.ready():
                return
            log.info("told the service manager the kiosk is ready")
            interval = self.notifier.watchdog_interval_s
            if interval is None:
                self.timer.stop()
                return
            self.timer.start(max(50, int(interval * 1000)))
        self.notifier.ping()

    def stop(self) -> None:
        super().stop()
        self.notifier.stopping()
        self.notifier.close()


def install(window: QWidget) -> WatchdogHeartbeat:
    """The heartbeat for this process's service manager ($NOTIFY_SOCKET), started; idle without one."""
    return WatchdogHeartbeat(ServiceNotifier.from_environment(), window, parent=window).start()
