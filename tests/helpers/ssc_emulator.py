"""A social security card (社会保障卡) that answers command APDUs, written from the protocol document.

Every answer byte is built here from /work/shared/reference/card-protocols.md §B (SSSE DF name, EF05 /
EF06 record layout, the four READ RECORD conventions, 61xx / 6Cxx, GET CHALLENGE / EXTERNAL
AUTHENTICATE, VERIFY with 63Cx / 6983) with its own small encoders, importing nothing from devices/:
a bug shared by the reader's codec and its test card cannot pass unnoticed. tests/helpers/vcard.py
puts this card behind vpcd; unit tests can call SsCardEmulator.process directly.

Where the document leaves a layout open, the choice made here is written next to it ("open in §B").
All card data is invented.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

# ---- §B constants, written out from the document (not imported) ---------------------------------

# DF name "sx1.sh.社会保障" in GBK, as the document's SELECT spells it: 73 78 31 2E 73 68 2E C9 E7 BB E1 B1 A3 D5 CF
SSSE_DF_NAME = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
FID_EF05, FID_EF06 = b"\xef\x05", b"\xef\x06"  # `00 A4 02 00 02 EF 05`
SFI_EF05, SFI_EF06 = 5, 6

# EF05 card identification: record number = tag
CARD_ID, CARD_TYPE, SPEC_VERSION, INIT_ORG, ISSUE_DATE, EXPIRY_DATE, CARD_NUMBER = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07
# EF06 cardholder
SSN, NAME, NAME_EXT, GENDER, NATION, BIRTHPLACE, BIRTH_DATE = 0x08, 0x09, 0x4E, 0x0A, 0x0B, 0x0C, 0x0D
NAME_LEN, NAME_EXT_LEN = 30, 20

# 3rd-generation cards give these EF05 records without EXTERNAL AUTHENTICATE (§B "Security")
FREE_ON_THIRD_GEN = frozenset({CARD_ID, SPEC_VERSION, CARD_NUMBER})

# Status words (§B and ISO 7816-4)
SW_OK = b"\x90\x00"
SW_AUTH_FAILED = b"\x63\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_SECURITY_NOT_SATISFIED = b"\x69\x82"
SW_BLOCKED = b"\x69\x83"
SW_CONDITIONS_NOT_SATISFIED = b"\x69\x85"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_FILE_NOT_FOUND = b"\x6a\x82"
SW_RECORD_NOT_FOUND = b"\x6a\x83"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_REFERENCE_NOT_FOUND = b"\x6a\x88"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_CLA_NOT_SUPPORTED = b"\x6e\x00"

# The four READ RECORD P2 conventions of §B, by name; a profile lists the ones its card accepts.
CURRENT_BY_NUMBER, CURRENT_BY_ID = "current_by_number", "current_by_id"  # P2 = 04 / 00
SFI_BY_NUMBER, SFI_BY_ID = "sfi_by_number", "sfi_by_id"  # P2 = (SFI<<3)|4 / (SFI<<3)|0
ALL_CONVENTIONS = frozenset({CURRENT_BY_NUMBER, CURRENT_BY_ID, SFI_BY_NUMBER, SFI_BY_ID})

PIN_TRIES = 6  # "6 wrong tries lock the card (6983)"
# Open in §B: the ATR. TS 3B (direct), T0 68 (TB1 and TC1 follow, 8 historical bytes), TB1 00, TC1 00,
# then "SSC-VIRT" as historical bytes; no TD1, so pcscd offers T=0.
ATR = bytes([0x3B, 0x68, 0x00, 0x00]) + b"SSC-VIRT"
# Open in §B: the cryptogram of a 3rd-generation card without a PSAM scheme. The tests' stand-in is
# HMAC-SHA256(key, challenge), first 16 bytes; tests/helpers/psam.py has the PSAM scheme.
CRYPTOGRAM_LEN = 16
# `00 82 00 0A 10 <16-byte cryptogram>`: P2 0A is the card's external authentication key
AUTH_KEY_REF = 0x0A


# ---- encoders for the record values ---------------------------------------------------------------

def packed_bcd(digits: str, size: int | None = None, pad: str = "F") -> bytes:
    """Decimal digits two to a byte, high nibble first; right-padded with `pad` nibbles to `size` bytes."""
    if not digits.isdigit():
        raise ValueError("BCD holds digits only")
    text = digits
    if size is not None:
        if len(digits) > 2 * size:
            raise ValueError(f"{len(digits)} digits do not fit {size} bytes")
        text = digits + pad * (2 * size - len(digits))
    elif len(text) % 2:
        text += pad
    return bytes(int(text[i], 16) << 4 | int(text[i + 1], 16) for i in range(0, len(text), 2))


def bcd_yyyymmdd(day: date) -> bytes:
    """A date as 4 bytes of BCD YYYYMMDD (EF05 05/06, EF06 0D)."""
    return packed_bcd(f"{day.year:04d}{day.month:02d}{day.day:02d}")


def ascii_field(text: str, size: int) -> bytes:
    """ASCII text of at most `size` bytes (EF05 02/03/07, EF06 08/0A).

    Open in §B: a value shorter than its field. This card sends it as it is, unpadded (the TLV length
    says how long it is; the reader's Le then draws a 6Cxx).
    """
    raw = text.encode("ascii")
    if len(raw) > size:
        raise ValueError(f"field holds {size} ASCII bytes, got {len(raw)}")
    return raw


def gbk_name_fields(name: str) -> tuple[bytes, bytes | None]:
    """The name as record 09 (30 bytes GBK, 00-padded) and, when longer, record 4E (20 bytes, 00-padded).

    Open in §B ("4E name extension 20 GBK (append)"): where the name is cut. This card cuts the GBK
    bytes at exactly 30, even inside a double-byte character, which is the harder case for a reader
    that must join 09 and 4E before decoding.
    """
    raw = name.encode("gbk")
    if len(raw) > NAME_LEN + NAME_EXT_LEN:
        raise ValueError("name longer than records 09 and 4E together")
    head, tail = raw[:NAME_LEN], raw[NAME_LEN:]
    return head + bytes(NAME_LEN - len(head)), (tail + bytes(NAME_EXT_LEN - len(tail))) if tail else None


def ef05_values(
    *,
    version: str = "2.00",
    card_number: str = "A00000001",
    issue_date: date = date(2020, 3, 1),
    expiry_date: date = date(2030, 3, 1),
    identification_code: bytes = bytes.fromhex("330300D15600000500000000C1A2B3C4"),
    card_type: str = "3",
    init_org: bytes = bytes.fromhex("330300000000000000000001"),
) -> dict[int, bytes]:
    """EF05 record values by tag (§B table "EF05 card identification") for an invented card."""
    if len(identification_code) != 16 or len(init_org) != 12:
        raise ValueError("identification code is 16 bytes, initialising institution 12")
    return {
        CARD_ID: identification_code,
        CARD_TYPE: ascii_field(card_type, 1),
        SPEC_VERSION: ascii_field(version, 4),
        INIT_ORG: init_org,
        ISSUE_DATE: bcd_yyyymmdd(issue_date),
        EXPIRY_DATE: bcd_yyyymmdd(expiry_date),
        CARD_NUMBER: ascii_field(card_number, 9),
    }


def ef06_values(
    *,
    ssn: str = "11010119900307125X",
    name: str = "张三",
    gender: str = "1",
    nation: str = "01",
    birthplace: str = "110101",
    birth_date: date = date(1990, 3, 7),
) -> dict[int, bytes]:
    """EF06 record values by tag (§B "EF06 cardholder") for an invented holder; 4E only for a long name."""
    name_field, extension = gbk_name_fields(name)
    values = {
        SSN: ascii_field(ssn, 18),
        NAME: name_field,
        GENDER: ascii_field(gender, 1),
        NATION: packed_bcd(nation, 1),
        BIRTHPLACE: packed_bcd(birthplace, 3),  # "may be FF-padded": a shorter code is
        BIRTH_DATE: bcd_yyyymmdd(birth_date),
    }
    if extension is not None:
        values[NAME_EXT] = extension
    return values


def record_tlv(tag: int, value: bytes) -> bytes:
    """One record as the card sends it: tag, one length byte, value (§B: every value is under 128 bytes)."""
    if not 0 < tag < 0xFF or len(value) > 0x7F:
        raise ValueError("single-byte tag and short length only")
    return bytes([tag, len(value)]) + value


def stand_in_cryptogram(key: bytes, challenge: bytes) -> bytes:
    """The tests' stand-in EXTERNAL AUTHENTICATE cryptogram: HMAC-SHA256(key, challenge), first 16 bytes."""
    return hmac.new(key, challenge, hashlib.sha256).digest()[:CRYPTOGRAM_LEN]


# ---- the card ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SsCardProfile:
    """What an emulated social security card holds and how it behaves."""

    ef05: dict[int, bytes] = field(default_factory=ef05_values)
    ef06: dict[int, bytes] = field(default_factory=ef06_values)
    generation: int = 2  # 3: EF06 and EF05 beyond 01/03/07 only after EXTERNAL AUTHENTICATE
    pin: str = "123456"
    pin_tries: int = PIN_TRIES
    auth_key: bytes | None = None  # 3rd gen: the stand-in cryptogram's key
    auth_check: Callable[[bytes, bytes], bool] | None = None  # 3rd gen: check(challenge, cryptogram), e.g. a PSAM scheme
    select_with_61: bool = False  # T=0 style: SELECT SSSE answers 61xx, the FCI comes with GET RESPONSE
    wrong_le_tags: frozenset[int] = frozenset()  # records answered 6Cxx the first time even when Le was right
    conventions: frozenset[str] = ALL_CONVENTIONS  # READ RECORD P2 conventions the card accepts
    tries_query: bool = True  # VERIFY without data answers 63Cx (ISO 7816-4); False: 6700
    pull_after_apdus: int | None = None  # vcard: the card leaves the reader instead of answering APDU N+1
    atr: bytes = ATR

    def __repr__(self) -> str:
        return f"SsCardProfile(generation={self.generation})"  # no personal data in test output


def _parse(command: bytes) -> tuple[bytes, int | None] | None:
    """The command's data and Le (None: absent; 256 for 00) from a short APDU; None when malformed."""
    body = command[4:]
    if not body:
        return b"", None
    if len(body) == 1:
        return b"", body[0] or 256
    lc = body[0]
    if lc == 0 or len(body) not in (1 + lc, 2 + lc):
        return None
    le = (body[1 + lc] or 256) if len(body) == 2 + lc else None
    return body[1:1 + lc], le


class SsCardEmulator:
    """The card's state machine: one command APDU in, data + SW1 SW2 out (one owner; not thread-safe).

    `log` keeps every command (VERIFY's PIN replaced by `<pin>`); `tries` is the non-volatile PIN counter.
    """

    def __init__(self, profile: SsCardProfile | None = None, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self.profile = profile or SsCardProfile()
        self.tries = self.profile.pin_tries
        self.log: list[bytes] = []
        self._random = random_bytes
        self.reset()

    def reset(self) -> None:
        """Power on / reset: the selection, pending answer, challenge and authentication are gone."""
        self._ssse_selected = False
        self._current: bytes | None = None  # FID of the current EF
        self._pending = b""
        self._challenge: bytes | None = None
        self._wrong_le_given: set[tuple[bytes, int]] = set()
        self.authenticated = False

    def process(self, command: bytes) -> bytes:
        """The response APDU for one command APDU."""
        is_verify_with_pin = len(command) > 5 and command[1] == 0x20
        self.log.append(command[:4] + b"<pin>" if is_verify_with_pin else bytes(command))
        if len(command) < 4:
            return SW_WRONG_LENGTH
        parsed = _parse(command)
        if parsed is None:
            return SW_WRONG_LENGTH
        data, le = parsed
        cla, ins, p1, p2 = command[0], command[1], command[2], command[3]
        if cla != 0x00:
            return SW_CLA_NOT_SUPPORTED
        if ins == 0xA4:
            return self._select(p1, p2, data)
        if ins == 0xC0:
            return self._get_response(le)
        if ins == 0xB2:
            return self._read_record(p1, p2, le)
        if ins == 0x84:
            return self._get_challenge(le)
        if ins == 0x82:
            return self._external_authenticate(p1, p2, data)
        if ins == 0x20:
            return self._verify(p1, p2, data)
        return SW_INS_NOT_SUPPORTED

    # SELECT `00 A4 04 00 0F <DF name>` / `00 A4 02 00 02 <FID>`
    def _select(self, p1: int, p2: int, data: bytes) -> bytes:
        if p2 != 0x00:
            return SW_WRONG_P1P2
        if p1 == 0x04:
            if data != SSSE_DF_NAME:
                return SW_FILE_NOT_FOUND
            self._ssse_selected, self._current = True, None
            # The worked trace's FCI: 6F 11 84 0F <DF name> (19 bytes, hence 61 13)
            fci = b"\x6f" + bytes([2 + len(data)]) + b"\x84" + bytes([len(data)]) + data
            if self.profile.select_with_61:
                self._pending = fci
                return b"\x61" + bytes([len(fci)])
            return fci + SW_OK
        if p1 == 0x02:
            if not self._ssse_selected or data not in (FID_EF05, FID_EF06):
                return SW_FILE_NOT_FOUND
            self._current = data
            return SW_OK
        return SW_WRONG_P1P2

    # GET RESPONSE `00 C0 00 00 xx` after 61xx
    def _get_response(self, le: int | None) -> bytes:
        if not self._pending:
            return SW_CONDITIONS_NOT_SATISFIED
        size = min(le or 256, len(self._pending))
        chunk, self._pending = self._pending[:size], self._pending[size:]
        if self._pending:
            return chunk + b"\x61" + bytes([min(len(self._pending), 0xFF)])
        return chunk + SW_OK

    # READ RECORD `00 B2 P1 P2 Le`
    def _read_record(self, p1: int, p2: int, le: int | None) -> bytes:
        sfi, low = p2 >> 3, p2 & 0x07
        if low == 0x04:
            convention = SFI_BY_NUMBER if sfi else CURRENT_BY_NUMBER
        elif low == 0x00:
            convention = SFI_BY_ID if sfi else CURRENT_BY_ID
        else:
            return SW_WRONG_P1P2
        if convention not in self.profile.conventions:
            return SW_WRONG_P1P2
        if not self._ssse_selected:
            return SW_FILE_NOT_FOUND
        if sfi:
            fid = {SFI_EF05: FID_EF05, SFI_EF06: FID_EF06}.get(sfi)
            if fid is None:
                return SW_FILE_NOT_FOUND
            self._current = fid  # ISO 7816-4: reading by SFI makes that EF the current one
        elif self._current is None:
            return SW_NO_CURRENT_EF
        fid = self._current
        values = self.profile.ef05 if fid == FID_EF05 else self.profile.ef06
        # §B: "record no. = tag", so P1 names the same record under the by-number and by-identifier conventions
        if p1 not in values:
            return SW_RECORD_NOT_FOUND
        if self.profile.generation >= 3 and not self.authenticated:
            if fid == FID_EF06 or p1 not in FREE_ON_THIRD_GEN:
                return SW_SECURITY_NOT_SATISFIED
        answer = record_tlv(p1, values[p1])
        first_time = (fid, p1) not in self._wrong_le_given
        if p1 in self.profile.wrong_le_tags and first_time:
            self._wrong_le_given.add((fid, p1))
            return b"\x6c" + bytes([len(answer)])
        # "Le = value length + 2"; a different Le gets 6Cxx with the right one (Le 00 takes what there is)
        if le is not None and le != 256 and le != len(answer):
            return b"\x6c" + bytes([len(answer)])
        return answer + SW_OK

    # GET CHALLENGE `00 84 00 00 08`
    def _get_challenge(self, le: int | None) -> bytes:
        if le not in (4, 8):  # open in §B: this card gives 4- or 8-byte challenges, as ISO 7816-4 cards do
            return SW_WRONG_LENGTH
        self._challenge = self._random(le)
        return self._challenge + SW_OK

    # EXTERNAL AUTHENTICATE `00 82 00 0A 10 <16-byte cryptogram>`
    def _external_authenticate(self, p1: int, p2: int, data: bytes) -> bytes:
        challenge, self._challenge = self._challenge, None  # a challenge is good for one try
        if p1 != 0x00:
            return SW_WRONG_P1P2
        if p2 != AUTH_KEY_REF:
            return SW_REFERENCE_NOT_FOUND
        if len(data) != CRYPTOGRAM_LEN:
            return SW_WRONG_LENGTH
        check, key = self.profile.auth_check, self.profile.auth_key
        if challenge is None or (check is None and key is None):
            return SW_CONDITIONS_NOT_SATISFIED
        if check is not None:
            good = check(challenge, data)
        else:
            assert key is not None
            good = hmac.compare_digest(data, stand_in_cryptogram(key, challenge))
        if not good:
            return SW_AUTH_FAILED
        self.authenticated = True
        return SW_OK

    # VERIFY `00 20 00 00 03 <BCD PIN>`
    def _verify(self, p1: int, p2: int, data: bytes) -> bytes:
        if p1 != 0x00 or p2 != 0x00:
            return SW_REFERENCE_NOT_FOUND
        if not data:  # ISO 7816-4: VERIFY without data asks for the counter
            if not self.profile.tries_query:
                return SW_WRONG_LENGTH
            return SW_BLOCKED if self.tries == 0 else b"\x63" + bytes([0xC0 | self.tries])
        if self.tries == 0:
            return SW_BLOCKED
        if hmac.compare_digest(data, packed_bcd(self.profile.pin)):
            self.tries = self.profile.pin_tries
            return SW_OK
        self.tries -= 1
        # Open in §B: the answer to the try that locks the card. This card says 63C0 then (ISO 7816-4:
        # "counter 0"), and 6983 to every VERIFY after it.
        return b"\x63" + bytes([0xC0 | self.tries])
