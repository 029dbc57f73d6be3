"""Ends an unattended session: idle warning with a countdown and one 继续使用 button, and a maximum length."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget

from kiosk.session import Phase, SessionPolicy, SessionState
from kiosk.settings import Settings
from ui.text import tr
from ui.widgets import big_button, label

log = logging.getLogger(__name__)

# Input that means "someone is here" (moves and hovers do not: a kiosk's cursor may drift).
ACTIVITY_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress, QEvent.Type.Wheel,
})


def policy_from_settings(settings: Settings) -> SessionPolicy:
    """The SessionPolicy of the kiosk's [timeouts] settings."""
    t = settings.timeouts
    return SessionPolicy(idle_warning_s=t.idle_warning_s, countdown_s=t.idle_countdown_s,
                         max_session_s=t.max_session_s, max_extensions=t.max_extensions)


class SessionWarning(QFrame):
    """Covers the window: the countdown in large text and ONE large button (继续使用, or 知道了 at the maximum)."""

    def __init__(self, window: QWidget, on_keep: Callable[[], None], on_understood: Callable[[], None]) -> None:
        super().__init__(window)
        self.setObjectName("sessionWarning")
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = self.box = QFrame()
        box.setObjectName("cardPanel")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(50, 40, 50, 40)
        lay.setSpacing(40)
        self.text = label("sessionWarningText", "", role="heading")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # role "tile": the theme's largest button (tile height and text), so it cannot be missed
        self.keep = big_button("sessionKeep", tr("personal_watch.keep"), role="tile")
        self.keep.clicked.connect(on_keep)
        self.understood = big_button("sessionUnderstood", tr("personal_watch.understood"), role="tile")
        self.understood.clicked.connect(on_understood)
        lay.addWidget(self.text)
        lay.addWidget(self.keep)
        lay.addWidget(self.understood)
        outer.addWidget(box)
        self.hide()

    def present(self, text: str, *, can_keep: bool, max_length: bool) -> None:
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.keep.setVisible(can_keep)
        self.understood.setVisible(max_length)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
            # Sized for its text at this width: a centred box takes its plain size hint, which knows nothing of
            # a heading wrapped onto two lines (长辈模式) — the button was then cut off at the bottom.
            width = max(760, min(1000, parent.width() - 80))
            self.box.setFixedWidth(width)
            layout = self.box.layout()
            if layout is not None:
                layout.activate()
                self.box.setFixedHeight(layout.totalHeightForWidth(width))
        if not self.isVisible():
            self.show()
            (self.keep if can_keep else self.understood).setFocus()
        self.raise_()


class SessionWatch(QObject):
    """Watches the app's input and the clock; warns, then calls `on_expire()` (KioskUi.logout).

    `clock` returns monotonic seconds (inject a fake in tests and call tick()); a QTimer calls tick()
    every `tick_ms` while the watch runs. The warning only goes away through its button: input
    elsewhere while it shows does not count as activity.
    """

    countdown = Signal(str, int)  # the warning's text and seconds left, once a second while it shows (voice)

    def __init__(self, window: QWidget, policy: SessionPolicy, on_expire: Callable[[], None], *,
                 clock: Callable[[], float] = time.monotonic, tick_ms: int = 500,
                 page_idle: Callable[[], float | None] | None = None) -> None:
        super().__init__(window)
        self.setObjectName("sessionWatch")
        self.window = window
        self.policy = policy
        self.on_expire = on_expire
        self.clock = clock
        self._page_idle = page_idle or self._current_page_idle
        self.started = 0.0
        self.last_activity = 0.0
        self.extensions = 0
        self.running = False
        self.state = SessionState(Phase.ACTIVE, 0.0, "", True)
        self.expired_by = ""  # "idle" | "max_length" once the watch ended a session
        self._dismissed_max = False  # 知道了 pressed on the maximum-length warning
        self.warning = SessionWarning(window, self.extend, self._understood)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._filter_installed = False
        self._said_seconds = -1

    # ---- lifecycle ----
    def start(self) -> None:
        """A session (or anonymous browsing) begins now."""
        now = self.clock()
        self.started = self.last_activity = now
        self.extensions = 0
        self.expired_by = ""
        self._dismissed_max = False
        self.state = SessionState(Phase.ACTIVE, 0.0, "", True)
        self.running = True
        self.warning.hide()
        app = QApplication.instance()
        if app is not None and not self._filter_installed:
            app.installEventFilter(self)
            self._filter_installed = True
        self._timer.start()

    def stop(self) -> None:
        """The session ended (logout, card out, expiry): stop watching and hide the warning."""
        self.running = False
        self._timer.stop()
        self.warning.hide()
        app = QApplication.instance()
        if app is not None and self._filter_installed:
            app.removeEventFilter(self)
            self._filter_installed = False

    # ---- input ----
    def activity(self) -> None:
        """Someone touched the screen or pressed a key (ignored while the warning shows)."""
        if self.running and not self.warning.isVisible():
            self.last_activity = self.clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.running and event.type() in ACTIVITY_EVENTS:
            self.activity()
        return False

    def extend(self) -> None:
        """继续使用: one more idle period, up to the policy's number of extensions."""
        if not self.running or not self.state.can_extend:
            return
        self.extensions += 1
        self.last_activity = self.clock()
        self.warning.hide()
        self.tick()

    def _understood(self) -> None:
        self._dismissed_max = True
        self.warning.hide()

    # ---- time ----
    def _current_page_idle(self) -> float | None:
        page = getattr(self.window, "current_page", None)
        if page is None:
            return None
        try:
            return getattr(page(), "idle_warning_s", None)
        except (AttributeError, RuntimeError):
            return None

    def tick(self) -> SessionState:
        """Look at the clock: show, update or hide the warning; expire the session when time is up."""
        if not self.running:
            return self.state
        state = self.policy.state(now=self.clock(), started=self.started, last_activity=self.last_activity,
                                  extensions=self.extensions, idle_warning_s=self._page_idle())
        self.state = state
        if state.phase is Phase.EXPIRED:
            log.info("session ended by the %s limit", state.reason)
            self.expired_by = state.reason
            self.stop()
            self.on_expire()
        elif state.phase is Phase.WARNING:
            seconds = max(0, math.ceil(state.seconds_left))
            if state.reason == "max_length":
                if not self._dismissed_max:
                    self.warning.present(tr("personal_watch.max_length", seconds=seconds), can_keep=False,
                                         max_length=True)
            else:
                key = "personal_watch.idle" if state.can_extend else "personal_watch.idle_last"
                self.warning.present(tr(key, seconds=seconds), can_keep=state.can_extend, max_length=False)
            if self.warning.isVisible() and seconds != self._said_seconds:
                self._said_seconds = seconds
                self.countdown.emit(self.warning.text.text(), seconds)
        else:
            self._said_seconds = -1
            self.warning.hide()
        return state
