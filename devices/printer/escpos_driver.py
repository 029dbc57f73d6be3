"""EscposPrinter: the real receipt printer driver (USB, serial, TCP 9100, file) over python-escpos."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable

import qrcode
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposLibError
from PIL import Image

from devices.base import DeviceHealth, DeviceKind, PrinterError, PrinterOffline
from devices.printer.connection import (
    Connection,
    ConnectionFailed,
    Timeouts,
    describe,
    file_target_reachable,
    open_connection,
)
from devices.printer.document import ReceiptDocument
from devices.printer.messages import message
from devices.printer.profiles import PrinterProfile
from devices.printer.render import CutOp, QrOp, RawOp, RenderedReceipt, render_document
from devices.printer.status import (
    OFFLINE_CAUSE,
    PAPER_SENSOR,
    PRINTER_STATUS,
    Condition,
    Reading,
    StatusBytes,
    interpret,
    raise_for,
    reading,
    status_query,
)
from devices.uri import DeviceUri, parse_device_uri

log = logging.getLogger(__name__)

_QR_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_ESCPOS_EC = {"L": 0, "M": 1, "Q": 2, "H": 3}  # escpos.constants.QR_ECLEVEL_*
_TRANSPORT_ERRORS = (OSError, EscposLibError, ConnectionFailed)

ConnectionOpener = Callable[[DeviceUri, Timeouts, Callable[[Escpos], None]], Connection]


def raster_qr_image(payload: str, profile: PrinterProfile) -> Image.Image:
    """The QR code as a black-on-white image no wider than the paper (quiet zone of 4 modules)."""
    qr = qrcode.QRCode(version=None, error_correction=_QR_EC[profile.qr_error_correction], border=4, box_size=1)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    modules = qr.modules_count + 2 * qr.border
    qr.box_size = max(1, min(profile.qr_module_size, profile.dots_per_line // modules))
    image: Image.Image = qr.make_image().get_image().convert("1")  # qrcode is untyped
    return image


class EscposPrinter:
    """A receipt printer over python-escpos, following one PrinterProfile.

    Stateless per job: a failed print raises a PrinterError subclass and nothing about the job is
    kept here; the caller keeps the document and retries by calling print_document again. The
    connection opens lazily, is dropped after any transport error, and reopens on the next call.
    Calls block for at most the configured timeouts; run them off the GUI thread. Thread-safe.
    """

    kind = DeviceKind.PRINTER

    def __init__(
        self,
        uri: str | DeviceUri,
        profile: PrinterProfile,
        *,
        timeouts: Timeouts | None = None,
        print_when_status_unknown: bool = True,
        opener: ConnectionOpener | None = None,
    ) -> None:
        self.uri = parse_device_uri(uri) if isinstance(uri, str) else uri
        if self.uri.scheme not in ("usb", "serial", "tcp", "file"):
            raise ValueError(f"EscposPrinter cannot use {self.uri}; expected usb://, serial://, tcp:// or file://")
        self.profile = profile
        self.timeouts = timeouts or Timeouts()
        self.print_when_status_unknown = print_when_status_unknown
        self._opener: ConnectionOpener = opener or open_connection
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.last_render: RenderedReceipt | None = None

    # --- connection -------------------------------------------------------------------------
    def _configure(self, printer: Escpos) -> None:
        # python-escpos centres/limits images by its profile's media width; give it ours (per instance).
        data = copy.deepcopy(printer.profile.profile_data)
        data.setdefault("media", {}).setdefault("width", {})["pixels"] = self.profile.dots_per_line
        data["media"]["width"]["mm"] = self.profile.paper_mm
        printer.profile.profile_data = data

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._opener(self.uri, self.timeouts, self._configure)
            log.info("printer connected: %s (%s)", self.uri, self.profile.name)
        return self._conn

    def _drop(self, reason: str) -> None:
        if self._conn is not None:
            log.warning("printer connection dropped (%s): %s", self.uri, reason)
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Close the connection (a later call reopens it)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- status -----------------------------------------------------------------------------
    def _read_status(self) -> Reading:
        """Ask DLE EOT 1, 2, 4; raises transport errors (caller maps them)."""
        if self.uri.scheme == "file":
            if not file_target_reachable(self.uri):
                return reading(Condition.OFFLINE, f"cannot write {self.uri.target}")
            return reading(Condition.UNKNOWN_NO_CHANNEL, "file connection is write-only")
        conn = self._connection()
        if not self.profile.realtime_status:
            return reading(Condition.UNKNOWN_NOT_SUPPORTED, f"profile {self.profile.name}: realtime_status = false")
        first = conn.read_status_byte(status_query(PRINTER_STATUS))
        if first is None:  # a silent printer: do not wait twice more
            return interpret(StatusBytes(None))
        cause = conn.read_status_byte(status_query(OFFLINE_CAUSE))
        paper = conn.read_status_byte(status_query(PAPER_SENSOR))
        return interpret(StatusBytes(first, cause, paper))

    def _status_locked(self) -> Reading:
        # A connection that was open may have gone stale (printer power-cycled, cable replugged):
        # reconnect once before reporting offline.
        attempts = 1 if self._conn is None else 2
        for attempt in range(attempts):
            try:
                return self._read_status()
            except _TRANSPORT_ERRORS as exc:
                self._drop(describe(exc))
                if attempt == attempts - 1:
                    return reading(Condition.OFFLINE, describe(exc))
        raise AssertionError("unreachable")

    def health(self) -> DeviceHealth:
        """Ask the printer (DLE EOT 1/2/4, short timeout); UNKNOWN when it cannot or does not answer."""
        with self._lock:
            return self._status_locked().health

    # --- printing ---------------------------------------------------------------------------
    def _send(self, conn: Connection, rendered: RenderedReceipt) -> None:
        printer = conn.printer
        for op in rendered.ops:
            if isinstance(op, RawOp):
                conn.write(op.data)
            elif isinstance(op, QrOp):
                if self.profile.qr_mode == "native":
                    printer.qr(
                        op.payload,
                        ec=_ESCPOS_EC[self.profile.qr_error_correction],
                        size=self.profile.qr_module_size,
                        native=True,
                    )
                else:
                    printer.image(raster_qr_image(op.payload, self.profile), impl="bitImageRaster", center=True)
                conn.write(b"\n")
            elif isinstance(op, CutOp):
                printer.cut(mode="PART" if op.mode == "partial" else "FULL")

    def print_document(self, document: object) -> DeviceHealth:
        """Check status, print, check again; return the final health or raise a PrinterError subclass.

        Before printing, paper out / cover open / offline stops the job with nothing sent
        (PaperOut / CoverOpen / PrinterOffline). After printing, the same conditions raise too,
        saying the slip may be incomplete. A printer that cannot answer (file, silent) prints and
        returns UNKNOWN health. The caller keeps the document and calls again to retry.
        """
        if not isinstance(document, ReceiptDocument):
            raise TypeError(f"print_document expects a ReceiptDocument, got {type(document).__name__}")
        rendered = render_document(document, self.profile)
        if rendered.substitutions:
            reasons = sorted({s.reason for s in rendered.substitutions})
            log.warning("receipt: %d character(s) replaced (%s)", len(rendered.substitutions), ", ".join(reasons))
        with self._lock:
            self.last_render = rendered
            before = self._status_locked()
            if before.condition.unknown and not self.print_when_status_unknown:
                raise PrinterError(message("print_failed"), before.health.detail + "; print_when_status_unknown = false")
            raise_for(before, during_print=False)
            try:
                self._send(self._connection(), rendered)
            except _TRANSPORT_ERRORS as exc:
                self._drop(describe(exc))
                raise PrinterOffline(message("print_interrupted_offline"), describe(exc)) from exc
            after = self._status_locked()
            raise_for(after, during_print=True)
            log.info(
                "receipt printed: %d lines, %d bytes, %d QR; printer %s",
                len(rendered.lines), rendered.byte_size, len(rendered.qr_payloads), after.condition,
            )
            health = after.health
            if rendered.substitutions:
                note = f"{len(rendered.substitutions)} 种字符无法打印，已替换"
                health = DeviceHealth(health.kind, health.state, health.message, f"{health.detail}; {note}")
            return health
