"""SimPrinter: an in-process receipt printer for demos and UI tests, with switchable faults."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from devices.base import SIMULATED_DETAIL, DeviceHealth, DeviceKind, PrinterOffline
from devices.printer.document import ReceiptDocument
from devices.printer.messages import message
from devices.printer.profiles import PrinterProfile
from devices.printer.render import RenderedReceipt, render_document
from devices.printer.status import Condition, Reading, raise_for, reading

# A stand-in profile so a SimPrinter needs no config file (same shape as generic-80).
SIM_PROFILE = PrinterProfile(
    name="sim-80",
    description="模拟打印机",
    paper_mm=80,
    columns=48,
    dots_per_line=576,
    encoding="gb18030",
    chinese_mode_switch=True,
    qr_mode="native",
    cutter="partial",
    substitutions=(("¥", "￥"),),
)


@dataclass(frozen=True)
class SimPrint:
    """One receipt the simulator printed."""

    text: str
    qr_payloads: tuple[str, ...]
    rendered: RenderedReceipt


class SimPrinter:
    """Same interface, errors and health values as EscposPrinter, without hardware.

    It renders with the same layout and encoder as the real driver, so what it keeps is what the
    real printer would print. Faults are switched by set_paper_out / set_cover_open / set_offline /
    set_paper_near_end / set_silent (silent: the printer does not answer status, like a file sink).
    """

    kind = DeviceKind.PRINTER

    def __init__(self, profile: PrinterProfile | None = None) -> None:
        self.profile = profile or SIM_PROFILE
        self._lock = threading.Lock()
        self._paper_out = False
        self._paper_near_end = False
        self._cover_open = False
        self._offline = False
        self._silent = False
        self._fail_next = False
        self._prints: list[SimPrint] = []
        self.last_render: RenderedReceipt | None = None
        self.closed = False

    # --- fault switches -----------------------------------------------------------------------
    def set_paper_out(self, value: bool) -> None:
        """Paper runs out (or is replaced)."""
        self._paper_out = bool(value)

    def set_paper_near_end(self, value: bool) -> None:
        """The paper roll reaches its near-end mark."""
        self._paper_near_end = bool(value)

    def set_cover_open(self, value: bool) -> None:
        """The cover is opened (or closed)."""
        self._cover_open = bool(value)

    def set_offline(self, value: bool) -> None:
        """The printer is unplugged / unreachable."""
        self._offline = bool(value)

    def set_silent(self, value: bool) -> None:
        """The printer prints but never answers status queries."""
        self._silent = bool(value)

    def fail_next_print(self) -> None:
        """The next job breaks off half-way, as if the cable were pulled during printing."""
        self._fail_next = True

    # --- what was printed ---------------------------------------------------------------------
    @property
    def printed(self) -> list[str]:
        """The text of each printed receipt, oldest first."""
        with self._lock:
            return [p.text for p in self._prints]

    @property
    def prints(self) -> list[SimPrint]:
        """Every printed receipt with its QR payloads and rendering."""
        with self._lock:
            return list(self._prints)

    def clear(self) -> None:
        """Forget printed receipts."""
        with self._lock:
            self._prints.clear()

    # --- PrinterDriver ------------------------------------------------------------------------
    def _reading(self) -> Reading:
        if self._offline:
            return reading(Condition.OFFLINE, "sim: offline")
        if self._silent:
            return reading(Condition.UNKNOWN_SILENT, "sim: silent")
        if self._cover_open:
            return reading(Condition.COVER_OPEN, "sim: cover open")
        if self._paper_out:
            return reading(Condition.PAPER_OUT, "sim: paper out")
        if self._paper_near_end:
            return reading(Condition.PAPER_NEAR_END, "sim: paper near end")
        return reading(Condition.READY, SIMULATED_DETAIL)

    def health(self) -> DeviceHealth:
        """The simulated printer's health (same states and messages as the real driver)."""
        return self._reading().health

    def print_document(self, document: object) -> DeviceHealth:
        """Render and keep the receipt; raise PaperOut / CoverOpen / PrinterOffline like the real one."""
        if not isinstance(document, ReceiptDocument):
            raise TypeError(f"print_document expects a ReceiptDocument, got {type(document).__name__}")
        rendered = render_document(document, self.profile)
        with self._lock:
            self.last_render = rendered
            raise_for(self._reading(), during_print=False)
            if self._fail_next:
                self._fail_next = False
                raise PrinterOffline(message("print_interrupted_offline"), "sim: failed mid-job")
            self._prints.append(SimPrint(rendered.text, rendered.qr_payloads, rendered))
            after = self._reading()
            raise_for(after, during_print=True)
            return after.health

    def close(self) -> None:
        """Nothing to close; kept for the interface."""
        self.closed = True

