"""The contract's vocabulary as data: feeds and their fields, submission kinds, record kinds, error codes."""

from __future__ import annotations

API_PREFIX = "/v1"
SIGNATURE_WINDOW_S = 300
RESIDENT_TOKEN_TTL_S = 15 * 60
CARD_HOLDER_SESSION_PATH = f"{API_PREFIX}/sessions/ss-card-holder"  # 3rd-generation card, PIN verified on the card
MY_REGISTRATIONS_PATH = f"{API_PREFIX}/me/registrations"  # the job intentions the platform holds (issue 11 §3)
ESSC_TOKEN_TTL_S = 60
STAFF_SESSION_PATH = f"{API_PREFIX}/staff-sessions"  # 全程代理: a service-point worker logs in (issue 11 §5)
# Seed 003 附件3 第十一条: "信息系统将对超期 3 个月未登录信息系统的帐号进行锁定" (calendar months).
STAFF_DORMANT_MONTHS = 3

# Every feed item also carries: id, version, updated_at, deleted.
FEED_FIELDS: dict[str, tuple[str, ...]] = {
    "fixed_jobs": (
        "title", "employer", "category_code", "category_name", "description", "county", "town", "village",
        "address", "lat", "lon", "salary_min", "salary_max", "work_type", "education", "headcount",
        "contact_name", "contact_phone", "posted_at", "expires_at",
    ),
    "gig_jobs": (
        "title", "employer", "category_code", "category_name", "description", "county", "town", "village",
        "address", "lat", "lon", "daily_wage_min", "daily_wage_max", "start_date", "end_date", "headcount",
        "contact_name", "contact_phone", "posted_at",
    ),
    "gig_seekers": (
        "name_masked", "gender", "age", "age_band", "skill_codes", "skill_names", "description", "county", "town",
        "village", "lat", "lon", "daily_wage_expect", "available_from", "available_to", "phone_masked",
        "published_at",
    ),
    "job_fairs": (
        "title", "organizer", "venue", "county", "town", "start_at", "end_at", "audience",
        "hard_to_employ_only", "employers_count", "posts_count", "description",
    ),
    "policies": ("title", "doc_no", "issuer", "category", "published_at", "summary", "body"),
    "archive_institutions": ("name", "county", "address", "phone", "hours", "scope"),
    "internship_posts": (
        "title", "employer", "city", "county", "address", "positions", "stipend", "start_date", "months",
        "requirements", "contact_phone", "posted_at",
    ),
    "job_categories": ("code", "name", "parent_code"),
    "education_levels": ("code", "name", "rank"),
    "regions": ("code", "name", "level", "parent_code", "lat", "lon"),
}
FEED_ITEM_KEYS = ("id", "version", "updated_at", "deleted")
FEEDS = tuple(FEED_FIELDS)

SUBMISSION_KINDS = (
    "job_seeker_registration",
    "gig_hiring_registration",
    "flexible_employment_registration",
    "unemployment_registration",
    "employment_registration",
    "hard_to_employ_registration",
    "rural_labour_registration",
    "employment_support_registration",
    "internship_application",
    "skill_subsidy_application",
    "unemployment_benefit_application",
)

RECORD_KINDS = (
    "employee_pension",
    "employee_pension_payments",
    "unemployment_benefit_payments",
    "resident_pension_contributions",
    "resident_pension_payments",
    "employment_certificate",
    "archive_location",
    "skill_subsidy_eligibility",
    "unemployment_benefit_eligibility",
)

CASE_STATUSES = ("PENDING", "APPROVED", "REJECTED", "WITHDRAWN")

FAULT_CATEGORIES = {
    "系统性问题": "省级工作专班",
    "功能性问题": "省级工作专班",
    "业务指导性问题": "县级人社局",
}

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
    "FEED_REFETCH": 410,
    "PAYLOAD_TOO_LARGE": 413,
    "VALIDATION_ERROR": 422,
    "INTERNAL_ERROR": 500,
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
# 就业困难人员求职登记's 一寸电子照片 (issue 11 §6): payload.photo_jpeg, a base64 JPEG of 295 × 413 pixels (25 × 35 mm
# at 300 dpi), at most PHOTO_MAX_BYTES before base64. Optional: a kiosk without a camera sends none (counter).
PHOTO_PX = (295, 413)
PHOTO_MAX_BYTES = 200_000
PHOTO_MAX_BASE64 = (PHOTO_MAX_BYTES + 2) // 3 * 4

AGE_BANDS = ((16, 19), (20, 29), (30, 39), (40, 49), (50, 59))  # 60 and older: one band
