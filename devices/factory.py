"""Build each configured driver from its address, and the device manager that owns them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devices.base import CardReaderDriver, DeviceKind
from devices.manager import DeviceManager
from devices.printer.factory import make_printer
from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles, profile_named
from devices.uri import DeviceUriError, parse_device_uri


@dataclass(frozen=True)
class DeviceAddresses:
    """Where each device is (URIs as in the architecture) and how to talk to the printer."""

    id_card: str
    ss_card: str
    qr_scanner: str
    printer: str
    printer_profile: str
    status_timeout_s: float = 1.0
    status_interval_s: float = 5.0
    profiles_path: Path = DEFAULT_PROFILES_PATH


def make_reader(kind: DeviceKind, address: str) -> CardReaderDriver | None:
    """The driver for one card reader or scanner address; None for `none`."""
    uri = parse_device_uri(address)
    if uri.scheme == "none":
        return None
    if kind == DeviceKind.ID_CARD:
        if uri.scheme == "sim":
            from devices.idcard.sim import SimIdCardReader

            return SimIdCardReader()
        from devices.idcard.driver import IdCardReader

        return IdCardReader(uri)
    if kind == DeviceKind.SS_CARD:
        if uri.scheme == "sim":
            from devices.sscard.sim import SimSsCardReader

            return SimSsCardReader()
        from devices.sscard.pcsc_driver import SsCardReader

        return SsCardReader.from_uri(uri)
    if kind == DeviceKind.QR_SCANNER:
        if uri.scheme == "sim":
            from devices.qr.sim import SimQrScanner

            return SimQrScanner()
        if uri.scheme == "keyboard":
            from devices.qr.driver import KeyboardWedgeQrScanner

            return KeyboardWedgeQrScanner()
        from devices.qr.driver import SerialQrScanner

        return SerialQrScanner(uri)
    raise DeviceUriError(f"{kind.value} is not a card reader")


def build_device_manager(addresses: DeviceAddresses) -> DeviceManager:
    """Every configured driver, owned by one manager; simulators are exposed for the demo panel."""
    profile = profile_named(load_profiles(addresses.profiles_path), addresses.printer_profile)
    readers: dict[DeviceKind, CardReaderDriver] = {}
    sims: dict[DeviceKind, object] = {}
    for kind, address in (
        (DeviceKind.ID_CARD, addresses.id_card),
        (DeviceKind.SS_CARD, addresses.ss_card),
        (DeviceKind.QR_SCANNER, addresses.qr_scanner),
    ):
        driver = make_reader(kind, address)
        if driver is None:
            continue
        readers[kind] = driver
        if parse_device_uri(address).scheme == "sim":
            sims[kind] = driver
    printer = make_printer(addresses.printer, profile, status_timeout_s=addresses.status_timeout_s)
    if parse_device_uri(addresses.printer).scheme == "sim":
        sims[DeviceKind.PRINTER] = printer
    return DeviceManager(readers, printer, status_interval_s=addresses.status_interval_s, simulators=sims)
