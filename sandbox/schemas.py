"""Request and response shapes of the platform API (pydantic), the source of the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from sandbox.contract import FEED_FIELDS

Str64 = Field(max_length=64)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """Every error: a stable code and a human message."""

    code: str = Field(description="stable error code, e.g. BAD_SIGNATURE, FEED_REFETCH, VALIDATION_ERROR")
    message: str


class DeviceReport(BaseModel):
    kind: str = Field(max_length=32)
    state: str = Field(max_length=32)
    message: str = Field(default="", max_length=500)


class HeartbeatIn(BaseModel):
    """What a kiosk reports about itself (never personal data)."""

    model_config = ConfigDict(extra="allow")
    app_version: str = Field(max_length=64)
    uptime_s: float = Field(ge=0)
    disk_free_mb: float = Field(ge=0)
    outbox: dict[str, int] = Field(default_factory=dict, description="outbox entries by state")
    cache_ages: dict[str, float | None] = Field(default_factory=dict, description="seconds since each feed synced")
    devices: list[DeviceReport] = Field(default_factory=list, max_length=20)


class KioskSettings(BaseModel):
    """Settings pushed to a kiosk; keys absent mean "no change"."""

    model_config = ConfigDict(extra="allow")
    enabled_services: list[str] | None = None
    maintenance_message: str | None = None


class TimeOut(BaseModel):
    server_time: str = Field(description="ISO 8601 with the UTC offset")
    unix: float = Field(description="the same instant in Unix seconds")


class HeartbeatOut(BaseModel):
    server_time: str = Field(description="ISO 8601")
    settings: KioskSettings


_FIELD_TYPES: dict[str, Any] = {
    "lat": float, "lon": float, "salary_min": int, "salary_max": int, "headcount": int, "daily_wage_min": int,
    "daily_wage_max": int, "age": int, "daily_wage_expect": int, "skill_codes": list[str], "skill_names": list[str],
    "hard_to_employ_only": bool, "employers_count": int, "posts_count": int, "positions": int, "stipend": int,
    "months": int, "rank": int,
}


def _feed_item_model(feed: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "id": (str, ...), "version": (int, ...), "updated_at": (str, ...),
        "deleted": (bool, Field(description="true: a tombstone; remove the item")),
    }
    for name in FEED_FIELDS[feed]:
        fields[name] = (_FIELD_TYPES.get(name, str) | None, ...)
    return create_model(f"{''.join(p.title() for p in feed.split('_'))}Item", **fields)


FEED_ITEM_MODELS: dict[str, type[BaseModel]] = {feed: _feed_item_model(feed) for feed in FEED_FIELDS}
FEED_PAGE_MODELS: dict[str, type[BaseModel]] = {
    feed: create_model(
        f"{''.join(p.title() for p in feed.split('_'))}Page",
        items=(list[model], ...),  # type: ignore[valid-type]
        next_cursor=(str, Field(description="pass back as ?cursor= for the next changes")),
        has_more=(bool, ...),
    )
    for feed, model in FEED_ITEM_MODELS.items()
}


class SessionIn(Strict):
    """Resident login: card data or an e-SSC QR token."""

    method: Literal["id_card", "ss_card", "essc"]
    id_number: str | None = Field(default=None, max_length=18)
    name: str | None = Field(default=None, max_length=60)
    card_number: str | None = Field(default=None, max_length=20)
    essc_token: str | None = Field(default=None, max_length=512)


class Profile(BaseModel):
    person_id: str
    name: str
    id_number: str
    gender: str
    birth_date: str
    age: int
    hard_to_employ: bool
    registrations: dict[str, str] = Field(description='e.g. {"unemployment": "none"|"applied"|"accepted"|"registered"}')
    has_employment_certificate: bool
    phone: str | None = None
    receives_basic_pension: bool = Field(
        description="依法享受基本养老保险待遇 (receives a basic pension): working age (seed 004) ends there; "
                    "the kiosk refuses 求职登记/失业登记 online when true, never from a fixed age")


class SessionOut(BaseModel):
    resident_token: str
    expires_at: str
    profile: Profile


class PersonRef(Strict):
    id_number: str = Field(max_length=18)
    name: str = Field(max_length=60)


class SubmissionIn(Strict):
    """A submission from the outbox; signed by the kiosk, no resident token."""

    idempotency_key: str = Field(max_length=128)
    kind: str = Field(max_length=64, description="one of the submission kinds (job_seeker_registration, …)")
    submitted_at: str = Field(max_length=40, description="ISO 8601 time the resident confirmed")
    person: PersonRef
    payload: dict[str, Any]


class SubmissionOut(BaseModel):
    case_no: str
    status: Literal["PENDING", "APPROVED", "REJECTED", "WITHDRAWN"]
    received_at: str


class CaseOut(BaseModel):
    case_no: str
    kind: str
    status: Literal["PENDING", "APPROVED", "REJECTED", "WITHDRAWN"]
    reason: str | None = None
    submitted_at: str
    received_at: str
    reviewed_at: str | None = None


class CasesOut(BaseModel):
    cases: list[CaseOut]


class RecordOut(BaseModel):
    kind: str
    as_of: str
    found: bool = Field(description="false: the platform has no such record for the person")
    data: dict[str, Any]


class FaultReportIn(Strict):
    idempotency_key: str = Field(max_length=128)
    category: str = Field(max_length=20, description="系统性问题 | 功能性问题 | 业务指导性问题")
    description: str = Field(max_length=4000)
    suggestion: str = Field(max_length=4000)
    snapshot: dict[str, Any] | None = None


class FaultReportOut(BaseModel):
    report_no: str
    routed_to: Literal["省级工作专班", "县级人社局"]


class FaultReportRow(BaseModel):
    report_no: str
    category: str
    description: str
    suggestion: str
    routed_to: str
    created_at: str
    status: Literal["SUBMITTED", "ANSWERED"]
    response: str | None = None
    deadline: str | None = None
    answered_at: str | None = None


class FaultReportsOut(BaseModel):
    reports: list[FaultReportRow]


class AuditIn(Strict):
    """One technician action on a kiosk (who by label, never a PIN; what; when; non-personal detail)."""

    idempotency_key: str = Field(max_length=128)
    actor: str = Field(max_length=64, description="technician label, e.g. T01-张工, or system/platform")
    action: str = Field(max_length=64, description="e.g. enter, leave, self_test_print, config_change")
    at: str = Field(max_length=40, description="ISO 8601 with offset, when it happened on the kiosk")
    detail: dict[str, Any] = Field(default_factory=dict)


class AuditOut(BaseModel):
    audit_no: str


class AuditRow(BaseModel):
    audit_no: str
    kiosk_id: str
    actor: str
    action: str
    at: str
    detail: dict[str, Any]
    received_at: str


class AuditListOut(BaseModel):
    entries: list[AuditRow]


# ---- sandbox-only admin ----
class ReviewIn(Strict):
    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=2000)


class SettingsIn(BaseModel):
    """Settings to merge into a kiosk's pushed settings; a null value removes the key."""

    model_config = ConfigDict(extra="allow")


