"""EscposPrinter: connection addresses map to python-escpos backends; calls never hang or lie."""

from __future__ import annotations

from pathlib import Path

import pytest
from escpos.printer import Network, Serial, Usb

from devices.base import DeviceState, PrinterDriver
from devices.printer.connection import (
    FileConnection,
    NetworkConnection,
    SerialConnection,
    Timeouts,
    UsbConnection,
    _make_printer,
)
from devices.printer.document import ReceiptDocument, Text
from devices.printer.escpos_driver import EscposPrinter, raster_qr_image
from devices.printer.factory import make_printer
from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles
from devices.uri import parse_device_uri
from tests.helpers.ports import free_port

PROFILES = load_profiles(DEFAULT_PROFILES_PATH)
T = Timeouts(connect_s=1.5, write_s=4.0, status_s=0.5)


def test_usb_address_selects_the_usb_backend_with_ids_and_endpoints() -> None:
    printer, kind = _make_printer(parse_device_uri("usb://0x0416:0x5011?in_ep=0x81&out_ep=0x03"), T)
    assert isinstance(printer, Usb) and kind is UsbConnection
    assert printer.usb_args == {"idVendor": 0x0416, "idProduct": 0x5011}
    assert (printer.in_ep, printer.out_ep, printer.timeout) == (0x81, 0x03, 4000)


def test_serial_address_selects_the_serial_backend() -> None:
    printer, kind = _make_printer(parse_device_uri("serial:///dev/ttyS1?baud=9600&flow=none"), T)
    assert isinstance(printer, Serial) and kind is SerialConnection
    assert (printer.devfile, printer.baudrate, printer.dsrdtr, printer.timeout) == ("/dev/ttyS1", 9600, False, 0.5)


def test_tcp_address_uses_a_short_timeout_not_the_library_default() -> None:
    printer, kind = _make_printer(parse_device_uri("tcp://127.0.0.1:9100"), T)
    assert isinstance(printer, Network) and kind is NetworkConnection
    assert printer.timeout == 1.5  # python-escpos would wait 60 s


def test_file_address_is_write_only(tmp_path: Path) -> None:
    _, kind = _make_printer(parse_device_uri(f"file://{tmp_path}/r.bin"), T)
    assert kind is FileConnection and not kind.can_read


def test_factory_builds_the_real_driver_and_it_is_a_printer_driver(tmp_path: Path) -> None:
    driver = make_printer(f"file://{tmp_path}/r.bin", PROFILES["generic-80"])
    assert isinstance(driver, EscposPrinter) and isinstance(driver, PrinterDriver)
    with pytest.raises(ValueError):
        EscposPrinter("sim://", PROFILES["generic-80"])


def test_a_missing_usb_printer_is_offline_not_a_crash() -> None:
    driver = EscposPrinter("usb://0x0416:0x5011", PROFILES["generic-80"], timeouts=T)
    assert driver.health().state == DeviceState.OFFLINE


def test_a_file_in_a_missing_folder_is_offline(tmp_path: Path) -> None:
    driver = EscposPrinter(f"file://{tmp_path}/nope/r.bin", PROFILES["generic-80"])
    assert driver.health().state == DeviceState.OFFLINE


def test_status_unknown_can_be_made_to_block_printing(tmp_path: Path) -> None:
    from devices.base import PrinterError

    driver = EscposPrinter(f"file://{tmp_path}/r.bin", PROFILES["generic-80"], print_when_status_unknown=False)
    with pytest.raises(PrinterError):
        driver.print_document(ReceiptDocument((Text("x"),)))
    assert not (tmp_path / "r.bin").exists() or (tmp_path / "r.bin").read_bytes() == b""


def test_raster_qr_fits_the_paper() -> None:
    for profile in PROFILES.values():
        img = raster_qr_image("https://example.org/c/" + "9" * 200, profile)
        assert img.width <= profile.dots_per_line


def test_print_rejects_something_that_is_not_a_document(tmp_path: Path) -> None:
    driver = EscposPrinter(f"file://{tmp_path}/r.bin", PROFILES["generic-80"])
    with pytest.raises(TypeError):
        driver.print_document("小票")


def test_connect_refused_is_reported_offline() -> None:
    driver = EscposPrinter(f"tcp://127.0.0.1:{free_port()}", PROFILES["generic-80"], timeouts=T)
    health = driver.health()
    assert health.state == DeviceState.OFFLINE and health.message == "打印机未连接，请联系工作人员"
