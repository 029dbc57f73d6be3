"""A simulated ID card reader for demos and UI tests: place() and take_away() a card by hand."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from devices.base import DeviceKind, IdentityRead
from devices.idcard import messages
from devices.idcard.presence import CardPresence
from devices.supervision import HealthTexts, SimulatedDevice

log = logging.getLogger(__name__)


class SimIdCardReader(SimulatedDevice):
    """Same interface and the same events, in the same order, as IdCardReader.

    Events are delivered synchronously on the caller's thread of place()/take_away().
    The identity's `expired` flag decides CardInserted vs CardFailed(IdCardExpired).
    """

    kind = DeviceKind.ID_CARD
    label = "simulated ID card reader"

    def __init__(self, clock: Callable[[], float] = time.monotonic, repeat_window: float = 4.0) -> None:
        super().__init__(HealthTexts(messages.HEALTH_ONLINE, messages.HEALTH_NO_DEVICE, messages.HEALTH_STOPPED))
        self._presence = CardPresence(clock, repeat_window=repeat_window)
        self._lock = threading.Lock()

    def place(self, identity: IdentityRead) -> None:
        """Put a card on the reader (a card already there is taken away first)."""
        with self._lock:
            self._emit(*self._presence.card_read(identity))

    def take_away(self) -> None:
        """Take the card off the reader (putting the same card back, however soon, is a new placement)."""
        with self._lock:
            self._emit(*self._presence.taken_away())

    def unplug(self) -> None:
        """Simulate the reader being unplugged (a card on it counts as removed)."""
        with self._lock:
            self._emit(*self._presence.card_gone())
            super().unplug()
