"""The social security card PIN pad: 6 digits on big keys, tries left shown before each try, locked plainly."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from kiosk.values import PinError
from ui.digit_pad import DigitPad, HoldsDigitPad, beside_info, set_portrait
from ui.text import tr
from ui.widgets import label

PIN_LENGTH = 6


class PinPad(HoldsDigitPad, QFrame):
    """Collects a 6-digit PIN and hands it to `on_submit` once; the digits are forgotten at that moment.

    The pad never checks the PIN itself and never keeps it: the caller verifies it with the card (off
    the GUI thread) and then calls `show_wrong`, `set_locked` or moves on.
    """

    def __init__(self, on_submit: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPad")
        self.pad = DigitPad("pin", "personal_pin", on_submit, min_length=PIN_LENGTH, max_length=PIN_LENGTH,
                            key_role="key", key_min_width=160, short_message=tr("personal_pin.need_six"),
                            press_hides_message=True)
        self.pad.ok_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.pad.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.keys, self.ok_button = self.pad.keys, self.pad.ok_button
        self.clear_button, self.backspace_button = self.pad.clear_button, self.pad.backspace_button
        self.message, self.dots = self.pad.message, self.pad.dots
        self.title = label("pinTitle", tr("personal_pin.title"), role="heading")
        self.why = label("pinWhy", tr("personal_pin.why"), role="hint")
        self.tries = label("pinTries", "", role="guidance")
        self._box = beside_info(self, self.pad, (self.title, self.why, self.tries, self.message, self.dots))

    def reset(self) -> None:
        """Back to a fresh pad (a new session or page)."""
        self.tries.setText("")
        super().reset()

    def set_tries(self, tries: int | None) -> None:
        """Show how many tries the card has left, before the resident types."""
        text = tr("personal_pin.tries", tries=tries) if tries is not None else tr("personal_pin.tries_unknown")
        self.tries.setText(text)
        self.tries.setAccessibleName(text)

    def ready(self, tries: int | None) -> None:
        """The card answered how many tries are left: locked at none, otherwise show them and take digits."""
        if tries == 0:
            self.set_locked()
            return
        self.set_tries(tries)
        self.set_busy(False)

    def show_wrong(self, tries_left: int | None, message: str) -> None:
        self.pad.show_wrong(tr("personal_pin.wrong", tries=tries_left) if tries_left is not None else message)
        self.set_tries(tries_left)

    def set_locked(self) -> None:
        """The card is locked: say so, no further tries."""
        self.tries.setText("")
        self.pad.set_locked(tr("personal_pin.locked"))

    def show_refusal(self, exc: PinError) -> None:
        """The card refused the PIN: locked (none left), else wrong with the tries left."""
        if exc.locked or exc.tries_left == 0:
            self.set_locked()
        else:
            self.show_wrong(exc.tries_left, exc.message)

    def set_portrait(self, portrait: bool) -> None:
        set_portrait(self._box, portrait)
