"""Checks the platform applies to submissions: ID numbers, working age, per-kind payload fields."""

from __future__ import annotations

import base64
import binascii
import io
import re
from datetime import date, datetime
from typing import Any

from PIL import Image, UnidentifiedImageError

from sandbox.contract import AGE_BANDS, PHOTO_MAX_BASE64, PHOTO_PX, WORKING_AGE_KINDS, WORKING_AGE_MIN

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)  # ASCII only: \d would take full-width and other digits


# "Not blank" as the document states it (a pattern every regex engine reads alike): at least one character that
# is neither a control character nor a space of any kind. str.strip() and each engine's \\s disagree at the edges.
VISIBLE = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
_VISIBLE = re.compile(VISIBLE)


def blank(text: str | None) -> bool:
    """True when a text has nothing to read (empty, spaces, control characters)."""
    return not text or _VISIBLE.search(text) is None


class RuleViolation(ValueError):
    """A submission broke a rule; the message is plain Chinese for the resident/operator."""


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(id_number: str) -> tuple[date, str]:
    """(birth date, gender) from an 18-character resident ID number, or RuleViolation."""
    v = (id_number or "").strip().upper()
    if not _ID.fullmatch(v) or id_check_digit(v[:17]) != v[17]:
        raise RuleViolation("身份证号码格式或校验位不正确")
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError as exc:
        raise RuleViolation("身份证号码中的出生日期不正确") from exc
    return born, ("男" if int(v[16]) % 2 else "女")


def age_on(born: date, day: date) -> int:
    """Full years of age on a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int) -> str:
    """The 年龄段 a published gig seeker shows instead of the exact age: 20-29岁 … 60岁以上."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}岁"
    return f"{AGE_BANDS[-1][1] + 1}岁以上" if age > AGE_BANDS[-1][1] else f"{AGE_BANDS[0][0]}岁以下"


def mask_name(name: str) -> str:
    """The surname and a star per other character (王小明 → 王**): what a published row shows of a name.

    The same shapes as kiosk/masking.py (the sandbox may not import the kiosk; a unit test compares them)."""
    v = (name or "").strip()
    return v[0] + "*" * max(1, len(v) - 1) if v else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; anything shorter than a mobile number is all stars."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 11:
        digits = digits[-11:]
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def check_working_age(kind: str, payload: dict[str, Any], id_number: str, day: date, *,
                      receives_basic_pension: bool) -> None:
    """劳动年龄 (seed 004): 年满16周岁 (from the ID number) 至依法享受基本养老保险待遇 (the platform's record).

    Kinds outside WORKING_AGE_KINDS pass; gig job-seeking has no upper bound.
    """
    name = WORKING_AGE_KINDS.get(kind)
    if name is None:
        return
    born, _gender = parse_id_number(id_number)
    age = age_on(born, day)
    if age < WORKING_AGE_MIN:
        raise RuleViolation(f"{name}仅限劳动年龄内人员（年满{WORKING_AGE_MIN}周岁至依法享受基本养老保险待遇），"
                            f"当前年龄{age}周岁")
    gig = kind == "job_seeker_registration" and payload.get("job_type") == "gig"
    if receives_basic_pension and not gig:
        raise RuleViolation(f"平台记录显示本人已依法享受基本养老保险待遇，不在劳动年龄内"
                            f"（年满{WORKING_AGE_MIN}周岁至依法享受基本养老保险待遇），不能办理{name}")


