"""The social security card PIN pad: 6 digits on big keys, tries left shown before each try, locked plainly."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QGridLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui.text import tr
from ui.widgets import big_button, label

PIN_LENGTH = 6


class PinPad(QFrame):
    """Collects a 6-digit PIN and hands it to `on_submit` once; the digits are forgotten at that moment.

    The pad never checks the PIN itself and never keeps it: the caller verifies it with the card (off
    the GUI thread) and then calls `show_wrong`, `set_locked` or moves on.
    """

    def __init__(self, on_submit: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPad")
        self._on_submit = on_submit
        self._digits: list[str] = []
        self._locked = False
        self._busy = False
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(40)

        info = QVBoxLayout()
        info.setSpacing(20)
        self.title = label("pinTitle", tr("personal_pin.title"), role="heading")
        self.why = label("pinWhy", tr("personal_pin.why"), role="hint")
        self.tries = label("pinTries", "", role="guidance")
        self.message = label("pinMessage", "", role="error")
        self.message.hide()
        self.dots = label("pinDots", "", role="heading", wrap=False)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.title, self.why, self.tries, self.message, self.dots):
            info.addWidget(w)
        info.addStretch(1)
        self._box.addLayout(info, 1)

        keys = QGridLayout()
        keys.setSpacing(16)
        self.keys: dict[str, QPushButton] = {}
        order = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        for i, d in enumerate(order):
            keys.addWidget(self._key(d), i // 3, i % 3)
        self.clear_button = big_button("pinClear", tr("personal_pin.clear"))
        self.clear_button.clicked.connect(self.clear)
        self.backspace_button = big_button("pinBackspace", tr("personal_pin.backspace"))
        self.backspace_button.clicked.connect(self._backspace)
        keys.addWidget(self.clear_button, 3, 0)
        keys.addWidget(self._key("0"), 3, 1)
        keys.addWidget(self.backspace_button, 3, 2)
        self.ok_button = big_button("pinOk", tr("personal_pin.ok"), role="primary")
        self.ok_button.clicked.connect(self._submit)
        keys.addWidget(self.ok_button, 4, 0, 1, 3)
        for b in (*self.keys.values(), self.clear_button, self.backspace_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.setMinimumWidth(160)
        self.ok_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        keypad = QWidget()
        keypad.setObjectName("pinKeys")
        keypad.setLayout(keys)
        keypad.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._box.addWidget(keypad, 1)
        self._refresh()

    def _key(self, digit: str) -> QPushButton:
        b = big_button(f"pinKey_{digit}", digit, role="key")
        b.setAccessibleName(tr("personal_pin.key", digit=digit))
        b.clicked.connect(lambda _=False, d=digit: self.press(d))
        self.keys[digit] = b
        return b

    # ---- input ----
    def press(self, digit: str) -> None:
        if self._locked or self._busy or len(self._digits) >= PIN_LENGTH:
            return
        self._digits.append(digit)
        self.message.hide()
        self._refresh()

    def _backspace(self) -> None:
        if self._digits:
            self._digits.pop()
        self._refresh()

    def clear(self) -> None:
        """Forget every digit typed so far."""
        self._digits.clear()
        self._refresh()

    def _submit(self) -> None:
        if self._locked or self._busy:
            return
        if len(self._digits) != PIN_LENGTH:
            self._say(tr("personal_pin.need_six"))
            return
        pin = "".join(self._digits)
        self.clear()  # forgotten at once: the pad holds nothing while the card checks it
        self.set_busy(True)
        self._on_submit(pin)

    @property
    def entered(self) -> int:
        """How many digits are typed (never the digits)."""
        return len(self._digits)

    # ---- what the caller tells the pad ----
    def reset(self) -> None:
        """Back to a fresh pad (a new session or page)."""
        self._digits.clear()
        self._locked = False
        self._busy = False
        self.message.hide()
        self.tries.setText("")
        self._refresh()

    def set_tries(self, tries: int | None) -> None:
        """Show how many tries the card has left, before the resident types."""
        text = tr("personal_pin.tries", tries=tries) if tries is not None else tr("personal_pin.tries_unknown")
        self.tries.setText(text)
        self.tries.setAccessibleName(text)

    def show_wrong(self, tries_left: int | None, message: str) -> None:
        self.set_busy(False)
        self._say(tr("personal_pin.wrong", tries=tries_left) if tries_left is not None else message)
        self.set_tries(tries_left)

    def set_locked(self) -> None:
        """The card is locked: say so, no further tries."""
        self._locked = True
        self._busy = False
        self._digits.clear()
        self.tries.setText("")
        self._say(tr("personal_pin.locked"))
        self._refresh()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._refresh()

    @property
    def locked(self) -> bool:
        return self._locked

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.show()

    def _refresh(self) -> None:
        n = len(self._digits)
        self.dots.setText(" ".join("●" if i < n else "○" for i in range(PIN_LENGTH)))
        self.dots.setAccessibleName(tr("personal_pin.dots_name", count=n))
        usable = not (self._locked or self._busy)
        for b in self.keys.values():
            b.setEnabled(usable and n < PIN_LENGTH)
        self.clear_button.setEnabled(usable)
        self.backspace_button.setEnabled(usable)
        self.ok_button.setEnabled(usable)

    def set_portrait(self, portrait: bool) -> None:
        self._box.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
