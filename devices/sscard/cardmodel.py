"""An in-memory social security card that answers APDUs like a real one (for the simulator and test cards).

The 3rd-generation authentication here is a stand-in (HMAC-SHA256 of the challenge under a test
key, first 16 bytes); real cards use issuer keys held by a PSAM or HSM.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from devices.base import IdentityRead
from devices.nations import nation_code
from devices.sscard.apdu import EF05, EF06, SSSE_DF_NAME, RecordMode, encode_pin
from devices.sscard.tlv import (
    TAG_BIRTH_DATE,
    TAG_BIRTHPLACE,
    TAG_CARD_ID,
    TAG_CARD_NUMBER,
    TAG_CARD_TYPE,
    TAG_EXPIRY_DATE,
    TAG_GENDER,
    TAG_INIT_ORG,
    TAG_ISSUE_DATE,
    TAG_NAME,
    TAG_NAME_EXT,
    TAG_NATION,
    TAG_SSN,
    TAG_VERSION,
)

FREE_TAGS_GEN3 = frozenset({TAG_CARD_ID, TAG_VERSION, TAG_CARD_NUMBER})  # EF05 records a 3rd-gen card gives freely
NAME_BYTES, NAME_EXT_BYTES = 30, 20
PIN_TRIES = 6
DEFAULT_ATR = bytes.fromhex("3B680000") + b"SSC-VIRT"


def stand_in_cryptogram(key: bytes, challenge: bytes) -> bytes:
    """The stand-in EXTERNAL AUTHENTICATE cryptogram: HMAC-SHA256(key, challenge)[:16]."""
    return hmac.new(key, challenge, hashlib.sha256).digest()[:16]


def bcd(digits: str, length: int) -> bytes:
    """Digits as packed BCD, right-padded with F to length bytes."""
    return bytes.fromhex(digits.ljust(length * 2, "F")[: length * 2])


def bcd_date(d: date) -> bytes:
    """A date as 4-byte BCD YYYYMMDD."""
    return bytes.fromhex(d.strftime("%Y%m%d"))


def split_name(name: str) -> tuple[bytes, bytes | None]:
    """A name as the 30-byte GBK name field (00-padded) plus the 20-byte extension when it does not fit.

    The split falls on a character boundary, as issuers write it.
    """
    head = b""
    rest = name
    while rest and len(head) + len(rest[0].encode("gbk")) <= NAME_BYTES:
        head += rest[0].encode("gbk")
        rest = rest[1:]
    if not rest:
        return head.ljust(NAME_BYTES, b"\x00"), None
    tail = rest.encode("gbk")
    if len(tail) > NAME_EXT_BYTES:
        raise ValueError("name too long for the name field plus its extension")
    return head.ljust(NAME_BYTES, b"\x00"), tail.ljust(NAME_EXT_BYTES, b"\x00")


def ef05_records(
    *,
    version: str = "2.00",
    card_number: str = "A00000001",
    issue_date: date = date(2020, 3, 1),
    expiry_date: date = date(2030, 3, 1),
    identification_code: bytes = bytes.fromhex("330300D15600000500000000C1A2B3C4"),
    card_type: str = "3",
    init_org: bytes = bytes.fromhex("330300000000000000000001"),
) -> dict[int, bytes]:
    """EF05 values by tag for a made-up card."""
    return {
        TAG_CARD_ID: identification_code,
        TAG_CARD_TYPE: card_type.encode("ascii"),
        TAG_VERSION: version.encode("ascii"),
        TAG_INIT_ORG: init_org,
        TAG_ISSUE_DATE: bcd_date(issue_date),
        TAG_EXPIRY_DATE: bcd_date(expiry_date),
        TAG_CARD_NUMBER: card_number.encode("ascii"),
    }


def ef06_records(
    *,
    ssn: str = "11010119900307125X",
    name: str = "张三",
    gender: str = "1",
    nation: str = "01",
    birthplace: str = "110101",
    birth_date: date = date(1990, 3, 7),
) -> dict[int, bytes]:
    """EF06 values by tag for a made-up cardholder (the name extension 4E only when the name needs it)."""
    name_field, ext = split_name(name)
    records = {
        TAG_SSN: ssn.encode("ascii"),
        TAG_NAME: name_field,
        TAG_GENDER: gender.encode("ascii"),
        TAG_NATION: bcd(nation, 1),
        TAG_BIRTHPLACE: bcd(birthplace, 3),
        TAG_BIRTH_DATE: bcd_date(birth_date),
    }
    if ext is not None:
        records[TAG_NAME_EXT] = ext
    return records


@dataclass(frozen=True)
class CardProfile:
    """What a virtual social security card holds and how it behaves."""

    ef05: dict[int, bytes] = field(default_factory=ef05_records)
    ef06: dict[int, bytes] = field(default_factory=ef06_records)
    generation: int = 2
    pin: str = "123456"
    pin_tries: int = PIN_TRIES
    auth_key: bytes | None = None  # 3rd gen: the key EXTERNAL AUTHENTICATE is checked against
    # 3rd gen, instead of the stand-in: check(challenge, cryptogram) -> bool (e.g. a PSAM scheme in a test)
    auth_check: Callable[[bytes, bytes], bool] | None = None
    select_with_61: bool = False  # answer SELECT SSSE with 61xx (T=0 style)
    wrong_le_tags: frozenset[int] = frozenset()  # records first answered with 6Cxx
    record_modes: frozenset[RecordMode] = frozenset(RecordMode)  # READ RECORD conventions it accepts
    tries_query: bool = True  # answers VERIFY without data with 63Cx
    pull_after_apdus: int | None = None  # the card is pulled out instead of answering APDU number N+1
    atr: bytes = DEFAULT_ATR

    def __repr__(self) -> str:
        return f"CardProfile(generation={self.generation}, modes={len(self.record_modes)})"


def profile_from_identity(identity: IdentityRead, **overrides: object) -> CardProfile:
    """A card profile holding identity (the simulator's insert(identity) path)."""
    gender = {"男": "1", "女": "2", "未知": "0", "未说明": "9"}.get(identity.gender, "1")
    generation = 3 if identity.partial else 2
    ef05 = ef05_records(
        version=f"{generation}.00",
        card_number=identity.card_number or "A00000001",
        issue_date=identity.valid_from or date(2020, 3, 1),
        expiry_date=identity.valid_until or date(2099, 12, 31),
    )
    ef06 = ef06_records(
        ssn=identity.id_number or "11010119900307125X",
        name=identity.name or "张三",
        gender=gender,
        nation=nation_code(identity.nation) or "01",
        birth_date=identity.birth_date or date(1990, 3, 7),
    )
    profile = CardProfile(ef05=ef05, ef06=ef06, generation=generation)
    return replace(profile, **overrides) if overrides else profile  # type: ignore[arg-type]


def _sw(sw: int, data: bytes = b"") -> bytes:
    return data + sw.to_bytes(2, "big")


class CardModel:
    """A card's state machine: answers one command APDU at a time (not thread-safe; one owner)."""

    def __init__(self, profile: CardProfile, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self.profile = profile
        self.tries = profile.pin_tries
        self.apdu_count = 0
        self.log: list[bytes] = []  # command APDUs received, VERIFY data masked
        self._random = random_bytes
        self.reset()

    def reset(self) -> None:
        """Power-on/reset: volatile state cleared; the PIN counter is kept (it is non-volatile)."""
        self._in_ssse = False
        self._ef: int | None = None
        self._pending = b""
        self._challenge: bytes | None = None
        self._wrong_le_served: set[int] = set()
        self.authenticated = False

    def _file(self, fid: int) -> dict[int, bytes] | None:
        return {EF05: self.profile.ef05, EF06: self.profile.ef06}.get(fid)

    def process(self, command: bytes) -> bytes:
        """The response APDU (data + SW) for one command APDU."""
        self.apdu_count += 1
        self.log.append(command[:4] + b"<pin>" if command[1:2] == b"\x20" and len(command) > 5 else command)
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins, p1, p2 = command[:4]
        body = command[4:]
        if cla != 0x00:
            return _sw(0x6E00)
        data, le = b"", None
        if len(body) == 1:
            le = body[0] or 256
        elif len(body) > 1:
            lc = body[0]
            if len(body) not in (1 + lc, 2 + lc):
                return _sw(0x6700)
            data = body[1:1 + lc]
            if len(body) == 2 + lc:
                le = body[-1] or 256
        handler = {
            0xA4: self._select, 0xB2: self._read_record, 0xC0: self._get_response, 0x20: self._verify,
            0x84: self._get_challenge, 0x82: self._external_authenticate,
        }.get(ins)
        if handler is None:
            return _sw(0x6D00)
        return handler(p1, p2, data, le)

    def _select(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 == 0x04:
            if data != SSSE_DF_NAME:
                return _sw(0x6A82)
            self._in_ssse, self._ef = True, None
            fci = bytes([0x6F, len(data) + 2, 0x84, len(data)]) + data
            if self.profile.select_with_61:
                self._pending = fci
                return _sw(0x6100 | len(fci))
            return _sw(0x9000, fci)
        if p1 == 0x02:
            fid = int.from_bytes(data, "big") if len(data) == 2 else -1
            if not self._in_ssse or self._file(fid) is None:
                return _sw(0x6A82)
            self._ef = fid
            return _sw(0x9000)
        return _sw(0x6A86)

    def _read_record(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        sfi, how = p2 >> 3, p2 & 0x07
        if how not in (0, 4):
            return _sw(0x6A86)
        by_number = how == 4
        mode = {
            (False, True): RecordMode.CURRENT_BY_NUMBER, (False, False): RecordMode.CURRENT_BY_ID,
            (True, True): RecordMode.SFI_BY_NUMBER, (True, False): RecordMode.SFI_BY_ID,
        }[(sfi != 0, by_number)]
        if mode not in self.profile.record_modes:
            return _sw(0x6A86)
        if not self._in_ssse:
            return _sw(0x6A82)
        fid = {5: EF05, 6: EF06}.get(sfi) if sfi else self._ef
        records = self._file(fid) if fid is not None else None
        if records is None:
            return _sw(0x6986 if not sfi else 0x6A82)
        if sfi:
            self._ef = fid
        tag = p1  # on these cards the record number is the tag
        if tag not in records:
            return _sw(0x6A83)
        if self.profile.generation >= 3 and not self.authenticated:
            if fid == EF06 or tag not in FREE_TAGS_GEN3:
                return _sw(0x6982)
        value = records[tag]
        tlv = bytes([tag, len(value)]) + value
        if tag in self.profile.wrong_le_tags and tag not in self._wrong_le_served:
            self._wrong_le_served.add(tag)
            return _sw(0x6C00 | len(tlv))
        if le is not None and le != 256 and le != len(tlv):
            return _sw(0x6C00 | len(tlv))
        return _sw(0x9000, tlv)

    def _get_response(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if not self._pending:
            return _sw(0x6985)
        n = min(le or 256, len(self._pending))
        chunk, self._pending = self._pending[:n], self._pending[n:]
        if self._pending:
            return _sw(0x6100 | min(len(self._pending), 255), chunk)
        return _sw(0x9000, chunk)

    def _verify(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p2 != 0x00:
            return _sw(0x6A88)
        if not data:
            if not self.profile.tries_query:
                return _sw(0x6700)
            return _sw(0x6983) if self.tries == 0 else _sw(0x63C0 | self.tries)
        if self.tries == 0:
            return _sw(0x6983)
        if hmac.compare_digest(data, encode_pin(self.profile.pin)):
            self.tries = self.profile.pin_tries
            return _sw(0x9000)
        self.tries -= 1
        return _sw(0x6983) if self.tries == 0 else _sw(0x63C0 | self.tries)

    def _get_challenge(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        n = le if le is not None else 8
        self._challenge = self._random(n)
        return _sw(0x9000, self._challenge)

    def _external_authenticate(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        challenge, self._challenge = self._challenge, None
        check = self.profile.auth_check
        if challenge is None or (self.profile.auth_key is None and check is None):
            return _sw(0x6985)
        if check is not None:
            if not check(challenge, data):
                return _sw(0x6300)
        elif (self.profile.auth_key is None or len(data) != 16
              or not hmac.compare_digest(data, stand_in_cryptogram(self.profile.auth_key, challenge))):
            return _sw(0x6300)
        self.authenticated = True
        return _sw(0x9000)
