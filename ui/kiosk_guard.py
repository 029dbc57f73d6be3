"""Kiosk mode: swallow the keyboard's escape routes (Alt+F4, Alt+Tab, Ctrl+Q, …)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

_BLOCKED_WITH_ALT = {Qt.Key.Key_F4, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape, Qt.Key.Key_Space}
_BLOCKED_WITH_CTRL = {Qt.Key.Key_Q, Qt.Key.Key_W, Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Delete}
_BLOCKED_ALONE = {Qt.Key.Key_Meta, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Menu, Qt.Key.Key_Close,
                  Qt.Key.Key_PowerOff, Qt.Key.Key_Sleep, Qt.Key.Key_Suspend}


def is_escape_route(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """True for key combinations that would leave or close the kiosk window."""
    k = Qt.Key(key)
    if k in _BLOCKED_ALONE:
        return True
    if modifiers & Qt.KeyboardModifier.AltModifier and k in _BLOCKED_WITH_ALT:
        return True
    if modifiers & Qt.KeyboardModifier.ControlModifier and k in _BLOCKED_WITH_CTRL:
        return True
    return bool(modifiers & Qt.KeyboardModifier.MetaModifier)


class KioskGuard(QObject):
    """An application-wide event filter that eats escape-route key presses."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.swallowed = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            ke = event if isinstance(event, QKeyEvent) else None
            if ke is not None and is_escape_route(ke.key(), ke.modifiers()):
                if event.type() == QEvent.Type.KeyPress:
                    self.swallowed += 1
                return True
        return False
