"""Fault reports in the console on the seed 003 附件4 workflow: only the level a report is at answers it or
forwards it up (上报); the list shows level, due time, overdue / escalated marks and each report's history;
refusals are said in Chinese and audited."""

from __future__ import annotations

import pytest

from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.console.conftest import (
    OTHER_KIOSK,
    TZ_KIOSK,
    Browser,
    console_accounts,
    file_fault,
    open_as,
)

pytestmark = pytest.mark.integration

YG_KIOSK = OTHER_KIOSK[0]
HOUR = 3600.0


def _card(page: str, report_no: str) -> str:
    start = page.index(f'id="report-{report_no}"')
    end = page.find('<div class="card', start)
    return page[start:end if end > 0 else len(page)]


def test_the_county_answers_what_is_at_its_level_and_the_city_is_refused(gateway: RunningSandbox,
                                                                         browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    report = file_fault(platform, TZ_KIOSK)
    city = open_as(gateway, "dt-li")
    try:
        card = _card(city.get("/faults").text, report)
        assert "当前层级" in card and "县人社部门" in card and "办理时限" in card
        assert "/answer" not in card and "现由<strong>县人社部门</strong>办理" in card, "no form, but who has it"
        r = city.post(f"/faults/{report}/answer", {"response": "市里越级答复", "deadline": ""})
        assert r.status_code == 400 and "现在由县人社部门处理" in r.text
        assert platform.fault_reports(TZ_KIOSK)[0]["response"] is None
        audit = city.get("/audit").text
        assert "答复问题反映" in audit and "被拒绝" in audit and "不在本级办理" in audit
    finally:
        city.http.close()

    browser.login("tz-wang")
    card = _card(browser.get("/faults").text, report)
    assert "/answer" in card and "/forward" in card
    r = browser.post(f"/faults/{report}/answer", {"response": "按县局口径办理", "deadline": "2030-01-31"})
    assert r.status_code == 200 and "已答复" in r.text
    seen = platform.fault_reports(TZ_KIOSK)[0]
    assert seen["response"] == "按县局口径办理" and seen["answered_by"] == "王股长（县人社部门）"
    card = _card(browser.get("/faults", params={"state": "answered"}).text, report)
    assert "答复人 王股长（县人社部门）" in card and "自助机提交" in card and "答复" in card


def test_forwarding_moves_a_report_up_one_level_where_the_city_answers_it(gateway: RunningSandbox,
                                                                         browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    report = file_fault(platform, TZ_KIOSK)
    browser.login("tz-wang")
    r = browser.post(f"/faults/{report}/forward", {"note": ""})
    assert r.status_code == 400 and "请说明" in r.text
    r = browser.post(f"/faults/{report}/forward", {"note": "涉及跨县政策，县里无法解决"})
    assert r.status_code == 200 and "已上报上一级办理" in r.text
    card = _card(r.text, report)
    assert "已升级" in card and "市人社部门" in card and "本级无法解决，上报" in card and "县里无法解决" in card
    r = browser.post(f"/faults/{report}/forward", {"note": "再上报一次"})
    assert r.status_code == 400 and "现在由市人社部门处理" in r.text, "no longer at the county"

    city = open_as(gateway, "dt-li")
    try:
        card = _card(city.get("/faults", params={"state": "escalated"}).text, report)
        assert "/answer" in card
        r = city.post(f"/faults/{report}/answer", {"response": "市局已协调", "deadline": ""})
        assert r.status_code == 200
    finally:
        city.http.close()
    assert platform.fault_reports(TZ_KIOSK)[0]["answered_by"] == "李科长（市人社部门）"
    audit = browser.get("/audit").text
    assert "上报问题反映" in audit and "市人社部门" in audit


def test_the_list_marks_overdue_and_escalated_reports_and_filters_by_them(gateway: RunningSandbox,
                                                                          browser: Browser) -> None:
    platform, clock = gateway.platform, gateway.clock
    assert platform is not None and clock is not None
    late = file_fault(platform, TZ_KIOSK, "系统性问题")  # at the province task force, 120 hours
    clock.advance(121 * HOUR)
    moved = file_fault(platform, TZ_KIOSK)  # at the county, 72 hours, then up to the city
    clock.advance(73 * HOUR)
    fresh = file_fault(platform, TZ_KIOSK)
    province = open_as(gateway, "sx-zhao")
    try:
        page = province.get("/faults").text
        assert all(n in page for n in (late, moved, fresh))
        late_card = _card(page, late)
        assert "已超时" in late_card and 'class="bad"' in late_card and "/answer" in late_card
        moved_card = _card(page, moved)
        assert "已升级" in moved_card and "到期未答复，自动上报" in moved_card and "县人社部门 → 市人社部门" in moved_card
        overdue = province.get("/faults", params={"state": "overdue"}).text
        assert late in overdue and moved not in overdue and fresh not in overdue
        escalated = province.get("/faults", params={"state": "escalated"}).text
        assert moved in escalated and late not in escalated and fresh not in escalated
    finally:
        province.http.close()


def test_a_city_sees_its_counties_reports_and_a_county_only_its_own(gateway: RunningSandbox) -> None:
    platform = gateway.platform
    assert platform is not None
    platform.add_kiosk("TY-XD-01", "1" * 64, "小店区北格镇服务点", city="太原市", county="小店区", town="北格镇")
    tz, yg, xd = file_fault(platform, TZ_KIOSK), file_fault(platform, YG_KIOSK), file_fault(platform, "TY-XD-01")
    city, county, province = open_as(gateway, "dt-li"), open_as(gateway, "yg-zhang"), open_as(gateway, "sx-zhao")
    try:
        page = city.get("/faults").text
        assert tz in page and yg in page and xd not in page
        page = county.get("/faults").text
        assert yg in page and tz not in page and xd not in page
        assert county.post(f"/faults/{tz}/forward", {"note": "越权上报"}).status_code == 404
        page = province.get("/faults").text
        assert all(n in page for n in (tz, yg, xd))
    finally:
        for b in (city, county, province):
            b.http.close()


class _AuditDown(Exception):
    pass


def test_an_answer_and_a_forward_commit_with_their_audit_entry_or_not_at_all(gateway: RunningSandbox) -> None:
    """Every console action is audited: an answer whose audit entry cannot be written is not stored either."""
    from sandbox.console.audit import ConsoleAuditTrail
    from sandbox.console.faults import FaultDesk

    platform = gateway.platform
    assert platform is not None
    staff = console_accounts(platform).staff("tz-wang")
    assert staff is not None

    class FailingTrail(ConsoleAuditTrail):
        def add(self, s, **entry):  # type: ignore[no-untyped-def]
            if entry.get("outcome") == "ok":
                raise _AuditDown("the audit table is unavailable")
            super().add(s, **entry)

    report = file_fault(platform, TZ_KIOSK)
    broken = FaultDesk(platform, FailingTrail(platform.Session, platform.clock))
    with pytest.raises(_AuditDown):
        broken.answer(staff, report, "按县局口径办理", "")
    with pytest.raises(_AuditDown):
        broken.forward(staff, report, "涉及跨县政策")
    stored = platform.fault_reports(TZ_KIOSK)[0]
    assert stored["response"] is None and stored["level"] == "县人社部门"

    working = FaultDesk(platform, ConsoleAuditTrail(platform.Session, platform.clock))
    working.answer(staff, report, "按县局口径办理", "")
    assert platform.fault_reports(TZ_KIOSK)[0]["response"] == "按县局口径办理"
    entries = ConsoleAuditTrail(platform.Session, platform.clock).entries(staff)
    assert [(e.action, e.outcome) for e in entries][:1] == [("answer_fault", "ok")]
