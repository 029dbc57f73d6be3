"""SimPrinter behaves like the real driver at the interface: same errors, same health values."""

from __future__ import annotations

import pytest

from devices.base import CoverOpen, DeviceState, PaperOut, PrinterDriver, PrinterOffline
from devices.printer.document import KeyValue, QrCode, ReceiptDocument, Title
from devices.printer.factory import make_printer
from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles
from devices.printer.sim import SimPrinter

DOC = ReceiptDocument((Title("求职登记回执"), KeyValue("受理编号：", "SQ01"), QrCode("https://example.org/c/SQ01", "扫码查询")))


def test_sim_is_a_printer_driver_and_keeps_what_it_printed() -> None:
    sim = SimPrinter()
    assert isinstance(sim, PrinterDriver)
    health = sim.print_document(DOC)
    assert health.state == DeviceState.ONLINE
    assert len(sim.printed) == 1 and "求职登记回执" in sim.printed[0] and "SQ01" in sim.printed[0]
    assert sim.prints[0].qr_payloads == ("https://example.org/c/SQ01",)


@pytest.mark.parametrize(
    ("switch", "error", "state"),
    [
        ("set_paper_out", PaperOut, DeviceState.USER_ERROR),
        ("set_cover_open", CoverOpen, DeviceState.USER_ERROR),
        ("set_offline", PrinterOffline, DeviceState.OFFLINE),
    ],
)
def test_faults_stop_the_print_and_nothing_is_printed(switch: str, error: type, state: DeviceState) -> None:
    sim = SimPrinter()
    getattr(sim, switch)(True)
    assert sim.health().state == state
    with pytest.raises(error):
        sim.print_document(DOC)
    assert sim.printed == []
    getattr(sim, switch)(False)
    assert sim.print_document(DOC).state == DeviceState.ONLINE  # retry = call again with the kept document
    assert len(sim.printed) == 1


def test_paper_out_message_matches_the_real_driver() -> None:
    sim = SimPrinter()
    sim.set_paper_out(True)
    assert sim.health().message == "打印机缺纸，请联系工作人员"


def test_near_end_still_prints_and_says_so() -> None:
    sim = SimPrinter()
    sim.set_paper_near_end(True)
    health = sim.print_document(DOC)
    assert health.state == DeviceState.ONLINE and "即将用完" in health.message


def test_silent_sim_prints_with_unknown_status() -> None:
    sim = SimPrinter()
    sim.set_silent(True)
    assert sim.print_document(DOC).state == DeviceState.UNKNOWN and len(sim.printed) == 1


def test_a_job_broken_off_midway_raises_offline_and_keeps_nothing() -> None:
    sim = SimPrinter()
    sim.fail_next_print()
    with pytest.raises(PrinterOffline):
        sim.print_document(DOC)
    assert sim.printed == []


def test_sim_renders_with_the_configured_profile() -> None:
    profiles = load_profiles(DEFAULT_PROFILES_PATH)
    sim = make_printer("sim://", profiles["generic-58"])
    assert isinstance(sim, SimPrinter)
    sim.print_document(DOC)
    assert max(len(line) for line in sim.printed[0].splitlines()) <= 32
