"""The technician PIN pad: big digit keys, dots only, wrong tries and the lockout said plainly."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from kiosk.technician import PIN_MAX, PIN_MIN
from ui.digit_pad import DigitPad, HoldsDigitPad, beside_info, set_portrait
from ui.pages.base import Page
from ui.text import tr
from ui.widgets import big_button, label


class TechPinPage(HoldsDigitPad, Page):
    """Collects a PIN and hands it to `on_submit` once; the digits are forgotten at that moment."""

    page_id = "tech_pin"
    show_nav = False
    transient = False

    def __init__(self, on_submit: Callable[[str], None], on_cancel: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("techPinPage")
        self._on_submit = on_submit
        self.pad = DigitPad("techPin", "tech_pin", self._submitted, min_length=PIN_MIN, max_length=PIN_MAX)
        self.keys, self.ok_button = self.pad.keys, self.pad.ok_button
        self.clear_button, self.backspace_button = self.pad.clear_button, self.pad.backspace_button
        self.message, self.dots = self.pad.message, self.pad.dots
        self.title = label("techPinTitle", tr("tech_pin.title"), role="heading")
        self.hint = label("techPinHint", tr("tech_pin.hint"), role="hint")
        self.cancel_button = big_button("techPinCancel", tr("tech_pin.cancel"))
        self.cancel_button.clicked.connect(on_cancel)
        self._box = beside_info(self, self.pad, (self.title, self.hint, self.dots, self.message), margins=(60, 30),
                                footer=self.cancel_button)

    def _submitted(self, pin: str) -> None:
        self.pad.say(tr("tech_pin.checking"), error=False)
        self._on_submit(pin)

    def type_pin(self, pin: str) -> None:
        """Press each digit (tests, a USB keypad)."""
        for d in pin:
            self.press(d)

    # ---- what the mode tells the pad ----
    def show_wrong(self, message: str) -> None:
        self.pad.show_wrong(message)

    def set_locked(self, message: str) -> None:
        self.pad.set_locked(message)

    def clear_personal(self) -> None:
        self.clear()

    def set_portrait(self, portrait: bool) -> None:
        set_portrait(self._box, portrait)