def _is_date(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def is_photo_jpeg(v: Any) -> bool:
    """payload.photo_jpeg: base64 of a JPEG of PHOTO_PX pixels (the 一寸电子照片), within PHOTO_MAX_BASE64."""
    if not isinstance(v, str) or not v or len(v) > PHOTO_MAX_BASE64:
        return False
    try:
        data = base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return False
    if not data.startswith(b"\xff\xd8"):
        return False
    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.format == "JPEG" and img.size == PHOTO_PX
    except (UnidentifiedImageError, OSError):
        return False


_TYPES: dict[str, tuple[str, Any]] = {
    "str": ("非空文字", lambda v: isinstance(v, str) and not blank(v) and len(v) <= 2000),
    "int": ("整数", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10_000_000),
    "pos_int": ("正整数", lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 100_000),
    "number": ("数字", lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 10_000_000),
    "bool": ("true/false", lambda v: isinstance(v, bool)),
    "true": ("true（本人已确认）", lambda v: v is True),
    "date": ("日期 YYYY-MM-DD", _is_date),
    "str_list": ("文字列表", lambda v: isinstance(v, list) and len(v) <= 50 and all(isinstance(x, str) and x for x in v)),
    "job_type": ("fixed 或 gig", lambda v: v in ("fixed", "gig")),
    "photo_jpeg": ("一寸照片（295×413 像素的 JPEG，base64）", is_photo_jpeg),
}

_COMMON_OPTIONAL = {"phone": "str", "remark": "str", "region_code": "str"}

# kind -> field -> (type, required)
PAYLOAD_RULES: dict[str, dict[str, tuple[str, bool]]] = {
    "job_seeker_registration": {
        "job_type": ("job_type", True), "category_codes": ("str_list", False), "skill_codes": ("str_list", False),
        "region_codes": ("str_list", False), "salary_expect_min": ("int", False), "daily_wage_expect": ("int", False),
        "education_code": ("str", False), "available_from": ("date", False), "available_to": ("date", False),
        "hard_to_employ": ("bool", False), "publish_consent": ("bool", False), "village": ("str", False),
    },
    "gig_hiring_registration": {
        "title": ("str", True), "address": ("str", True), "start_date": ("date", True), "end_date": ("date", True),
        "headcount": ("pos_int", True), "daily_wage": ("number", True), "contact_phone": ("str", True),
        "category_code": ("str", False), "description": ("str", False), "village": ("str", False),
    },
    "flexible_employment_registration": {"employment_type": ("str", True), "start_date": ("date", True),
                                         "workplace": ("str", False)},
    "unemployment_registration": {
        "commitment_confirmed": ("true", True), "reason": ("str", True), "last_employer": ("str", False),
        "unemployed_since": ("date", False), "job_intention": ("str", False), "category_codes": ("str_list", False),
        "training_intention": ("str", False),
    },
    "employment_registration": {"employer": ("str", True), "start_date": ("date", True),
                                "employment_type": ("str", True)},
    "hard_to_employ_registration": {"category": ("str", True), "commitment_confirmed": ("true", True),
                                    "photo_jpeg": ("photo_jpeg", False)},
    "rural_labour_registration": {"employment_status": ("str", True), "migrant": ("bool", False),
                                  "skill_codes": ("str_list", False)},
    "employment_support_registration": {"policy": ("str", True)},
    "internship_application": {"post_id": ("str", True), "education_code": ("str", False),
                               "graduation_date": ("date", False)},
    "skill_subsidy_application": {"certificate_no": ("str", True), "certificate_name": ("str", True),
                                  "certificate_level": ("str", True), "issued_on": ("date", True)},
    "unemployment_benefit_application": {"separation_reason": ("str", True), "commitment_confirmed": ("true", True),
                                         "last_employer": ("str", False)},
}


def check_payload(kind: str, payload: dict[str, Any]) -> None:
    """Raise RuleViolation naming the first missing or malformed payload field of a kind."""
    rules = PAYLOAD_RULES.get(kind)
    if rules is None:
        raise RuleViolation(f"不支持的业务类型：{kind}")
    for name, (typ, required) in {**{k: (t, False) for k, t in _COMMON_OPTIONAL.items()}, **rules}.items():
        if name not in payload or payload[name] is None:
            if required:
                raise RuleViolation(f"缺少必填项 payload.{name}")
            continue
        label, ok = _TYPES[typ]
        if not ok(payload[name]):
            raise RuleViolation(f"payload.{name} 应为{label}")
    if kind == "gig_hiring_registration" and payload["end_date"] < payload["start_date"]:
        raise RuleViolation("结束日期不能早于开始日期")


def parse_instant(value: str) -> datetime:
    """An ISO 8601 date-time (with or without offset), or RuleViolation."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise RuleViolation("submitted_at 应为 ISO 8601 时间，如 2025-03-01T09:30:00+08:00") from exc
