"""The technician PIN pad: big digit keys, dots only, wrong tries and the lockout said plainly."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.technician import PIN_MAX, PIN_MIN
from ui.pages.base import Page
from ui.text import tr
from ui.widgets import big_button, label


class TechPinPage(Page):
    """Collects a PIN and hands it to `on_submit` once; the digits are forgotten at that moment."""

    page_id = "tech_pin"
    show_nav = False
    transient = False

    def __init__(self, on_submit: Callable[[str], None], on_cancel: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("techPinPage")
        self._on_submit = on_submit
        self._digits: list[str] = []
        self._locked = False
        self._busy = False
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(60, 30, 60, 30)
        self._box.setSpacing(40)
        info = QVBoxLayout()
        info.setSpacing(20)
        self.title = label("techPinTitle", tr("tech_pin.title"), role="heading")
        self.hint = label("techPinHint", tr("tech_pin.hint"), role="hint")
        self.dots = label("techPinDots", "", role="heading", wrap=False)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = label("techPinMessage", "", role="error")
        self.message.hide()
        self.cancel_button = big_button("techPinCancel", tr("tech_pin.cancel"))
        self.cancel_button.clicked.connect(on_cancel)
        for w in (self.title, self.hint, self.dots, self.message):
            info.addWidget(w)
        info.addStretch(1)
        info.addWidget(self.cancel_button)
        self._box.addLayout(info, 1)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.keys: dict[str, QPushButton] = {}
        for i, d in enumerate("123456789"):
            grid.addWidget(self._key(d), i // 3, i % 3)
        self.clear_button = big_button("techPinClear", tr("tech_pin.clear"))
        self.clear_button.clicked.connect(self.clear)
        self.backspace_button = big_button("techPinBackspace", tr("tech_pin.backspace"))
        self.backspace_button.clicked.connect(self._backspace)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self._key("0"), 3, 1)
        grid.addWidget(self.backspace_button, 3, 2)
        self.ok_button = big_button("techPinOk", tr("tech_pin.ok"), role="primary")
        self.ok_button.clicked.connect(self._submit)
        grid.addWidget(self.ok_button, 4, 0, 1, 3)
        for b in (*self.keys.values(), self.clear_button, self.backspace_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.setMinimumWidth(150)
        keypad = QWidget()
        keypad.setObjectName("techPinKeys")
        keypad.setLayout(grid)
        self._box.addWidget(keypad, 1)
        self._refresh()

    def _key(self, digit: str) -> QPushButton:
        b = big_button(f"techPinKey_{digit}", digit)
        b.setAccessibleName(tr("tech_pin.key", digit=digit))
        b.clicked.connect(lambda _=False, d=digit: self.press(d))
        self.keys[digit] = b
        return b

    # ---- input ----
    def press(self, digit: str) -> None:
        if self._locked or self._busy or len(self._digits) >= PIN_MAX:
            return
        self._digits.append(digit)
        self._refresh()

    def type_pin(self, pin: str) -> None:
        """Press each digit (tests, a USB keypad)."""
        for d in pin:
            self.press(d)

    def _backspace(self) -> None:
        if self._digits:
            self._digits.pop()
        self._refresh()

    def clear(self) -> None:
        self._digits.clear()
        self._refresh()

    def _submit(self) -> None:
        if self._locked or self._busy or len(self._digits) < PIN_MIN:
            return
        pin = "".join(self._digits)
        self._digits.clear()
        self.set_busy(True)
        self._say(tr("tech_pin.checking"), error=False)
        self._on_submit(pin)

    @property
    def entered(self) -> int:
        return len(self._digits)

    # ---- what the mode tells the pad ----
    def reset(self) -> None:
        self._digits.clear()
        self._locked = False
        self._busy = False
        self.message.hide()
        self._refresh()

    def show_wrong(self, message: str) -> None:
        self._busy = False
        self._say(message)
        self._refresh()

    def set_locked(self, message: str) -> None:
        self._locked = True
        self._busy = False
        self._digits.clear()
        self._say(message)
        self._refresh()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._refresh()

    @property
    def locked(self) -> bool:
        return self._locked

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setProperty("role", "error" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.show()

    def _refresh(self) -> None:
        n = len(self._digits)
        self.dots.setText(("●" * n) if n else "○ ○ ○ ○ ○ ○")
        self.dots.setAccessibleName(tr("tech_pin.dots_name", count=n))
        usable = not (self._locked or self._busy)
        for b in self.keys.values():
            b.setEnabled(usable and n < PIN_MAX)
        self.clear_button.setEnabled(usable)
        self.backspace_button.setEnabled(usable)
        self.ok_button.setEnabled(usable and n >= PIN_MIN)

    def clear_personal(self) -> None:
        self.clear()

    def set_portrait(self, portrait: bool) -> None:
        self._box.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
