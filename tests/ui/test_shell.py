"""The fullscreen shell: attract screen, navigation, kiosk guard, orientation, usability numbers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kiosk.clock import ServicePointClock
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from ui.app import service_groups
from ui.kiosk_guard import KioskGuard, is_escape_route
from ui.main_window import MainWindow
from ui.pages.attract import AttractPage
from ui.pages.home import HomePage
from ui.theme import ELDERLY, NORMAL, TEXT_PAIRS, cjk_font_available, contrast_ratio

POINT = "李家庄村就业社保服务点"


@pytest.fixture
def window(qtbot):
    w = MainWindow(POINT, "TZ-YQ-LJZ-01", now=ServicePointClock(ZoneInfo("Asia/Shanghai")).now, kiosk_mode=True)
    w.add_page(AttractPage(POINT))
    w.add_page(HomePage(service_groups()))
    w.go("attract", remember=False)
    qtbot.addWidget(w)
    w.setGeometry(0, 0, 1920, 1080)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.allow_close()
    w.close()


def test_cjk_font_installed(qapp) -> None:
    assert cjk_font_available(), "install fonts-noto-cjk: Chinese would render as boxes"


def test_attract_screen_names_the_service_point_and_how_to_log_in(window) -> None:
    page = window.current_page()
    assert page.page_id == "attract"
    assert POINT in page.welcome.text()
    assert page.guidance.text() == "请插入身份证或社保卡 / 扫描电子社保卡"
    assert page.guidance.isVisible()
    assert page.browse.isVisible() and page.browse.text() == "不登录，先看看"
    assert not window.nav.isVisible(), "the attract screen has no navigation bar"


def test_browse_then_back_and_home(window, qtbot) -> None:
    attract: AttractPage = window.page("attract")  # type: ignore[assignment]
    attract.browse_requested.connect(window.go_home)
    qtbot.mouseClick(attract.browse, Qt.MouseButton.LeftButton)
    assert window.current_page().page_id == "home"
    assert window.nav.isVisible()
    assert window.home_button.isVisible() and window.back_button.isVisible()
    assert not window.logout_button.isVisible(), "no logout without a session"


def test_end_session_clears_greeting_and_returns_to_attract(window) -> None:
    home: HomePage = window.page("home")  # type: ignore[assignment]
    window.session_active = True
    home.set_greeting("李**")
    window.go_home()
    assert "李**" in home.greeting.text() and window.logout_button.isVisible()
    window.end_session()
    assert window.current_page().page_id == "attract"
    assert "李" not in home.greeting.text()


def test_escape_routes_are_swallowed_in_kiosk_mode(window, qtbot) -> None:
    app = QApplication.instance()
    guard = KioskGuard()
    app.installEventFilter(guard)
    try:
        for key, mods in ((Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                          (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
                          (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)):
            QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, key, mods))
        assert guard.swallowed == 3
        window.close()  # what Alt+F4 would ask for through a window manager
        assert window.isVisible(), "kiosk mode ignores close requests"
    finally:
        app.removeEventFilter(guard)
    assert not is_escape_route(Qt.Key.Key_5, Qt.KeyboardModifier.NoModifier)


def test_windowed_mode_can_close(qtbot) -> None:
    w = MainWindow(POINT, "K", now=ServicePointClock(ZoneInfo("Asia/Shanghai")).now, kiosk_mode=False)
    qtbot.addWidget(w)
    w.show()
    w.close()
    assert not w.isVisible()


def test_portrait_stacks_the_card_panels(window, qtbot) -> None:
    attract: AttractPage = window.page("attract")  # type: ignore[assignment]
    window.setGeometry(0, 0, 1080, 1920)
    qtbot.waitUntil(lambda: window.portrait)
    qtbot.wait(50)
    tops = [p.geometry().top() for p in attract._panels]
    assert tops == sorted(tops) and len(set(tops)) == 3, "one panel under the other in portrait"
    window.setGeometry(0, 0, 1920, 1080)
    qtbot.waitUntil(lambda: not window.portrait)
    qtbot.wait(50)
    assert len({p.geometry().top() for p in attract._panels}) == 1


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
@pytest.mark.parametrize("page_id", ["attract", "home"])
def test_text_and_targets_meet_the_usability_numbers(window, qtbot, elderly, size, page_id) -> None:
    window.setGeometry(0, 0, *size)
    window.set_elderly(elderly)
    window.go(page_id, remember=False)
    qtbot.wait(50)
    font, target = smallest_font(window), smallest_target(window)
    min_font, min_target = (40, 80) if elderly else (28, 60)
    assert font.value >= min_font, font
    assert target.value >= min_target, target
    assert unnamed_interactive(window) == []
    window.set_elderly(False)


@pytest.mark.parametrize("theme", [NORMAL, ELDERLY])
def test_theme_text_contrast(theme) -> None:
    need = 7.0 if theme.elderly else 4.5
    for name, fg, bg in TEXT_PAIRS:
        ratio = contrast_ratio(getattr(theme.colours, fg), getattr(theme.colours, bg))
        assert ratio >= need, f"{name}: {ratio:.2f} < {need}"


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
@pytest.mark.parametrize("page_id", ["attract", "home"])
def test_the_layout_fits_the_screen(window, qtbot, elderly, size, page_id) -> None:
    """Without a window manager nothing stops a layout from growing past the screen: it must fit."""
    window.setGeometry(0, 0, *size)
    window.set_elderly(elderly)
    window.go(page_id, remember=False)
    qtbot.wait(20)
    need = window.minimumSizeHint()
    assert need.width() <= size[0] and need.height() <= size[1], (need, size)
    window.set_elderly(False)


def test_an_open_choice_panel_closes_when_the_page_changes(window, qtbot) -> None:
    from ui.picker import ChoicePanel, pick

    window.go("home", remember=False)
    chosen = []
    pick(window, "请选择", [(1, "一"), (2, "二")], chosen.append)
    assert window.findChildren(ChoicePanel)
    window.go("attract", remember=False)
    assert not [p for p in window.findChildren(ChoicePanel) if p.isVisible()]
    assert chosen == []


@pytest.mark.parametrize("demo", [False, True], ids=["site", "demo"])
@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_status_and_header_texts_are_not_cut_off(window, qtbot, elderly, size, demo) -> None:
    if demo:  # the demo's presenter toggle takes room in the header
        from PySide6.QtWidgets import QWidget
        window.add_side_panel(QWidget(), "演示控制")
    window.setGeometry(0, 0, *size)
    window.set_elderly(elderly)
    window.set_network(True)
    window.go("home", remember=False)
    qtbot.wait(30)
    for item in (window.status_network, window.status_printer, window.status_reader):
        need = item.text.fontMetrics().horizontalAdvance(item.text.text())
        assert item.text.width() >= need, (item.text.text(), item.text.width(), need)
    place = window.header_place
    assert place.width() >= place.fontMetrics().horizontalAdvance(place.text()), "the service point's name is cut"
    clock = window.header_clock
    name_ends = place.x() + place.fontMetrics().horizontalAdvance(place.text())
    assert clock.x() - name_ends >= 20, f"the name and the clock touch: «{place.text()}{clock.text()}»"
    assert clock.width() >= clock.fontMetrics().horizontalAdvance(clock.text()), "the clock is cut"
    window.set_elderly(False)


MAINTENANCE = "设备维护中，请稍后再来，或到柜台办理"


@pytest.mark.parametrize("situation", ["maintenance", "paper_out_and_reader_fault"])
def test_status_bar_says_a_device_problem_whole_in_every_mode(window, qtbot, situation) -> None:
    from devices.base import DeviceHealth, DeviceKind, DeviceState
    from tests.helpers.usability import cut_off_texts

    if situation == "maintenance":
        healths = [DeviceHealth(k, DeviceState.MAINTENANCE, MAINTENANCE)
                   for k in (DeviceKind.PRINTER, DeviceKind.ID_CARD, DeviceKind.SS_CARD)]
        expected = MAINTENANCE
    else:
        healths = [DeviceHealth(DeviceKind.PRINTER, DeviceState.USER_ERROR, "打印机缺纸，请联系工作人员"),
                   DeviceHealth(DeviceKind.SS_CARD, DeviceState.HARDWARE_ERROR, "社保卡读卡器故障，请到柜台办理")]
        expected = "打印机缺纸，请联系工作人员；社保卡读卡器故障，请到柜台办理"
    for h in healths:
        window.set_device_health(h)
    window.go("home", remember=False)
    try:
        for size in ((1920, 1080), (1080, 1920)):
            for elderly in (False, True):
                window.setGeometry(0, 0, *size)
                window.set_elderly(elderly)
                qtbot.wait(30)
                assert window.status_notice.isVisible() and window.status_notice.text() == expected
                cut = cut_off_texts(window.status_bar_frame)
                assert not cut, f"{size} 长辈模式={elderly}: {cut}"
    finally:
        window.set_elderly(False)
    for kind in (DeviceKind.PRINTER, DeviceKind.ID_CARD, DeviceKind.SS_CARD):
        window.set_device_health(DeviceHealth(kind, DeviceState.ONLINE, ""))
    assert not window.status_notice.isVisible()


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_the_welcome_never_breaks_the_service_points_name(window, qtbot, elderly, size) -> None:
    from tests.helpers.usability import cut_off_texts

    window.setGeometry(0, 0, *size)
    window.set_elderly(elderly)
    window.go("attract", remember=False)
    qtbot.wait(30)
    try:
        welcome = window.current_page().welcome
        for line in welcome.text().split("\n"):  # one line each, never wrapped inside the name
            assert welcome.fontMetrics().horizontalAdvance(line) <= welcome.contentsRect().width(), line
        assert POINT in welcome.text() or POINT == window.header_place.text(), "the service point is named"
        assert not cut_off_texts(window.current_page())
    finally:
        window.set_elderly(False)

