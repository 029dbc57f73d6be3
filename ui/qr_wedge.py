"""Catch a keyboard-wedge QR scanner's keystrokes before any widget sees them; a thin Qt adapter.

The timing rule lives in the core (kiosk.device_setup re-exports it from devices/qr/wedge.py);
this filter only turns Qt key presses into its input, re-delivers keys a person typed to the
widget they were aimed at, and hands finished scans to the core, which delivers them through the
QR driver and device manager like a serial scanner's. A scan's keys never reach a field.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from kiosk.device_setup import BurstDetector, KeyboardWedgeInput, Outcome, PassThrough, Scanned

log = logging.getLogger(__name__)

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_NOT_TYPING = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier

HeldKey = tuple[QWidget, QKeyEvent]


class KeyboardWedgeFilter(QObject):
    """An application event filter: key presses go through the burst rule before reaching widgets."""

    def __init__(self, wedge: KeyboardWedgeInput, *, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._deliver = wedge.deliver
        self._detector: BurstDetector[HeldKey] = BurstDetector(wedge.max_gap_s, wedge.min_length)
        self._clock = clock
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(math.ceil(wedge.max_gap_s * 1000) + 1)
        self._timer.timeout.connect(self._poll)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Only the press as delivered to a widget: the window sees it first and forwards it there.
        if self._replaying or event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        char = self._scan_character(event)
        if char is None:  # arrows, Backspace, shortcuts: never part of a scan; what is held goes first
            self._handle(self._detector.other())
            return False
        copy = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(), event.isAutoRepeat(),
                         event.count())
        self._handle(self._detector.key((watched, copy), char, self._clock()))
        if self._detector.holding:
            self._timer.start()
        return True

    def uninstall(self) -> None:
        """Stop filtering (the kiosk UI is closing)."""
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @staticmethod
    def _scan_character(event: QKeyEvent) -> str | None:
        if event.modifiers() & _NOT_TYPING:
            return None
        if event.key() in _ENTER_KEYS:
            return "\r"
        text = event.text()
        return text if len(text) == 1 and " " <= text <= "~" else None

    def _poll(self) -> None:
        self._handle(self._detector.poll(self._clock()))
        if self._detector.holding:
            self._timer.start()

    def _handle(self, outcomes: list[Outcome[HeldKey]]) -> None:
        for outcome in outcomes:
            if isinstance(outcome, Scanned):
                log.info("keyboard-wedge scan of %d characters handed to the QR scanner", len(outcome.text))
                self._deliver(outcome.text)
            elif isinstance(outcome, PassThrough):
                self._replay(outcome.keys)

    def _replay(self, keys: tuple[HeldKey, ...]) -> None:
        self._replaying = True
        try:
            for widget, event in keys:
                if shiboken6.isValid(widget):  # the page may have been closed meanwhile
                    QCoreApplication.sendEvent(widget, event)
        finally:
            self._replaying = False


def install(wedge: KeyboardWedgeInput | None, parent: QObject) -> KeyboardWedgeFilter | None:
    """Install the filter on the running application when the QR scanner is a keyboard wedge."""
    app = QCoreApplication.instance()
    if wedge is None or app is None:
        return None
    wedge_filter = KeyboardWedgeFilter(wedge, parent=parent)
    app.installEventFilter(wedge_filter)
    return wedge_filter
