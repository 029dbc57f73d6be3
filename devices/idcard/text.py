"""Decode the 256-byte UTF-16-LE text block of an ID card / residence permit into an IdentityRead."""

from __future__ import annotations

from datetime import date

from devices.base import CardExpired, CardReadError, CardType, IdentityRead
from devices.idcard.messages import (
    EXPIRED_BY_TYPE,
    GENDERS,
    ID_NUMBER_INVALID,
    TEXT_UNREADABLE,
    UNSUPPORTED_CARD,
)
from devices.idnumber import InvalidIdNumber, validate_foreign_permanent_number, validate_id_number
from devices.nations import nation_name

TEXT_BLOCK_SIZE = 256
TYPE_FLAG_OFFSET = 248
LONG_TERM = "长期"

# Field layouts as (offset, length) in bytes, per card type (card-protocols.md §A).
RESIDENT_LAYOUT: dict[str, tuple[int, int]] = {
    "name": (0, 30),
    "gender": (30, 2),
    "nation": (32, 4),
    "birth": (36, 16),
    "address": (52, 70),
    "id_number": (122, 36),
    "issuer": (158, 30),
    "valid_from": (188, 16),
    "valid_to": (204, 16),
}
PERMIT_LAYOUT: dict[str, tuple[int, int]] = {  # 'J': HK/Macau/Taiwan residence permit
    **RESIDENT_LAYOUT,
    "pass_number": (220, 18),
    "issue_count": (238, 4),
}
FOREIGN_LAYOUT: dict[str, tuple[int, int]] = {  # 'I': foreign permanent residence card (2017)
    "english_name": (0, 120),
    "gender": (120, 2),
    "id_number": (122, 30),
    "nationality": (152, 6),
    "name": (158, 30),
    "valid_from": (188, 16),
    "valid_to": (204, 16),
    "birth": (220, 16),
    "version": (236, 4),
    "issuer": (240, 8),
}


class TextBlockError(CardReadError):
    """The text block is malformed (truncated read, garbage)."""

    def __init__(self, detail: str) -> None:
        super().__init__(TEXT_UNREADABLE, detail)


class UnsupportedCardType(CardReadError):
    """A card type we recognise but do not decode (e.g. the 2023 foreign permanent residence card)."""

    def __init__(self, detail: str) -> None:
        super().__init__(UNSUPPORTED_CARD, detail)


class IdNumberRefused(CardReadError):
    """The card's number is not a valid identity number (bad form, date or check digit): a misread or a bad card.

    Refused rather than passed on, because a corrupted number is another person's number.
    """

    def __init__(self, error: InvalidIdNumber) -> None:
        super().__init__(ID_NUMBER_INVALID, f"id number refused: {error.fault.value} ({error.detail})")
        self.fault = error.fault


class IdCardExpired(CardExpired):
    """The card is past its validity date; `identity` is what it said (expired=True), for the UI to greet by masked name."""

    def __init__(self, identity: IdentityRead) -> None:
        super().__init__(EXPIRED_BY_TYPE[identity.card_type], f"{identity.card_type} expired")
        self.identity = identity


def _field(block: bytes, layout: dict[str, tuple[int, int]], name: str) -> str:
    offset, length = layout[name]
    try:
        text = block[offset : offset + length].decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise TextBlockError(f"field {name} is not UTF-16") from exc
    return text.replace("\x00", " ").strip()


def _date(text: str, name: str, required: bool = False) -> date | None:
    if not text:
        if required:
            raise TextBlockError(f"{name} missing")
        return None
    if len(text) != 8 or not text.isdigit():
        raise TextBlockError(f"{name} not YYYYMMDD ({len(text)} chars)")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise TextBlockError(f"{name} not a calendar date") from exc


def card_type_flag(block: bytes) -> str:
    """The card-type character at byte 248 ('J', 'I', 'Y', or ' ' for a resident ID card)."""
    return block[TYPE_FLAG_OFFSET : TYPE_FLAG_OFFSET + 2].decode("utf-16-le", errors="replace")


def decode_text_block(block: bytes, today: date, photo: bytes = b"") -> IdentityRead:
    """Decode a text block into an IdentityRead (expired computed against `today`).

    Raises TextBlockError for a malformed block, IdNumberRefused for a number that fails GB 11643
    (form, date of birth, check digit) and UnsupportedCardType for the 2023 'Y'
    foreign card, whose layout we have from a single source only and do not decode.
    """
    if len(block) != TEXT_BLOCK_SIZE:
        raise TextBlockError(f"text block is {len(block)} bytes, expected {TEXT_BLOCK_SIZE}")
    flag = card_type_flag(block)
    card_type: CardType
    extra: tuple[tuple[str, str], ...] = ()
    if flag == "I":
        layout = FOREIGN_LAYOUT
        card_type = "foreign_permanent"
        english = _field(block, layout, "english_name")
        extra = (
            ("english_name", english),
            ("nationality", _field(block, layout, "nationality")),
            ("version", _field(block, layout, "version")),
        )
        name = _field(block, layout, "name") or english
        nation = ""
        address = ""
    elif flag == "Y":
        raise UnsupportedCardType("2023 foreign permanent residence card ('Y')")
    else:
        layout = PERMIT_LAYOUT if flag == "J" else RESIDENT_LAYOUT
        card_type = "hk_mo_tw_permit" if flag == "J" else "resident_id"
        name = _field(block, layout, "name")
        nation = nation_name(_field(block, layout, "nation")) if flag != "J" else ""
        address = _field(block, layout, "address")
        if flag == "J":
            extra = (
                ("pass_number", _field(block, layout, "pass_number")),
                ("issue_count", _field(block, layout, "issue_count")),
            )
    raw_number = _field(block, layout, "id_number")
    if not name or not raw_number:
        raise TextBlockError("name or number missing")
    try:
        if card_type == "foreign_permanent":
            id_number = validate_foreign_permanent_number(raw_number)
        else:
            id_number = validate_id_number(raw_number, today)
    except InvalidIdNumber as exc:
        raise IdNumberRefused(exc) from exc
    valid_to = _field(block, layout, "valid_to")
    long_term = valid_to == LONG_TERM
    valid_until = None if long_term else _date(valid_to, "valid_to", required=True)
    identity = IdentityRead(
        source="id_card",
        card_type=card_type,
        id_number=id_number,
        name=name,
        gender=GENDERS.get(_field(block, layout, "gender"), GENDERS["0"]),
        nation=nation,
        birth_date=_date(_field(block, layout, "birth"), "birth"),
        valid_from=_date(_field(block, layout, "valid_from"), "valid_from"),
        valid_until=valid_until,
        long_term=long_term,
        card_number=dict(extra).get("pass_number", ""),
        address=address,
        issuer=_field(block, layout, "issuer"),
        expired=valid_until is not None and valid_until < today,
        photo=photo,
        extra=extra,
    )
    return identity


def expiry_error(identity: IdentityRead) -> IdCardExpired | None:
    """The error to show for an expired card, or None when it is valid."""
    return IdCardExpired(identity) if identity.expired else None
