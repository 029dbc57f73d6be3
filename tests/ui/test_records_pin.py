"""The social security card PIN before live records: tries shown first, counting down, locking; once per session."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from devices.base import DeviceKind
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from tests.ui.test_records import (
    click,
    find,
    open_item,
    shot,
    visible_text,
    wait_content,
    wait_idle,
    wait_online,
)

DEMO_PIN = "123456"  # devices/sscard/cardmodel.py CardProfile.pin


def login_with_ss_card(qtbot, world, index: int = 0):
    resident = world.residents[index]
    assert not resident.ss_card.expired, "pick a resident whose social security card is valid"
    world.sim(DeviceKind.SS_CARD).insert(resident.ss_card)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "home"
                    and resident.label in world.ui.home.greeting.text(), timeout=5000)
    assert world.core.services.session.login_method == "ss_card"
    wait_online(qtbot, world)
    return resident


def type_pin(qtbot, world, pin: str) -> None:
    pad = world.ui.window.current_page().pin_pad
    qtbot.waitUntil(lambda: pad.keys["1"].isEnabled(), timeout=5000)
    for d in pin:
        qtbot.mouseClick(pad.keys[d], Qt.MouseButton.LeftButton)
    assert pad.entered == len(pin)
    qtbot.mouseClick(pad.ok_button, Qt.MouseButton.LeftButton)
    assert pad.entered == 0  # the pad forgot the digits the moment they were handed over


def wait_pin_answer(qtbot, world, page) -> None:
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: page.pin_pad.locked or page.pin_pad.message.isVisible()
                    or page.states.currentWidget() is not page.pin_pad, timeout=8000)


def test_pin_asked_with_tries_shown_then_once_per_session(qtbot, world, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    login_with_ss_card(qtbot, world, 0)
    page = open_item(qtbot, world, "social_insurance", "25")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.pin_pad and "6" in page.pin_pad.tries.text(),
                    timeout=5000)
    assert page.pin_pad.tries.text() == "还可以输入 6 次"  # shown BEFORE the first try
    shot(world, "pin_pad_first")
    type_pin(qtbot, world, "111111")
    wait_pin_answer(qtbot, world, page)
    assert page.pin_pad.message.text() == "密码错误，还可以再试5次"
    assert page.pin_pad.tries.text() == "还可以输入 5 次"
    shot(world, "pin_pad_wrong")
    type_pin(qtbot, world, DEMO_PIN)
    wait_content(qtbot, world, page)
    assert "参保缴费" in visible_text(page)
    # another record in the same session: no PIN again
    other = open_item(qtbot, world, "social_insurance", "27")
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: other.states.currentWidget() is not other.pin_pad
                    and other.states.currentWidget().isVisible(), timeout=5000)
    assert other.states.currentWidget() is not other.pin_pad
    assert all(pin not in caplog.text for pin in ("111111", DEMO_PIN))  # never logged


def test_wrong_pins_count_down_and_lock_the_card(qtbot, world) -> None:
    login_with_ss_card(qtbot, world, 2)  # P0003, card valid until 2030
    page = open_item(qtbot, world, "social_insurance", "27")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.pin_pad and bool(page.pin_pad.tries.text()),
                    timeout=5000)
    seen = []
    for expected_left in (5, 4, 3, 2, 1):
        type_pin(qtbot, world, "000000")
        wait_pin_answer(qtbot, world, page)
        seen.append(page.pin_pad.tries.text())
        assert page.pin_pad.message.text() == f"密码错误，还可以再试{expected_left}次"
        page.pin_pad.message.hide()
    assert seen == [f"还可以输入 {n} 次" for n in (5, 4, 3, 2, 1)]
    type_pin(qtbot, world, "000000")
    wait_pin_answer(qtbot, world, page)
    assert page.pin_pad.locked
    assert page.pin_pad.message.text() == "社保卡密码已锁定，请到柜台解锁"
    assert not any(b.isEnabled() for b in page.pin_pad.keys.values()) and not page.pin_pad.ok_button.isEnabled()
    shot(world, "pin_pad_locked")
    # coming back to it later in the session: still locked, no further tries offered
    world.ui.window.back()
    again = open_item(qtbot, world, "social_insurance", "27")
    qtbot.waitUntil(lambda: again.pin_pad.locked, timeout=5000)
    assert world.sim(DeviceKind.SS_CARD).pin_tries_left() == 0


def test_id_card_and_essc_logins_skip_the_pin(qtbot, world) -> None:
    resident = world.residents[0]
    world.sim(DeviceKind.QR_SCANNER).scan(resident.essc_token)
    qtbot.waitUntil(lambda: resident.label in world.ui.home.greeting.text(), timeout=5000)
    page = open_item(qtbot, world, "social_insurance", "25")
    wait_content(qtbot, world, page)
    assert world.core.services.session.login_method == "essc"


def test_a_new_login_asks_for_the_pin_again(qtbot, world) -> None:
    login_with_ss_card(qtbot, world, 0)
    page = open_item(qtbot, world, "social_insurance", "25")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.pin_pad, timeout=5000)
    type_pin(qtbot, world, DEMO_PIN)
    wait_content(qtbot, world, page)
    click(qtbot, world, "navLogout")
    assert world.core.services.session is None
    world.sim(DeviceKind.SS_CARD).remove()
    qtbot.wait(600)  # the reader notices the removal after ~0.4 s
    login_with_ss_card(qtbot, world, 0)
    page = open_item(qtbot, world, "social_insurance", "25")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.pin_pad, timeout=5000)


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("portrait", [False, True])
def test_pin_pad_meets_the_usability_numbers(qtbot, world, elderly: bool, portrait: bool) -> None:
    window = world.ui.window
    if portrait:
        window.setGeometry(0, 0, 1080, 1920)
    window.set_elderly(elderly)
    login_with_ss_card(qtbot, world, 5)
    page = open_item(qtbot, world, "social_insurance", "33")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.pin_pad and page.pin_pad.keys["1"].isEnabled(),
                    timeout=5000)
    qtbot.wait(50)
    min_font, min_target = (40, 80) if elderly else (28, 60)
    assert smallest_font(page).value >= min_font, smallest_font(page)
    assert smallest_target(page).value >= min_target, smallest_target(page)
    assert unnamed_interactive(page) == []
    assert find(world, "pinOk") is not None
    shot(world, f"pin_pad_{'elderly' if elderly else 'normal'}_{'portrait' if portrait else 'landscape'}")
