"""A simulated ID card reader for demos and UI tests: place() and take_away() a card by hand."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from devices.base import (
    SIMULATED_DETAIL,
    DeviceEvent,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    EventSink,
    HealthChanged,
    IdentityRead,
)
from devices.idcard import messages
from devices.idcard.presence import CardPresence

log = logging.getLogger(__name__)


class SimIdCardReader:
    """Same interface and the same events, in the same order, as IdCardReader.

    Events are delivered synchronously on the caller's thread of place()/take_away().
    The identity's `expired` flag decides CardInserted vs CardFailed(IdCardExpired).
    """

    kind = DeviceKind.ID_CARD

    def __init__(self, clock: Callable[[], float] = time.monotonic, repeat_window: float = 4.0) -> None:
        self._presence = CardPresence(clock, repeat_window=repeat_window)
        self._health = DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED)
        self._sink: EventSink | None = None
        self._lock = threading.Lock()

    def start(self, sink: EventSink) -> None:
        """Go online and start delivering events to `sink`."""
        self._sink = sink
        self._set_health(DeviceHealth(self.kind, DeviceState.ONLINE, messages.HEALTH_ONLINE, SIMULATED_DETAIL))

    def stop(self) -> None:
        """Stop delivering events."""
        self._sink = None
        self._health = DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED)

    def health(self) -> DeviceHealth:
        return self._health

    def place(self, identity: IdentityRead) -> None:
        """Put a card on the reader (a card already there is taken away first)."""
        with self._lock:
            self._emit(self._presence.card_read(identity))

    def take_away(self) -> None:
        """Take the card off the reader (putting the same card back, however soon, is a new placement)."""
        with self._lock:
            self._emit(self._presence.taken_away())

    def unplug(self) -> None:
        """Simulate the reader being unplugged (a card on it counts as removed)."""
        with self._lock:
            self._emit(self._presence.card_gone())
            self._set_health(
                DeviceHealth(self.kind, DeviceState.NO_DEVICE, messages.HEALTH_NO_DEVICE, SIMULATED_DETAIL)
            )

    def plug_in(self) -> None:
        """Simulate the reader coming back."""
        self._set_health(DeviceHealth(self.kind, DeviceState.ONLINE, messages.HEALTH_ONLINE, SIMULATED_DETAIL))

    def _set_health(self, health: DeviceHealth) -> None:
        self._health = health
        self._emit([HealthChanged(health)])

    def _emit(self, events: list[DeviceEvent]) -> None:
        sink = self._sink
        if sink is None:
            return
        for event in events:
            try:
                sink(event)
            except Exception:  # a faulty subscriber must not break the presenter's controls
                log.exception("event sink failed on %s", type(event).__name__)
