"""SimSsCardReader: the social security card reader without PC/SC, for demos and UI tests."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from devices.base import (
    SIMULATED_DETAIL,
    CardFailed,
    CardInserted,
    CardReadError,
    CardRemoved,
    DeviceError,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    IdentityRead,
)
from devices.sscard.apdu import RecordMode
from devices.sscard.cardmodel import CardModel, CardProfile, profile_from_identity
from devices.sscard.messages import message
from devices.sscard.pcsc_driver import CardTransportError
from devices.sscard.reader import DEFAULT_RECORD_MODES, Authenticator, SsCardSession
from devices.supervision import SupervisedReader

log = logging.getLogger(__name__)

_HEALTH_KEYS = {DeviceState.ONLINE: "online", DeviceState.NO_DEVICE: "no_device", DeviceState.OFFLINE: "offline"}


class SimSsCardReader(SupervisedReader):
    """Same events, order and rough timing as SsCardReader, with an in-memory card behind the real reading logic.

    A presenter or test calls insert(identity_or_profile) and remove(). The card answers APDUs through
    devices.sscard.cardmodel, so PIN tries, expiry, 3rd-generation partial reads and a card pulled out
    mid-read behave as on the real reader.
    """

    kind = DeviceKind.SS_CARD
    label = "simulated social security card reader"
    thread_name = "sscard-sim"

    def __init__(
        self,
        *,
        today: Callable[[], date] = date.today,
        authenticator: Authenticator | None = None,
        record_modes: Sequence[RecordMode] = DEFAULT_RECORD_MODES,
        insert_delay: float = 0.2,  # pcsc-lite notices an insertion in ~40-400 ms
        remove_delay: float = 0.4,  # and a removal in ~400 ms
        apdu_delay: float = 0.002,
    ) -> None:
        super().__init__(DeviceHealth(DeviceKind.SS_CARD, DeviceState.UNKNOWN, message("unknown")))
        self._today = today
        self._authenticator = authenticator
        self._record_modes = tuple(record_modes)
        self.insert_delay = insert_delay
        self.remove_delay = remove_delay
        self.apdu_delay = apdu_delay
        self._commands: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._card_lock = threading.RLock()  # one exchange at a time, like a card
        self._model: CardModel | None = None  # the card in the slot (read or not)
        self._read_session: SsCardSession | None = None  # set once the card was read successfully
        self._apdus_this_insert = 0

    # ---- presenter / test controls --------------------------------------------------------------

    def insert(self, card: IdentityRead | CardProfile | CardModel) -> CardModel:
        """Put a card in the slot (an identity is turned into a card holding it); returns the card model."""
        if isinstance(card, CardModel):
            model = card
        elif isinstance(card, CardProfile):
            model = CardModel(card)
        else:
            model = CardModel(profile_from_identity(card))
        self._commands.put(("insert", model))
        return model

    def remove(self) -> None:
        """Take the card out."""
        self._commands.put(("remove", None))

    def set_state(self, state: DeviceState) -> None:
        """Pretend the reader went ONLINE / NO_DEVICE / OFFLINE (a removed card is reported first)."""
        if state not in _HEALTH_KEYS:
            raise ValueError(f"the simulator reports only {', '.join(s.value for s in _HEALTH_KEYS)}")
        self._commands.put(("health", state))

    # ---- CardReaderDriver -----------------------------------------------------------------------

    def _wake(self) -> None:
        self._commands.put(("stop", None))

    def pin_tries_left(self) -> int | None:
        """PIN tries left on the inserted card (None if the card does not say)."""
        with self._card_lock:
            return self._current_session().pin_tries_left()

    def verify_pin(self, pin: str) -> None:
        """Verify the PIN; PinError with tries_left/locked when wrong. The PIN is not kept."""
        with self._card_lock:
            self._current_session().verify_pin(pin)

    def read_now(self) -> IdentityRead:
        """Read the card in the slot on the calling thread."""
        with self._card_lock:
            if self._model is None:
                raise CardReadError(message("no_card"), "slot empty")
            return self._new_session().read_identity()

    # ---- worker -----------------------------------------------------------------------------------

    def _current_session(self) -> SsCardSession:
        if self._read_session is None:
            raise CardReadError(message("no_card"), "no card read")
        return self._read_session

    def _transmit(self, command: bytes) -> bytes:
        model = self._model
        if model is None:
            raise CardTransportError(None, "card gone")
        limit = model.profile.pull_after_apdus
        if limit is not None and self._apdus_this_insert >= limit:
            self._commands.put(("pulled", model))
            self._model = self._read_session = None
            raise CardTransportError(None, "transmit: empty response (card gone?)")
        self._apdus_this_insert += 1
        if self.apdu_delay:
            self._stop.wait(self.apdu_delay)
        return model.process(command)

    def _new_session(self) -> SsCardSession:
        return SsCardSession(self._transmit, today=self._today, authenticator=self._authenticator,
                             record_modes=self._record_modes)

    def _set_health(self, state: DeviceState) -> None:
        self._report_health(DeviceHealth(DeviceKind.SS_CARD, state, message(_HEALTH_KEYS[state]), SIMULATED_DETAIL))

    def _session(self) -> None:
        self._set_health(DeviceState.ONLINE)
        with self._card_lock:
            if self._model is not None:  # a card already in the slot when the reader starts
                self._read(self._model)
        while not self._stop.is_set():
            kind, arg = self._commands.get()
            if kind == "stop":  # stop() woke us (a stale wake-up after a restart is harmless)
                continue
            if kind == "insert":
                self._stop.wait(self.insert_delay)
                with self._card_lock:
                    if self._model is not None:
                        self._take_out()
                    self._model = arg
                    if self.health().state == DeviceState.ONLINE:
                        self._read(arg)
            elif kind == "remove":
                self._stop.wait(self.remove_delay)
                with self._card_lock:
                    if self._model is not None or self._read_session is not None:
                        self._take_out()
            elif kind == "pulled":
                self._stop.wait(self.remove_delay)
                with self._card_lock:
                    self._emit(CardRemoved("ss_card"))
            elif kind == "health":
                with self._card_lock:
                    if arg != DeviceState.ONLINE and self._model is not None:
                        self._take_out()
                    self._set_health(arg)

    def _take_out(self) -> None:
        self._model = self._read_session = None
        self._emit(CardRemoved("ss_card"))

    def _read(self, model: CardModel) -> None:
        self._apdus_this_insert = 0
        model.reset()
        session = self._new_session()
        try:
            identity = session.read_identity()
        except CardTransportError as exc:
            self._emit(CardFailed("ss_card", CardReadError(message("pulled_out"), exc.detail)))
            return
        except DeviceError as exc:
            self._emit(CardFailed("ss_card", exc))
            return
        self._read_session = session
        self._emit(CardInserted(identity))
