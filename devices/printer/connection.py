"""Open a python-escpos connection (USB, serial, TCP, file) and read status bytes from it with a timeout."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposLibError
from escpos.printer import File, Network, Serial, Usb

from devices.uri import DeviceUri

log = logging.getLogger(__name__)


class ConnectionFailed(Exception):
    """The printer could not be reached or the link broke (technical detail in the message)."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait: connecting, writing a job, and each real-time status answer."""

    connect_s: float = 3.0
    write_s: float = 10.0
    status_s: float = 1.0


class Connection:
    """One open link to a printer: an escpos printer object plus a status reader for its transport."""

    can_read: bool = True

    def __init__(self, printer: Escpos, timeouts: Timeouts) -> None:
        self.printer = printer
        self.timeouts = timeouts

    def write(self, data: bytes) -> None:
        """Send raw bytes."""
        self.printer._raw(data)

    def read_status_byte(self, query: bytes) -> int | None:
        """Send a real-time status query and wait (status timeout) for one byte; None when silent."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the link; errors while closing are logged, not raised."""
        try:
            self.printer.close()
        except (OSError, EscposLibError, AttributeError) as exc:
            log.info("printer connection did not close cleanly: %s", exc)


class NetworkConnection(Connection):
    """TCP 9100 via escpos.printer.Network, with short timeouts instead of its 60 s default."""

    def _sock(self) -> socket.socket:
        sock = self.printer._device
        if not isinstance(sock, socket.socket):
            raise ConnectionFailed("network printer is not connected")
        return sock

    def _drain(self, sock: socket.socket) -> None:
        # A late answer from an earlier query must not be taken for this one.
        sock.setblocking(False)
        try:
            while True:
                chunk = sock.recv(64)
                if not chunk:
                    raise ConnectionFailed("printer closed the connection")
                log.debug("discarded %d stale status byte(s)", len(chunk))
        except BlockingIOError:
            pass
        finally:
            sock.settimeout(self.timeouts.write_s)

    def read_status_byte(self, query: bytes) -> int | None:
        sock = self._sock()
        self._drain(sock)
        sock.sendall(query)
        sock.settimeout(self.timeouts.status_s)
        try:
            data = sock.recv(1)
        except TimeoutError:
            return None
        finally:
            sock.settimeout(self.timeouts.write_s)
        if not data:
            raise ConnectionFailed("printer closed the connection")
        return data[0]


class SerialConnection(Connection):
    """Serial via escpos.printer.Serial; one status byte is read with the status timeout."""

    def read_status_byte(self, query: bytes) -> int | None:
        port = self.printer._device
        if not port:
            raise ConnectionFailed("serial printer is not open")
        port.reset_input_buffer()
        port.write(query)
        port.timeout = self.timeouts.status_s
        data = port.read(1)  # read(1), not read(16): returns as soon as the byte arrives
        return data[0] if data else None


class UsbConnection(Connection):
    """USB via escpos.printer.Usb; reads the IN endpoint with the status timeout."""

    def read_status_byte(self, query: bytes) -> int | None:
        import usb.core  # only needed when a USB printer is configured

        dev = self.printer._device
        if not dev:
            raise ConnectionFailed("USB printer is not open")
        dev.write(self.printer.out_ep, query, int(self.timeouts.write_s * 1000))
        try:
            data = dev.read(self.printer.in_ep, 16, int(self.timeouts.status_s * 1000))
        except usb.core.USBTimeoutError:
            return None
        return data[0] if len(data) else None


class _AppendingFile(File):
    """escpos.printer.File, but appending: a reconnect must not erase earlier jobs in a plain file."""

    _device: Any  # python-escpos keeps False (never opened), None (failed) or the open file here

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")
        except OSError as exc:
            self._device = None
            raise ConnectionFailed(f"cannot open {self.devfile}: {exc}") from exc


class FileConnection(Connection):
    """A file or device node: write-only, so status can never be read."""

    can_read = False

    def read_status_byte(self, query: bytes) -> int | None:
        return None


def _flow(uri: DeviceUri) -> dict[str, bool]:
    flow = (uri.param("flow", "dsrdtr") or "dsrdtr").lower()
    if flow not in ("dsrdtr", "rtscts", "xonxoff", "none"):
        raise ConnectionFailed(f"serial flow must be dsrdtr, rtscts, xonxoff or none, got {flow!r}")
    # python-escpos: dsrdtr=False means RTS/CTS
    return {"dsrdtr": flow == "dsrdtr", "xonxoff": flow == "xonxoff"}


def _int_param(uri: DeviceUri, name: str, default: int) -> int:
    raw = uri.param(name)
    try:
        return default if raw is None else int(raw, 0)
    except ValueError as exc:
        raise ConnectionFailed(f"parameter {name} must be a number, got {raw!r}") from exc


def _make_printer(uri: DeviceUri, timeouts: Timeouts) -> tuple[Escpos, type[Connection]]:
    if uri.scheme == "tcp":
        return Network(host=uri.target, port=uri.port or 9100, timeout=timeouts.connect_s), NetworkConnection
    if uri.scheme == "file":
        return _AppendingFile(devfile=uri.target, auto_flush=True), FileConnection
    if uri.scheme == "serial":
        printer = Serial(
            devfile=uri.target, baudrate=uri.int_param("baud", 115200), timeout=timeouts.status_s, **_flow(uri)
        )
        return printer, SerialConnection
    if uri.scheme == "usb":
        usb_printer = Usb(
            idVendor=int(uri.target, 16),
            idProduct=uri.port,
            timeout=int(timeouts.write_s * 1000),  # pyusb counts milliseconds
            in_ep=_int_param(uri, "in_ep", 0x82),
            out_ep=_int_param(uri, "out_ep", 0x01),
        )
        return usb_printer, UsbConnection
    raise ConnectionFailed(f"not a printer connection: {uri}")


def open_connection(
    uri: DeviceUri, timeouts: Timeouts, configure: Callable[[Escpos], None] | None = None
) -> Connection:
    """Create the python-escpos printer for uri, open it, and wrap it; ConnectionFailed when unreachable."""
    printer, kind = _make_printer(uri, timeouts)
    if configure is not None:
        configure(printer)
    try:
        printer.open()
    except ConnectionFailed:
        raise
    except (EscposLibError, OSError, ValueError) as exc:  # ValueError: pyusb's NoBackendError, bad serial settings
        raise ConnectionFailed(f"{type(exc).__name__}: {exc}") from exc
    conn = kind(printer, timeouts)
    if isinstance(conn, NetworkConnection):
        conn._sock().settimeout(timeouts.write_s)
    elif isinstance(conn, SerialConnection):
        printer._device.write_timeout = timeouts.write_s
    return conn


def file_target_reachable(uri: DeviceUri) -> bool:
    """For file:// — can the file be written (it exists and is writable, or its folder is)?"""
    path = Path(uri.target)
    if path.exists():
        return os.access(path, os.W_OK)
    return path.parent.is_dir() and os.access(path.parent, os.W_OK)


def describe(exc: BaseException) -> str:
    """A one-line technical description of a transport error for logs and health details."""
    text: Any = str(exc).replace("\n", " ")
    return f"{type(exc).__name__}: {text}"[:300]
