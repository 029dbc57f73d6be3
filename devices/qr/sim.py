"""A simulated QR scanner for demos and UI tests: scan(token) by hand."""

from __future__ import annotations

import time
from collections.abc import Callable

from devices.base import SIMULATED_DETAIL, DeviceState, EventSink
from devices.qr import messages
from devices.qr.driver import QrScannerBase
from devices.qr.linereader import DEFAULT_MAX_LENGTH, LineReader
from devices.qr.tokens import TOKEN_LIFETIME, ScanInterpreter


class SimQrScanner(QrScannerBase):
    """Same interface and events as the real scanners; events arrive on the caller's thread of scan()."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        token_lifetime: float = TOKEN_LIFETIME,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._reader = LineReader(max_length)
        self._interpreter = ScanInterpreter(clock, token_lifetime)
        self._started = False

    def start(self, sink: EventSink) -> None:
        """Go online and deliver events to `sink`."""
        self._sink = sink
        self._started = True
        self._set_health(DeviceState.ONLINE, messages.HEALTH_ONLINE, SIMULATED_DETAIL)

    def stop(self) -> None:
        """Stop delivering events."""
        self._started = False
        self._sink = None
        self._stopped()

    def scan(self, token: str) -> None:
        """Present a QR code carrying `token` to the scanner."""
        if self._started:
            self._emit(*self._interpreter.events(self._reader.feed(token + "\r", self._clock())))
