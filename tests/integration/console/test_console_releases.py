"""The 发布 page: every release with its rollout and where it stands in the account's area; only a province
account adds releases and steers rollouts (refused on POST for the others, audited); the kiosk page shows
the kiosk's release and what the rollout tells it."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.service import Platform
from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.console.conftest import OTHER_KIOSK, TZ_KIOSK, Browser, open_as

pytestmark = pytest.mark.integration

YG_KIOSK = OTHER_KIOSK[0]


def _beat(installed: str, failed: tuple[str, ...] = (), outcome: str = "installed", last: str | None = None
          ) -> dict[str, Any]:
    return {"app_version": installed, "uptime_s": 10.0, "disk_free_mb": 1000.0,
            "update": {"installed_version": installed, "last_outcome": outcome, "last_version": last or installed,
                       "failed_versions": list(failed)}}


def _release(page: str, version: str) -> str:
    start = page.index(f'id="release-{version}"')
    end = page.find('<div class="card', start + 1)
    return page[start:end if end > 0 else len(page)]


def _count(card: str, group: str) -> int:
    cell = card.index(f'class="count-{group}')
    return int(card[card.index(">", cell) + 1:card.index("</td>", cell)])


def test_a_province_adds_a_release_and_steers_its_rollout(gateway: RunningSandbox, browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    browser.login("sx-zhao")
    assert "还没有登记的版本" in browser.get("/releases").text
    r = browser.post("/releases", {"version": "1.6.0", "notes": "新的求职登记表"})
    assert r.status_code == 200 and "版本已登记" in r.text and "1.6.0" in r.text and "未发布" in r.text
    assert browser.post("/releases", {"version": "不是版本号", "notes": ""}).status_code == 400
    r = browser.post("/releases/1.6.0/start", {"percent": "150"})
    assert r.status_code == 400 and "比例应为" in r.text
    r = browser.post("/releases/1.6.0/start", {"percent": "50"})
    assert r.status_code == 200 and "发布已调整" in r.text
    card = _release(r.text, "1.6.0")
    assert "发布中" in card and "全省 50% 的自助机" in card
    assert platform.rollouts.list_rollouts()[0]["state"] == "active"
    r = browser.post("/releases/1.6.0/start", {"county": "阳高县"})
    assert "阳高县全部自助机" in _release(r.text, "1.6.0")
    assert platform.heartbeat(YG_KIOSK, _beat("1.5.0"))["settings"]["update"] == {"hold": False, "version": "1.6.0"}
    r = browser.post("/releases/1.6.0/pause", {})
    assert "已暂停" in _release(r.text, "1.6.0") and platform.rollouts.list_rollouts()[0]["state"] == "paused"
    assert "发布中" in _release(browser.post("/releases/1.6.0/resume", {}).text, "1.6.0")
    assert "已停止" in _release(browser.post("/releases/1.6.0/stop", {}).text, "1.6.0")
    r = browser.post("/releases/1.6.0/resume", {})
    assert r.status_code == 400 and "发布调整未成功" in r.text
    audit = browser.get("/audit").text
    assert all(w in audit for w in ("登记版本", "开始发布", "暂停发布", "停止发布", "被拒绝"))


def _rolled_out(platform: Platform) -> None:
    platform.rollouts.add_release("1.5.0")
    platform.rollouts.add_release("1.6.0", "新的求职登记表")
    platform.rollouts.start("1.6.0", percent=100)
    platform.heartbeat(TZ_KIOSK, _beat("1.6.0"))
    platform.heartbeat(YG_KIOSK, _beat("1.5.0", ("1.6.0",), "rolled_back", "1.6.0"))


def test_a_county_sees_its_own_numbers_and_may_not_steer(gateway: RunningSandbox, browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    _rolled_out(platform)
    browser.login("tz-wang")
    page = browser.get("/releases").text
    card = _release(page, "1.6.0")
    assert "发布中" in card and "/start" not in card and "只能查看" in page
    assert _count(card, "running") == 1 and _count(card, "failed") == 0 and _count(card, "rolled_back") == 0
    assert f'/kiosks/{TZ_KIOSK}"' in card and YG_KIOSK not in page
    for path, data in (("/releases/1.6.0/stop", {}), ("/releases/1.6.0/start", {"percent": "10"}),
                       ("/releases", {"version": "1.7.0", "notes": ""})):
        r = browser.post(path, data)
        assert r.status_code == 403 and "只有省级账号" in r.text
    assert platform.rollouts.list_rollouts()[0]["state"] == "active"
    assert {r["version"] for r in platform.rollouts.releases()} == {"1.5.0", "1.6.0"}, "1.7.0 was not added"
    audit = browser.get("/audit").text
    assert audit.count("只有省级账号能调整发布") == 3

    city = open_as(gateway, "dt-li")
    try:
        card = _release(city.get("/releases").text, "1.6.0")
        assert _count(card, "running") == 1 and _count(card, "failed") == 1 and _count(card, "rolled_back") == 1
        assert f'/kiosks/{YG_KIOSK}"' in card
        assert city.post("/releases/1.6.0/pause", {}).status_code == 403
    finally:
        city.http.close()


def test_the_kiosk_page_shows_its_release_and_what_the_rollout_tells_it(gateway: RunningSandbox,
                                                                        browser: Browser) -> None:
    platform = gateway.platform
    assert platform is not None
    _rolled_out(platform)
    browser.login("dt-li")
    page = browser.get(f"/kiosks/{YG_KIOSK}").text
    assert "已安装 1.5.0" in page and "升级失败的版本：1.6.0" in page and "保持当前版本" in page
    assert "最近更新：升级失败，已回退 1.6.0" in page and "rolled_back" not in page, "the updater's outcome in Chinese"
    platform.heartbeat(TZ_KIOSK, _beat("1.5.0"))
    page = browser.get(f"/kiosks/{TZ_KIOSK}").text
    assert "已安装 1.5.0" in page and "通知升级到 1.6.0" in page
