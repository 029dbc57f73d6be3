"""Area scoping: a county account neither sees nor acts on another county's kiosk — not in the list, not by its
URL, not by a hand-made POST; a city account sees its counties, a province account everything."""

from __future__ import annotations

import pytest

from sandbox.console.accounts import AccountError
from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.console.conftest import (
    OTHER_KIOSK,
    PASSWORD,
    TZ_KIOSK,
    Browser,
    console_accounts,
    file_fault,
    open_as,
)

pytestmark = pytest.mark.integration

YG_KIOSK = OTHER_KIOSK[0]


def test_a_county_account_lists_only_its_own_kiosks(gateway: RunningSandbox, browser: Browser) -> None:
    browser.login("tz-wang")
    page = browser.get("/kiosks").text
    assert TZ_KIOSK in page and YG_KIOSK not in page and "阳高县" not in page
    assert "共 3 台" in page
    page = browser.get("/kiosks", params={"county": "阳高县"}).text  # asking for the other county by its name
    assert YG_KIOSK not in page and "没有符合条件的自助机" in page


def test_a_county_account_cannot_open_push_to_or_answer_for_another_county(gateway: RunningSandbox,
                                                                            browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    report = file_fault(platform, YG_KIOSK)
    browser.login("tz-wang")
    r = browser.get(f"/kiosks/{YG_KIOSK}")
    assert r.status_code == 404 and "不在您的管辖范围" in r.text and OTHER_KIOSK[1] not in r.text
    r = browser.post(f"/kiosks/{YG_KIOSK}/settings", {"key": "maintenance_message", "value": "越权推送"})
    assert r.status_code == 404
    r = browser.post("/push", {"county": "阳高县", "key": "maintenance_message", "value": "越权推送"})
    assert r.status_code == 403 and "不在您的管辖范围" in r.text
    assert platform.kiosk_settings(YG_KIOSK) == {}
    assert report not in browser.get("/faults").text
    r = browser.post(f"/faults/{report}/answer", {"response": "越权答复", "deadline": ""})
    assert r.status_code == 404
    assert platform.fault_reports(YG_KIOSK)[0]["response"] is None

    refused = browser.get("/audit").text  # each attempt is on the county's own audit page, refused
    assert refused.count("被拒绝") == 3 and "不在管辖范围内" in refused
    own = file_fault(platform, TZ_KIOSK)
    assert own in browser.get("/faults").text, "its own county's report is there"


def test_a_city_sees_its_counties_and_a_province_sees_all(gateway: RunningSandbox) -> None:
    assert gateway.platform is not None
    gateway.platform.add_kiosk("TY-XD-01", "1" * 64, "小店区北格镇服务点", city="太原市", county="小店区", town="北格镇")
    city, province, yg = open_as(gateway, "dt-li"), open_as(gateway, "sx-zhao"), open_as(gateway, "yg-zhang")
    try:
        page = city.get("/kiosks").text
        assert TZ_KIOSK in page and YG_KIOSK in page and "TY-XD-01" not in page
        narrowed = city.get("/kiosks", params={"county": "阳高县"}).text
        assert YG_KIOSK in narrowed and TZ_KIOSK not in narrowed
        page = province.get("/kiosks").text
        assert all(k in page for k in (TZ_KIOSK, YG_KIOSK, "TY-XD-01"))
        assert city.get("/kiosks/TY-XD-01").status_code == 404
        assert city.post("/push", {"county": "小店区", "key": "maintenance_message", "value": "x"}).status_code == 403
        r = city.post("/push", {"county": "阳高县", "key": "maintenance_message", "value": "阳高县今晚维护"})
        assert r.status_code == 200 and "1台自助机" in r.text
        assert gateway.platform.kiosk_settings(YG_KIOSK) == {"maintenance_message": "阳高县今晚维护"}
        assert gateway.platform.kiosk_settings(TZ_KIOSK) == {}
        assert "阳高县今晚维护" in yg.get("/audit").text, "the county sees what its city did to its kiosks"
        assert "阳高县今晚维护" not in open_as(gateway, "tz-wang").get("/audit").text
    finally:
        for b in (city, province, yg):
            b.http.close()


def test_a_county_desk_cannot_answer_what_goes_to_the_province_task_force(gateway: RunningSandbox,
                                                                          browser: Browser) -> None:
    assert gateway.platform is not None
    report = file_fault(gateway.platform, TZ_KIOSK, "系统性问题")
    browser.login("tz-wang")
    assert report in browser.get("/faults").text  # seen, so the county knows it is being handled
    r = browser.post(f"/faults/{report}/answer", {"response": "县里答复", "deadline": ""})
    assert r.status_code == 400 and "省工作专班" in r.text
    province = open_as(gateway, "sx-zhao")
    try:
        r = province.post(f"/faults/{report}/answer", {"response": "省专班已修复接口", "deadline": "2030-01-31"})
        assert r.status_code == 200 and "已答复" in r.text
    finally:
        province.http.close()
    answered = gateway.platform.fault_reports(TZ_KIOSK)[0]
    assert answered["response"] == "省专班已修复接口" and answered["deadline"] == "2030-01-31"


def test_a_county_name_that_repeats_across_cities_is_scoped_by_its_city(gateway: RunningSandbox) -> None:
    """城区 is a county-level name in 阳泉市 and in 晋城市 (and more): the 阳泉市 城区 account and the 阳泉市 account
    see and act on 阳泉's 城区 only — its kiosks, its fault reports, its pushes."""
    platform = gateway.platform
    assert platform is not None
    platform.add_kiosk("YQ-CQ-01", "2" * 64, "阳泉城区上章召服务点", city="阳泉市", county="城区", town="上章召街道")
    platform.add_kiosk("JC-CQ-01", "3" * 64, "晋城城区北石店服务点", city="晋城市", county="城区", town="北石店镇")
    ours, theirs = file_fault(platform, "YQ-CQ-01"), file_fault(platform, "JC-CQ-01")
    accounts = console_accounts(platform)
    accounts.add_staff("yq-cq-liu", "county", "城区", PASSWORD, "刘股长", city="阳泉市")
    accounts.add_staff("yq-zhou", "city", "阳泉市", PASSWORD, "周科长")
    for login in ("yq-cq-liu", "yq-zhou"):
        staff = open_as(gateway, login)
        try:
            listing = staff.get("/kiosks").text
            assert "YQ-CQ-01" in listing and "JC-CQ-01" not in listing, login
            assert staff.get("/kiosks/JC-CQ-01").status_code == 404
            faults = staff.get("/faults", params={"state": "all"}).text
            assert ours in faults and theirs not in faults, login
            r = staff.post("/push", {"county": "城区", "key": "maintenance_message", "value": f"{login} 的通知"})
            assert r.status_code == 200 and "已推送到城区的1台自助机" in r.text, r.text[-300:]
            assert platform.kiosk_settings("JC-CQ-01") == {}
            assert platform.kiosk_settings("YQ-CQ-01") == {"maintenance_message": f"{login} 的通知"}
        finally:
            staff.http.close()


def test_a_county_account_must_name_its_city(gateway: RunningSandbox) -> None:
    assert gateway.platform is not None
    with pytest.raises(AccountError, match="--city"):
        console_accounts(gateway.platform).add_staff("cq-nocity", "county", "城区", PASSWORD, "无市")
