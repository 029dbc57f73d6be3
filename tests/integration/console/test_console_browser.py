"""The fleet console in a real browser (headless Debian chromium) against the gateway as production runs it
(`python -m sandbox serve --workers 2` on PostgreSQL) and a real kiosk core.

The kiosk's printer runs out of paper and it files a fault report (业务指导性问题: at the 县人社部门); a county
staff member logs in, finds the kiosk by its state, sees two older reports (one overdue at the 省工作专班, one
escalated to the 市人社部门, neither answerable by the county), answers the kiosk's report, pushes a
maintenance message; the kiosk's next heartbeat applies it and its diagnostics read the answer. Then a
province account opens 发布, registers a release and starts a 50% rollout. Screenshots of each page go to
$KIOSK_CONSOLE_SHOTS (else a temporary folder, printed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from devices.base import DeviceKind
from kiosk.app import KioskCore, build_core
from kiosk.maintenance.fault_reports import FaultReportForm, FaultReports, snapshot
from kiosk.settings import load_settings
from sandbox.db import make_engine
from sandbox.service import Platform
from tests.helpers.chromium import headless_chromium, shots_dir
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, FakeClock, subprocess_sandbox
from tests.integration.console.conftest import PASSWORD, add_accounts
from tests.integration.sync.conftest import write_site

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MESSAGE = "本机打印机缺纸，今天下午县局送纸，暂停服务"
ANSWER = "县就业局已安排今天下午送打印纸，明天恢复"
HOUR = 3600.0


@pytest.fixture
def gateway_db(postgres) -> str:  # noqa: ANN001 - the session's PostgreSQL cluster
    url: str = postgres.create_database()
    return url


@pytest.fixture
def gateway_url(gateway_db: str) -> Iterator[str]:
    url = gateway_db
    platform = Platform(make_engine(db_path=url))
    platform.seed_demo()
    add_accounts(platform)
    platform.engine.dispose()
    with subprocess_sandbox(url, workers=2) as running:
        yield running.base_url


def _old_reports(database: str) -> tuple[str, str]:
    """Two reports filed 200 hours ago by the demo kiosk: one at the 省工作专班 now overdue (120 hours), one
    escalated from the 县人社部门 to the 市人社部门 an hour ago (by the workflow's escalate_due)."""
    now = time.time()
    platform = Platform(make_engine(db_path=database), clock=FakeClock(now - 200 * HOUR))
    try:
        numbers = []
        for n, (category, text) in enumerate((("系统性问题", "社保卡读卡后系统无响应"),
                                               ("业务指导性问题", "灵活就业人员参保材料口径不一"))):
            status, out = platform.fault_report(DEMO_KIOSK_ID, {"idempotency_key": f"browser-old-{n}",
                                                                "category": category, "description": text,
                                                                "suggestion": "请尽快处理"})
            assert status == 201
            numbers.append(str(out["report_no"]))
        moved = platform.faults.escalate_due(now - HOUR)
        assert [m.report_no for m in moved] == [numbers[1]]
        return numbers[0], numbers[1]
    finally:
        platform.engine.dispose()


@pytest.fixture
def kiosk(gateway_url: str, tmp_path: Path) -> Iterator[KioskCore]:
    core = build_core(load_settings(write_site(tmp_path / "kiosk", gateway_url), env={}), start_workers=False,
                      console_log=False, start_sandbox=False)
    core.devices.start()
    try:
        yield core
    finally:
        core.close()


def _wait(driver: WebDriver, css: str, seconds: float = 15):  # noqa: ANN202 - a WebElement
    return WebDriverWait(driver, seconds).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _shot(driver: WebDriver, folder: Path, name: str) -> None:
    """The whole page (not only the window) as a PNG: the viewport is stretched to the page's height for it."""
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # type: ignore[attr-defined]
                           {"width": 1440, "height": max(800, min(height, 4000)), "deviceScaleFactor": 1,
                            "mobile": False})
    try:
        assert driver.save_screenshot(str(folder / name)), name
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})  # type: ignore[attr-defined]


