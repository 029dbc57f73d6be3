"""Check a citizen identity number (GB 11643): ASCII form, date of birth and the ISO 7064 MOD 11-2 check digit; pure.

The same number is on the resident ID card, the HK/Macau/Taiwan residence permit and, as the
social security number, on the social security card; a typed number is checked the same way. A
number that fails is refused, never passed on: two bit flips in one column pass the reader's XOR
check and decode to another person's number, and only the check digit catches that.
"""

from __future__ import annotations

import enum
import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_FORM = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
EARLIEST_BIRTH = date(1880, 1, 1)


class IdNumberFault(enum.Enum):
    """Why a number was refused (each caller shows its own plain message for it)."""

    FORM = "form"  # not 17 ASCII digits + digit or X
    BIRTH_DATE = "birth_date"  # digits 7–14 are not a possible date of birth
    CHECK_DIGIT = "check_digit"  # the 18th character does not match the first 17


class InvalidIdNumber(ValueError):
    """A number that is not a valid GB 11643 identity number; `fault` says which check failed."""

    def __init__(self, fault: IdNumberFault, detail: str) -> None:
        super().__init__(detail)
        self.fault = fault
        self.detail = detail  # never the number itself: it may be a person's


def check_character(first17: str) -> str:
    """The check character (0–9 or X) for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdNumber(IdNumberFault.FORM, f"need 17 ASCII digits, got {len(first17)} characters")
    return CHECK_CHARACTERS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_of(number: str) -> date:
    """The date of birth in digits 7–14 of an 18-character number; InvalidIdNumber when it is impossible."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber(IdNumberFault.BIRTH_DATE, "digits 7-14 are not a calendar date") from exc
    if born < EARLIEST_BIRTH:
        raise InvalidIdNumber(IdNumberFault.BIRTH_DATE, "date of birth before 1880")
    return born


def validate_id_number(text: str, today: date | None = None) -> str:
    """The number normalised (trimmed, x → X) when valid; InvalidIdNumber naming the failed check otherwise.

    `today`, when given, also refuses a date of birth in the future.
    """
    number = (text or "").strip().upper()
    if not _FORM.fullmatch(number):
        raise InvalidIdNumber(IdNumberFault.FORM, f"not 17 digits + digit/X ({len(number)} characters)")
    born = birth_date_of(number)
    if today is not None and born > today:
        raise InvalidIdNumber(IdNumberFault.BIRTH_DATE, "date of birth in the future")
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber(IdNumberFault.CHECK_DIGIT, "check digit does not match")
    return number


def is_valid_id_number(text: str) -> bool:
    """True when `text` is a valid identity number."""
    try:
        validate_id_number(text)
    except InvalidIdNumber:
        return False
    return True


_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}", re.ASCII)


def validate_foreign_permanent_number(text: str) -> str:
    """A 2017 foreign permanent residence card number: 3 ASCII letters (nationality), 4 digits (place),
    YYMMDD of birth and a 2-digit serial; it has no check digit, so form and date are all there is to check."""
    number = (text or "").strip().upper()
    if not _FOREIGN_2017.fullmatch(number):
        raise InvalidIdNumber(IdNumberFault.FORM, f"not 3 letters + 12 digits ({len(number)} characters)")
    try:
        date(2000 + int(number[7:9]), int(number[9:11]), int(number[11:13]))  # leap years repeat every 4
    except ValueError as exc:
        raise InvalidIdNumber(IdNumberFault.BIRTH_DATE, "YYMMDD is not a calendar date") from exc
    return number
