"""QR scanner drivers: a serial (USB-CDC / RS-232) scanner and a keyboard-wedge scanner fed by the UI."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable

import serial

from devices.base import DeviceHealth, DeviceKind, DeviceState, EventSink
from devices.qr import messages
from devices.qr.linereader import DEFAULT_IDLE_GAP, DEFAULT_MAX_LENGTH, LineReader
from devices.qr.tokens import TOKEN_LIFETIME, ScanInterpreter
from devices.supervision import DeviceEvents, SupervisedReader
from devices.uri import DeviceUri, DeviceUriError, parse_device_uri

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.02  # one read() waits at most this long, so idle gaps and stop() are noticed


class QrScannerBase(DeviceEvents):
    """What the QR drivers share beyond DeviceEvents: kind, label, their health vocabulary."""

    kind = DeviceKind.QR_SCANNER
    label = "QR scanner"

    def __init__(self) -> None:
        super().__init__(DeviceHealth(self.kind, DeviceState.UNKNOWN, messages.HEALTH_STARTING))

    def _set_health(self, state: DeviceState, message: str, detail: str = "") -> None:
        self._report_health(DeviceHealth(self.kind, state, message, detail))

    def _stopped(self) -> None:
        self._keep_health(DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED))


class _SupervisedQrScanner(QrScannerBase, SupervisedReader):
    """A QR scanner with its own worker thread (SupervisedReader)."""

    def __init__(self, *, reconnect_interval: float = 1.0) -> None:
        SupervisedReader.__init__(self, DeviceHealth(self.kind, DeviceState.UNKNOWN, messages.HEALTH_STARTING),
                                  reconnect_interval=reconnect_interval)

    def _session_failed(self, exc: Exception) -> None:
        self._set_health(DeviceState.HARDWARE_ERROR, messages.HEALTH_NO_DEVICE, f"worker: {exc!r}")


class SerialQrScanner(_SupervisedQrScanner):
    """A QR scanner on a serial port (CardReaderDriver, kind QR_SCANNER).

    Emits QrScanned(token) for a fresh token, CardFailed(QrRepeated) for the same token
    within its lifetime, CardFailed(QrUnreadable) for an overlong scan, and HealthChanged
    when the scanner is unplugged (NO_DEVICE) or back (ONLINE); it reopens the port by itself.
    """

    def __init__(
        self,
        uri: str | DeviceUri,
        *,
        clock: Callable[[], float] = time.monotonic,
        token_lifetime: float = TOKEN_LIFETIME,
        idle_gap: float = DEFAULT_IDLE_GAP,
        max_length: int = DEFAULT_MAX_LENGTH,
        reconnect_interval: float = 1.0,
        serial_factory: Callable[..., serial.Serial] = serial.Serial,
    ) -> None:
        super().__init__(reconnect_interval=reconnect_interval)
        parsed = parse_device_uri(uri) if isinstance(uri, str) else uri
        if parsed.scheme != "serial":
            raise DeviceUriError(f"扫码器地址应为串口，如 serial:///dev/ttyACM0?baud=9600，实际为 {parsed}")
        self._path = parsed.target
        self._baud = parsed.int_param("baud", 9600)
        self._clock = clock
        self._idle_gap = idle_gap
        self._max_length = max_length
        self._interpreter = ScanInterpreter(clock, token_lifetime)
        self._serial_factory = serial_factory

    thread_name = "qr-scanner"

    def _session(self) -> None:
        try:
            port = self._serial_factory(self._path, baudrate=self._baud, timeout=READ_TIMEOUT, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._set_health(DeviceState.NO_DEVICE, messages.HEALTH_NO_DEVICE, f"{type(exc).__name__}: {exc}")
            return
        reader = LineReader(self._max_length, self._idle_gap)  # a fresh port starts a fresh line
        self._set_health(DeviceState.ONLINE, messages.HEALTH_ONLINE, f"{self._baud} baud")
        try:
            while not self._stop.is_set():
                chunk = port.read(port.in_waiting or 1)
                text = chunk.decode("latin-1")  # 1:1; the line reader keeps only visible ASCII
                self._emit(*self._interpreter.events(reader.feed(text, self._clock())))
        except (serial.SerialException, OSError) as exc:  # EIO / "returned no data" = unplugged
            self._set_health(DeviceState.NO_DEVICE, messages.HEALTH_NO_DEVICE, f"{type(exc).__name__}: {exc}")
        finally:
            try:
                port.close()
            except (serial.SerialException, OSError) as exc:
                log.info("closing the QR scanner port failed: %s", exc)


class KeyboardWedgeQrScanner(_SupervisedQrScanner):
    """A USB-HID scanner that types into the UI: the UI forwards keystrokes, events come as from any scanner.

    feed_key()/feed_text() only enqueue (cheap, safe on the GUI thread); the worker thread
    splits lines (Enter or an idle gap) and emits on that thread.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        token_lifetime: float = TOKEN_LIFETIME,
        idle_gap: float = DEFAULT_IDLE_GAP,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._idle_gap = idle_gap
        self._reader = LineReader(max_length, idle_gap)
        self._interpreter = ScanInterpreter(clock, token_lifetime)
        self._queue: queue.SimpleQueue[tuple[str, float] | None] = queue.SimpleQueue()

    def feed_key(self, char: str) -> None:
        """One keystroke from the scanner ("\\r" or "\\n" for Enter)."""
        self._queue.put((char, self._clock()))

    def feed_text(self, text: str) -> None:
        """A whole scan at once (e.g. a line edit's text); it ends the line itself."""
        self._queue.put((text + "\r", self._clock()))

    thread_name = "qr-wedge"

    def start(self, sink: EventSink) -> None:
        """Start the worker thread (events go to `sink` on it); a keyboard scanner is there at once."""
        super().start(sink)
        self._set_health(DeviceState.ONLINE, messages.HEALTH_ONLINE, "keyboard")

    def _wake(self) -> None:
        self._queue.put(None)

    def _session(self) -> None:
        wait = self._idle_gap / 4
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                self._emit(*self._interpreter.events(self._reader.poll(self._clock())))
                continue
            if item is None:  # stop() woke us (a stale wake-up after a restart is harmless)
                continue
            text, at = item
            self._emit(*self._interpreter.events(self._reader.feed(text, at)))
