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
    EventSink,
    HealthChanged,
    IdentityRead,
)
from devices.sscard.apdu import RecordMode
from devices.sscard.cardmodel import CardModel, CardProfile, profile_from_identity
from devices.sscard.messages import message
from devices.sscard.pcsc_driver import CardTransportError
from devices.sscard.reader import DEFAULT_RECORD_MODES, Authenticator, SsCardSession

log = logging.getLogger(__name__)

_HEALTH_KEYS = {DeviceState.ONLINE: "online", DeviceState.NO_DEVICE: "no_device", DeviceState.OFFLINE: "offline"}


class SimSsCardReader:
    """Same events, order and rough timing as SsCardReader, with an in-memory card behind the real reading logic.

    A presenter or test calls insert(identity_or_profile) and remove(). The card answers APDUs through
    devices.sscard.cardmodel, so PIN tries, expiry, 3rd-generation partial reads and a card pulled out
    mid-read behave as on the real reader.
    """

    kind = DeviceKind.SS_CARD

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
        self._today = today
        self._authenticator = authenticator
        self._record_modes = tuple(record_modes)
        self.insert_delay = insert_delay
        self.remove_delay = remove_delay
        self.apdu_delay = apdu_delay
        self._sink: EventSink | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._commands: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._card_lock = threading.RLock()  # one exchange at a time, like a card
        self._model: CardModel | None = None  # the card in the slot (read or not)
        self._session: SsCardSession | None = None  # set once the card was read successfully
        self._apdus_this_insert = 0
        self._health = DeviceHealth(DeviceKind.SS_CARD, DeviceState.UNKNOWN, message("unknown"))

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

    def start(self, sink: EventSink) -> None:
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("SimSsCardReader already started")
        self._sink = sink
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sscard-sim", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._commands.put(("stop", None))
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def health(self) -> DeviceHealth:
        return self._health

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
        if self._session is None:
            raise CardReadError(message("no_card"), "no card read")
        return self._session

    def _transmit(self, command: bytes) -> bytes:
        model = self._model
        if model is None:
            raise CardTransportError(None, "card gone")
        limit = model.profile.pull_after_apdus
        if limit is not None and self._apdus_this_insert >= limit:
            self._commands.put(("pulled", model))
            self._model = self._session = None
            raise CardTransportError(None, "transmit: empty response (card gone?)")
        self._apdus_this_insert += 1
        if self.apdu_delay:
            self._stop.wait(self.apdu_delay)
        return model.process(command)

    def _new_session(self) -> SsCardSession:
        return SsCardSession(self._transmit, today=self._today, authenticator=self._authenticator,
                             record_modes=self._record_modes)

    def _emit(self, event: object) -> None:
        sink = self._sink
        if sink is None:
            return
        try:
            sink(event)  # type: ignore[arg-type]
        except Exception:  # a faulty subscriber must not kill the reader thread
            log.exception("event sink failed on %s", type(event).__name__)

    def _set_health(self, state: DeviceState) -> None:
        if self._health.state == state:
            return
        self._health = DeviceHealth(DeviceKind.SS_CARD, state, message(_HEALTH_KEYS[state]), SIMULATED_DETAIL)
        self._emit(HealthChanged(self._health))

    def _run(self) -> None:
        self._set_health(DeviceState.ONLINE)
        with self._card_lock:
            if self._model is not None:  # a card already in the slot when the reader starts
                self._read(self._model)
        while not self._stop.is_set():
            kind, arg = self._commands.get()
            if kind == "stop":
                return
            if kind == "insert":
                self._stop.wait(self.insert_delay)
                with self._card_lock:
                    if self._model is not None:
                        self._take_out()
                    self._model = arg
                    if self._health.state == DeviceState.ONLINE:
                        self._read(arg)
            elif kind == "remove":
                self._stop.wait(self.remove_delay)
                with self._card_lock:
                    if self._model is not None or self._session is not None:
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
        self._model = self._session = None
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
        self._session = session
        self._emit(CardInserted(identity))
