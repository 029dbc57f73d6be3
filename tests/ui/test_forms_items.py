"""Every register-and-apply item driven through the real UI: what reaches the outbox and the platform."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QPushButton

from devices.base import DeviceKind
from offline_cache import OutboxState
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
from ui.flows.forms import open_form

pytestmark = pytest.mark.timeout(90)


def _deliver(world, item) -> None:
    world.core.sync.run_once()
    after = world.core.database.outbox.get(item.key)
    assert after.state == OutboxState.ACCEPTED and after.case_no, (after.state, after.reject_code, after.last_error)


@pytest.mark.parametrize(("group", "item_id", "kind"), [
    ("find_work", "4", "job_seeker_registration"),
    ("find_work", "S000-03", "job_seeker_registration"),
    ("find_work", "10", "flexible_employment_registration"),
    ("find_work", "S000-01", "employment_registration"),
    ("find_work", "S000-08", "hard_to_employ_registration"),
    ("find_work", "S000-05", "rural_labour_registration"),
    ("find_work", "S000-04", "employment_support_registration"),
    ("internship", "S001-01", "internship_application"),
])
def test_each_form_reaches_the_outbox_and_the_platform_accepts_it(qtbot, world, group, item_id, kind) -> None:
    login_with_id_card(qtbot, world, 0)  # P0001: working age, has a 就业创业证
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, group, item_id)
    qtbot.waitUntil(lambda: form_page(world).state != "loading", timeout=5000)
    page = fill_current_form(qtbot, world, taps)
    assert taps.find("formSubmit").isEnabled()
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    items = outbox_items(world, kind)
    assert len(items) == 1
    body = items[0].payload["payload"]
    assert_platform_rules(items[0])
    if page.form.confirmation_payload:
        assert body[page.form.confirmation_payload] is True
    assert items[0].payload["person"]["id_number"] == world.residents[0].id_card.id_number
    _deliver(world, items[0])


def test_unemployment_registration_needs_the_residents_own_confirmation(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "11")
    page = wait_state(qtbot, world, "confirm")
    # the commitment text is there in full, and nothing lets the resident past it unconfirmed
    shown = "".join(lbl.text() for lbl in page.confirm.findChildren(type(page.title)))
    for para in world.core.catalogue.commitment_text().split("\n"):
        assert para in shown
    toggle, cont = taps.find("formConfirmToggle"), taps.find("formConfirmContinue")
    assert not toggle.isChecked() and not cont.isEnabled()
    assert not page.can_submit()
    taps.tap("formConfirmToggle")
    assert cont.isEnabled()
    taps.tap("formConfirmContinue")
    wait_state(qtbot, world, "step:reason")
    taps.pick_option("reason", "合同到期")
    wait_state(qtbot, world, "step:unemployed_since")
    taps.tap("formNext_unemployed_since")  # nothing typed yet
    assert taps.find("formError_unemployed_since", object).text() == "请用数字键输入完整的日期：2025年3月1日 就按 20250301"
    future = world.core.services.today() + timedelta(days=3)
    taps.keypad("unemployed_since", f"{future:%Y%m%d}")
    taps.tap("formNext_unemployed_since")
    assert "不能晚于今天" in taps.find("formError_unemployed_since", object).text()
    taps.tap("keypad_unemployed_since_clear")
    since = world.core.services.today() - timedelta(days=40)
    taps.keypad("unemployed_since", f"{since:%Y%m%d}")
    taps.tap("formNext_unemployed_since")
    wait_state(qtbot, world, "step:job_intention")
    taps.pick_option("job_intention", "交通运输")
    taps.pick_option("training", "想参加")
    wait_state(qtbot, world, "step:last_employer")
    page.steps["last_employer"].edit.setText("大同市某运输公司")
    taps.tap("formNext_last_employer")
    wait_state(qtbot, world, "step:phone")
    assert page.steps["phone"].keypad.digits() == "13800000001"  # the phone the platform knows
    taps.tap("formNext_phone")
    wait_state(qtbot, world, "review")
    assert "本人已阅读并确认告知内容" in page.review.findChild(type(page.title), "formRow_confirmation_value").text()
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    assert "二次审核" in taps.find("formNote", object).text()
    [item] = outbox_items(world, "unemployment_registration")
    body = item.payload["payload"]
    assert body["commitment_confirmed"] is True and body["reason"] == "劳动合同期满"
    assert body["unemployed_since"] == since.isoformat() and body["last_employer"] == "大同市某运输公司"
    # the job-seeking registration travels in the same submission (seed 004 §3)
    assert body["category_codes"] == ["40"] and body["job_intention"] == "交通运输"
    assert_platform_rules(item)
    taps.tap("formPrint")
    printer = world.sim(DeviceKind.PRINTER)
    qtbot.waitUntil(lambda: bool(printer.printed), timeout=5000)
    assert "二次审核" in printer.printed[-1] and page.result.local_no in printer.printed[-1]
    _deliver(world, item)


def test_resubmission_prefills_answers_but_still_asks_for_confirmation(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    item = world.core.catalogue.item("11")
    open_form(world.ui.ctx, item, {"reason": "本人辞职", "job_intention": "30", "phone": "13900000000",
                                  "commitment": True})
    page = wait_state(qtbot, world, "confirm")
    assert not Taps(qtbot, world).find("formConfirmContinue").isEnabled()
    page.show_review()
    assert not page.review.submit.isEnabled()  # no submission without the resident's own confirmation
    assert page.answers["reason"] == "本人辞职" and page.answers["phone"] == "13900000000"
    taps = Taps(qtbot, world)
    taps.tap("formEdit_reason")
    wait_state(qtbot, world, "step:reason")
    taps.pick_option("reason", "单位倒闭")
    wait_state(qtbot, world, "review")  # a 修改 goes straight back to the review
    assert page.answers["reason"] == "单位破产关闭"
    assert outbox_items(world) == []


# A fixed retirement age is no longer a refusal (seed 004: the bound is receiving a basic pension, see
# tests/ui/test_working_age.py); being under 16 still is.
@pytest.mark.parametrize(("years", "expected"), [(15, "未满16周岁")])
def test_working_age_refusal_explains_and_submits_nothing(qtbot, world, years, expected) -> None:
    birth = date(date.today().year - years, 1, 1)  # exactly `years` old today
    login_identity(qtbot, world, person_born(world, birth, serial="135" if years == 15 else "137"))
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "11")
    page = wait_state(qtbot, world, "formAgeGate")
    text = page.gate.text()
    assert expected in text and world.core.settings.service_point.counter in text
    assert not [b for b in page.findChildren(QPushButton, "formSubmit") if b.isVisible()]
    assert page.confirm is None and not page.steps
    assert outbox_items(world) == []


def test_benefit_receiver_sees_why_no_unemployment_benefit_form(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 2)  # P0003 receives unemployment benefit already
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "social_insurance", "23")
    page = wait_state(qtbot, world, "formIneligible")
    assert "正在领取失业保险金" in page.gate.text()
    assert not [b for b in page.findChildren(QPushButton) if b.isVisible() and b.objectName().startswith("formNext")]


def test_skill_subsidy_shows_eligibility_first_then_applies(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 2)
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "social_insurance", "22")
    page = wait_state(qtbot, world, "formEligible")
    assert "领取失业保险金期间" in page.gate.text()
    taps.tap("formEligibleStart")
    wait_state(qtbot, world, "step:certificate_name")
    taps.pick_option("certificate_name", "焊工")  # 24 trades: the paged picker
    taps.pick_option("certificate_level", "四级（中级工）")
    wait_state(qtbot, world, "step:certificate_no")
    taps.keypad("certificate_no", "123")
    taps.tap("formNext_certificate_no")
    assert "至少6位" in taps.find("formError_certificate_no", object).text()
    taps.keypad("certificate_no", "4567890")
    taps.tap("formNext_certificate_no")
    issued = world.core.services.today() - timedelta(days=60)
    taps.keypad("issued_on", f"{issued:%Y%m%d}")
    taps.tap("formNext_issued_on")
    wait_state(qtbot, world, "review")
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    [item] = outbox_items(world, "skill_subsidy_application")
    body = item.payload["payload"]
    assert body["certificate_name"] == "焊工" and body["certificate_no"] == "1234567890"
    assert body["certificate_level"] == "四级/中级工" and body["issued_on"] == issued.isoformat()
    assert_platform_rules(item)
    _deliver(world, item)


def test_eligible_unemployment_benefit_application(qtbot, world, ui_sandbox) -> None:
    from sqlalchemy import select

    from sandbox import db as sdb

    identity = person_born(world, date(1985, 5, 5), name="测试保", serial="151")
    login_identity(qtbot, world, identity)
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    platform = ui_sandbox.platform
    with platform.Session.begin() as s:  # this new person has paid in and lost the job involuntarily
        person = s.scalar(select(sdb.Person).where(sdb.Person.id_number == identity.id_number))
        person.records = {"unemployment_benefit_eligibility": {
            "eligible": True, "reasons": ["失业保险累计缴费满1年", "非因本人意愿中断就业"]}}
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "social_insurance", "23")
    page = wait_state(qtbot, world, "formEligible")
    assert "非因本人意愿中断就业" in page.gate.text()
    taps.tap("formEligibleStart")
    wait_state(qtbot, world, "confirm")
    taps.tap("formConfirmToggle")
    taps.tap("formConfirmContinue")
    taps.pick_option("separation_reason", "单位倒闭")
    wait_state(qtbot, world, "step:last_employer")
    taps.tap("formNext_last_employer")  # optional: 跳过
    wait_state(qtbot, world, "step:phone")
    taps.keypad("phone", "1381234")
    taps.tap("formNext_phone")
    assert taps.find("formError_phone", object).text() == "请输入11位手机号码"
    taps.keypad("phone", "5678")
    taps.tap("formNext_phone")
    wait_state(qtbot, world, "review")
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    [item] = outbox_items(world, "unemployment_benefit_application")
    assert item.payload["payload"]["commitment_confirmed"] is True
    assert item.payload["payload"]["separation_reason"] == "用人单位破产关闭"
    assert_platform_rules(item)
    _deliver(world, item)


def test_offline_eligibility_says_it_needs_the_network(qtbot, world) -> None:
    dead_platform(world)
    login_with_id_card(qtbot, world, 2)
    qtbot.waitUntil(lambda: "网络暂时不可用" in world.ui.home.notice.text(), timeout=5000)  # the offline login settled
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "social_insurance", "22")
    page = wait_state(qtbot, world, "formOfflineGate")
    assert "需要先联网" in page.gate.text() and world.core.settings.service_point.counter in page.gate.text()


def test_offline_submission_is_kept_and_says_so(qtbot, world) -> None:
    dead_platform(world)
    login_with_id_card(qtbot, world, 0)
    world.core.sync.run_once()  # the worker finds the platform unreachable
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "S000-04")
    qtbot.waitUntil(lambda: form_page(world).state != "loading", timeout=5000)
    fill_current_form(qtbot, world, taps)
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    assert taps.find("formStatus", object).text() == "办理状态：已保存，联网后自动上传"
    [item] = outbox_items(world, "employment_support_registration")
    assert item.state != OutboxState.ACCEPTED


def test_online_submission_says_accepted(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    world.core.sync.run_once()  # the network is known to be up
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "S000-04")
    qtbot.waitUntil(lambda: form_page(world).state != "loading", timeout=5000)
    fill_current_form(qtbot, world, taps)
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    assert taps.find("formStatus", object).text() == "办理状态：已受理，待审核"


def test_internship_without_certificate_leads_to_job_seeker_registration(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 4)  # P0005: graduate, no 就业创业证
    qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "internship", "S001-01")
    page = wait_state(qtbot, world, "formCertGate")
    assert "就业创业证" in page.gate.text()
    assert taps.find("formLead_11").isVisible()  # 16–24 unemployed youth → 失业登记
    taps.tap("formLead_S000-03")
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "form_S000-03", timeout=3000)
    wait_state(qtbot, world, "step:job_type")


def test_gig_hiring_validation_messages_and_submission(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "7")
    wait_state(qtbot, world, "step:work")
    taps.pick_option("work", "农林牧渔")
    wait_state(qtbot, world, "step:place")
    taps.tap("formNext_place")
    wait_state(qtbot, world, "step:start_date")
    start = world.core.services.today() + timedelta(days=5)
    taps.tap("keypad_start_date_clear")
    taps.keypad("start_date", f"{start:%Y%m%d}")
    taps.tap("formNext_start_date")
    wait_state(qtbot, world, "step:end_date")
    taps.keypad("end_date", f"{start - timedelta(days=1):%Y%m%d}")
    taps.tap("formNext_end_date")
    assert taps.find("formError_end_date", object).text() == "不能早于“开始日期”"
    taps.tap("keypad_end_date_clear")
    taps.keypad("end_date", f"{start + timedelta(days=2):%Y%m%d}")
    taps.tap("formNext_end_date")
    wait_state(qtbot, world, "step:headcount")
    taps.keypad("headcount", "0")  # no leading zero: nothing typed
    taps.tap("formNext_headcount")
    assert taps.find("formError_headcount", object).text() == "请输入要招的人数"
    taps.keypad("headcount", "6")
    taps.tap("formNext_headcount")
    taps.keypad("pay", "30")
    taps.tap("formNext_pay")
    assert taps.find("formError_pay", object).text() == "日工资请不低于50元"
    taps.keypad("pay", "0")
    taps.tap("formNext_pay")
    wait_state(qtbot, world, "step:contact_phone")
    taps.tap("formNext_contact_phone")
    wait_state(qtbot, world, "step:description")
    form_page(world).steps["description"].edit.setText("管午饭")
    taps.tap("formNext_description")
    wait_state(qtbot, world, "review")
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    [item] = outbox_items(world, "gig_hiring_registration")
    body = item.payload["payload"]
    assert body["title"] == "农林牧渔" and body["address"] == "玉泉镇" and body["headcount"] == 6
    assert body["daily_wage"] == 300 and body["contact_phone"] == "13800000001" and body["description"] == "管午饭"
    assert body["start_date"] == start.isoformat() and body["end_date"] == (start + timedelta(days=2)).isoformat()
    assert_platform_rules(item)
    _deliver(world, item)


def test_logout_wipes_the_form(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "1")
    page = wait_state(qtbot, world, "step:category")
    assert page.idle_warning_s >= 120
    world.ui.logout()
    assert world.ui.window.current_page().page_id == "attract"
    assert not page.answers and page.card is None
