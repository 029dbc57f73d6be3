"""The hidden technician entry: N taps in one corner of the window within a few seconds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QWidget

CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")


class CornerTaps(QObject):
    """An application-wide event filter: `triggered` after `taps` presses in `corner` within `within_s`.

    It also reports every press and key to `on_activity` (the technician mode's idle timer). Events are
    never consumed: the widgets under the corner keep working.
    """

    triggered = Signal()

    def __init__(self, window: QWidget, *, taps: int = 5, within_s: float = 3.0, corner: str = "top_right",
                 size_px: int = 140, clock: Callable[[], float] = time.monotonic,
                 on_activity: Callable[[], None] = lambda: None) -> None:
        super().__init__(window)
        if corner not in CORNERS:
            raise ValueError(f"corner {corner!r}; one of {CORNERS}")
        self._window = window
        self.taps = taps
        self.within_s = within_s
        self.corner = corner
        self.size_px = size_px
        self._clock = clock
        self._on_activity = on_activity
        self._times: deque[float] = deque(maxlen=taps)
        self._last: tuple[int, int, int] | None = None
        self.enabled = True

    def corner_rect(self) -> QRect:
        """The corner's rectangle in window coordinates."""
        w, h, s = self._window.width(), self._window.height(), self.size_px
        x = 0 if self.corner.endswith("left") else w - s
        y = 0 if self.corner.startswith("top") else h - s
        return QRect(x, y, s, s)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.TouchBegin):
            self._on_activity()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) or not isinstance(event, QMouseEvent):
            return False
        # Qt offers an unhandled press to each parent in turn: count each physical press once.
        gp = event.globalPosition().toPoint()
        stamp = (int(event.timestamp()), gp.x(), gp.y())
        if stamp == self._last:
            return False
        self._last = stamp
        self._on_activity()
        if not self.enabled or not self._window.isVisible():
            return False
        local: QPoint = self._window.mapFromGlobal(gp)
        if not self.corner_rect().contains(local):
            self._times.clear()
            return False
        now = self._clock()
        self._times.append(now)
        if len(self._times) == self.taps and now - self._times[0] <= self.within_s:
            self._times.clear()
            self.triggered.emit()
        return False

    def reset(self) -> None:
        self._times.clear()
