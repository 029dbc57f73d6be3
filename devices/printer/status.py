"""Interpret ESC/POS real-time status bytes (DLE EOT 1/2/4) as one printer condition and health (pure)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.base import (
    CoverOpen,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    PaperOut,
    PrinterError,
    PrinterOffline,
)
from devices.printer.messages import message

DLE_EOT = b"\x10\x04"
PRINTER_STATUS = 1  # DLE EOT 1: bit 3 = offline
OFFLINE_CAUSE = 2  # DLE EOT 2: bit 2 = cover open, bit 5 = stopped by paper end, bit 6 = error
PAPER_SENSOR = 4  # DLE EOT 4: bits 2-3 = near end, bits 5-6 = paper end

_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12  # bits 0,1,4,7 are fixed at 0,1,1,0 in every status byte


class Condition(enum.StrEnum):
    """What the printer's state means for printing."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    NOT_READY = "not_ready"
    HARDWARE_ERROR = "hardware_error"
    OFFLINE = "offline"  # not reachable at all
    UNKNOWN_SILENT = "unknown_silent"
    UNKNOWN_GARBLED = "unknown_garbled"
    UNKNOWN_NO_CHANNEL = "unknown_no_channel"
    UNKNOWN_NOT_SUPPORTED = "unknown_not_supported"

    @property
    def unknown(self) -> bool:
        return self.value.startswith("unknown")


_STATE: dict[Condition, tuple[DeviceState, str]] = {
    Condition.READY: (DeviceState.ONLINE, "online"),
    Condition.PAPER_NEAR_END: (DeviceState.ONLINE, "paper_near_end"),
    Condition.PAPER_OUT: (DeviceState.USER_ERROR, "paper_out"),
    Condition.COVER_OPEN: (DeviceState.USER_ERROR, "cover_open"),
    Condition.NOT_READY: (DeviceState.OFFLINE, "not_ready"),
    Condition.HARDWARE_ERROR: (DeviceState.HARDWARE_ERROR, "hardware_error"),
    Condition.OFFLINE: (DeviceState.OFFLINE, "offline"),
    Condition.UNKNOWN_SILENT: (DeviceState.UNKNOWN, "unknown_silent"),
    Condition.UNKNOWN_GARBLED: (DeviceState.UNKNOWN, "unknown_garbled"),
    Condition.UNKNOWN_NO_CHANNEL: (DeviceState.UNKNOWN, "unknown_no_channel"),
    Condition.UNKNOWN_NOT_SUPPORTED: (DeviceState.UNKNOWN, "unknown_not_supported"),
}


@dataclass(frozen=True)
class StatusBytes:
    """Answers to DLE EOT 1, 2 and 4; None where the printer said nothing."""

    printer: int | None
    offline_cause: int | None = None
    paper: int | None = None


@dataclass(frozen=True)
class Reading:
    """A condition and the health a person sees for it."""

    condition: Condition
    health: DeviceHealth


def status_query(n: int) -> bytes:
    """The DLE EOT n command."""
    return DLE_EOT + bytes((n,))


def well_formed(byte: int) -> bool:
    """True when byte looks like a real-time status byte (fixed bits as the standard says)."""
    return byte & _FIXED_MASK == _FIXED_VALUE


def reading(condition: Condition, detail: str = "") -> Reading:
    """The health for a condition, with its plain Chinese message."""
    state, key = _STATE[condition]
    return Reading(condition, DeviceHealth(DeviceKind.PRINTER, state, message(key), detail))


def classify(status: StatusBytes) -> Condition:
    """The condition the answers mean; an empty answer is UNKNOWN, never 'paper OK'."""
    if status.printer is None:
        return Condition.UNKNOWN_SILENT
    answers = [b for b in (status.printer, status.offline_cause, status.paper) if b is not None]
    if not all(well_formed(b) for b in answers):
        return Condition.UNKNOWN_GARBLED
    cause, paper = status.offline_cause, status.paper
    if cause is not None and cause & 0x04:
        return Condition.COVER_OPEN
    if (paper is not None and paper & 0x60) or (cause is not None and cause & 0x20):
        return Condition.PAPER_OUT
    if cause is not None and cause & 0x40:
        return Condition.HARDWARE_ERROR
    if status.printer & 0x08:
        return Condition.NOT_READY
    if paper is not None and paper & 0x0C:
        return Condition.PAPER_NEAR_END
    return Condition.READY


def interpret(status: StatusBytes) -> Reading:
    """Classify the answers and attach the health (detail lists the raw bytes for technicians)."""
    detail = "DLE EOT 1/2/4 → " + "/".join(
        "--" if b is None else f"{b:02X}" for b in (status.printer, status.offline_cause, status.paper)
    )
    return reading(classify(status), detail)


def raise_for(read: Reading, *, during_print: bool) -> None:
    """Raise the PrinterError subclass a condition means for a print job; return when it may print.

    during_print: the check after sending a job; the messages then say the slip may be incomplete.
    UNKNOWN conditions never raise here (the caller decides whether to print blind).
    """
    c, h = read.condition, read.health
    if c == Condition.PAPER_OUT:
        raise PaperOut(message("print_interrupted_paper") if during_print else h.message, h.detail)
    if c == Condition.COVER_OPEN:
        raise CoverOpen(message("print_interrupted_cover") if during_print else h.message, h.detail)
    if c in (Condition.OFFLINE, Condition.NOT_READY):
        raise PrinterOffline(message("print_interrupted_offline") if during_print else h.message, h.detail)
    if c == Condition.HARDWARE_ERROR:
        raise PrinterError(h.message, h.detail)
