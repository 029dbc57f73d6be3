"""Mask personal data (identity numbers, phones, names, tokens) for logs, screens and receipts."""

from __future__ import annotations

import re

# 18-digit resident ID (last may be X), 15-digit old IDs, HK/Macau/Taiwan permit numbers share the 18-char form.
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{6})(\d{3})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally +86 / 86 prefixed, optionally with spaces or dashes.
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
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
    """110101199003071234 → 110101********1234; short values keep only their last character."""
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


def mask_token(value: str) -> str:
    """Opaque tokens are shown only by length."""
    return f"<{len(value or '')} chars>"


def scrub(text: str, known_names: tuple[str, ...] = ()) -> str:
    """Mask every identity number, phone number, named field and token in free text."""
    out = _ID18.sub(lambda m: m.group(1) + "********" + m.group(3)[-4:], text)
    out = _ID15.sub(lambda m: m.group(1) + "*****" + m.group(3)[-4:], out)
    out = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), out)
    out = _NAME_FIELDS.sub(lambda m: m.group("key") + mask_name(m.group("val")), out)
    out = _TOKEN_FIELDS.sub(lambda m: m.group("key") + mask_token(m.group("val")), out)
    for name in known_names:
        if name and len(name) >= 2:
            out = out.replace(name, mask_name(name))
    return out
