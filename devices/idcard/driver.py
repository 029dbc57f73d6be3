"""The ID card reader driver: a supervised worker thread polling a serial SAM reader for cards."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import serial

from devices.base import (
    CardReadError,
    DeviceGone,
    DeviceHealth,
    DeviceKind,
    DeviceState,
)
from devices.idcard import messages
from devices.idcard.frames import Command, FrameError, SamStatus, split_card_data, status_of
from devices.idcard.link import LinkTimeout, SamLink, baud_order, detect_baud, open_port
from devices.idcard.presence import CardPresence, id_tag
from devices.idcard.text import decode_text_block
from devices.supervision import SupervisedReader
from devices.uri import DeviceUri, DeviceUriError, parse_device_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdCardTiming:
    """How the driver paces itself (seconds / counts); tests shrink the waits."""

    poll_interval: float = 0.25  # between "find card" polls
    command_timeout: float = 0.2  # find/select/status
    read_timeout: float = 2.0  # read text + photo (1295 bytes ≈ 112 ms at 115200)
    probe_timeout: float = 0.3  # per baud rate while detecting
    reconnect_interval: float = 1.0  # between attempts to reopen a gone/silent reader
    removal_misses: int = 3  # consecutive "no card" answers before CardRemoved
    repeat_window: float = 4.0  # after the reader came back, the same ID number within this is not new
    offline_after: int = 3  # consecutive unanswered/garbled commands before the reader counts as offline
    stop_join: float = 2.0


class _SamFault(Exception):
    """The reader's SAM reported a fault of its own (self-test failed, not authorised…)."""

    def __init__(self, status: SamStatus) -> None:
        super().__init__(status.name)
        self.status = status


class _Glitch(Exception):
    """The reader reported that our frame arrived damaged; retry."""


