"""Pushing settings from the console: checked before they are stored (a clear reason in Chinese), cleared on
撤销, and pushed to a whole county."""

from __future__ import annotations

import pytest

from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.console.conftest import TZ_KIOSK, Browser

pytestmark = pytest.mark.integration


def test_a_setting_is_checked_stored_and_cleared(gateway: RunningSandbox, browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    browser.login("tz-wang")
    browser.get(f"/kiosks/{TZ_KIOSK}")
    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "enabled_services", "services": ["我要找工作", "我要买菜"]})
    assert r.status_code == 400 and "不认识的服务：我要买菜" in r.text
    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "maintenance_message", "value": "维" * 201})
    assert r.status_code == 400 and "不能超过200个字" in r.text
    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "update", "value": '{"hold": true}'})
    assert r.status_code == 400 and "不能推送这项设置" in r.text
    assert platform.kiosk_settings(TZ_KIOSK) == {}

    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "enabled_services", "services": ["我的办件", "我要找工作"]})
    assert r.status_code == 200 and "已推送" in r.text
    assert platform.kiosk_settings(TZ_KIOSK) == {"enabled_services": ["我要找工作", "我的办件"]}
    page = browser.get(f"/kiosks/{TZ_KIOSK}").text
    assert 'value="我要找工作" checked' in page and 'value="我要学技能" >' in page
    browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "maintenance_message", "value": "<b>今晚</b>维护"})
    page = browser.get(f"/kiosks/{TZ_KIOSK}").text
    assert "&lt;b&gt;今晚&lt;/b&gt;维护" in page and "<b>今晚</b>" not in page  # shown as text, never as markup
    r = browser.post(f"/kiosks/{TZ_KIOSK}/settings", {"key": "maintenance_message", "value": "x", "clear": "1"})
    assert "已撤销" in r.text
    assert platform.kiosk_settings(TZ_KIOSK) == {"enabled_services": ["我要找工作", "我的办件"]}


def test_a_county_push_reaches_every_kiosk_of_the_county(gateway: RunningSandbox, browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    browser.login("tz-wang")
    browser.get("/push")
    r = browser.post("/push", {"county": "天镇县", "key": "maintenance_message", "value": "全县今晚22点系统升级"})
    assert r.status_code == 200 and "已推送到天镇县的3台自助机" in r.text
    tz = [k for k in platform.list_kiosks() if k["kiosk_id"].startswith("TZ-")]
    assert len(tz) == 3 and all(k["settings"] == {"maintenance_message": "全县今晚22点系统升级"} for k in tz)
    browser.post("/push", {"county": "天镇县", "key": "maintenance_message", "value": "", "clear": "1"})
    assert all(platform.kiosk_settings(k["kiosk_id"]) == {} for k in tz)
    assert "向全县推送设置" in browser.get("/audit").text
