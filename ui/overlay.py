"""Messages over the current screen: success (gone after 1 s), failure (stays until acknowledged), busy."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ui.text import tr
from ui.widgets import big_button, label

SUCCESS_MS = 1000  # kiosk-usability.md: success 1 s; a failure never vanishes on its own


class MessageOverlay(QFrame):
    """A modal panel covering its parent: one message, and for failures one large 知道了 button."""

    acknowledged = Signal()
    shown = Signal(str, str)  # kind ("success", "failure", "busy") and the message: voice guidance says it

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("messageOverlay")
        self.setStyleSheet("#messageOverlay { background: rgba(0, 0, 0, 150); }")
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box = QFrame()
        self.box.setObjectName("cardPanel")
        self.box.setMinimumWidth(760)
        self.box.setMaximumWidth(1000)
        lay = QVBoxLayout(self.box)
        lay.setContentsMargins(50, 40, 50, 40)
        lay.setSpacing(30)
        self.text = label("overlayText", "", role="heading")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ok = big_button("overlayOk", tr("overlay.ok"), role="primary")
        self.ok.clicked.connect(self._ack)
        lay.addWidget(self.text)
        lay.addWidget(self.ok)
        outer.addWidget(self.box)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = ""
        self.hide()

    def _cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()

    def success(self, message: str) -> None:
        self._timer.stop()
        self.kind = "success"
        self.text.setText(message)
        self.text.setProperty("role", "heading")
        self.ok.hide()
        self._cover()
        self._timer.start(SUCCESS_MS)
        self.shown.emit(self.kind, message)

    def failure(self, message: str) -> None:
        """Stays until the resident taps 知道了."""
        self._timer.stop()
        self.kind = "failure"
        self.text.setText(message)
        self.ok.show()
        self._cover()
        self.ok.setFocus()
        self.shown.emit(self.kind, message)

    def busy(self, message: str | None = None) -> None:
        self._timer.stop()
        self.kind = "busy"
        self.text.setText(message or tr("overlay.working"))
        self.ok.hide()
        self._cover()
        self.shown.emit(self.kind, message or "")

    def clear(self) -> None:
        self._timer.stop()
        self.kind = ""
        self.hide()

    def _ack(self) -> None:
        self.clear()
        self.acknowledged.emit()
