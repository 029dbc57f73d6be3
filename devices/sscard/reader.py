"""The social security card reading logic over an injected transmit(bytes) -> bytes callable."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from devices.base import CardExpired, CardReadError, DeviceError, IdentityRead, PinError
from devices.sscard import apdu
from devices.sscard.apdu import RecordMode, Response, SwKind, Transmit
from devices.sscard.messages import message
from devices.sscard.tlv import (
    EF05_LENGTHS,
    EF06_LENGTHS,
    TAG_NAME,
    TAG_SSN,
    Cardholder,
    CardInfo,
    decode_ef05,
    decode_ef06,
    record_value,
)

log = logging.getLogger(__name__)

DEFAULT_RECORD_MODES: tuple[RecordMode, ...] = (
    RecordMode.CURRENT_BY_NUMBER,
    RecordMode.CURRENT_BY_ID,
    RecordMode.SFI_BY_NUMBER,
    RecordMode.SFI_BY_ID,
)
PIN_LENGTH = 6
CRYPTOGRAM_LENGTH = 16


@runtime_checkable
class Authenticator(Protocol):
    """Answers a 3rd-generation card's challenge (a PSAM in a second slot, or the platform's HSM)."""

    def cryptogram(self, challenge: bytes, card: CardInfo) -> bytes:
        """The 16-byte EXTERNAL AUTHENTICATE cryptogram for this card's 8-byte challenge."""
        ...


class _AccessDenied(Exception):
    """Internal: the card answered 6982 (security status not satisfied)."""