class FeedTouchIn(Strict):
    id: str = Field(max_length=64)
    fields: dict[str, Any] | None = None
    delete: bool = False


class EsscIssueIn(Strict):
    person: str = Field(max_length=64, description="person_id, ID number or name")


class EsscIssueOut(BaseModel):
    essc_token: str
    expires_at: str


class AnswerIn(Strict):
    response: str = Field(max_length=4000)
    deadline: str | None = Field(default=None, max_length=10)


# ---- 3rd-generation social security card holder login (issue 11 §1; kept apart on purpose) ----
class CardHolderSessionIn(Strict):
    """Login with a 3rd-generation social security card whose holder file the kiosk cannot read.

    The kiosk sends what the card gives freely (EF05) after the resident's PIN was verified on the
    card itself (VERIFY answered 9000): that is the proof of possession. The platform names the
    person from its card record; the kiosk never sends or keeps the PIN.
    """

    card_number: str = Field(min_length=1, max_length=20, description="EF05 tag 07 (ASCII)")
    card_identification_code: str = Field(
        pattern="^[0-9A-Fa-f]{32}$", description="EF05 tag 01 as 32 hex digits")
    issuing_region: str = Field(
        pattern="^[0-9]{6}$", description="the first 3 bytes of the identification code (BCD), 6 digits")
    holder_verified_by: Literal["card_pin"] = Field(
        description="how the kiosk checked the holder: the card's own PIN check (VERIFY → 9000)")
