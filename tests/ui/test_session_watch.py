"""The idle warning with its countdown and 继续使用, the limited extensions, the maximum length, and the wipe after."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.session import SessionPolicy
from tests.helpers.usability import cut_off_texts, smallest_font, smallest_target, unnamed_interactive
from tests.ui.conftest import login_with_id_card
from tests.ui.test_records import open_item, shot, visible_text, wait_content, wait_online

POLICY = SessionPolicy(idle_warning_s=60, countdown_s=30, max_session_s=900, max_extensions=2)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watch(world):
    from ui.session_watch import SessionWatch

    clock = FakeClock()
    w = SessionWatch(world.ui.window, POLICY, world.ui.logout, clock=clock, tick_ms=3_600_000)
    w.fake_clock = clock  # type: ignore[attr-defined]
    yield w
    w.stop()


def advance(watch, seconds: float):
    watch.fake_clock.now += seconds
    return watch.tick()


def test_idle_warning_counts_down_and_continue_extends(qtbot, world, watch) -> None:
    resident = login_with_id_card(qtbot, world, 1)
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", "26")
    wait_content(qtbot, world, page)
    watch.start()
    advance(watch, 59)
    assert not watch.warning.isVisible()
    advance(watch, 2)  # idle for 61 s
    assert watch.warning.isVisible()
    assert watch.warning.text.text() == "您好像离开了。还剩 29 秒将自动退出"
    assert watch.warning.keep.isVisible() and watch.warning.keep.text() == "继续使用"
    assert not watch.warning.understood.isVisible()
    shot(world, "session_warning")
    advance(watch, 10)
    assert "还剩 19 秒" in watch.warning.text.text()
    qtbot.mouseClick(watch.warning.keep, Qt.MouseButton.LeftButton)
    assert not watch.warning.isVisible() and watch.extensions == 1
    assert world.core.services.session is not None  # still there, page and all
    assert world.ui.window.current_page() is page

    # a second time, then the last extension is used up: the warning has no button any more
    advance(watch, 61)
    qtbot.mouseClick(watch.warning.keep, Qt.MouseButton.LeftButton)
    advance(watch, 61)
    assert watch.warning.isVisible() and not watch.warning.keep.isVisible()
    assert "已不能再延长" in watch.warning.text.text()
    shot(world, "session_warning_last")
    advance(watch, 30)  # the countdown runs out
    assert watch.expired_by == "idle"
    assert world.core.services.session is None
    window = world.ui.window
    assert window.current_page().page_id == "attract"
    assert not watch.warning.isVisible()
    assert not any(p.page_id.startswith("records_") for p in window._pages.values())
    assert resident.id_card.name[1:] not in visible_text(window)
    assert resident.label not in world.ui.home.greeting.text()  # nothing personal on the home page either


def test_touching_the_screen_counts_as_activity(qtbot, world, watch) -> None:
    login_with_id_card(qtbot, world, 0)
    watch.start()
    advance(watch, 50)
    qtbot.mouseClick(world.ui.window.home_button, Qt.MouseButton.LeftButton)  # a real press through the app
    advance(watch, 50)  # 100 s since login, but only 50 s since the touch
    assert not watch.warning.isVisible()
    qtbot.keyClick(world.ui.window, Qt.Key.Key_Space)
    advance(watch, 59)
    assert not watch.warning.isVisible()
    advance(watch, 2)
    assert watch.warning.isVisible()
    # a touch beside the warning's button does not make it go away (only 继续使用 does)
    qtbot.mouseClick(watch.warning.text, Qt.MouseButton.LeftButton)
    advance(watch, 1)
    assert watch.warning.isVisible()


def test_a_page_may_ask_for_a_longer_idle_time(qtbot, world, watch) -> None:
    login_with_id_card(qtbot, world, 0)
    page = world.ui.window.current_page()
    watch.start()
    type(page).idle_warning_s = 180.0  # like a form page
    try:
        advance(watch, 120)
        assert not watch.warning.isVisible()
        advance(watch, 61)
        assert watch.warning.isVisible()
    finally:
        del type(page).idle_warning_s


def test_maximum_session_length_ends_it_without_extension(qtbot, world, watch) -> None:
    login_with_id_card(qtbot, world, 3)
    watch.start()
    for _ in range(17):  # busy all the time: 17 × 50 s = 850 s
        advance(watch, 50)
        watch.activity()
    assert not watch.warning.isVisible()
    state = advance(watch, 25)  # 875 s: 25 s before the maximum
    assert state.reason == "max_length" and watch.warning.isVisible()
    assert not watch.warning.keep.isVisible() and watch.warning.understood.isVisible()
    assert "本次使用时间已到，还剩 25 秒将自动退出" in watch.warning.text.text()
    shot(world, "session_max_length")
    qtbot.mouseClick(watch.warning.understood, Qt.MouseButton.LeftButton)  # let me finish quickly
    assert not watch.warning.isVisible()
    watch.activity()
    advance(watch, 20)
    assert not watch.warning.isVisible() and world.core.services.session is not None
    advance(watch, 5)
    assert watch.expired_by == "max_length"
    assert world.core.services.session is None and world.ui.window.current_page().page_id == "attract"


def test_browsing_without_login_also_returns_to_attract(qtbot, world, watch) -> None:
    window = world.ui.window
    world.ui.browse()
    assert window.current_page().page_id == "home"
    watch.start()
    advance(watch, 61)
    assert watch.warning.isVisible()
    advance(watch, 30)
    assert window.current_page().page_id == "attract"


def test_stop_hides_the_warning_and_ignores_the_clock(qtbot, world, watch) -> None:
    login_with_id_card(qtbot, world, 0)
    watch.start()
    advance(watch, 61)
    watch.stop()
    assert not watch.warning.isVisible()
    advance(watch, 1000)
    assert world.core.services.session is not None


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("portrait", [False, True])
def test_warning_meets_the_usability_numbers(qtbot, world, watch, elderly: bool, portrait: bool) -> None:
    window = world.ui.window
    if portrait:
        window.setGeometry(0, 0, 1080, 1920)
    window.set_elderly(elderly)
    login_with_id_card(qtbot, world, 0)
    watch.start()
    advance(watch, 61)
    qtbot.wait(50)
    min_font, min_target = (40, 80) if elderly else (28, 60)
    assert smallest_font(watch.warning).value >= min_font
    assert smallest_target(watch.warning).value >= min_target
    assert watch.warning.keep.height() >= 120  # the one large button
    assert unnamed_interactive(watch.warning) == []
    assert cut_off_texts(watch.warning) == []
    box = watch.warning.keep.parentWidget()
    assert box.rect().contains(watch.warning.keep.geometry()), "the whole 继续使用 button inside its box"
    assert watch.warning.rect().contains(box.geometry()), "the box inside the screen"
    shot(world, f"session_warning_{'elderly' if elderly else 'normal'}_{'portrait' if portrait else 'landscape'}")
