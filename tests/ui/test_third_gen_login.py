"""A 3rd-generation social security card without a PSAM (issue 11 §1): PIN on the card, then the platform names
the holder; offline, a plain message with the ID-card offer on the same screen."""

from __future__ import annotations

from datetime import date

import pytest

from devices.base import CardRemoved, DeviceKind
from devices.sscard.cardmodel import CardProfile, ef05_records, ef06_records
from tests.helpers.forms_ui import dead_platform
from tests.ui.conftest import login_with_id_card
from tests.ui.test_records_pin import DEMO_PIN, type_pin, wait_pin_answer

# P0001 in sandbox/demo_persons.json: card D00000001, a 3.00 card issued in region 140200
P0001_CARD = CardProfile(
    ef05=ef05_records(version="3.00", card_number="D00000001", issue_date=date(2019, 7, 1),
                      expiry_date=date(2029, 7, 1),
                      identification_code=bytes.fromhex("140200D1560000050000000000000001")),
    ef06=ef06_records(ssn="140222197503150011", name="李建军", birth_date=date(1975, 3, 15)),
    generation=3,
)


def insert_third_gen(qtbot, world):
    world.sim(DeviceKind.SS_CARD).insert(P0001_CARD)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "card_holder", timeout=5000)
    return world.ui.card_holder


def test_the_pin_on_the_card_then_the_platform_names_the_holder(qtbot, world) -> None:
    page = insert_third_gen(qtbot, world)
    assert world.core.services.session is None  # no session with an empty identity, ever
    qtbot.waitUntil(lambda: page.pin_pad.tries.text() == "还可以输入 6 次", timeout=5000)
    assert "第三代" in page.pin_pad.why.text()
    type_pin(qtbot, world, "111111")
    wait_pin_answer(qtbot, world, page)
    assert page.pin_pad.message.text() == "密码错误，还可以再试5次"
    type_pin(qtbot, world, DEMO_PIN)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "home", timeout=8000)
    session = world.core.services.session
    assert (session.identity.id_number, session.identity.name) == ("140222197503150011", "李建军")
    assert session.online and session.login_method == "ss_card" and not session.identity.partial
    assert "李**" in world.ui.home.greeting.text()
    assert not world.core.services.ss_pin_needed()  # the PIN was given at this login


def test_offline_says_the_card_needs_the_network_and_offers_the_id_card(qtbot, world) -> None:
    dead_platform(world)
    page = insert_third_gen(qtbot, world)
    type_pin(qtbot, world, DEMO_PIN)  # the network state is not known yet: the platform call finds it down
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.offline_panel, timeout=8000)
    assert "只能在联网时读取" in page.offline_message.text()
    assert page.id_card_offer.isVisible() and "身份证" in page.id_card_offer.text()
    assert page.id_card_picture.isVisible()
    assert world.core.services.session is None
    # the resident takes the social security card out: the offer stays on the screen
    with qtbot.waitSignal(world.ui.bridge.device_event, timeout=3000,
                          check_params_cb=lambda event: isinstance(event, CardRemoved)):
        world.sim(DeviceKind.SS_CARD).remove()
    assert world.ui.window.current_page() is page and page.states.currentWidget() is page.offline_panel
    # the offer holds: an ID card placed now logs in as usual
    login_with_id_card(qtbot, world, 0)
    assert world.core.services.session.login_method == "id_card"


def test_known_offline_asks_no_pin(qtbot, world) -> None:
    world.core.services._is_online = lambda: False
    page = insert_third_gen(qtbot, world)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.offline_panel, timeout=5000)
    assert "只能在联网时读取" in page.offline_message.text()


def test_taking_the_card_out_at_the_pin_pad_returns_to_the_start(qtbot, world) -> None:
    page = insert_third_gen(qtbot, world)
    qtbot.waitUntil(lambda: page.pin_pad.tries.text() != "", timeout=5000)
    world.sim(DeviceKind.SS_CARD).remove()
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "attract", timeout=5000)
    assert world.core.services.session is None


def test_the_demo_panel_inserts_a_third_generation_card_the_platform_knows(qtbot, world) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    button = world.ui.demo_panel.findChild(QPushButton, "demoInsertSsThirdGen0")
    assert button is not None and world.ui.demo_panel.findChild(QPushButton, "demoInsertSsThirdGen1") is None  # P0002: 2.00
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "card_holder", timeout=5000)
    type_pin(qtbot, world, DEMO_PIN)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "home", timeout=8000)
    assert world.core.services.session.identity.id_number == "140222197503150011"


@pytest.mark.parametrize("portrait", [False, True])
def test_the_pin_pad_and_the_offline_offer_meet_the_usability_numbers(qtbot, world, portrait: bool) -> None:
    from tests.helpers.usability import cut_off_texts, smallest_font, smallest_target, unnamed_interactive

    if portrait:
        world.ui.window.setGeometry(0, 0, 1080, 1920)
    page = insert_third_gen(qtbot, world)
    qtbot.waitUntil(lambda: page.pin_pad.keys["1"].isEnabled(), timeout=5000)
    for state in (page.pin_pad, page.offline_panel):
        if state is page.offline_panel:
            page.show_offline("这张社保卡（第三代）只能在联网时读取，现在网络暂时不可用。")
        qtbot.wait(50)
        assert smallest_font(page).value >= 28, smallest_font(page)
        assert smallest_target(page).value >= 60, smallest_target(page)
        assert unnamed_interactive(page) == [] and cut_off_texts(page) == []
