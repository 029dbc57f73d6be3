"""The attract screen: the service point's name and how to log in with a card or the e-SSC."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui.pages.base import Page
from ui.text import tr
from ui.widgets import CardPictogram, big_button, label


class CardPanel(QFrame):
    """One way to log in: a drawn pictogram, its name, and what to do."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardPanel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 24, 24, 24)
        lay.setSpacing(12)
        lay.addWidget(CardPictogram(kind), 1)
        title = label(f"attract_{kind}_title", tr(f"attract.{kind}"), role="cardTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        how = label(f"attract_{kind}_how", tr(f"attract.{kind}_how"), role="cardHow")
        how.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        lay.addWidget(how)


class AttractPage(Page):
    """What a villager sees first."""

    page_id = "attract"
    show_nav = False
    instruction_key = "voice.attract"
    browse_requested = Signal()
    staff_requested = Signal()  # 全程代理: a service-point worker handles matters for a resident

    def __init__(self, service_point_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attractPage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 16, 60, 16)
        outer.setSpacing(14)
        self._point = service_point_name
        self.welcome = label("attractWelcome", tr("attract.welcome_line", point=service_point_name), role="heading")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.guidance = label("attractGuidance", tr("attract.guidance"), role="guidance")
        self.guidance.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.maintenance = label("attractMaintenance", tr("attract.maintenance"), role="error")
        self.maintenance.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.maintenance.hide()
        outer.addWidget(self.welcome)
        outer.addWidget(self.guidance)
        outer.addWidget(self.maintenance)
        self._panels = [CardPanel(k) for k in ("id_card", "ss_card", "essc")]
        self._grid = QGridLayout()
        self._grid.setSpacing(30)
        outer.addLayout(self._grid, 1)
        self.browse = big_button("attractBrowse", tr("attract.browse"), role="primary")
        self.browse.clicked.connect(self.browse_requested)
        hint = label("attractBrowseHint", tr("attract.browse_hint"), role="hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.staff = big_button("attractStaff", tr("staff.attract_button"))
        self.staff.clicked.connect(self.staff_requested)
        # 语音: a big switch for those who cannot read the screen (帮助 on the keypad turns it on too)
        self.voice_button = big_button("attractVoice", tr("voice.toggle_off"))
        # one row on a wide screen; on a narrow one 先看看 alone, then 工作人员代办 and 语音 (three in one row
        # cut the text of 长辈模式's big buttons)
        self._buttons = QGridLayout()
        self._buttons.setSpacing(30)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(self._buttons)
        row.addStretch(1)
        outer.addLayout(row)
        self.hint = hint
        self.set_portrait(False)

    def set_portrait(self, portrait: bool) -> None:
        # narrow screens: the header just above names the service point; repeated here it broke before its
        # last character and, on two lines, pushed the 长辈模式 layout past the screen
        self.welcome.setText(tr("attract.welcome_short") if portrait else tr("attract.welcome_line", point=self._point))
        for p in self._panels:
            self._grid.removeWidget(p)
        for i, p in enumerate(self._panels):
            if portrait:
                self._grid.addWidget(p, i, 0)
            else:
                self._grid.addWidget(p, 0, i)
        buttons = (self.browse, self.staff, self.voice_button)
        for w in (*buttons, self.hint):
            self._buttons.removeWidget(w)
        if portrait:  # 先看看 with its hint under it, then the other two
            self._buttons.addWidget(self.browse, 0, 0, 1, 2, Qt.AlignmentFlag.AlignHCenter)
            self._buttons.addWidget(self.hint, 1, 0, 1, 2)
            self._buttons.addWidget(self.staff, 2, 0)
            self._buttons.addWidget(self.voice_button, 2, 1)
        else:
            for i, b in enumerate(buttons):
                self._buttons.addWidget(b, 0, i)
            self._buttons.addWidget(self.hint, 1, 0, 1, 3)

    def set_maintenance(self, on: bool, message: str = "") -> None:
        """While a technician works, residents are told so and cannot start."""
        self.maintenance.setText(message or tr("attract.maintenance"))
        self.maintenance.setVisible(on)
        self.guidance.setVisible(not on)
        self.browse.setEnabled(not on)
        self.staff.setEnabled(not on)
