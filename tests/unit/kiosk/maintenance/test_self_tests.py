"""kiosk/maintenance/self_tests.py on a device manager over the simulators: typed results, nothing personal kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from devices.base import DeviceKind, DeviceState, IdentityRead
from devices.idcard.sim import SimIdCardReader
from devices.manager import DeviceManager
from devices.printer.document import Cut, ReceiptDocument, Text
from devices.printer.sim import SimPrinter
from devices.qr.sim import SimQrScanner
from kiosk.maintenance.self_tests import (
    CardOutcome,
    DeviceCheck,
    PrintTestResult,
    identity_json,
    own_health,
    print_test,
    read_card,
    scan_qr,
)
from tests.helpers.sample_cards import sample_identity

DOC = ReceiptDocument((Text("打印机自检"), Cut()))
TOKEN = "ESSC-TOKEN-0123456789abcdef"


@dataclass
class Rig:
    manager: DeviceManager
    id_card: SimIdCardReader
    qr: SimQrScanner
    printer: SimPrinter


@pytest.fixture
def rig() -> Iterator[Rig]:
    id_card, qr, printer = SimIdCardReader(), SimQrScanner(), SimPrinter()
    manager = DeviceManager({DeviceKind.ID_CARD: id_card, DeviceKind.QR_SCANNER: qr},  # type: ignore[dict-item]
                            printer, status_interval_s=3600)
    manager.start()
    yield Rig(manager, id_card, qr, printer)
    manager.stop()


def _later(action, delay: float = 0.2) -> None:  # noqa: ANN001
    threading.Timer(delay, action).start()


def test_a_card_read_is_a_typed_identity_shown_masked(rig: Rig) -> None:
    ident = sample_identity()
    _later(lambda: rig.id_card.place(ident))
    result = read_card(rig.manager, timeout_s=5)
    assert result.outcome is CardOutcome.READ and result.ok
    assert isinstance(result.identity, IdentityRead) and result.identity.id_number == ident.id_number
    shown = identity_json(result.identity, unmasked=False)
    assert ident.id_number not in str(shown) and ident.name not in str(shown)
    assert identity_json(result.identity, unmasked=True)["id_number"] == ident.id_number


def test_no_card_in_time_is_a_timeout_with_the_plain_line(rig: Rig) -> None:
    result = read_card(rig.manager, timeout_s=0.3)
    assert result.outcome is CardOutcome.TIMEOUT and not result.ok and result.identity is None
    assert "没有读到卡" in result.message


def test_an_essc_scan_without_a_platform_fails_with_the_reason(rig: Rig) -> None:
    _later(lambda: rig.qr.scan(TOKEN))
    result = read_card(rig.manager, timeout_s=5, resolve_essc=None)
    assert result.outcome is CardOutcome.FAILED and "平台未配置" in result.message


def test_a_qr_scan_keeps_only_its_length_and_a_masked_preview(rig: Rig) -> None:
    _later(lambda: rig.qr.scan(TOKEN))
    scan = scan_qr(rig.manager, timeout_s=5)
    assert scan is not None and scan.length == len(TOKEN)
    assert TOKEN not in scan.preview and scan.preview.startswith(TOKEN[:2]) and scan.preview.endswith(TOKEN[-2:])
    assert scan_qr(rig.manager, timeout_s=0.2) is None


def test_the_print_test_reports_the_printer_before_and_after(rig: Rig) -> None:
    result = print_test(rig.manager, DOC, as_technician=False, address="sim://")
    assert isinstance(result, PrintTestResult) and result.ok
    assert isinstance(result.before, DeviceCheck) and result.before.kind is DeviceKind.PRINTER
    assert result.after is not None and result.after.state is DeviceState.ONLINE
    assert result.before.to_json()["address"] == "sim://"
    assert any("打印机自检" in p for p in rig.printer.printed)


def test_a_failed_print_test_says_why_and_has_no_after(rig: Rig) -> None:
    rig.printer.set_paper_out(True)
    result = print_test(rig.manager, DOC, as_technician=False)
    assert not result.ok and result.after is None and result.message
    assert result.before.state is not DeviceState.ONLINE


def test_a_technician_holding_the_devices_prints_and_sees_each_device_s_own_state(rig: Rig) -> None:
    rig.manager.set_maintenance(True)
    refused = print_test(rig.manager, DOC, as_technician=False)
    assert not refused.ok  # residents' prints are refused during maintenance
    result = print_test(rig.manager, DOC, as_technician=True)
    assert result.ok and result.after is not None and result.after.state is DeviceState.ONLINE
    health = own_health(rig.manager)
    assert set(health) == {DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.QR_SCANNER, DeviceKind.PRINTER,
                           DeviceKind.CAMERA}
    assert health[DeviceKind.CAMERA].state is DeviceState.NO_DEVICE  # none configured here
    assert health[DeviceKind.SS_CARD].state is DeviceState.NO_DEVICE
    assert health[DeviceKind.PRINTER].state is DeviceState.ONLINE
