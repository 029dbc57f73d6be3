"""The 暂停服务 screen: shown instead of the kiosk when its data folder cannot be used (or start-up failed)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QVBoxLayout, QWidget

from kiosk.settings import ServicePoint
from ui.text import tr
from ui.widgets import label


class OutOfServiceWindow(QMainWindow):
    """Big plain words for residents (where to go, whom to call) and one small line for the technician."""

    def __init__(self, point: ServicePoint, technician_message: str, *, kiosk_mode: bool = True) -> None:
        super().__init__()
        self.setObjectName("outOfService")
        self.setWindowTitle(tr("out_of_service.title"))
        self._allow_close = not kiosk_mode
        central = QWidget()
        central.setObjectName("outOfService")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(80, 60, 80, 40)
        outer.setSpacing(30)
        outer.addStretch(1)
        self.title = self._centred(label("outOfServiceTitle", tr("out_of_service.title")))
        self.sorry = self._centred(label("outOfServiceSorry", tr("out_of_service.sorry")))
        outer.addWidget(self.title)
        outer.addWidget(self.sorry)
        box = QFrame()
        box.setObjectName("outOfServiceBox")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(40, 30, 40, 30)
        inner.setSpacing(20)
        counter = (tr("out_of_service.counter", counter=point.counter) if point.counter
                   else tr("out_of_service.counter_plain"))
        self.counter = self._centred(label("outOfServiceCounter", counter))
        inner.addWidget(self.counter)
        self.phone = self._centred(label("outOfServicePhone", tr("out_of_service.phone", phone=point.phone)))
        self.phone.setVisible(bool(point.phone))
        inner.addWidget(self.phone)
        self.place = self._centred(label("outOfServicePlace", tr("out_of_service.place", name=point.name)))
        inner.addWidget(self.place)
        outer.addWidget(box)
        outer.addStretch(1)
        self.technician = self._centred(label("outOfServiceTech",
                                              tr("out_of_service.tech", message=technician_message)))
        outer.addWidget(self.technician)
        self.setCentralWidget(central)
        self.setAccessibleName(f"{self.title.text()}。{self.sorry.text()}。{self.counter.text()}")

    @staticmethod
    def _centred(text: QLabel) -> QLabel:
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return text

    def allow_close(self) -> None:
        self._allow_close = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._allow_close:
            event.accept()
        else:
            event.ignore()
