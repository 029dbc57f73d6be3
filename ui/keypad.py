"""A big numeric keypad with its own display, for phone numbers, dates, amounts and counts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.text import tr
from ui.widgets import big_button, label

MODES = ("phone", "date", "amount", "number", "digits", "id_number")
ID_NUMBER_LENGTH = 18


def _format(mode: str, digits: str, unit: str) -> str:
    """What the display shows for the digits typed so far."""
    if mode == "phone":
        shown = digits + "_" * (11 - len(digits))
        return f"{shown[:3]} {shown[3:7]} {shown[7:]}"
    if mode == "id_number":
        shown = digits + "_" * (ID_NUMBER_LENGTH - len(digits))
        return f"{shown[:6]} {shown[6:14]} {shown[14:]}"
    if mode == "date":
        d = digits + "_" * (8 - len(digits))
        return tr("forms_keypad.date_display", y=d[:4], m=d[4:6], d=d[6:8])
    if not digits:
        return tr("forms_keypad.empty")
    return f"{digits} {unit}".strip()


class Keypad(QWidget):
    """Digits 0–9, 清除 and 退格, with a large display; emits `changed(value)`.

    `value()` is the digits typed (phone, digits, amount, number) or an ISO date "YYYY-MM-DD" once eight
    digits are typed (date; "" before that). Physical number keys work too.
    """

    changed = Signal(str)

    def __init__(self, mode: str, *, max_length: int | None = None, unit: str = "",
                 name: str = "keypad", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if mode not in MODES:
            raise ValueError(f"keypad mode {mode!r}")
        self.setObjectName(name)
        self.mode = mode
        self.unit = unit
        self.max_length = {"phone": 11, "date": 8, "id_number": ID_NUMBER_LENGTH}.get(mode, max_length or (7 if mode in ("amount", "number") else 24))
        self._digits = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.display = label(f"{name}_display", "", role="heading", wrap=False)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName(f"{name}_display")
        self.display.setFrameShape(QLabel.Shape.Box)
        self.display.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        lay.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(8)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        if mode == "id_number":
            keys.append("X")  # the check character of an identity number
        self.buttons: dict[str, object] = {}
        for i, key in enumerate(keys):
            text = {"clear": tr("forms_keypad.clear"), "back": tr("forms_keypad.back")}.get(key, key)
            b = big_button(f"{name}_{key}", text, role="danger" if key == "clear" else ("key" if key.isdigit() else ""))
            b.setAccessibleName({"clear": tr("forms_keypad.clear"), "back": tr("forms_keypad.back_name")}.get(key, key))
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(b, i // 3, i % 3)
            self.buttons[key] = b
        lay.addLayout(grid)
        lay.addStretch(1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._refresh()

    # ---- input ----
    def press(self, key: str) -> None:
        """One key: a digit, "clear" or "back"."""
        if key == "clear":
            self._digits = ""
        elif key == "back":
            self._digits = self._digits[:-1]
        elif key in ("X", "x") and self.mode == "id_number":
            if len(self._digits) != ID_NUMBER_LENGTH - 1:
                return  # X is only ever the last character
            self._digits += "X"
        elif key.isascii() and key.isdigit() and len(key) == 1:
            if len(self._digits) >= self.max_length:
                return
            if self.mode in ("amount", "number") and not self._digits and key == "0":
                return  # no leading zeros in a number
            self._digits += key
        else:
            return
        self._refresh()
        self.changed.emit(self.value())

    def type_digits(self, digits: str) -> None:
        """Press each digit in turn (tests, and a QR/keyboard wedge)."""
        for ch in digits:
            self.press(ch)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isascii() and text.isdigit() or text in ("X", "x"):
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.press("back")
        elif event.key() == Qt.Key.Key_Escape:
            self.press("clear")
        else:
            super().keyPressEvent(event)

    # ---- value ----
    def digits(self) -> str:
        return self._digits

    def value(self) -> str:
        if self.mode == "date":
            d = self._digits
            return f"{d[:4]}-{d[4:6]}-{d[6:8]}" if len(d) == 8 else ""
        return self._digits

    def set_value(self, value: object) -> None:
        """Show an existing answer (prefill, 修改): a date "YYYY-MM-DD" or digits."""
        text = "" if value is None else str(value)
        keep = "0123456789X" if self.mode == "id_number" else "0123456789"
        self._digits = "".join(ch for ch in text.upper() if ch in keep)[: self.max_length]
        self._refresh()

    def clear(self) -> None:
        self._digits = ""
        self._refresh()

    def _refresh(self) -> None:
        text = _format(self.mode, self._digits, self.unit)
        self.display.setText(text)
        self.display.setAccessibleName(text)
