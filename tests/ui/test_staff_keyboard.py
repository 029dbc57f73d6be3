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
    from ui.theme import apply_theme, theme_for
    apply_theme(app, theme_for(elderly=ELDERLY))  # the kiosk's own fonts and sizes (长辈模式's bigger ones)
    from ui.pages.staff import StaffPage
    page = StaffPage(None)  # the context is only used once the worker logs in
    page.setFixedSize(1920, 870 if ELDERLY else 900); page.show()  # landscape under the title and status bars
    page.show_message('您的工作人员账号超过3个月未使用，已被平台锁定。请联系县级人社部门系统管理员解锁')
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
        from PySide6.QtCore import QPoint
        kb_top = page.keyboard.mapTo(page, QPoint(0, 0)).y()
        login_bottom = page.login_button.mapTo(page, QPoint(0, 0)).y() + page.login_button.height()
        out["keyboard_below_buttons"] = kb_top >= login_bottom
        # the whole keyboard shows: not squeezed below its keys' height, not past the page's bottom
        out["keyboard_whole"] = page.keyboard.height() >= page.keyboard.view.height() >= 300
        out["keyboard_inside"] = kb_top + page.keyboard.height() <= page.height()
        # Qt's panel inside the view: its keys (all four rows) no higher than the view shows
        from PySide6.QtCore import QObject
        panel = page.keyboard.view.rootObject().findChild(QObject, "inputPanel")
        out["panel_fits"] = 0 < panel.property("height") <= page.keyboard.view.height()
        out["panel"] = (panel.property("width"), panel.property("height"), page.keyboard.view.height())
        print("RESULT", repr(out), flush=True)
        app.quit()
    QTimer.singleShot(300, number)
    QTimer.singleShot(15000, app.quit)
    app.exec()
""")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_a_worker_types_staff_number_and_pin_on_the_screen_keyboard(elderly: bool) -> None:
    result = run_qt_child(CHILD.replace("ELDERLY", repr(elderly)))
    assert result["has_keyboard"] is True
    assert result["ready"] is True
    assert result["number"] == "YQ-LJZ-01", result
    assert result["number_candidates"] == [], "a staff number offers no pinyin candidates"
    assert result["pin"] == "135790"
    assert result["keyboard_below_buttons"], "the keyboard sits under 登录"
    assert result["keyboard_whole"] and result["keyboard_inside"], "all four rows of keys on the screen"
    assert result["panel_fits"], f"the keys' panel (w, h) and the view's height: {result['panel']}"