class IdCardReader(SupervisedReader):
    """A 2nd-generation ID card reader on a serial port (CardReaderDriver, kind ID_CARD).

    Events (on the worker thread): HealthChanged when the reader appears/disappears/faults;
    CardInserted for a valid card; CardFailed(IdCardExpired) for an expired one (its message is
    "您的身份证已过有效期…", shown as is); CardFailed(CardReadError) for a card that cannot be read;
    CardRemoved when the card is taken away (see CardPresence for the rules).
    """

    kind = DeviceKind.ID_CARD
    label = "ID card reader"
    log_events = True
    thread_name = "idcard-reader"

    def __init__(
        self,
        uri: str | DeviceUri,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        timing: IdCardTiming = IdCardTiming(),
        serial_factory: Callable[..., serial.Serial] = serial.Serial,
    ) -> None:
        parsed = parse_device_uri(uri) if isinstance(uri, str) else uri
        if parsed.scheme != "serial":
            raise DeviceUriError(
                f"身份证读卡器地址应为串口，如 serial:///dev/ttyUSB0?baud=115200，实际为 {parsed}"
            )
        self._path = parsed.target
        self._bauds = baud_order(parsed.int_param("baud", 115200))
        self._today = today
        self._timing = timing
        self._serial_factory = serial_factory
        self._presence = CardPresence(clock, timing.removal_misses, timing.repeat_window)
        super().__init__(DeviceHealth(self.kind, DeviceState.UNKNOWN, messages.HEALTH_STARTING),
                         reconnect_interval=timing.reconnect_interval, stop_join=timing.stop_join)
        self.baud: int | None = None  # the detected rate, for diagnostics

    # --- supervision (SupervisedReader) ---
    def _session_failed(self, exc: Exception) -> None:
        self._set_health(DeviceState.HARDWARE_ERROR, messages.HEALTH_OFFLINE, f"worker: {exc!r}")

    def _between_sessions(self) -> None:
        self._emit(*self._presence.card_gone())  # a card on a lost reader counts as removed

    def _stopped(self) -> None:
        self._keep_health(DeviceHealth(self.kind, DeviceState.OFFLINE, messages.HEALTH_STOPPED))

    def _session(self) -> None:
        """Open the port, find the rate, poll until the reader is gone or silent."""
        try:
            link = SamLink(open_port(self._path, self._bauds[0], self._serial_factory), self._stop.is_set)
        except DeviceGone as exc:
            self._set_health(DeviceState.NO_DEVICE, exc.message, exc.detail)
            return
        try:
            found = detect_baud(link, self._bauds, self._timing.probe_timeout)
            if self._stop.is_set():
                return
            if found is None:
                self._set_health(DeviceState.OFFLINE, messages.HEALTH_OFFLINE, f"no answer at {self._bauds}")
                return
            self.baud, reply = found
            log.info("ID card reader answers at %d baud on %s", self.baud, self._path)
            status = status_of(reply)
            if status.category == "sam":
                self._set_health(DeviceState.HARDWARE_ERROR, status.message, status.name)
            else:
                self._set_health(DeviceState.ONLINE, messages.HEALTH_ONLINE, f"{self.baud} baud")
            self._poll(link)
        except DeviceGone as exc:
            self._lost(DeviceState.NO_DEVICE, exc.message, exc.detail)
        finally:
            link.close()

    def _poll(self, link: SamLink) -> None:
        unanswered = 0
        while not self._stop.is_set():
            wait = self._timing.poll_interval
            try:
                self._cycle(link)
                unanswered = 0
                self._set_health(DeviceState.ONLINE, messages.HEALTH_ONLINE, f"{self.baud} baud")
            except (LinkTimeout, FrameError, _Glitch) as exc:
                if self._stop.is_set():
                    return
                unanswered += 1
                log.info("ID card reader glitch %d/%d: %s", unanswered, self._timing.offline_after, exc)
                if unanswered >= self._timing.offline_after:
                    self._lost(DeviceState.OFFLINE, messages.HEALTH_OFFLINE, str(exc))
                    return
                wait = 0.0
            except _SamFault as fault:
                self._set_health(DeviceState.HARDWARE_ERROR, fault.status.message, fault.status.name)
                wait = self._timing.reconnect_interval
            self._stop.wait(wait)

    def _command(self, link: SamLink, command: Command, timeout: float) -> tuple[SamStatus, bytes]:
        reply = link.transact(command, timeout)
        status = status_of(reply)
        if status.category == "sam":
            raise _SamFault(status)
        if status.category == "host":
            raise _Glitch(f"{command.name}: reader says {status.name}")
        return status, reply.data

    def _cycle(self, link: SamLink) -> None:
        """One find → select → read round; feeds the outcome to the presence state machine."""
        t = self._timing
        status, _ = self._command(link, Command.FIND_CARD, t.command_timeout)
        if status.category == "no_card":
            self._emit(*self._presence.no_card())
            return
        if status.sw3 != 0x9F:
            self._unreadable(status)
            return
        status, _ = self._command(link, Command.SELECT_CARD, t.command_timeout)
        if status.sw3 != 0x90:
            self._unreadable(status)
            return
        status, data = self._command(link, Command.READ_TEXT_PHOTO, t.read_timeout)
        if status.sw3 != 0x90:
            self._unreadable(status)
            return
        parts = split_card_data(data)
        try:
            identity = decode_text_block(parts.text, self._today(), photo=parts.photo)
        except CardReadError as exc:
            log.info("ID card text block rejected: %s", exc.detail)
            self._emit(*self._presence.card_unreadable(exc))
            return
        log.debug(
            "ID card read: %s %s expired=%s", identity.card_type, id_tag(identity.id_number), identity.expired
        )
        self._emit(*self._presence.card_read(identity))

    def _unreadable(self, status: SamStatus) -> None:
        log.info("ID card present but not readable: %s", status.name)
        self._emit(*self._presence.card_unreadable(CardReadError(status.message, status.name)))

    # --- events ---
    def _lost(self, state: DeviceState, message: str, detail: str) -> None:
        """The reader is gone or silent: a card on it counts as removed, then the health changes."""
        self._emit(*self._presence.card_gone())
        self._set_health(state, message, detail)

    def _set_health(self, state: DeviceState, message: str, detail: str = "") -> None:
        self._report_health(DeviceHealth(self.kind, state, message, detail))
