"""Choose the printer driver for a configured address: sim:// → SimPrinter, anything else → EscposPrinter."""

from __future__ import annotations

from devices.base import PrinterDriver
from devices.printer.connection import Timeouts
from devices.printer.escpos_driver import EscposPrinter
from devices.printer.profiles import PrinterProfile
from devices.printer.sim import SimPrinter
from devices.uri import parse_device_uri


def make_printer(address: str, profile: PrinterProfile, *, status_timeout_s: float = 1.0,
                 connect_timeout_s: float = 3.0, write_timeout_s: float = 10.0) -> PrinterDriver:
    """A printer driver for address (usb://, serial://, tcp://, file:// or sim://) following profile."""
    uri = parse_device_uri(address)
    if uri.scheme == "sim":
        return SimPrinter(profile)
    timeouts = Timeouts(connect_s=connect_timeout_s, write_s=write_timeout_s, status_s=status_timeout_s)
    return EscposPrinter(uri, profile, timeouts=timeouts)
