"""One SAM command, one checked reply, over an open serial port; and finding the reader's baud rate."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

import serial

from devices.base import DeviceGone
from devices.idcard.frames import Command, Frame, FrameError, FrameParser, LengthError, build_command
from devices.idcard.messages import HEALTH_NO_DEVICE

log = logging.getLogger(__name__)

STANDARD_BAUDS = (115200, 57600, 38400, 19200, 9600)
CHUNK_TIMEOUT = 0.05  # one read() waits at most this long, so stop() and deadlines stay responsive


class LinkTimeout(Exception):
    """The reader sent no complete frame in time (silent, wrong baud rate, or cancelled)."""


def port_gone(exc: BaseException) -> DeviceGone:
    """SerialException and OSError (EIO) both mean the port is gone (unplugged, peer closed)."""
    return DeviceGone(HEALTH_NO_DEVICE, f"{type(exc).__name__}: {exc}")


def open_port(path: str, baud: int, factory: Callable[..., serial.Serial] = serial.Serial) -> serial.Serial:
    """Open a serial port 8N1 without flow control; DeviceGone if it is not there."""
    try:
        return factory(path, baudrate=baud, timeout=CHUNK_TIMEOUT, write_timeout=1.0, exclusive=True)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise port_gone(exc) from exc


class SamLink:
    """Request/response over one open port, framed by header and length (never by timing)."""

    def __init__(
        self,
        port: serial.Serial,
        cancelled: Callable[[], bool] = lambda: False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.port = port
        self._cancelled = cancelled
        self._monotonic = monotonic  # real time: these are I/O deadlines, not business time
        self._parser = FrameParser()

    def transact(self, command: Command, timeout: float) -> Frame:
        """Send a command and return the first checked reply.

        Raises LinkTimeout (nothing in time, or cancelled), FrameError (bad checksum/length),
        DeviceGone (the port vanished).
        """
        self._parser.reset()
        try:
            self.port.reset_input_buffer()  # a late reply to an earlier command must not answer this one
            self.port.write(build_command(command))
            deadline = self._monotonic() + timeout
            while not self._cancelled():
                frame = self._parse(self.port.read(self.port.in_waiting or 1))
                if frame is not None:
                    return frame
                if self._monotonic() >= deadline:
                    break
        except (serial.SerialException, OSError) as exc:
            raise port_gone(exc) from exc
        raise LinkTimeout(f"no reply to {command.name} within {timeout:.2f}s")

    def _parse(self, chunk: bytes) -> Frame | None:
        # A false frame start in line noise (bad length) is skipped and parsing goes on: the real
        # reply may follow. A bad checksum is the reply itself damaged: ChecksumError goes up.
        while True:
            try:
                for frame in self._parser.feed(chunk):
                    return frame
                return None
            except LengthError as exc:
                log.debug("skipped a false frame start: %s", exc)
                chunk = b""

    def set_baud(self, baud: int) -> None:
        """Reconfigure the open port's rate."""
        try:
            self.port.baudrate = baud
        except (serial.SerialException, OSError) as exc:
            raise port_gone(exc) from exc

    def close(self) -> None:
        """Close the port, logging (not raising) a failure: it may already be gone."""
        try:
            self.port.close()
        except (serial.SerialException, OSError) as exc:
            log.info("closing the ID card reader port failed: %s", exc)


def baud_order(preferred: int, candidates: Iterable[int] = STANDARD_BAUDS) -> list[int]:
    """The configured rate first, then the standard ones (115200 → 9600)."""
    return [preferred] + [b for b in candidates if b != preferred]


def detect_baud(link: SamLink, bauds: Iterable[int], timeout: float) -> tuple[int, Frame] | None:
    """Ask "SAM status" at each rate in turn; the first rate that gets a well-formed reply wins.

    Returns the rate and the status reply (which may itself report a SAM fault), or None.
    """
    for baud in bauds:
        link.set_baud(baud)
        try:
            return baud, link.transact(Command.SAM_STATUS, timeout)
        except (LinkTimeout, FrameError) as exc:
            log.debug("no SAM answer at %d baud: %s", baud, exc)
    return None
