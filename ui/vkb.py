"""The pinyin on-screen keyboard (Qt Virtual Keyboard) embedded in our window, for the rare free text."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QMetaObject, Qt, QUrl
from PySide6.QtWidgets import QSizePolicy, QWidget

log = logging.getLogger(__name__)

QML_FILE = Path(__file__).with_name("vkb_panel.qml")
IM_MODULE = "qtvirtualkeyboard"


def keyboard_available() -> bool:
    """True when the application was started with the virtual keyboard input method (ui/app.py sets it)."""
    return os.environ.get("QT_IM_MODULE") == IM_MODULE


class VirtualKeyboard(QWidget):
    """A QQuickWidget holding the InputPanel; it types into whichever text field has focus.

    Created only when `keyboard_available()`: without the input method the panel would show keys that
    type nowhere.
    """

    def __init__(self, parent: QWidget | None = None, *, height: int = 420) -> None:
        super().__init__(parent)
        from PySide6.QtQuickWidgets import QQuickWidget  # imported late: QtQuick loads only when needed
        from PySide6.QtWidgets import QVBoxLayout

        self.setObjectName("virtualKeyboard")
        self.setAccessibleName("拼音键盘")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.view = QQuickWidget(self)
        self.view.setObjectName("virtualKeyboardView")
        self.view.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        self.view.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text field keeps the focus
        self.view.setSource(QUrl.fromLocalFile(str(QML_FILE)))
        self.view.setFixedHeight(height)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lay.addWidget(self.view)
        if self.view.status() != QQuickWidget.Status.Ready:
            log.error("virtual keyboard did not load: %s", [e.toString() for e in self.view.errors()])

    @property
    def ready(self) -> bool:
        from PySide6.QtQuickWidgets import QQuickWidget

        return self.view.status() == QQuickWidget.Status.Ready and self.view.rootObject() is not None

    def _call(self, method: str, *args: object) -> object:
        from PySide6.QtCore import Q_ARG, Q_RETURN_ARG

        root = self.view.rootObject()
        if root is None:
            return None
        q_args = [Q_ARG("QVariant", a) for a in args]
        return QMetaObject.invokeMethod(root, method, Q_RETURN_ARG("QVariant"), *q_args)

    def type_pinyin(self, letters: str) -> str:
        """Type latin letters as key clicks and pick the first candidate; returns that candidate."""
        return str(self._call("typeAndPick", letters) or "")

    def panel_active(self) -> bool:
        return bool(self._call("panelActive"))

    def locale(self) -> str:
        return str(self._call("locale") or "")
