"""The contract's vocabulary as data: feeds and their fields, submission kinds, record kinds, error codes."""

from __future__ import annotations

import tomllib
from pathlib import Path

API_PREFIX = "/v1"
SIGNATURE_WINDOW_S = 300
RESIDENT_TOKEN_TTL_S = 15 * 60
CARD_HOLDER_SESSION_PATH = f"{API_PREFIX}/sessions/ss-card-holder"  # 3rd-generation card, PIN verified on the card
MY_REGISTRATIONS_PATH = f"{API_PREFIX}/me/registrations"  # the job intentions the platform holds (issue 11 §3)
ESSC_TOKEN_TTL_S = 60
STAFF_SESSION_PATH = f"{API_PREFIX}/staff-sessions"  # 全程代理: a service-point worker logs in (issue 11 §5)
# Seed 003 附件3 第十一条: "信息系统将对超期 3 个月未登录信息系统的帐号进行锁定" (calendar months).
STAFF_DORMANT_MONTHS = 3

# The vocabulary both sides of the contract read (the kiosk too, in kiosk/platform/feeds.py): feeds and their
# fields, submission kinds, record kinds, fault categories and their routing. The sandbox never imports the
# kiosk's packages, so it finds the file beside them in the checkout.
VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "config" / "platform_contract.toml"
_VOCABULARY = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))

FEED_FIELDS: dict[str, tuple[str, ...]] = {feed: tuple(f) for feed, f in _VOCABULARY["feed_fields"].items()}
# Every feed item also carries: id, version, updated_at, deleted.
FEED_ITEM_KEYS: tuple[str, ...] = tuple(_VOCABULARY["feed_item_keys"])
FEEDS = tuple(FEED_FIELDS)
SUBMISSION_KINDS: tuple[str, ...] = tuple(_VOCABULARY["submission_kinds"])
RECORD_KINDS: tuple[str, ...] = tuple(_VOCABULARY["record_kinds"])

CASE_STATUSES = ("PENDING", "APPROVED", "REJECTED", "WITHDRAWN")

FAULT_CATEGORIES: dict[str, str] = dict(_VOCABULARY["fault_categories"])  # category -> where it is routed

# code -> HTTP status. Every error body is {"code": ..., "message": ...}.
ERROR_CODES: dict[str, int] = {
    "UNKNOWN_KIOSK": 401,
    "BAD_SIGNATURE": 401,
    "STALE_TIMESTAMP": 401,
    "REPLAYED_NONCE": 401,
    "KIOSK_MISMATCH": 403,
    "TOKEN_EXPIRED": 401,
    "TOKEN_INVALID": 401,
    "ESSC_INVALID": 401,
    "ESSC_REUSED": 401,
    "IDENTITY_MISMATCH": 401,
    "CARD_NOT_FOUND": 404,
    "STAFF_INVALID": 401,
    "STAFF_NOT_HERE": 403,
    "STAFF_LOCKED": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "IDEMPOTENCY_CONFLICT": 409,
    "CASE_NOT_WITHDRAWABLE": 409,
    "CASE_ALREADY_REVIEWED": 409,
    "FAULT_NOT_AT_LEVEL": 409,
    "FEED_REFETCH": 410,
    "PAYLOAD_TOO_LARGE": 413,
    "VALIDATION_ERROR": 422,
    "INTERNAL_ERROR": 500,
    # A kiosk over its request rate (fleet settings): 503 with Retry-After, so every kiosk version, old ones
    # included, treats it as "unavailable, try later" and loses nothing it queued.
    "RATE_LIMITED": 503,
}

# 劳动年龄 (seed 004): "年满16周岁至依法享受基本养老保险待遇" — from 16 until the person receives a basic
# pension (a fact the platform holds, never a fixed age). Kinds it applies to, with their names for the
# refusal; job-seeking for gig work (job_type "gig") has the lower bound only (seed 003 sets no upper age).
WORKING_AGE_MIN = 16
WORKING_AGE_KINDS = {
    "unemployment_registration": "失业登记",
    "job_seeker_registration": "求职登记",
    "hard_to_employ_registration": "就业困难人员求职登记",
}

# 零工 publication (issue 11 §3): a 零工求职登记 whose resident consented (payload.publish_consent) is published in
# gig_seekers with only these public fields; a 招聘零工登记 in gig_jobs. Never the full name or the phone.
GIG_SEEKER_PUBLIC_FIELDS = (
    "name_masked", "age_band", "skill_codes", "skill_names", "county", "town", "village", "lat", "lon",
    "daily_wage_expect", "available_from", "available_to", "phone_masked", "published_at",
)
AGE_BANDS: tuple[tuple[int, int], ...] = tuple(  # 60 and older: one band
    (low, high) for low, high in _VOCABULARY["gig_seeker_age_bands"])
# 就业困难人员求职登记's 一寸电子照片 (issue 11 §6): payload.photo_jpeg, a base64 JPEG of 295 × 413 pixels (25 × 35 mm
# at 300 dpi), at most PHOTO_MAX_BYTES before base64. Optional: a kiosk without a camera sends none (counter).
PHOTO_PX = (295, 413)
PHOTO_MAX_BYTES = 200_000
PHOTO_MAX_BASE64 = (PHOTO_MAX_BYTES + 2) // 3 * 4

