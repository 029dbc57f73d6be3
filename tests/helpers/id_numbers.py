"""Fake but valid identity numbers for tests, with the check digit computed independently of devices.idnumber."""

from __future__ import annotations

from datetime import date


def iso7064_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 by its recursive definition (not GB 11643's weight table, which the code uses)."""
    p = 0
    for c in first17:
        p = ((p + int(c)) * 2) % 11
    value = (12 - p) % 11
    return "X" if value == 10 else str(value)


def fake_id_number(region: str = "140222", birth: date = date(1990, 3, 7), serial: str = "123") -> str:
    """An 18-character number with a correct check digit (region 140222 = 天镇县, as the demo persons)."""
    first17 = f"{region}{birth:%Y%m%d}{serial}"
    return first17 + iso7064_check(first17)


def corrupt(number: str) -> str:
    """The same number with a wrong check character (for refusal tests)."""
    right = number[17]
    return number[:17] + ("0" if right != "0" else "1")
