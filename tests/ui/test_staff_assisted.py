"""全程代理 (issue 11 §5): a service-point worker logs in (e-SSC or staff PIN, verified by the sandbox platform on
127.0.0.1), the resident confirms with their own card, submissions carry both identities, the worker's session
has its own timeout, accounts unused for 3 months and workers of another service point are refused, and the
audit trail names worker, resident (masked) and item."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from kiosk.sync.payload import to_submission
from offline_cache import OutboxState
from tests.helpers.forms_ui import Taps, fill_current_form, form_page, open_item, outbox_items, wait_state
from tests.ui.conftest import login_with_id_card

pytestmark = pytest.mark.timeout(90)

DEMO_STAFF_PIN = "135790"  # sandbox/demo_staff.json


def open_staff_page(qtbot, world):
    qtbot.mouseClick(world.ui.attract.staff, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "staff", timeout=3000)
    return world.ui.staff_page


def staff_pin_login(qtbot, world, staff_no: str, pin: str = DEMO_STAFF_PIN):
    page = open_staff_page(qtbot, world)
    page.staff_no.setText(staff_no)
    page.pin.setText(pin)
    qtbot.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
    return page


def wait_refused(qtbot, page) -> str:
    qtbot.waitUntil(lambda: page.message.isVisible() and page.message.text() != "", timeout=8000)
    return page.message.text()


def scan(qtbot, world, token: str) -> None:
    from devices.base import DeviceKind

    world.sim(DeviceKind.QR_SCANNER).scan(token)


def test_worker_logs_in_by_pin_then_the_resident_card_and_the_case_reaches_the_platform_with_both(
        qtbot, world, ui_sandbox) -> None:
    page = staff_pin_login(qtbot, world, "yq-ljz-01")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.resident_panel, timeout=8000)
    staff = world.core.services.staff
    assert staff is not None and staff.staff_no == "YQ-LJZ-01" and staff.login_method == "pin"
    assert "王**" in page.resident_heading.text() and page.pin.text() == ""  # the PIN is not kept on screen
    login_with_id_card(qtbot, world, 0)  # the resident confirms with their own ID card
    assert "工作人员代办" in world.ui.home.notice.text() and "YQ-LJZ-01" in world.ui.home.notice.text()
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "10")
    qtbot.waitUntil(lambda: form_page(world).state != "loading", timeout=5000)
    fill_current_form(qtbot, world, taps)
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    [item] = outbox_items(world, "flexible_employment_registration")
    submission = to_submission(world.core.database.outbox.get(item.key, with_payload=True))
    assert submission.to_json()["assisted_by"] == {"staff_no": "YQ-LJZ-01", "staff_session": staff.staff_session}
    assert submission.id_number == world.residents[0].id_card.id_number  # the resident's own identity
    world.core.sync.run_once()
    after = world.core.database.outbox.get(item.key)
    assert after.state == OutboxState.ACCEPTED and after.case_no
    assert ui_sandbox.platform.case_assist(after.case_no) == {"staff_no": "YQ-LJZ-01",
                                                              "staff_session": staff.staff_session}
    # the audit trail: worker, resident masked, item; never the resident's full name or ID number
    entries = [e for e in world.core.audit.recent() if e.actor == "staff:YQ-LJZ-01"]
    assert [e.action for e in entries][:2] == ["assisted_submit", "staff_login"]
    detail = entries[0].detail
    assert detail["item"] and detail["kind"] == "flexible_employment_registration"
    resident = world.residents[0].id_card
    raw = json.dumps([e.to_json() for e in world.core.audit.recent()], ensure_ascii=False)
    assert resident.id_number not in raw and resident.name not in raw
    assert resident.id_number[-4:] in detail["resident"] and resident.name[0] in detail["resident"]


def test_worker_logs_in_with_their_own_essc(qtbot, world, ui_sandbox) -> None:
    page = open_staff_page(qtbot, world)
    token = ui_sandbox.platform.issue_essc_token("王春梅")["essc_token"]
    scan(qtbot, world, token)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.resident_panel, timeout=8000)
    assert world.core.services.staff.login_method == "essc"
    assert world.core.services.session is None  # the worker's scan is not a resident login


def test_an_account_unused_for_three_months_is_refused_plainly(qtbot, world) -> None:
    page = staff_pin_login(qtbot, world, "YQ-LJZ-02")  # last used 120 days ago (sandbox/demo_staff.json)
    assert "超过3个月未使用" in wait_refused(qtbot, page)
    assert world.core.services.staff is None and page.states.currentWidget() is page.login_panel


def test_a_worker_of_another_service_point_is_refused(qtbot, world, ui_sandbox) -> None:
    page = open_staff_page(qtbot, world)
    scan(qtbot, world, ui_sandbox.platform.issue_essc_token("高翠兰")["essc_token"])  # staff of 葛家屯
    assert "不是本服务点的工作人员" in wait_refused(qtbot, page)
    assert world.core.services.staff is None and world.core.services.session is None


def test_a_wrong_pin_is_refused(qtbot, world) -> None:
    page = staff_pin_login(qtbot, world, "YQ-LJZ-01", "000000")
    assert "工号或密码不正确" in wait_refused(qtbot, page)
    assert world.core.services.staff is None


def test_the_workers_own_timeout_ends_worker_and_resident(qtbot, world, monkeypatch) -> None:
    page = staff_pin_login(qtbot, world, "YQ-LJZ-01")
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.resident_panel, timeout=8000)
    login_with_id_card(qtbot, world, 0)
    timeouts = world.core.settings.timeouts
    assert world.core.services.staff_seconds_left() > timeouts.staff_session_s - 60
    clock = world.core.services._monotonic
    monkeypatch.setattr(world.core.services, "_monotonic", lambda: clock() + timeouts.staff_session_s + 1)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "attract", timeout=5000)
    assert world.core.services.staff is None and world.core.services.session is None
    assert "工作人员代办已超时" in world.ui.overlay.text.text()
    actions = [(e.actor, e.action, e.detail.get("reason")) for e in world.core.audit.recent(5)]
    assert ("staff:YQ-LJZ-01", "staff_logout", "timeout") in actions


@pytest.mark.parametrize(("portrait", "elderly"), [(False, False), (True, False), (False, True)])
def test_the_staff_screens_meet_the_usability_numbers(qtbot, world, portrait: bool, elderly: bool) -> None:
    from tests.helpers.usability import cut_off_texts, smallest_font, smallest_target, unnamed_interactive

    world.ui.window.setGeometry(0, 0, *((1080, 1920) if portrait else (1920, 1080)))
    page = open_staff_page(qtbot, world)
    world.ui.window.set_elderly(elderly)
    page.show_message("您的工作人员账号超过3个月未使用，已被平台锁定。请联系县级人社部门系统管理员解锁")
    for state in (page.login_panel, page.resident_panel):
        page.states.setCurrentWidget(state)
        qtbot.wait(50)
        assert smallest_font(page).value >= (40 if elderly else 28), smallest_font(page)
        assert smallest_target(page).value >= (80 if elderly else 60), smallest_target(page)
        assert unnamed_interactive(page) == [] and cut_off_texts(page) == []
