"""The big numeric keypad: what the display shows, clear and backspace, value per mode."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.keypad import Keypad


def _press(qtbot, pad: Keypad, *keys: str) -> None:
    for k in keys:
        qtbot.mouseClick(pad.findChild(type(pad.buttons["1"]), f"{pad.objectName()}_{k}"), Qt.MouseButton.LeftButton)


def test_phone_keypad_groups_digits_and_stops_at_eleven(qtbot) -> None:
    pad = Keypad("phone", name="kp")
    qtbot.addWidget(pad)
    _press(qtbot, pad, *"139123456789")
    assert pad.value() == "13912345678"
    assert pad.display.text() == "139 1234 5678"
    _press(qtbot, pad, "back")
    assert pad.display.text() == "139 1234 567_"
    _press(qtbot, pad, "clear")
    assert pad.value() == "" and pad.display.text() == "___ ____ ____"
    assert all(b.accessibleName() for b in pad.buttons.values())


def test_date_keypad_shows_year_month_day_and_gives_iso(qtbot) -> None:
    pad = Keypad("date", name="kd")
    qtbot.addWidget(pad)
    with qtbot.waitSignal(pad.changed):
        _press(qtbot, pad, "2")
    pad.type_digits("025030")
    assert pad.value() == "" and pad.display.text() == "2025 年 03 月 0_ 日"
    pad.type_digits("1")
    assert pad.value() == "2025-03-01"
    pad.set_value("2024-12-31")
    assert pad.value() == "2024-12-31"


def test_amount_keypad_has_no_leading_zero_and_shows_the_unit(qtbot) -> None:
    pad = Keypad("amount", unit="元/天", name="ka")
    qtbot.addWidget(pad)
    pad.type_digits("0250")
    assert pad.value() == "250" and pad.display.text() == "250 元/天"
    qtbot.keyClick(pad, Qt.Key.Key_Backspace)
    assert pad.value() == "25"


def test_id_number_keypad_takes_x_only_as_the_last_character(qtbot) -> None:
    pad = Keypad("id_number", name="kid")
    qtbot.addWidget(pad)
    _press(qtbot, pad, "X", *"1402221975", "X")
    assert pad.value() == "1402221975", "X before the 18th character is ignored"
    _press(qtbot, pad, *"0315002", "X", "9")
    assert pad.value() == "14022219750315002X"
    assert pad.display.text() == "140222 19750315 002X"
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    pad.clear()
    pad.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, "１"))
    assert pad.value() == "", "a full-width digit from a hardware keyboard is not a digit here"
    pad.set_value("14022219750315002x")
    assert pad.value() == "14022219750315002X"
    assert pad.buttons["X"].accessibleName() == "X"
