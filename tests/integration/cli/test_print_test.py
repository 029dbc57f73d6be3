"""`kiosk devices print-test` against a TCP 9100 printer sink whose bytes are decoded back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.receipts import TEXT
from tests.helpers.escpos_sink import EscposTcpSink
from tests.integration.cli.conftest import KioskRun, Site

pytestmark = pytest.mark.integration


def test_the_test_slip_arrives_with_chinese_punctuation_a_qr_code_and_a_cut(
    site: Site, sink: EscposTcpSink, run_kiosk: Callable[..., KioskRun]
) -> None:
    run = run_kiosk(site, "print-test")

    assert run.returncode == 0, run
    phases = {r["phase"]: r for r in run.records}
    assert list(phases) == ["before", "after"], run
    assert phases["before"]["state"] == "online" and phases["after"]["state"] == "online"
    assert phases["after"]["address"] == sink.uri

    decoded = sink.decoded()
    assert TEXT["test_line"] in decoded.lines, decoded.text
    for mark in "：，（）《》":
        assert mark in decoded.text
    assert "打印测试" in decoded.text and "?" not in decoded.text
    [payload] = decoded.qr_codes
    assert payload.startswith("KIOSK-TEST:")
    assert decoded.cuts, "the slip was not cut"


def test_paper_out_prints_nothing_and_says_why(
    site: Site, sink: EscposTcpSink, run_kiosk: Callable[..., KioskRun]
) -> None:
    sink.set_mode("paper_out")

    run = run_kiosk(site, "print-test")

    assert run.returncode != 0, run
    phases = {r["phase"]: r for r in run.records}
    assert phases["before"]["state"] == "user_error", run
    assert "缺纸" in str(phases["failed"]["message"]), run
    assert "after" not in phases
    assert "缺纸" in run.stderr
    decoded = sink.decoded()
    assert "打印测试" not in decoded.text and not decoded.qr_codes and not decoded.cuts


@pytest.mark.parametrize("system_zone", ["UTC", "America/New_York"])
def test_the_slip_prints_the_service_points_time_whatever_the_system_zone(
    site: Site, sink: EscposTcpSink, run_kiosk: Callable[..., KioskRun], system_zone: str
) -> None:
    """Issue 16 item 7: on a machine set to UTC the 时间 line read UTC; it must read China time."""
    shanghai = ZoneInfo("Asia/Shanghai")
    before = datetime.now(shanghai)
    run = run_kiosk(site, "print-test", env_extra={"TZ": system_zone})
    after = datetime.now(shanghai)
    assert run.returncode == 0, run

    [line] = [line for line in sink.decoded().lines if line.startswith(TEXT["time"])]
    printed = line.removeprefix(TEXT["time"]).strip()
    assert printed in {before.strftime("%Y-%m-%d %H:%M"), after.strftime("%Y-%m-%d %H:%M")}, line
    system_now = datetime.now(ZoneInfo(system_zone)).strftime("%Y-%m-%d %H:%M")
    assert printed != system_now  # the system's own time is 8 or 13 hours off
