"""SsCardReader: the social security card reader on PC/SC (pyscard), with a supervised polling thread."""

from __future__ import annotations

import fnmatch
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from smartcard import scard

from devices.base import (
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
from devices.sscard.messages import message
from devices.sscard.reader import DEFAULT_RECORD_MODES, Authenticator, SsCardSession
from devices.supervision import SupervisedReader
from devices.uri import DeviceUri, DeviceUriError, parse_device_uri

log = logging.getLogger(__name__)
_R = TypeVar("_R")

PNP_READER = "\\\\?PnP?\\Notification"
# pcscd unreachable: NO_SERVICE/SERVICE_STOPPED, a dead context (INVALID_HANDLE), or its socket broke (COMM_ERROR)
_SERVICE_GONE = {
    scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_E_INVALID_HANDLE, scard.SCARD_F_COMM_ERROR,
}
_CARD_NOT_READY = {  # right after an insertion/removal pcscd may not have caught up yet: wait for the state
    scard.SCARD_W_UNPOWERED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_UNRESPONSIVE_CARD,
    scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_SHARING_VIOLATION,
}
_PROTOCOLS = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1


def _hr(hresult: int) -> str:
    return f"0x{hresult & 0xFFFFFFFF:08X} {scard.SCardGetErrorMessage(hresult)}".strip()


class _ServiceGone(Exception):
    """Internal: pcscd went away (0x8010001D and friends); rebuild the context."""


class CardTransportError(CardReadError):
    """PC/SC could not carry an APDU (card pulled out, reader gone, service stopped)."""

    def __init__(self, hresult: int | None, detail: str) -> None:
        super().__init__(message("read_failed"), detail)
        self.hresult = hresult


def _check_service(hresult: int) -> None:
    if hresult in _SERVICE_GONE:
        raise _ServiceGone(_hr(hresult))


class PcscCard:
    """One connection to a card in a reader: transmit(bytes) -> bytes for SsCardSession."""

    def __init__(self, context: Any, reader: str) -> None:
        hresult, handle, protocol = scard.SCardConnect(context, reader, scard.SCARD_SHARE_SHARED, _PROTOCOLS)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardTransportError(hresult, f"connect {reader}: {_hr(hresult)}")
        self.reader = reader
        self._handle = handle
        self._protocol = protocol

    def transmit(self, command: bytes) -> bytes:
        """Send one APDU; CardTransportError when PC/SC cannot (a reset by someone else is reconnected once)."""
        for attempt in (1, 2):
            try:
                hresult, response = scard.SCardTransmit(self._handle, self._protocol, list(command))
            except SystemError as exc:  # pyscard 2.3.1 raises this for a dead handle instead of an error code
                raise CardTransportError(None, f"transmit on a dead handle: {exc}") from exc
            if hresult == scard.SCARD_W_RESET_CARD and attempt == 1:
                self._reconnect()
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                raise CardTransportError(hresult, f"transmit: {_hr(hresult)}")
            if len(response) < 2:  # vpcd reports a vanished card as success with no bytes
                raise CardTransportError(None, "transmit: empty response (card gone?)")
            return bytes(response)
        raise CardTransportError(scard.SCARD_W_RESET_CARD, "card reset twice")

    def _reconnect(self) -> None:
        hresult, protocol = scard.SCardReconnect(self._handle, scard.SCARD_SHARE_SHARED, _PROTOCOLS,
                                                 scard.SCARD_LEAVE_CARD)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardTransportError(hresult, f"reconnect: {_hr(hresult)}")
        self._protocol = protocol

    def close(self) -> None:
        """Disconnect (leave the card powered for other applications)."""
        try:
            hresult = scard.SCardDisconnect(self._handle, scard.SCARD_LEAVE_CARD)
        except SystemError as exc:
            log.debug("disconnect on a dead handle: %s", exc)
            return
        if hresult != scard.SCARD_S_SUCCESS:
            log.debug("disconnect %s: %s", self.reader, _hr(hresult))


@dataclass
class _Slot:
    """What the worker knows about one reader."""

    state: int = scard.SCARD_STATE_UNAWARE
    card_counter: int | None = None  # pcsc-lite's per-reader event counter when the current card was seen
    card: PcscCard | None = None
    session: SsCardSession | None = None


@dataclass
class _Job:
    """A card operation asked for from another thread, run on the worker thread."""

    fn: Callable[[SsCardSession], Any] | None
    started: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


def reader_matches(pattern: str, name: str) -> bool:
    """'*' matches every reader; a glob pattern matches by fnmatch; anything else is a substring."""
    if pattern in ("", "*"):
        return True
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name


class SsCardReader(SupervisedReader):
    """The social security card reader on PC/SC: emits CardInserted/CardRemoved/CardFailed/HealthChanged."""

    kind = DeviceKind.SS_CARD
    label = "social security card reader"
    thread_name = "sscard-pcsc"

    def __init__(
        self,
        reader: str = "*",
        *,
        today: Callable[[], date] = date.today,
        authenticator: Authenticator | None = None,
        record_modes: Sequence[RecordMode] = DEFAULT_RECORD_MODES,
        poll_ms: int = 1000,
        retry_interval: float = 0.5,
        connect_wait: float = 3.0,
        job_timeout: float = 15.0,
        exclude: str | None = None,
    ) -> None:
        super().__init__(DeviceHealth(DeviceKind.SS_CARD, DeviceState.UNKNOWN, message("unknown")),
                         reconnect_interval=retry_interval)
        self.reader_pattern = reader
        self.exclude_pattern = exclude  # the PSAM's reader: never read as a resident's card
        self._today = today
        self._authenticator = authenticator
        self._record_modes = tuple(record_modes)
        self._poll_ms = poll_ms
        self._connect_wait = connect_wait
        self._job_timeout = job_timeout
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._context: Any = None
        self._context_lock = threading.Lock()
        self._slots: dict[str, _Slot] = {}
        self._active: str | None = None  # the reader whose card was read last (PIN operations go there)

    @classmethod
    def from_uri(cls, uri: str | DeviceUri, **options: Any) -> SsCardReader:
        """Build from `pcsc://Virtual PCD` or `pcsc://*`."""
        parsed = parse_device_uri(uri) if isinstance(uri, str) else uri
        if parsed.scheme != "pcsc":
            raise DeviceUriError(f"社保卡读卡器地址应如 pcsc://Virtual PCD 或 pcsc://*，实际为 {parsed}")
        return cls(parsed.target, **options)

    def _card_session(self, card: PcscCard) -> SsCardSession:
        return SsCardSession(card.transmit, today=self._today, authenticator=self._authenticator,
                             record_modes=self._record_modes)

    # ---- card operations from other threads ---------------------------------------------------

    def pin_tries_left(self) -> int | None:
        """PIN tries left on the inserted card (None if the card does not say)."""
        return self._run_job(lambda session: session.pin_tries_left())

    def verify_pin(self, pin: str) -> None:
        """Verify the PIN on the inserted card; PinError with tries_left/locked when wrong. The PIN is not kept."""
        self._run_job_obj(_Job(lambda session: session.verify_pin(pin)))  # the worker drops the closure after use

    def _run_job(self, fn: Callable[[SsCardSession], _R]) -> _R:
        result: _R = self._run_job_obj(_Job(fn))  # the job's result is what fn returned
        return result

    def _run_job_obj(self, job: _Job) -> Any:
        if not self.running:
            raise CardReadError(message("no_card"), "reader not started")
        self._jobs.put(job)
        deadline = time.monotonic() + self._job_timeout
        while True:
            if not job.started.is_set():
                self._cancel_wait()  # wake the worker from SCardGetStatusChange (only a wait in progress wakes)
            if job.done.wait(0.02):
                break
            if time.monotonic() > deadline:
                job.fn = None
                raise CardReadError(message("read_failed"), "card operation timed out")
        if job.error is not None:
            raise job.error
        return job.result

    def _pending_jobs(self) -> Iterator[_Job]:
        """The queued jobs, taken one at a time until none is left."""
        while True:
            try:
                yield self._jobs.get_nowait()
            except queue.Empty:
                return

    def _run_pending_jobs(self) -> None:
        for job in self._pending_jobs():
            job.started.set()
            fn, job.fn = job.fn, None  # drop the closure (it may hold a PIN) as soon as it ran
            try:
                slot = self._slots.get(self._active or "")
                if fn is None:
                    continue
                if slot is None or slot.session is None:
                    raise CardReadError(message("no_card"), "no card read")
                job.result = fn(slot.session)
            except DeviceError as exc:
                job.error = exc
            except Exception as exc:  # _ServiceGone or a bug: the caller gets an error, the supervisor recovers
                job.error = CardReadError(message("read_failed"), f"{type(exc).__name__}: {exc}")
                raise
            finally:
                job.done.set()

    def _wake(self) -> None:
        self._cancel_wait()  # SCardCancel only wakes a wait in progress: stop() repeats it until the worker is out

    def _cancel_wait(self) -> None:
        with self._context_lock:
            context = self._context
        if context is not None:
            hresult = scard.SCardCancel(context)
            if hresult != scard.SCARD_S_SUCCESS:
                log.debug("SCardCancel: %s", _hr(hresult))

    # ---- worker ----------------------------------------------------------------------------------

    def _set_health(self, state: DeviceState, key: str, detail: str = "") -> None:
        self._report_health(DeviceHealth(DeviceKind.SS_CARD, state, message(key), detail))

    def _run(self) -> None:
        super()._run()
        self._fail_pending_jobs()

    def _session(self) -> None:
        """(Re)build the PC/SC context and monitor the readers until the service goes or stop() is asked."""
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            self._set_health(DeviceState.OFFLINE, "offline", _hr(hresult))
            return
        with self._context_lock:
            self._context = context
        try:
            self._monitor(context)
        except _ServiceGone as exc:
            self._set_health(DeviceState.OFFLINE, "offline", str(exc))
        finally:  # an unexpected error goes on to the supervisor, which rebuilds the context next round
            with self._context_lock:
                self._context = None
            self._drop_all_cards(emit=not self._stop.is_set())
            hresult = scard.SCardReleaseContext(context)
            if hresult != scard.SCARD_S_SUCCESS:
                log.debug("release context: %s", _hr(hresult))

    def _session_failed(self, exc: Exception) -> None:
        self._set_health(DeviceState.OFFLINE, "offline", "worker error")

    def _fail_pending_jobs(self) -> None:
        for job in self._pending_jobs():
            job.fn = None
            job.error = CardReadError(message("no_card"), "reader stopped")
            job.done.set()

    def _drop_all_cards(self, emit: bool) -> None:
        """Forget every card (the context is being rebuilt); CardRemoved for each unless we are stopping."""
        for name, slot in list(self._slots.items()):
            if slot.card is not None:
                slot.card.close()
            if slot.card_counter is not None and emit:
                self._emit(CardRemoved("ss_card"))
            del self._slots[name]
        self._active = None

    def _list_readers(self, context: Any) -> list[str]:
        hresult, names = scard.SCardListReaders(context, [])
        if hresult in (scard.SCARD_E_NO_READERS_AVAILABLE,):
            return []
        _check_service(hresult)
        if hresult != scard.SCARD_S_SUCCESS:
            log.warning("list readers: %s", _hr(hresult))
            return []
        return [n for n in names if reader_matches(self.reader_pattern, n)
                and not (self.exclude_pattern and reader_matches(self.exclude_pattern, n))]

    def _monitor(self, context: Any) -> None:
        pnp_state = scard.SCARD_STATE_UNAWARE
        use_pnp = True
        while not self._stop.is_set():
            self._run_pending_jobs()
            names = self._list_readers(context)
            for gone in set(self._slots) - set(names):
                self._card_gone(gone)
                del self._slots[gone]
            if names:
                self._set_health(DeviceState.ONLINE, "online", ", ".join(names))
            else:
                self._set_health(DeviceState.NO_DEVICE, "no_device", f"no reader matches {self.reader_pattern!r}")
            states = [(n, self._slots.setdefault(n, _Slot()).state) for n in names]
            if use_pnp:
                states.append((PNP_READER, pnp_state))
            if not states:
                self._stop.wait(self._reconnect_interval)
                continue
            hresult, new_states = scard.SCardGetStatusChange(context, self._poll_ms, states)
            if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
                continue
            _check_service(hresult)
            if hresult in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
                if use_pnp and not names:
                    use_pnp = False  # this pcsc-lite has no PnP notification reader: poll instead
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                log.warning("get status change: %s", _hr(hresult))
                self._stop.wait(self._reconnect_interval)
                continue
            for name, event_state, _atr in new_states:
                if name == PNP_READER:
                    pnp_state = event_state & ~scard.SCARD_STATE_CHANGED
                    continue
                self._reader_changed(context, name, event_state)

    def _reader_changed(self, context: Any, name: str, event_state: int) -> None:
        slot = self._slots.setdefault(name, _Slot())
        slot.state = event_state & ~scard.SCARD_STATE_CHANGED
        counter = event_state >> 16
        present = bool(event_state & scard.SCARD_STATE_PRESENT)
        if slot.card_counter is not None and (not present or counter != slot.card_counter):
            self._card_gone(name)  # removed, or removed and re-inserted between two looks
        if present and slot.card_counter is None:
            slot.card_counter = counter
            if event_state & scard.SCARD_STATE_MUTE:
                self._emit(CardFailed("ss_card", CardReadError(message("card_unresponsive"), "card is mute")))
                return
            self._read_card(context, name, slot)

    def _card_gone(self, name: str) -> None:
        slot = self._slots.get(name)
        if slot is None or slot.card_counter is None:
            return
        if slot.card is not None:
            slot.card.close()
        slot.card = slot.session = None
        slot.card_counter = None
        if self._active == name:
            self._active = None
        self._emit(CardRemoved("ss_card"))

    def _wait_state(self, context: Any, name: str, current: int, timeout_ms: int) -> int:
        """Block until the reader's state differs from current (or timeout); the new state."""
        hresult, new_states = scard.SCardGetStatusChange(context, timeout_ms, [(name, current)])
        _check_service(hresult)
        if hresult != scard.SCARD_S_SUCCESS or not new_states:
            return current
        return int(new_states[0][1] & ~scard.SCARD_STATE_CHANGED)

    def _connect(self, context: Any, name: str, slot: _Slot) -> PcscCard | None:
        """Connect, waiting on the reader's state while pcscd catches up; None if the card left meanwhile."""
        state = slot.state
        budget_ms = int(self._connect_wait * 1000)
        while True:
            try:
                return PcscCard(context, name)
            except CardTransportError as exc:
                if exc.hresult is not None:
                    _check_service(exc.hresult)
                if exc.hresult not in _CARD_NOT_READY or budget_ms <= 0 or self._stop.is_set():
                    raise
                log.debug("card not ready yet (%s); waiting for the reader state", exc.detail)
            state = self._wait_state(context, name, state, min(250, budget_ms))
            budget_ms -= 250
            if state & scard.SCARD_STATE_EMPTY:
                return None

    def _read_card(self, context: Any, name: str, slot: _Slot) -> None:
        try:
            card = self._connect(context, name, slot)
        except CardTransportError as exc:
            self._emit(CardFailed("ss_card", CardReadError(message("card_unresponsive"), exc.detail)))
            return
        if card is None:
            slot.card_counter = None  # gone before we could talk to it: nothing to report
            return
        session = self._card_session(card)
        try:
            identity = session.read_identity()
        except CardTransportError as exc:
            if exc.hresult is not None:
                _check_service(exc.hresult)
            card.close()
            self._emit(CardFailed("ss_card", self._explain_transport_failure(context, name, slot, exc)))
            return
        except DeviceError as exc:  # expired, not a social security card, bad data, authentication
            card.close()
            log.info("social security card not accepted: %s", exc.detail or type(exc).__name__)
            self._emit(CardFailed("ss_card", exc))
            return
        slot.card, slot.session = card, session
        self._active = name
        log.info("social security card read (partial=%s)", identity.partial)
        self._emit(CardInserted(identity))

    def _explain_transport_failure(
        self, context: Any, name: str, slot: _Slot, exc: CardTransportError
    ) -> CardReadError:
        """A failed exchange: "card pulled out" if the reader goes empty soon after, else a read failure."""
        state = slot.state
        for _ in range(3):  # pcsc-lite notices a removal within ~400 ms
            if state & scard.SCARD_STATE_EMPTY:
                return CardReadError(message("pulled_out"), exc.detail)
            state = self._wait_state(context, name, state, 500)
        if state & scard.SCARD_STATE_EMPTY:
            return CardReadError(message("pulled_out"), exc.detail)
        return CardReadError(message("read_failed"), exc.detail)

    # ---- one-shot read (diagnostics, bench) ------------------------------------------------------

    def read_now(self) -> IdentityRead:
        """Read the card in the first matching reader on the calling thread, with its own context."""
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardReadError(message("offline"), _hr(hresult))
        try:
            names = self._list_readers(context)
            if not names:
                raise CardReadError(message("no_device"), f"no reader matches {self.reader_pattern!r}")
            card = PcscCard(context, names[0])
            try:
                return self._card_session(card).read_identity()
            finally:
                card.close()
        except _ServiceGone as exc:
            raise CardReadError(message("offline"), str(exc)) from exc
        finally:
            scard.SCardReleaseContext(context)
