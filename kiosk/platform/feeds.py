"""The reference-data feeds the platform publishes and the fields of each (the contract's list)."""

from __future__ import annotations

# Every item also carries id, version, updated_at and deleted (a tombstone when true).
ITEM_KEYS = ("id", "version", "updated_at", "deleted")

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

FAULT_CATEGORIES = ("系统性问题", "功能性问题", "业务指导性问题")
