"""Big digit keys for a PIN: the key grid, the digits typed, the dots and message, busy and locked states."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui.text import tr
from ui.widgets import big_button, label


class DigitPad(QWidget):
    """1–9, 清除 0 退格 and 确定 on big keys; hands the digits to `on_submit` once and forgets them at that moment.

    Every objectName comes from `prefix` (f"{prefix}Keys", f"{prefix}Key_3", f"{prefix}Clear",
    f"{prefix}Backspace", f"{prefix}Ok", f"{prefix}Dots", f"{prefix}Message") and every text from the
    strings section `strings_section` (key, clear, backspace, ok, dots_name). `dots` and `message` are
    made here but placed by the page that holds the pad, beside its own title and hints.

    `short_message`: what 确定 says when fewer than `min_length` digits are typed (确定 then stays
    usable); without it 确定 is disabled until `min_length` digits are typed.
    """

    def __init__(self, prefix: str, strings_section: str, on_submit: Callable[[str], None], *,
                 min_length: int, max_length: int, key_role: str = "", key_min_width: int = 150,
                 short_message: str | None = None, press_hides_message: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}Keys")
        self._prefix = prefix
        self._section = strings_section
        self._on_submit = on_submit
        self.min_length = min_length
        self.max_length = max_length
        self._short_message = short_message
        self._press_hides_message = press_hides_message
        self._digits: list[str] = []
        self._locked = False
        self._busy = False
        self.dots = label(f"{prefix}Dots", "", role="heading", wrap=False)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message: QLabel = label(f"{prefix}Message", "", role="error")
        self.message.hide()

        grid = QGridLayout()
        grid.setSpacing(16)
        self.keys: dict[str, QPushButton] = {}
        for i, d in enumerate("123456789"):
            grid.addWidget(self._key(d, key_role), i // 3, i % 3)
        self.clear_button = big_button(f"{prefix}Clear", tr(f"{strings_section}.clear"))
        self.clear_button.clicked.connect(self.clear)
        self.backspace_button = big_button(f"{prefix}Backspace", tr(f"{strings_section}.backspace"))
        self.backspace_button.clicked.connect(self._backspace)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self._key("0", key_role), 3, 1)
        grid.addWidget(self.backspace_button, 3, 2)
        self.ok_button = big_button(f"{prefix}Ok", tr(f"{strings_section}.ok"), role="primary")
        self.ok_button.clicked.connect(self._submit)
        grid.addWidget(self.ok_button, 4, 0, 1, 3)
        for b in (*self.keys.values(), self.clear_button, self.backspace_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.setMinimumWidth(key_min_width)
        self.setLayout(grid)
        self.refresh()

    def _key(self, digit: str, role: str) -> QPushButton:
        b = big_button(f"{self._prefix}Key_{digit}", digit, role=role)
        b.setAccessibleName(tr(f"{self._section}.key", digit=digit))
        b.clicked.connect(lambda _=False, d=digit: self.press(d))
        self.keys[digit] = b
        return b

    # ---- input ----
    def press(self, digit: str) -> None:
        if self._locked or self._busy or len(self._digits) >= self.max_length:
            return
        self._digits.append(digit)
        if self._press_hides_message:
            self.message.hide()
        self.refresh()

    def _backspace(self) -> None:
        if self._digits:
            self._digits.pop()
        self.refresh()

    def clear(self) -> None:
        """Forget every digit typed so far."""
        self._digits.clear()
        self.refresh()

    def _submit(self) -> None:
        if self._locked or self._busy:
            return
        if len(self._digits) < self.min_length:
            if self._short_message is not None:
                self.say(self._short_message)
            return
        pin = "".join(self._digits)
        self._digits.clear()  # forgotten at once: the pad holds nothing while the PIN is checked
        self.set_busy(True)
        self._on_submit(pin)

    @property
    def entered(self) -> int:
        """How many digits are typed (never the digits)."""
        return len(self._digits)

    # ---- what the page tells the pad ----
    def reset(self) -> None:
        """Back to a fresh pad (a new session or page)."""
        self._digits.clear()
        self._locked = False
        self._busy = False
        self.message.hide()
        self.refresh()

    def show_wrong(self, message: str) -> None:
        """The PIN was wrong: ready for another try, saying `message`."""
        self._busy = False
        self.say(message)
        self.refresh()

    def set_locked(self, message: str) -> None:
        """No further tries: say `message` and disable the keys."""
        self._locked = True
        self._busy = False
        self._digits.clear()
        self.say(message)
        self.refresh()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.refresh()

    @property
    def locked(self) -> bool:
        return self._locked

    def say(self, text: str, *, error: bool = True) -> None:
        """Show `text` under the dots, as an error or (error=False) as a hint."""
        self.message.setProperty("role", "error" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.show()

    def refresh(self) -> None:
        """Dots and which keys are usable, from the digits typed and the busy/locked state."""
        n = len(self._digits)
        self.dots.setText(self._dots_text(n))
        self.dots.setAccessibleName(tr(f"{self._section}.dots_name", count=n))
        usable = not (self._locked or self._busy)
        for b in self.keys.values():
            b.setEnabled(usable and n < self.max_length)
        self.clear_button.setEnabled(usable)
        self.backspace_button.setEnabled(usable)
        self.ok_button.setEnabled(usable and (self._short_message is not None or n >= self.min_length))

    def _dots_text(self, n: int) -> str:
        # a fixed length shows a slot for every digit; a variable one cannot, so it shows what is typed
        if self.min_length == self.max_length:
            return " ".join("●" if i < n else "○" for i in range(self.max_length))
        return ("●" * n) if n else " ".join("○" * self.min_length)



class HoldsDigitPad:
    """Mixin for a screen showing a `DigitPad` as `self.pad`: the pad's input and state, asked of the screen."""

    pad: DigitPad

    def press(self, digit: str) -> None:
        self.pad.press(digit)

    def clear(self) -> None:
        """Forget every digit typed so far."""
        self.pad.clear()

    @property
    def entered(self) -> int:
        """How many digits are typed (never the digits)."""
        return self.pad.entered

    def reset(self) -> None:
        """Back to a fresh pad (a new session or page)."""
        self.pad.reset()

    def set_busy(self, busy: bool) -> None:
        self.pad.set_busy(busy)

    @property
    def locked(self) -> bool:
        return self.pad.locked


def beside_info(host: QWidget, pad: DigitPad, info: Sequence[QWidget], *, margins: tuple[int, int] = (0, 0),
                footer: QWidget | None = None) -> QBoxLayout:
    """Lay `host` out as a column of `info` (then `footer` at its foot) beside `pad`; margins (sides, top/bottom).

    Returns the box: `set_portrait` turns it to put the keys under the column.
    """
    box = QBoxLayout(QBoxLayout.Direction.LeftToRight, host)
    box.setContentsMargins(margins[0], margins[1], margins[0], margins[1])
    box.setSpacing(40)
    column = QVBoxLayout()
    column.setSpacing(20)
    for w in info:
        column.addWidget(w)
    column.addStretch(1)
    if footer is not None:
        column.addWidget(footer)
    box.addLayout(column, 1)
    box.addWidget(pad, 1)
    return box


def set_portrait(box: QBoxLayout, portrait: bool) -> None:
    """Keys under the column (portrait) or beside it (landscape)."""
    box.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
