"""全程代理 (issue 11 §5): a service-point worker logs in, then the resident confirms with their own card.

The worker scans their own e-SSC (the kiosk routes scans here while this page waits for a worker) or types
their staff number and staff PIN; the platform verifies either as staff of this service point. The page
then asks the resident to present their own ID card, social security card or e-SSC: that login starts the
resident session as usual, and every submission then carries both identities.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from kiosk.session import StaffSession
from ui.context import UiContext, plain_message
from ui.pages.base import Page
from ui.text import tr
from ui.vkb import VirtualKeyboard, keep_private, keyboard_available
from ui.widgets import big_button, label

log = logging.getLogger(__name__)

KEYBOARD_HEIGHT = 360  # four rows of keys a finger hits; fits under the fields in landscape
KEYBOARD_MAX_WIDTH = 1100  # the panel's height follows its width (≈ 0.31 ×): 1100 wide is ≈ 340 high


class StaffPage(Page):
    """Worker login (e-SSC scan or staff number + PIN), then the resident's own card."""

    page_id = "staff"
    personal = True
    show_nav = False
    cancelled = Signal()
    staff_logged_in = Signal(object)  # the StaffSession

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *,
                 keyboard_factory: Callable[[], QWidget] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffPage")
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 20, 60, 16)
        outer.setSpacing(20)
        self.states = QStackedWidget()
        outer.addWidget(self.states, 1)

        self.login_panel = QWidget()
        self.login_panel.setObjectName("staffLoginPanel")
        lay = QVBoxLayout(self.login_panel)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(14)
        lay.addWidget(label("staffTitle", tr("staff.title"), role="heading"))
        lay.addWidget(label("staffHow", tr("staff.how"), role="guidance"))
        self.staff_no = QLineEdit()
        self.staff_no.setObjectName("staffNumber")
        self.staff_no.setAccessibleName(tr("staff.staff_no"))
        self.staff_no.setPlaceholderText(tr("staff.staff_no_hint"))
        self.staff_no.setMaxLength(32)
        # Staff numbers are latin letters, digits and '-': the keyboard offers no pinyin candidates here.
        self.staff_no.setInputMethodHints(Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhPreferUppercase
                                          | Qt.InputMethodHint.ImhNoPredictiveText)
        self.staff_no.setMinimumHeight(80)
        self.pin = QLineEdit()
        self.pin.setObjectName("staffPin")
        self.pin.setAccessibleName(tr("staff.pin"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.setMinimumHeight(80)
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
                                     | Qt.InputMethodHint.ImhNoPredictiveText)
        self.login_button = big_button("staffLogin", tr("staff.login"), role="primary")
        self.login_button.clicked.connect(self.login_with_pin)
        self.cancel_button = big_button("staffCancel", tr("staff.cancel"))
        self.cancel_button.clicked.connect(self.cancelled)
        # Landscape: fields and buttons in one row, so the on-screen keyboard below has the height (about 900 px
        # under the bars, 870 in 长辈模式). Portrait has the height: the buttons get a row of their own.
        self._fields = QGridLayout()
        self._fields.setHorizontalSpacing(24)
        self._fields.setVerticalSpacing(6)
        self._fields.addWidget(label("staffNoLabel", tr("staff.staff_no"), role="hint"), 0, 0)
        self._fields.addWidget(self.staff_no, 1, 0)
        self._fields.addWidget(label("staffPinLabel", tr("staff.pin"), role="hint"), 0, 1)
        self._fields.addWidget(self.pin, 1, 1)
        self.set_portrait(False)
        fields = self._fields
        lay.addLayout(fields)
        self.message = label("staffMessage", "", role="error")
        self.message.hide()
        lay.addWidget(self.message)
        lay.addStretch(1)
        # A touch kiosk has no keyboard: the on-screen one types the staff number (letters, digits, -) and the
        # PIN (its digit layout: the field asks for digits only) into the field that has the focus. Neither
        # field teaches the keyboard's dictionary anything.
        for field in (self.staff_no, self.pin):
            keep_private(field)
        if keyboard_factory is None and keyboard_available():
            keyboard_factory = partial(VirtualKeyboard, height=KEYBOARD_HEIGHT)
        self.keyboard = keyboard_factory() if keyboard_factory is not None else None
        if self.keyboard is not None:
            # Qt's keyboard panel is as high as about 0.31 × its width: no wider than its height allows, or the
            # bottom rows (z … m, the space bar) fall off the view.
            self.keyboard.setMaximumWidth(KEYBOARD_MAX_WIDTH)
            lay.addWidget(self.keyboard, 0, Qt.AlignmentFlag.AlignHCenter)
        self.states.addWidget(self.login_panel)

        self.resident_panel = QWidget()
        self.resident_panel.setObjectName("staffResidentPanel")
        rl = QVBoxLayout(self.resident_panel)
        rl.setSpacing(24)
        self.resident_heading = label("staffResidentHeading", "", role="heading")
        rl.addWidget(self.resident_heading)
        rl.addWidget(label("staffResidentHow", tr("staff.resident_how"), role="guidance"))
        cancel2 = big_button("staffResidentCancel", tr("staff.cancel"))
        cancel2.clicked.connect(self.cancelled)
        rl.addWidget(cancel2)
        rl.addStretch(1)
        self.states.addWidget(self.resident_panel)

    def set_portrait(self, portrait: bool) -> None:
        for button in (self.login_button, self.cancel_button):
            self._fields.removeWidget(button)
        if portrait:
            self._fields.addWidget(self.login_button, 2, 0)
            self._fields.addWidget(self.cancel_button, 2, 1)
            stretches: tuple[int, ...] = (1, 1, 0, 0)
        else:
            self._fields.addWidget(self.login_button, 1, 2)
            self._fields.addWidget(self.cancel_button, 1, 3)
            stretches = (3, 4, 2, 3)  # the PIN label is the longest: one line in 长辈模式 too
        for column, stretch in enumerate(stretches):
            self._fields.setColumnStretch(column, stretch)

    # ---- states ----
    def begin(self) -> None:
        """A fresh worker login (from the attract screen)."""
        self.staff_no.clear()
        self.pin.clear()
        self.show_message("")
        self.login_button.setEnabled(True)
        self.states.setCurrentWidget(self.login_panel)

    def clear_personal(self) -> None:
        self.begin()
        self.resident_heading.clear()

    @property
    def waiting_for_staff(self) -> bool:
        return self.states.currentWidget() is self.login_panel and self.ctx.services.staff is None

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(bool(text))

    # ---- worker login ----
    def login_with_pin(self) -> None:
        staff_no = self.staff_no.text().strip().upper()
        pin = self.pin.text()
        self.pin.clear()  # the PIN goes to the platform once and is not kept here
        if not staff_no or len(pin) != 6 or not pin.isdigit():
            self.show_message(tr("staff.need_both"))
            return
        self._login(lambda: self.ctx.services.staff_login(staff_no=staff_no, pin=pin))

    def login_with_essc(self, token: str) -> None:
        """A worker's e-SSC scan (routed here by the shell while this page waits for a worker)."""
        self._login(lambda: self.ctx.services.staff_login(essc_token=token))

    def _login(self, work: object) -> None:
        self.show_message("")
        self.login_button.setEnabled(False)
        self.ctx.run(work, self._logged_in, self._refused)  # type: ignore[arg-type]

    def _logged_in(self, staff: StaffSession) -> None:
        self.login_button.setEnabled(True)
        text = tr("staff.resident_heading", staff=staff.masked_name, staff_no=staff.staff_no)
        self.resident_heading.setText(text)
        self.resident_heading.setAccessibleName(text)
        self.states.setCurrentWidget(self.resident_panel)
        self.staff_logged_in.emit(staff)

    def _refused(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.show_message(plain_message(exc))
