"""The kiosk list's filters over what the kiosks' heartbeats said: 设备故障, 待上传积压, 离线, and by town."""

from __future__ import annotations

import re

import pytest

from sandbox.service import SILENT_AFTER_S
from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.console.conftest import Browser

pytestmark = pytest.mark.integration

OK = {"kind": "id_card", "state": "online", "message": "读卡器正常"}
PAPER_OUT = {"kind": "printer", "state": "user_error", "message": "打印机缺纸，请联系工作人员"}
CAMERA_OFF = {"kind": "camera", "state": "offline", "message": "摄像头未连接"}


def _beat(devices: list[dict], **outbox: int) -> dict:
    return {"app_version": "1.3.0", "uptime_s": 60.0, "disk_free_mb": 900.0, "devices": devices,
            "outbox": {"queued": 0, "sending": 0, "accepted": 12, **outbox}}


def _listed(page: str) -> set[str]:
    found = re.findall(r'data-kiosk="([^"]+)"', page)
    assert len(found) == len(set(found))
    return set(found)


def test_each_state_filter_lists_the_kiosks_in_that_state(gateway: RunningSandbox, browser: Browser) -> None:
    platform, clock = gateway.platform, gateway.clock
    assert platform is not None and clock is not None
    platform.add_kiosk("TZ-GQB-01", "2" * 64, "谷前堡镇谷前堡村服务点", city="大同市", county="天镇县", town="谷前堡镇")
    platform.heartbeat("TZ-YQ-SLT-01", _beat([OK]))  # fine, then silent
    clock.advance(SILENT_AFTER_S + 60)
    platform.heartbeat("TZ-YQ-LJZ-01", _beat([OK, PAPER_OUT]))
    platform.heartbeat("TZ-YQ-GJT-01", _beat([OK], queued=12))
    platform.heartbeat("TZ-GQB-01", _beat([OK, CAMERA_OFF], needs_attention=1))
    browser.login("tz-wang")

    assert _listed(browser.get("/kiosks", params={"state": "device_fault"}).text) == {"TZ-GQB-01", "TZ-YQ-LJZ-01"}
    assert _listed(browser.get("/kiosks", params={"state": "backlog"}).text) == {"TZ-GQB-01", "TZ-YQ-GJT-01"}
    assert _listed(browser.get("/kiosks", params={"state": "offline"}).text) == {"TZ-YQ-SLT-01"}
    assert _listed(browser.get("/kiosks", params={"town": "谷前堡镇"}).text) == {"TZ-GQB-01"}
    page = browser.get("/kiosks").text
    assert page.count("打印机缺纸") == 1 and "摄像头：摄像头未连接" in page and "1 件待处理" in page
    assert "分钟前" in page and "1.3.0" in page

    platform.heartbeat("TZ-YQ-LJZ-01", _beat([OK, {**PAPER_OUT, "state": "online", "message": "打印机正常"}]))
    assert _listed(browser.get("/kiosks", params={"state": "device_fault"}).text) == {"TZ-GQB-01"}, \
        "paper put back: the next heartbeat clears the fault"
