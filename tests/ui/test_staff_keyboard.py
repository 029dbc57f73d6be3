"""全程代理's worker login on a touch kiosk: the on-screen keyboard types the staff number and the staff PIN.

A kiosk has no hardware keyboard; before this, a worker without their e-SSC had two text fields and nothing to
type into them with. Run in a child Python with QT_IM_MODULE set before Qt starts (as the real start-up does).
"""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers.qt_env import run_qt_child

CHILD = textwrap.dedent("""
    import os, sys
    from tests.helpers.qt_env import configure_offscreen
    configure_offscreen()
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    from ui.pages.staff import StaffPage
    page = StaffPage(None)  # the context is only used once the worker logs in
    page.setGeometry(0, 0, 1920, 1080 - 200); page.show()
    out = {"has_keyboard": page.keyboard is not None}
    def number():
        page.activateWindow(); page.staff_no.setFocus()
        QTest.mouseClick(page.staff_no, Qt.MouseButton.LeftButton)
        QTimer.singleShot(400, type_number)
    def type_number():
        out["ready"] = page.keyboard.ready
        out["number_candidates"] = page.keyboard.type_keys("YQ-LJZ-01")
        QTimer.singleShot(200, pin)
    def pin():
        out["number"] = page.staff_no.text()
        page.pin.setFocus(); QTest.mouseClick(page.pin, Qt.MouseButton.LeftButton)
        QTimer.singleShot(400, type_pin)
    def type_pin():
        page.keyboard.type_keys("135790")
        QTimer.singleShot(200, done)
    def done():
        out["pin"] = page.pin.text()
        kb = page.keyboard.geometry(); login = page.login_button.geometry()
        out["keyboard_below_buttons"] = page.keyboard.mapTo(page, kb.topLeft() - kb.topLeft()).y() >= \\
            page.login_button.mapTo(page, login.topLeft() - login.topLeft()).y() + login.height()
        out["keyboard_inside"] = page.keyboard.mapTo(page, kb.topLeft() - kb.topLeft()).y() + kb.height() \\
            <= page.height()
        print("RESULT", repr(out), flush=True)
        app.quit()
    QTimer.singleShot(300, number)
    QTimer.singleShot(15000, app.quit)
    app.exec()
""")


@pytest.mark.timeout(60)
def test_a_worker_types_staff_number_and_pin_on_the_screen_keyboard() -> None:
    result = run_qt_child(CHILD)
    assert result["has_keyboard"] is True
    assert result["ready"] is True
    assert result["number"] == "YQ-LJZ-01", result
    assert result["number_candidates"] == [], "a staff number offers no pinyin candidates"
    assert result["pin"] == "135790"
    assert result["keyboard_below_buttons"] and result["keyboard_inside"], "keyboard under 登录, fully on screen"
