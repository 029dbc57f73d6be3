"""Mask personal data (identity numbers, phones, names, tokens) for logs, screens and receipts."""

from __future__ import annotations

import re

from kiosk.platform.feeds import AGE_BANDS  # the contract's bands (config/platform_contract.toml)

# A run of digits, each joined to the next by at most one space or dash, optionally ending in X: an
# identity number may stand anywhere (after a letter, an escape such as \n or %3D, inside a longer
# number) and may be written grouped ("140222 19900307 1234"). Every such run of 15 or more
# digits is masked whatever surrounds it; no look-around, so nothing next to it can shield it.
_NUMBER_RUN = re.compile(r"[0-9](?:[ -]?[0-9])*(?:[ -]?[Xx])?")
_ID_MIN_DIGITS = 15
# Mainland mobile numbers (+86 / 0086 / 86 optional, a space or dash anywhere), found wherever they
# stand, even inside a longer number; landlines (area code 0xx(x), 7–8 digits) need number edges.
_MOBILE = re.compile(r"(?:(?:\+|00)?86[ -]?)?1[ -]?[3-9](?:[ -]?[0-9]){9}")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7}(?![0-9])")
# key=value / "key": "value" pairs whose value is a person's name or other personal text.
_NAME_FIELDS = re.compile(
    r"""(?P<key>["']?(?:name|姓名|holder|resident_name|contact_name)["']?\s*[:=：]\s*["']?)(?P<val>[^\s"',;，；)]+)""",
    re.IGNORECASE,
)
_TOKEN_FIELDS = re.compile(
    r"""(?P<key>["']?(?:essc_token|token|resident_token|secret|pin|password|signature)["']?\s*[:=：]\s*["']?)"""
    r"""(?P<val>[^\s"',;]+)""",
    re.IGNORECASE,
)


def mask_id_number(value: str) -> str:
    """110101199003071233 → 110101********1233; short values keep only their last character."""
    v = (value or "").strip()
    if len(v) >= 10:
        return v[:6] + "*" * (len(v) - 10) + v[-4:]
    if len(v) <= 1:
        return "*" * len(v)
    return "*" * (len(v) - 1) + v[-1]


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep their first letter."""
    v = (value or "").strip()
    if not v:
        return ""
    return v[0] + "*" * max(1, len(v) - 1)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) >= 11:
        digits = digits[-11:]
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def age_band(age: int) -> str:
    """41 → 40-49岁; 60 and older → 60岁以上 (what others see of a published gig seeker's age)."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}岁"
    return f"{AGE_BANDS[-1][1] + 1}岁以上" if age > AGE_BANDS[-1][1] else f"{AGE_BANDS[0][0]}岁以下"


def mask_token(value: str) -> str:
    """Opaque tokens are shown only by length."""
    return f"<{len(value or '')} chars>"


def _mask_number_run(match: re.Match[str]) -> str:
    run = match.group(0)
    chars = re.sub(r"[ -]", "", run)
    if len(chars) < _ID_MIN_DIGITS:
        return run
    tail = 4 if len(chars) >= 18 else 3  # a 15-digit number ends in YYMMDD + 3: keep no digit of the date
    return chars[:6] + "*" * (len(chars) - 6 - tail) + chars[-tail:]


def _mask_phone_match(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))[-11:]
    return digits[:3] + "****" + digits[-4:]


def _mask_landline(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


def scrub(text: str, known_names: tuple[str, ...] = ()) -> str:
    """Mask every identity number, phone number, named field and token in free text.

    Identity numbers first (any run of 15+ digits, grouped or not), then mobile and landline
    numbers, then `name=`/`token=` fields and the given names.
    """
    out = _NUMBER_RUN.sub(_mask_number_run, text)
    out = _MOBILE.sub(_mask_phone_match, out)
    out = _LANDLINE.sub(_mask_landline, out)
    out = _NAME_FIELDS.sub(lambda m: m.group("key") + mask_name(m.group("val")), out)
    out = _TOKEN_FIELDS.sub(lambda m: m.group("key") + mask_token(m.group("val")), out)
    for name in known_names:
        if name and len(name) >= 2:
            out = out.replace(name, mask_name(name))
    return out
