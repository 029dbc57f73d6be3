"""劳动年龄 as seed 004 states it — 年满16周岁至依法享受基本养老保险待遇 — driven through the real UI and sandbox.

The upper bound is the platform's answer "receives a basic pension", never a fixed age; offline the
kiosk accepts the registration and the platform decides; gig work (item 4) has no upper age.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QPushButton

from offline_cache import CaseStatus, OutboxState
from tests.helpers.forms_ui import (
    Taps,
    assert_platform_rules,
    dead_platform,
    fill_current_form,
    form_page,
    login_identity,
    open_item,
    outbox_items,
    person_born,
    wait_state,
)
from tests.ui.conftest import login_with_id_card

pytestmark = pytest.mark.timeout(120)

AGED_61 = 6  # P0007 张满仓: a man of 61 who does not receive a pension
PENSIONER = 7  # P0008 郭福生: 58, retired early, receives a basic pension


def _register(qtbot, world, item_id: str, kind: str):
    """Open an item of 我要找工作 from the home screen, answer it, submit; the outbox item."""
    taps = Taps(qtbot, world)
    before = len(outbox_items(world, kind))
    world.ui.window.go_home()
    open_item(qtbot, world, taps, "find_work", item_id)
    qtbot.waitUntil(lambda: form_page(world).state != "loading", timeout=5000)
    assert form_page(world).state != "formAgeGate", form_page(world).gate.text()
    fill_current_form(qtbot, world, taps)
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    items = outbox_items(world, kind)
    assert len(items) == before + 1
    assert_platform_rules(items[-1])
    return items[-1]


def _age(world, index: int) -> int:
    born = world.residents[index].id_card.birth_date
    today = world.core.services.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_a_man_of_61_registers_for_gig_work_online(qtbot, world) -> None:
    assert _age(world, AGED_61) >= 61 and world.residents[AGED_61].id_card.gender == "男"
    login_with_id_card(qtbot, world, AGED_61)
    session = world.core.services.session
    assert session.online and session.receives_basic_pension is False
    item = _register(qtbot, world, "4", "job_seeker_registration")
    assert item.payload["payload"]["job_type"] == "gig"
    assert item.payload["person"]["id_number"] == world.residents[AGED_61].id_card.id_number
    world.core.sync.run_once()
    assert world.core.database.outbox.get(item.key).state == OutboxState.ACCEPTED
    # no fixed age either for 固定工求职登记: he receives no pension, so he is of working age
    fixed = _register(qtbot, world, "1", "job_seeker_registration")
    world.core.sync.run_once()
    assert world.core.database.outbox.get(fixed.key).state == OutboxState.ACCEPTED


def test_a_man_of_61_registers_for_gig_work_offline(qtbot, world) -> None:
    url = world.core.platform.base_url
    dead_platform(world)
    login_with_id_card(qtbot, world, AGED_61)
    session = world.core.services.session
    assert not session.online and session.receives_basic_pension is None
    item = _register(qtbot, world, "4", "job_seeker_registration")
    assert world.core.database.outbox.get(item.key).state == OutboxState.QUEUED
    world.core.platform.base_url = url  # the network is back: the platform accepts it
    world.core.sync.run_once()
    assert world.core.database.outbox.get(item.key).state == OutboxState.ACCEPTED


def test_a_pensioner_is_told_why_online_and_may_still_look_for_gig_work(qtbot, world) -> None:
    login_with_id_card(qtbot, world, PENSIONER)
    assert world.core.services.session.receives_basic_pension is True
    assert _age(world, PENSIONER) < 60  # the platform's record decides, not an age
    taps = Taps(qtbot, world)
    for item_id in ("1", "11"):
        world.ui.window.go_home()
        open_item(qtbot, world, taps, "find_work", item_id)
        page = wait_state(qtbot, world, "formAgeGate")
        text = page.gate.text()
        assert "依法享受基本养老保险待遇" in text and world.core.settings.service_point.counter in text
        assert not [b for b in page.findChildren(QPushButton, "formSubmit") if b.isVisible()]
    assert outbox_items(world) == []
    item = _register(qtbot, world, "4", "job_seeker_registration")  # gig work: no upper age
    world.core.sync.run_once()
    assert world.core.database.outbox.get(item.key).state == OutboxState.ACCEPTED


def test_offline_a_pensioners_registration_is_accepted_and_the_platform_refuses_it_plainly(qtbot, world) -> None:
    url = world.core.platform.base_url
    dead_platform(world)
    login_with_id_card(qtbot, world, PENSIONER)
    assert not world.core.services.session.online
    item = _register(qtbot, world, "1", "job_seeker_registration")  # no gate: nobody knows of the pension yet
    world.core.platform.base_url = url
    world.core.sync.run_once()
    assert world.core.database.outbox.get(item.key).state == OutboxState.REJECTED
    [case] = [c for c in world.core.services.my_cases() if c.key == item.key]
    assert case.status is CaseStatus.REJECTED and "依法享受基本养老保险待遇" in (case.reason or "")


def test_under_16_is_refused_with_the_reason_even_for_gig_work(qtbot, world) -> None:
    today = date.today()
    birth = date(today.year - 15, 1, 1)
    login_identity(qtbot, world, person_born(world, birth, serial="135"))
    taps = Taps(qtbot, world)
    for item_id in ("4", "11"):
        world.ui.window.go_home()
        open_item(qtbot, world, taps, "find_work", item_id)
        page = wait_state(qtbot, world, "formAgeGate")
        assert "未满16周岁" in page.gate.text()
    assert outbox_items(world) == []
