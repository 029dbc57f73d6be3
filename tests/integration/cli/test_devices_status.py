"""`kiosk devices status` as a technician runs it over SSH, against the virtual devices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.escpos_sink import EscposTcpSink
from tests.helpers.ports import free_port
from tests.integration.cli.conftest import KioskRun, Site

pytestmark = pytest.mark.integration


def test_every_configured_device_is_listed_online_and_the_exit_code_is_zero(
    site: Site, run_kiosk: Callable[..., KioskRun]
) -> None:
    run = run_kiosk(site, "status")

    assert run.returncode == 0, run
    devices = run.by_device()
    assert list(devices) == ["id_card", "ss_card", "qr_scanner", "camera", "printer"], run
    assert devices["camera"]["state"] == "online" and devices["camera"]["address"] == "sim://", run  # the demo's
    for name, record in devices.items():
        assert record["state"] == "online", run
        assert record["message"], f"{name} has no message for the technician"
    assert devices["id_card"]["address"] == site.id_card
    assert devices["printer"]["message"] == "打印机正常"


def test_paper_out_shows_as_a_user_error_and_fails_the_check(
    site: Site, sink: EscposTcpSink, run_kiosk: Callable[..., KioskRun]
) -> None:
    sink.set_mode("paper_out")

    run = run_kiosk(site, "status")

    assert run.returncode != 0, run
    printer = run.by_device()["printer"]
    assert printer["state"] == "user_error", run
    assert "缺纸" in str(printer["message"])
    assert run.by_device()["id_card"]["state"] == "online", run


def test_a_printer_address_with_nothing_listening_is_offline(
    site: Site, run_kiosk: Callable[..., KioskRun]
) -> None:
    site.printer = f"tcp://127.0.0.1:{free_port()}"

    run = run_kiosk(site, "status")

    assert run.returncode != 0, run
    assert run.by_device()["printer"]["state"] == "offline", run


def test_an_id_card_reader_that_is_not_plugged_in_is_reported_not_crashed_on(
    site: Site, tmp_path: Path, run_kiosk: Callable[..., KioskRun]
) -> None:
    site.id_card = f"serial://{tmp_path / 'ttyUSB-not-there'}?baud=115200"
    site.qr_scanner = "none"

    run = run_kiosk(site, "status")

    assert run.returncode != 0, run
    assert "Traceback" not in run.stderr, run
    devices = run.by_device()
    assert list(devices) == ["id_card", "ss_card", "camera", "printer"], run  # `none` is not listed
    assert devices["id_card"]["state"] in ("no_device", "offline"), run
    assert "身份证读卡器" in str(devices["id_card"]["message"])
    assert devices["printer"]["state"] == "online", run


def test_an_address_of_the_wrong_form_is_a_configuration_error_naming_the_key(
    site: Site, run_kiosk: Callable[..., KioskRun]
) -> None:
    site.id_card = "pcsc://Virtual PCD"  # a valid address, but the ID card reader is a serial device

    run = run_kiosk(site, "status")

    assert run.returncode == 2, run
    assert run.stdout == "", run
    assert "配置错误" in run.stderr and "devices.id_card" in run.stderr, run
    assert "Traceback" not in run.stderr, run