def test_county_staff_find_the_kiosk_out_of_paper_answer_its_report_and_push_a_message(
        gateway_url: str, gateway_db: str, kiosk: KioskCore, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = shots_dir(tmp_path_factory)
    print(f"console screenshots: {folder}")
    # the kiosk: printer out of paper, a heartbeat, a fault report delivered by its sync worker
    kiosk.devices.simulators[DeviceKind.PRINTER].set_paper_out(True)
    kiosk.devices.refresh_printer()
    reports = FaultReports(kiosk.database, kiosk.platform)
    item = reports.queue(FaultReportForm("业务指导性问题", "打印机缺纸，备用纸已用完", "请县局尽快配送打印纸"),
                         snapshot(tuple(kiosk.devices.health().values()), {}, app_version="t", reporter="村协理员"))
    first = kiosk.sync.run_once()
    assert first.heartbeat is not None and first.heartbeat.ok
    report_no = kiosk.database.outbox.get(item.key).case_no
    assert report_no
    overdue_no, escalated_no = _old_reports(gateway_db)

    with headless_chromium(tmp_path / "chromium") as driver:
        base = gateway_url + "/console"
        driver.get(base + "/")
        _wait(driver, "#login-form")
        assert "工作人员登录" in driver.page_source
        _shot(driver, folder, "1-login.png")
        driver.find_element(By.ID, "login").send_keys("tz-wang")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        _wait(driver, "#kiosks")
        assert "王股长（县级 天镇县）" in driver.find_element(By.TAG_NAME, "header").text
        assert len(driver.find_elements(By.CSS_SELECTOR, "#kiosks tbody tr[data-kiosk]")) == 3  # 天镇县's, not 阳高县's
        _shot(driver, folder, "2-kiosks.png")

        # find it: the state filter "设备故障" leaves the kiosk whose printer is out of paper
        Select(driver.find_element(By.ID, "filter-state")).select_by_visible_text("设备故障")
        driver.find_element(By.ID, "filter-submit").click()
        WebDriverWait(driver, 15).until(lambda d: "state=device_fault" in d.current_url)
        rows = driver.find_elements(By.CSS_SELECTOR, "#kiosks tbody tr[data-kiosk]")
        assert [r.get_attribute("data-kiosk") for r in rows] == [DEMO_KIOSK_ID]
        row = rows[0]
        assert "打印机缺纸" in row.text and "玉泉镇" in row.text and "秒前" in row.text
        paper = row.find_element(By.CSS_SELECTOR, ".tag.paper")
        assert paper.value_of_css_property("background-color") == "rgba(211, 47, 47, 1)"  # marked in red
        _shot(driver, folder, "3-kiosks-device-fault.png")

        # answer the report the kiosk filed
        driver.find_element(By.LINK_TEXT, "问题反映").click()
        card = _wait(driver, f"#report-{report_no}")
        assert "待答复" in card.text and "打印机缺纸，备用纸已用完" in card.text and "县人社部门" in card.text
        late = driver.find_element(By.ID, f"report-{overdue_no}")
        assert "已超时" in late.text and "现由省工作专班办理" in late.text
        assert late.find_element(By.CSS_SELECTOR, ".tag.overdue").value_of_css_property("background-color") \
            == "rgba(211, 47, 47, 1)"  # red
        assert not late.find_elements(By.CSS_SELECTOR, "form.answer")
        up = driver.find_element(By.ID, f"report-{escalated_no}")
        assert "已升级" in up.text and "现由市人社部门办理" in up.text and "到期未答复，自动上报" in up.text
        card.find_element(By.NAME, "response").send_keys(ANSWER)
        _shot(driver, folder, "4-faults.png")
        card.find_element(By.CSS_SELECTOR, "form.answer button").click()
        _wait(driver, "#notice")
        answered = driver.find_element(By.ID, f"report-{report_no}")
        assert ANSWER in answered.text and "已答复" in answered.text
        _shot(driver, folder, "5-faults-answered.png")

        # push a maintenance message to that kiosk from its detail page
        driver.find_element(By.LINK_TEXT, "自助机").click()
        _wait(driver, "#kiosks")
        driver.find_element(By.CSS_SELECTOR, f"tr[data-kiosk='{DEMO_KIOSK_ID}'] a").click()
        _wait(driver, "#push-maintenance")
        assert driver.find_element(By.ID, "kiosk-id").text == DEMO_KIOSK_ID
        assert "打印机缺纸" in driver.find_element(By.ID, "kiosk-health").text
        driver.find_element(By.ID, "maintenance-message").send_keys(MESSAGE)
        driver.find_element(By.ID, "push-maintenance-submit").click()
        notice = _wait(driver, "#notice")
        assert "下次上报心跳时生效" in notice.text
        _shot(driver, folder, "6-kiosk-detail.png")

        driver.find_element(By.LINK_TEXT, "审计").click()
        audit = _wait(driver, "#audit").text
        assert "推送设置" in audit and "答复问题反映" in audit and "登录" in audit and MESSAGE in audit
        _shot(driver, folder, "7-audit.png")

    # the kiosk: its next heartbeat brings the message, its diagnostics read the answer
    assert not kiosk.devices.in_maintenance
    again = kiosk.sync.run_once()
    assert again.heartbeat is not None and again.heartbeat.ok
    assert kiosk.pushed.maintenance_message == MESSAGE
    assert kiosk.devices.in_maintenance
    assert kiosk.devices.health()[DeviceKind.ID_CARD].message == MESSAGE
    remote = {r.report_no: r for r in reports.remote()}
    assert remote[report_no].response == ANSWER

    # the province opens 发布, registers a release and starts it on half the fleet
    with headless_chromium(tmp_path / "chromium-2") as driver:
        driver.get(gateway_url + "/console/login")
        _wait(driver, "#login-form")
        driver.find_element(By.ID, "login").send_keys("sx-zhao")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        _wait(driver, "#kiosks")
        driver.find_element(By.LINK_TEXT, "发布").click()
        form = _wait(driver, "#add-release")
        form.find_element(By.NAME, "version").send_keys("1.6.0")
        form.find_element(By.NAME, "notes").send_keys("新的求职登记表")
        form.find_element(By.CSS_SELECTOR, "button").click()
        row = _wait(driver, "#release-1\\.6\\.0")
        assert "未发布" in row.text
        row.find_element(By.CSS_SELECTOR, "form.start input[name=percent]").send_keys("50")
        row.find_element(By.CSS_SELECTOR, "form.start button").click()
        _wait(driver, "#notice")
        row = driver.find_element(By.ID, "release-1.6.0")
        assert "发布中" in row.text and "全省 50% 的自助机" in row.text
        _shot(driver, folder, "8-releases.png")