class SsCardSession:
    """Reads one connected social security card and checks its PIN; one instance per inserted card."""

    def __init__(
        self,
        transmit: Transmit,
        *,
        today: Callable[[], date] = date.today,
        authenticator: Authenticator | None = None,
        record_modes: Sequence[RecordMode] = DEFAULT_RECORD_MODES,
    ) -> None:
        if not record_modes:
            raise ValueError("at least one READ RECORD convention is needed")
        self._transmit = transmit
        self._today = today
        self._authenticator = authenticator
        self._modes = tuple(record_modes)
        self._mode: RecordMode | None = self._modes[0] if len(self._modes) == 1 else None
        self._authenticated = False
        self._auth_tried = False

    # ---- exchanges ----------------------------------------------------------------------------

    def _send(self, command: bytes) -> Response:
        resp = apdu.transceive(self._transmit, command)
        log.debug("APDU INS=%02X -> SW=%s (%d data bytes)", command[1], resp.status, len(resp.data))
        return resp

    def select_application(self) -> None:
        """SELECT the SSSE application; CardReadError when this is not a social security card."""
        resp = self._send(apdu.select_df_name())
        if resp.ok:
            return
        if resp.status.kind in (SwKind.FILE_NOT_FOUND, SwKind.WRONG_P1P2, SwKind.INS_NOT_SUPPORTED,
                                SwKind.CLA_NOT_SUPPORTED):
            raise CardReadError(message("not_ss_card"), f"SELECT SSSE -> {resp.status}")
        raise CardReadError(message("read_failed"), f"SELECT SSSE -> {resp.status}")

    def _select_ef(self, fid: int) -> None:
        resp = self._send(apdu.select_ef(fid))
        if resp.ok:
            return
        if resp.status.kind is SwKind.SECURITY_NOT_SATISFIED:
            raise _AccessDenied()
        if resp.status.kind is SwKind.FILE_NOT_FOUND:
            raise CardReadError(message("record_missing"), f"SELECT {fid:04X} -> {resp.status}")
        raise CardReadError(message("read_failed"), f"SELECT {fid:04X} -> {resp.status}")

    def _read_record(self, sfi: int, tag: int, length: int) -> bytes | None:
        """One record's value; None when the card has no such record (6A83)."""
        modes = (self._mode,) if self._mode else self._modes
        status = None
        for mode in modes:
            resp = self._send(apdu.read_record(tag, sfi, length + 2, mode))
            status = resp.status
            if resp.ok:
                self._mode = mode
                return record_value(resp.data, tag)
            kind = resp.status.kind
            if kind is SwKind.RECORD_NOT_FOUND:
                return None
            if kind is SwKind.SECURITY_NOT_SATISFIED:
                raise _AccessDenied()
            if kind not in (SwKind.WRONG_P1P2, SwKind.INS_NOT_SUPPORTED, SwKind.WRONG_LENGTH):
                break  # a real answer, not "wrong convention": trying others will not help
        raise CardReadError(message("read_failed"), f"READ RECORD {sfi}/{tag:02X} -> {status}")

    def _read_file(
        self, fid: int, sfi: int, lengths: Mapping[int, int], only: Sequence[int] | None = None
    ) -> tuple[dict[int, bytes], list[int]]:
        """Values of the file's records by tag, and the tags the card refused without authentication."""
        tags = list(only) if only is not None else list(lengths)
        try:
            self._select_ef(fid)
        except _AccessDenied:
            return {}, tags
        values: dict[int, bytes] = {}
        denied: list[int] = []
        for tag in tags:
            try:
                value = self._read_record(sfi, tag, lengths[tag])
            except _AccessDenied:
                denied.append(tag)
                continue
            if value is not None:
                values[tag] = value
        return values, denied

    def _authenticate(self, info: CardInfo) -> bool:
        """EXTERNAL AUTHENTICATE with the configured authenticator; False when it could not answer."""
        assert self._authenticator is not None
        if self._auth_tried:
            return self._authenticated
        self._auth_tried = True
        resp = self._send(apdu.get_challenge(8))
        if not resp.ok or len(resp.data) != 8:
            raise CardReadError(message("auth_failed"), f"GET CHALLENGE -> {resp.status}, {len(resp.data)} bytes")
        try:
            cryptogram = self._authenticator.cryptogram(resp.data, info)
        except DeviceError as exc:
            log.warning("authenticator could not answer the card's challenge: %s", exc)
            return False
        if len(cryptogram) != CRYPTOGRAM_LENGTH:
            raise CardReadError(message("auth_failed"), f"authenticator gave {len(cryptogram)} bytes, expected 16")
        resp = self._send(apdu.external_authenticate(cryptogram))
        if not resp.ok:
            raise CardReadError(message("auth_failed"), f"EXTERNAL AUTHENTICATE -> {resp.status}")
        self._authenticated = True
        log.info("social security card authenticated (version %s)", info.version)
        return True

    def _check_expiry(self, info: CardInfo) -> None:
        if info.expiry_date is not None and info.expiry_date < self._today():
            raise CardExpired(message("expired"), f"expiry {info.expiry_date.isoformat()}")

    # ---- public -------------------------------------------------------------------------------

    def read_card(self) -> tuple[CardInfo, Cardholder | None]:
        """Select SSSE and read EF05 and EF06; the cardholder is None when EF06 needs authentication we lack."""
        self.select_application()
        ef05, denied05 = self._read_file(apdu.EF05, 5, EF05_LENGTHS)
        info = decode_ef05(ef05)
        self._check_expiry(info)
        if self._authenticator is not None and (info.generation >= 3 or denied05):
            if self._authenticate(info) and denied05:
                more, denied05 = self._read_file(apdu.EF05, 5, EF05_LENGTHS, only=denied05)
                ef05.update(more)
                info = decode_ef05(ef05)
                self._check_expiry(info)
        ef06, denied06 = self._read_file(apdu.EF06, 6, EF06_LENGTHS)
        if denied06 and self._authenticator is not None and not self._authenticated:
            if self._authenticate(info):
                more, denied06 = self._read_file(apdu.EF06, 6, EF06_LENGTHS, only=denied06)
                ef06.update(more)
        if TAG_SSN in denied06 or TAG_NAME in denied06:
            if self._authenticated:
                raise CardReadError(message("auth_failed"), "EF06 still refused after authentication")
            return info, None
        if TAG_SSN not in ef06 or TAG_NAME not in ef06:
            raise CardReadError(message("record_missing"), "EF06 has no social security number or name")
        holder = decode_ef06(ef06)
        if not holder.name:
            raise CardReadError(message("record_missing"), "EF06 name is blank")
        return info, holder

    def read_identity(self) -> IdentityRead:
        """The card as an IdentityRead; partial=True with a notice when only EF05 could be read."""
        info, holder = self.read_card()
        extra = (
            ("card_version", info.version),
            ("card_type_code", info.card_type),
            ("region_code", info.region_code),
            ("card_identification_code", info.identification_code),
        )
        if holder is None:
            log.info("3rd-generation card read partially (no authenticator), version %s", info.version)
            return IdentityRead(
                source="ss_card", card_type="social_security", id_number="", name="",
                valid_from=info.issue_date, valid_until=info.expiry_date, card_number=info.card_number,
                extra=extra, partial=True, notice=message("partial_third_gen"),
            )
        return IdentityRead(
            source="ss_card", card_type="social_security", id_number=holder.ssn, name=holder.name,
            gender=holder.gender, nation=holder.nation, birth_date=holder.birth_date,
            valid_from=info.issue_date, valid_until=info.expiry_date, card_number=info.card_number,
            extra=extra,
        )

    def pin_tries_left(self) -> int | None:
        """How many PIN tries the card has left (VERIFY without data → 63Cx); None if it does not say."""
        self.select_application()
        resp = self._send(apdu.verify(None))
        return resp.status.tries_left

    def verify_pin(self, pin: str) -> None:
        """Check the PIN on the card. Raises PinError (tries_left / locked). The PIN is never logged or kept."""
        if not (len(pin) == PIN_LENGTH and pin.isascii() and pin.isdigit()):
            raise PinError(message("pin_format"))
        tries = self.pin_tries_left()
        if tries == 0:
            raise PinError(message("pin_locked"), tries_left=0, locked=True)
        resp = self._send(apdu.verify(pin))
        del pin  # nothing below may need it; the caller's copy is the caller's business
        status = resp.status
        if resp.ok:
            log.info("PIN verified")
            return
        if status.kind is SwKind.BLOCKED or (status.kind is SwKind.TRIES_LEFT and status.tries_left == 0):
            log.info("PIN wrong, card now locked")
            raise PinError(message("pin_locked"), tries_left=0, locked=True)
        if status.kind is SwKind.TRIES_LEFT:
            log.info("PIN wrong, %d tries left", status.tries_left)
            raise PinError(message("pin_wrong", tries=status.tries_left), tries_left=status.tries_left)
        if status.kind is SwKind.VERIFY_FAILED:
            raise PinError(message("pin_wrong_unknown"))
        raise PinError(message("pin_failed"))
