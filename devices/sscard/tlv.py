"""Parse TLV records from a social security card and decode its EF05 (card) and EF06 (cardholder) fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from devices.base import CardReadError
from devices.idnumber import IdNumberFault, InvalidIdNumber, validate_id_number
from devices.nations import nation_name
from devices.sscard.messages import message

GENDERS: dict[str, str] = {"1": "男", "2": "女", "0": "未知", "9": "未说明"}

# EF05 card identification (record number = tag)
TAG_CARD_ID, TAG_CARD_TYPE, TAG_VERSION, TAG_INIT_ORG = 0x01, 0x02, 0x03, 0x04
TAG_ISSUE_DATE, TAG_EXPIRY_DATE, TAG_CARD_NUMBER = 0x05, 0x06, 0x07
# EF06 cardholder
TAG_SSN, TAG_NAME, TAG_NAME_EXT, TAG_GENDER = 0x08, 0x09, 0x4E, 0x0A
TAG_NATION, TAG_BIRTHPLACE, TAG_BIRTH_DATE = 0x0B, 0x0C, 0x0D

# value lengths from the specification; READ RECORD asks for value length + 2 (tag and length bytes)
EF05_LENGTHS: dict[int, int] = {0x01: 16, 0x02: 1, 0x03: 4, 0x04: 12, 0x05: 4, 0x06: 4, 0x07: 9}
EF06_LENGTHS: dict[int, int] = {0x08: 18, 0x09: 30, 0x4E: 20, 0x0A: 1, 0x0B: 1, 0x0C: 3, 0x0D: 4}

_PADDING = (0x00, 0xFF)


class TlvError(CardReadError):
    """A record that is truncated, malformed or holds values that cannot be decoded."""

    def __init__(self, detail: str, message_key: str = "bad_data") -> None:
        super().__init__(message(message_key), detail)


@dataclass(frozen=True)
class Tlv:
    """One tag-length-value element."""

    tag: int
    value: bytes


def parse_tlvs(data: bytes) -> list[Tlv]:
    """Parse a run of BER-TLV elements (00/FF padding between them is skipped); TlvError when malformed."""
    out: list[Tlv] = []
    i, n = 0, len(data)
    while i < n:
        if data[i] in _PADDING:
            i += 1
            continue
        start = i
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:  # multi-byte tag
            for _ in range(3):
                if i >= n:
                    raise TlvError(f"truncated tag at offset {start}")
                tag = (tag << 8) | data[i]
                i += 1
                if not data[i - 1] & 0x80:
                    break
            else:
                raise TlvError(f"tag too long at offset {start}")
        if i >= n:
            raise TlvError(f"missing length for tag {tag:X} at offset {start}")
        length = data[i]
        i += 1
        if length & 0x80:
            count = length & 0x7F
            if count not in (1, 2):
                raise TlvError(f"unsupported length form {length:02X} at offset {start}")
            if i + count > n:
                raise TlvError(f"truncated length for tag {tag:X} at offset {start}")
            length = int.from_bytes(data[i:i + count], "big")
            i += count
        if i + length > n:
            raise TlvError(f"tag {tag:X} says {length} bytes, only {n - i} left")
        out.append(Tlv(tag, bytes(data[i:i + length])))
        i += length
    return out


def record_value(data: bytes, tag: int) -> bytes:
    """The value of tag in a READ RECORD answer; TlvError if the answer does not hold it."""
    for element in parse_tlvs(data):
        if element.tag == tag:
            return element.value
    raise TlvError(f"record does not contain tag {tag:02X}")


# ---- field decoders ---------------------------------------------------------------------------

def ascii_text(value: bytes) -> str:
    """ASCII text with 00/FF/space padding removed; TlvError for non-ASCII bytes."""
    stripped = value.split(b"\x00", 1)[0].rstrip(b"\xff ").lstrip(b" ")
    try:
        text = stripped.decode("ascii")
    except UnicodeDecodeError as exc:
        raise TlvError("non-ASCII bytes in a text field") from exc
    if not text.isprintable():
        raise TlvError("control characters in a text field")
    return text


def bcd_digits(value: bytes, allow_padding: bool = False) -> str:
    """Packed BCD → digits; with allow_padding a trailing run of F nibbles ends the number."""
    digits: list[str] = []
    nibbles = [n for b in value for n in (b >> 4, b & 0x0F)]
    for k, nib in enumerate(nibbles):
        if nib <= 9:
            digits.append(str(nib))
            continue
        if allow_padding and nib == 0xF and all(x == 0xF for x in nibbles[k:]):
            break
        raise TlvError(f"non-BCD nibble {nib:X}")
    return "".join(digits)


def bcd_date(value: bytes) -> date | None:
    """A 4-byte BCD YYYYMMDD date; None when the field is blank (all 00 or all FF)."""
    if len(value) != 4:
        raise TlvError(f"date field has {len(value)} bytes, expected 4")
    if value in (b"\x00" * 4, b"\xff" * 4):
        return None
    digits = bcd_digits(value)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise TlvError("impossible date") from exc


def gbk_text(value: bytes) -> str:
    """GBK text, 00-padded (cut at the first 00) and space-padded; TlvError if it is not GBK."""
    raw = value.split(b"\x00", 1)[0].rstrip(b"\xff ")
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        try:  # some issuers write GB18030 four-byte sequences for characters outside GBK
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise TlvError("name is not GBK/GB18030 text") from exc
    if not text.isprintable():
        raise TlvError("control characters in a text field")
    return text.strip()


def join_name(name: bytes, extension: bytes | None) -> str:
    """The full name: the 30-byte name field plus the 20-byte extension (4E) for names that do not fit.

    The bytes are joined before decoding, so a double-byte character split across the two fields
    still decodes (GBK trail bytes are never 00 or 20, so stripping padding cannot cut a character).
    """
    head = name.split(b"\x00", 1)[0].rstrip(b"\xff ")
    if extension:
        head += extension.split(b"\x00", 1)[0].rstrip(b"\xff ")
    return gbk_text(head)


class SsnRefused(TlvError):
    """The social security number is not a valid identity number (form, date of birth or check digit)."""

    def __init__(self, error: InvalidIdNumber) -> None:
        super().__init__(f"social security number refused: {error.fault.value} ({error.detail})", "ssn_invalid")
        self.fault = error.fault


def id_number(value: bytes) -> str:
    """The social security number (= the 18-character resident ID number), checked like an ID card's.

    SsnRefused when its form, date of birth or GB 11643 check digit is wrong: a corrupted number
    would be another person's.
    """
    try:
        text = ascii_text(value)
    except TlvError as exc:
        raise SsnRefused(InvalidIdNumber(IdNumberFault.FORM, "not ASCII text")) from exc
    try:
        return validate_id_number(text)
    except InvalidIdNumber as exc:
        raise SsnRefused(exc) from exc


# ---- records ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardInfo:
    """EF05: what the card says about itself (no personal data except the card number)."""

    identification_code: str = ""  # 32 hex digits
    region_code: str = ""  # issuing region, first 3 bytes of the identification code (BCD)
    card_type: str = ""
    version: str = ""  # "2.00" / "3.00"
    issuer_code: str = ""  # initialising institution, 24 hex digits
    issue_date: date | None = None
    expiry_date: date | None = None
    card_number: str = ""

    @property
    def generation(self) -> int:
        """1, 2 or 3 from the spec version ("3.00" → 3); 2 when the version is unknown."""
        head = self.version[:1]
        return int(head) if head in ("1", "2", "3") else 2

    def __repr__(self) -> str:
        return f"CardInfo(version={self.version!r}, region={self.region_code!r}, expiry={self.expiry_date})"


@dataclass(frozen=True)
class Cardholder:
    """EF06: who holds the card. Personal data: never log it."""

    ssn: str = ""
    name: str = ""
    gender: str = ""
    nation: str = ""
    nation_code: str = ""
    birthplace: str = ""
    birth_date: date | None = None

    def __repr__(self) -> str:
        return "Cardholder(<personal data>)"


def decode_ef05(values: Mapping[int, bytes]) -> CardInfo:
    """Decode EF05 from its tag → value map (any tag may be missing)."""
    code = values.get(TAG_CARD_ID, b"")
    region = ""
    if len(code) >= 3:
        try:
            region = bcd_digits(code[:3])
        except TlvError:
            region = ""  # not BCD on this issuer's cards: the hex code still identifies the card
    return CardInfo(
        identification_code=code.hex().upper(),
        region_code=region,
        card_type=ascii_text(values[TAG_CARD_TYPE]) if TAG_CARD_TYPE in values else "",
        version=ascii_text(values[TAG_VERSION]) if TAG_VERSION in values else "",
        issuer_code=values.get(TAG_INIT_ORG, b"").hex().upper(),
        issue_date=bcd_date(values[TAG_ISSUE_DATE]) if TAG_ISSUE_DATE in values else None,
        expiry_date=bcd_date(values[TAG_EXPIRY_DATE]) if TAG_EXPIRY_DATE in values else None,
        card_number=ascii_text(values[TAG_CARD_NUMBER]) if TAG_CARD_NUMBER in values else "",
    )


def decode_ef06(values: Mapping[int, bytes]) -> Cardholder:
    """Decode EF06 from its tag → value map (the name extension 4E is often missing)."""
    nation_code = ""
    if TAG_NATION in values:
        nation_code = bcd_digits(values[TAG_NATION], allow_padding=True).zfill(2)
    gender = ""
    if TAG_GENDER in values:
        gender = GENDERS.get(ascii_text(values[TAG_GENDER]), "")
    return Cardholder(
        ssn=id_number(values[TAG_SSN]) if TAG_SSN in values else "",
        name=join_name(values[TAG_NAME], values.get(TAG_NAME_EXT)) if TAG_NAME in values else "",
        gender=gender,
        nation=nation_name(nation_code) if nation_code else "",
        nation_code=nation_code,
        birthplace=bcd_digits(values[TAG_BIRTHPLACE], allow_padding=True) if TAG_BIRTHPLACE in values else "",
        birth_date=bcd_date(values[TAG_BIRTH_DATE]) if TAG_BIRTH_DATE in values else None,
    )
