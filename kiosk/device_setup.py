"""Turn the kiosk's settings into the device manager (the devices layer knows nothing of settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from devices.base import DeviceKind
from devices.factory import DeviceAddresses
from devices.factory import build_device_manager as _build
from devices.manager import DeviceManager
from devices.qr.driver import KeyboardWedgeQrScanner
from devices.qr.wedge import MAX_GAP, MIN_LENGTH, BurstDetector, Outcome, PassThrough, Scanned
from kiosk.settings import Settings

__all__ = ["BurstDetector", "KeyboardWedgeInput", "Outcome", "PassThrough", "Scanned", "keyboard_wedge_input"]


def device_addresses(settings: Settings) -> DeviceAddresses:
    d = settings.devices
    return DeviceAddresses(
        id_card=d.id_card, ss_card=d.ss_card, qr_scanner=d.qr_scanner, printer=d.printer,
        printer_profile=d.printer_profile, ss_card_sam=d.ss_card_sam, camera=d.camera,
        status_timeout_s=settings.timeouts.device_status_s,
    )


def build_device_manager(settings: Settings, *, today: Callable[[], date]) -> DeviceManager:
    """The manager over the configured devices; `today` is the service point's date (card expiry)."""
    return _build(device_addresses(settings), today=today)


@dataclass(frozen=True)
class KeyboardWedgeInput:
    """What the UI needs to serve a keyboard-wedge QR scanner (`qr_scanner = "keyboard"`).

    The UI is the only layer that sees keys: it holds them with a BurstDetector(max_gap_s,
    min_length) and hands each finished scan to `deliver`, which is the wedge driver's input, so the scan
    reaches residents' screens as QrScanned through the device manager like a serial scan.
    """

    deliver: Callable[[str], None]
    max_gap_s: float = MAX_GAP
    min_length: int = MIN_LENGTH


def keyboard_wedge_input(devices: DeviceManager) -> KeyboardWedgeInput | None:
    """The keyboard-wedge input when the QR scanner is configured as `keyboard`, else None."""
    reader = devices.reader(DeviceKind.QR_SCANNER)
    if isinstance(reader, KeyboardWedgeQrScanner):
        return KeyboardWedgeInput(reader.feed_text)
    return None
