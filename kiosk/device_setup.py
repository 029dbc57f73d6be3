"""Turn the kiosk's settings into the device manager (the devices layer knows nothing of settings)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from devices.factory import DeviceAddresses
from devices.factory import build_device_manager as _build
from devices.manager import DeviceManager
from kiosk.settings import Settings


def device_addresses(settings: Settings) -> DeviceAddresses:
    d = settings.devices
    return DeviceAddresses(
        id_card=d.id_card, ss_card=d.ss_card, qr_scanner=d.qr_scanner, printer=d.printer,
        printer_profile=d.printer_profile, status_timeout_s=settings.timeouts.device_status_s,
    )


def build_device_manager(settings: Settings, *, today: Callable[[], date]) -> DeviceManager:
    """The manager over the configured devices; `today` is the service point's date (card expiry)."""
    return _build(device_addresses(settings), today=today)
