"""Request and response shapes of the platform API (pydantic), the source of the OpenAPI document."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
)

from sandbox.contract import FAULT_CATEGORIES, FEED_FIELDS, PHOTO_MAX_BASE64, PHOTO_PX, SUBMISSION_KINDS
from sandbox.rules import PAYLOAD_RULES, VISIBLE

# ---- formats and patterns shared by the request shapes ----
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
CaseStatus = Literal["PENDING", "APPROVED", "REJECTED", "WITHDRAWN"]  # = contract.CASE_STATUSES (a unit test checks)
NOT_BLANK = VISIBLE  # at least one character that is neither a control character nor a space


def _json_integer(value: Any) -> Any:
    """An integer as JSON Schema counts them (2 and 2.0), never a string or true/false."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("应为整数")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("应为整数")
    return int(value)


JsonInt = Annotated[int, BeforeValidator(_json_integer), WithJsonSchema({"type": "integer"})]


def _bounded(kind: str, low: int, high: int) -> Any:
    """A JSON integer or number in [low, high], stated as minimum/maximum in the document."""
    base = JsonInt if kind == "integer" else int | float
    return Annotated[base, Field(ge=low, le=high), WithJsonSchema({"type": kind, "minimum": low, "maximum": high})]


def _calendar_date(value: str) -> str:
    date.fromisoformat(value)  # ValueError → 422: the pattern lets 2025-02-30 through, the calendar does not
    return value


IdNumber = Annotated[str, Field(
    pattern=ID_NUMBER_PATTERN, min_length=18, max_length=18,
    description="18-character resident ID number (GB 11643): the birth date in characters 7-14 must be a real "
                "date and the 18th character the check digit of the first 17 (X in upper case); otherwise 422")]
Name = Annotated[str, Field(min_length=1, max_length=60, pattern=NOT_BLANK)]
IdempotencyKey = Annotated[str, Field(pattern=IDEMPOTENCY_KEY_PATTERN,
                                      description="8-128 characters of A-Z a-z 0-9 _ . : -, unique per kiosk")]
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=NOT_BLANK)]
LongText = Annotated[str, Field(min_length=1, max_length=4000, pattern=NOT_BLANK)]
Label = Annotated[str, Field(min_length=1, max_length=64, pattern=NOT_BLANK)]
IsoDate = Annotated[str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"},
                               description="YYYY-MM-DD, a real calendar date"), AfterValidator(_calendar_date)]
Instant = Annotated[str, Field(max_length=40, json_schema_extra={"format": "date-time"},
                               description="RFC 3339 date-time, e.g. 2025-03-01T09:30:00+08:00")]


class Strict(BaseModel):
    """A request shape: unknown fields and JSON values of another type (\"5\" for 5, 1 for true) are 422."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    """Every error: a stable code and a human message."""

    code: str = Field(description="stable error code, e.g. BAD_SIGNATURE, FEED_REFETCH, VALIDATION_ERROR")
    message: str


class DeviceReport(BaseModel):
    model_config = ConfigDict(strict=True)
    kind: str = Field(max_length=32)
    state: str = Field(max_length=32)
    message: str = Field(default="", max_length=500)


class UpdateReport(BaseModel):
    """The kiosk's updater (`kiosk update`): which release runs, the last update, releases that failed there."""

    model_config = ConfigDict(extra="allow", strict=True)
    installed_version: str | None = Field(default=None, max_length=64)
    previous_version: str | None = Field(default=None, max_length=64)
    last_outcome: str | None = Field(default=None, max_length=32,
                                     description="installed, rolled_back, rollback_failed, up_to_date, held, "
                                                 "deferred, skipped_failed, refused, failed")
    last_at: float | None = Field(default=None, description="Unix time of the last outcome")
    last_version: str | None = Field(default=None, max_length=64)
    last_detail: str | None = Field(default=None, max_length=1000)
    failed_versions: list[str] = Field(default_factory=list, max_length=50,
                                       description="releases that did not become healthy there (never retried)")


class UpdateWish(BaseModel):
    """Pushed as the setting `update`: hold the installed release, or run exactly `version` (an apt pin)."""

    hold: bool = False
    version: str | None = Field(default=None, max_length=64)


class HeartbeatIn(BaseModel):
    """What a kiosk reports about itself (never personal data)."""

    model_config = ConfigDict(extra="allow", strict=True)
    app_version: str = Field(max_length=64)
    uptime_s: float = Field(ge=0)
    disk_free_mb: float = Field(ge=0)
    outbox: dict[str, JsonInt] = Field(default_factory=dict, description="outbox entries by state")
    cache_ages: dict[str, float | None] = Field(default_factory=dict, description="seconds since each feed synced")
    devices: list[DeviceReport] = Field(default_factory=list, max_length=20)
    update: UpdateReport | None = Field(default=None, description="absent until the kiosk's updater first ran")


class KioskSettings(BaseModel):
    """Settings pushed to a kiosk; keys absent mean "no change"."""

    model_config = ConfigDict(extra="allow")
    enabled_services: list[str] | None = None
    maintenance_message: str | None = None
    update: UpdateWish | None = None


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


class IdCardLogin(Strict):
    """Login with the data read from a resident ID card: number and name must match the platform's record."""

    method: Literal["id_card"]
    id_number: IdNumber
    name: Name


class SsCardLogin(Strict):
    """Login with a social security card: the card number (EF05); ID number and name (EF06) when the card gave them.

    A card the platform does not know is CARD_NOT_FOUND (404) unless id_number and name come with it.
    """

    method: Literal["ss_card"]
    card_number: str = Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]{1,20}$")
    id_number: IdNumber | None = None
    name: Name | None = None


class EsscLogin(Strict):
    """Login with the token of an electronic social security card QR code, as scanned (single use)."""

    method: Literal["essc"]
    essc_token: str = Field(min_length=1, max_length=512, description="an unknown, expired or used token is 401")


SessionIn = Annotated[IdCardLogin | SsCardLogin | EsscLogin, Field(discriminator="method")]


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
    id_number: IdNumber
    name: Name


_PAYLOAD_TYPES: dict[str, Any] = {
    "str": Text,
    "int": _bounded("integer", 0, 10_000_000),
    "pos_int": _bounded("integer", 1, 100_000),
    "number": _bounded("number", 0, 10_000_000),
    "bool": Annotated[bool, Field(strict=True)],
    "true": Literal[True],
    "date": IsoDate,
    "str_list": Annotated[list[Annotated[str, Field(min_length=1, max_length=2000)]], Field(max_length=50)],
    "job_type": Literal["fixed", "gig"],
    "photo_jpeg": Annotated[str, Field(
        min_length=4, max_length=PHOTO_MAX_BASE64, pattern=r"^/9j/[A-Za-z0-9+/]*={0,2}$",
        description=f"the 一寸电子照片: base64 of a JPEG of {PHOTO_PX[0]}×{PHOTO_PX[1]} pixels (25×35 mm at 300 dpi), "
                    "else 422; absent when the kiosk has no camera (the photo is taken at the counter)")],
}
_COMMON_PAYLOAD = {"phone": ("str", False), "remark": ("str", False), "region_code": ("str", False)}


class AssistedBy(Strict):
    """全程代理: the service-point worker who made this submission on the resident's behalf (the resident
    confirmed with their own card). Must name a worker login (POST /v1/staff-sessions) made at the same
    kiosk by the same worker, else 422 VALIDATION_ERROR."""

    staff_no: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z-]{1,32}$")
    staff_session: str = Field(min_length=1, max_length=64, description="staff_session of POST /v1/staff-sessions")


def _camel(name: str) -> str:
    return "".join(p.title() for p in name.split("_"))


def _payload_model(kind: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, (typ, required) in {**_COMMON_PAYLOAD, **PAYLOAD_RULES[kind]}.items():
        fields[name] = (_PAYLOAD_TYPES[typ], ...) if required else (_PAYLOAD_TYPES[typ] | None, None)
    doc = (f"The payload of {kind}. Fields not listed here (labels the kiosk adds for people) are kept with the "
           "case, unchecked.")
    if kind == "gig_hiring_registration":
        doc += " end_date must not be before start_date (422)."
    if kind == "job_seeker_registration":
        doc += (" A gig registration (job_type gig) with publish_consent true is published in the gig_seekers feed "
                "on acceptance with only the public fields (surname, age band, skills, village, wage, dates, masked "
                "phone); without consent it is accepted and not published.")
    if kind == "gig_hiring_registration":
        doc += " On acceptance the posting appears in the gig_jobs feed (contact name and phone masked)."
    if kind == "unemployment_registration":
        doc += (" The person must be of working age on the day of submitted_at: 16 up to the statutory retirement "
                "age (60 men, 55 women), else 422.")
    return create_model(f"{_camel(kind)}Payload", __config__=ConfigDict(extra="allow"), __doc__=doc, **fields)


def _submission_model(kind: str) -> type[BaseModel]:
    return create_model(
        f"{_camel(kind)}Submission", __base__=Strict,
        __doc__=f"A {kind} from the outbox; signed by the kiosk, no resident token.",
        idempotency_key=(IdempotencyKey, ...),
        kind=(Literal[kind], ...),  # type: ignore[valid-type,arg-type]
        submitted_at=(Instant, Field(description="when the resident confirmed, RFC 3339 date-time")),
        person=(PersonRef, ...),
        payload=(_payload_model(kind), ...),
        assisted_by=(AssistedBy | None, Field(None, description="present when a worker handled it (全程代理)")),
    )


SUBMISSION_MODELS: dict[str, type[BaseModel]] = {kind: _submission_model(kind) for kind in SUBMISSION_KINDS}
SubmissionIn = Annotated[Union[tuple(SUBMISSION_MODELS.values())],  # type: ignore[valid-type]  # noqa: UP007
                         Field(discriminator="kind")]


class SubmissionOut(BaseModel):
    case_no: str
    status: CaseStatus
    received_at: str


class CaseOut(BaseModel):
    case_no: str
    kind: str
    status: CaseStatus
    reason: str | None = None
    submitted_at: str
    received_at: str
    reviewed_at: str | None = None


class CasesOut(BaseModel):
    cases: list[CaseOut]


class RegistrationOut(BaseModel):
    """One job intention the platform holds for the resident: a 求职登记 (fixed or gig), the job-seeking part of a
    失业登记, or a 招聘零工登记 (what the resident as a gig employer needs)."""

    case_no: str
    kind: Literal["job_seeker_registration", "unemployment_registration", "gig_hiring_registration"]
    status: CaseStatus
    submitted_at: str
    job_type: Literal["fixed", "gig"]
    category_codes: list[str] = Field(description="wanted work (job seeker) or the work offered (employer)")
    region_codes: list[str] = Field(description="where: the towns wanted, or the place of the work")
    salary_min: int | None = Field(description="monthly salary wanted (fixed work)")
    daily_wage_min: int | None = Field(description="daily wage wanted (gig seeker)")
    daily_wage_max: int | None = Field(description="daily wage offered (gig employer)")
    available_from: str | None = Field(description="YYYY-MM-DD: from when (or the work's start)")
    available_to: str | None = Field(description="YYYY-MM-DD: until when (or the work's end)")
    published: bool = Field(description="true: shown in gig_seekers / gig_jobs")


class RegistrationsOut(BaseModel):
    registrations: list[RegistrationOut] = Field(
        description="newest first; PENDING and APPROVED only (withdrawn and rejected ones are not held)")


class RecordOut(BaseModel):
    kind: str
    as_of: str
    found: bool = Field(description="false: the platform has no such record for the person")
    data: dict[str, Any]


class FaultReportIn(Strict):
    idempotency_key: IdempotencyKey
    category: Literal[tuple(FAULT_CATEGORIES)] = Field(  # type: ignore[valid-type]
        description="系统性问题 and 功能性问题 go to the 省级工作专班, 业务指导性问题 to the 县级人社局")
    description: LongText
    suggestion: LongText
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
    # The workflow of seed 003 附件4 (additive: kiosks that do not know these fields ignore them).
    level: Literal["县人社部门", "市人社部门", "省工作专班"] | None = Field(
        default=None, description="the level that must answer now; unanswered past due_at it goes one level up")
    due_at: str | None = Field(default=None, description="when that level must answer (ISO 8601); null: no due time")
    overdue: bool = Field(default=False, description="unanswered and past due_at")
    escalated: bool = Field(default=False, description="went up from the level it started at")
    answered_by: str | None = Field(default=None, description="who answered, e.g. 业务骨干 王工（县人社部门）")


class FaultReportsOut(BaseModel):
    reports: list[FaultReportRow]


class AuditIn(Strict):
    """One technician action on a kiosk (who by label, never a PIN; what; when; non-personal detail)."""

    idempotency_key: IdempotencyKey
    actor: Label = Field(description="technician label, e.g. T01-张工, or system/platform")
    action: Label = Field(description="e.g. enter, leave, self_test_print, config_change")
    at: Instant = Field(description="RFC 3339 date-time, when it happened on the kiosk")
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
class ApproveIn(Strict):
    decision: Literal["approve"]
    reason: str | None = Field(default=None, max_length=2000)


class RejectIn(Strict):
    decision: Literal["reject"]
    reason: str = Field(min_length=1, max_length=2000, pattern=NOT_BLANK, description="told to the resident")


ReviewIn = Annotated[ApproveIn | RejectIn, Field(discriminator="decision")]


class SettingsIn(BaseModel):
    """Settings to merge into a kiosk's pushed settings; a null value removes the key."""

    model_config = ConfigDict(extra="allow")


def _feed_fields_model(feed: str) -> type[BaseModel]:
    types = {int: JsonInt, float: int | float}
    fields = {name: (types.get(_FIELD_TYPES.get(name, str), _FIELD_TYPES.get(name, str)) | None, None)
              for name in FEED_FIELDS[feed]}
    return create_model(f"{_camel(feed)}Fields", __base__=Strict, **fields)  # type: ignore[call-overload]


FEED_TOUCH_MODELS: dict[str, type[BaseModel]] = {
    feed: create_model(f"{_camel(feed)}TouchIn", __base__=Strict,
                       id=(str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")),
                       fields=(_feed_fields_model(feed) | None, None),  # type: ignore[arg-type]
                       delete=(bool, False))
    for feed in FEED_FIELDS
}


class EsscIssueIn(Strict):
    person: str = Field(min_length=1, max_length=64, description="person_id, ID number or name")


class EsscIssueOut(BaseModel):
    essc_token: str
    expires_at: str


class AnswerIn(Strict):
    response: LongText
    deadline: IsoDate | None = Field(default=None, description="YYYY-MM-DD (default: in 7 days)")
    by: Label | None = Field(default=None, description="who answers, e.g. 业务骨干 王工 (default: 平台管理员)")
    level: Literal["县人社部门", "市人社部门", "省工作专班"] | None = Field(
        default=None, description="the answering level; must be the report's level now (409 otherwise); "
                                  "default: whichever level the report is at")


class AnswerOut(BaseModel):
    report_no: str
    response: str
    deadline: str
    level: str | None = None
    answered_by: str | None = None


class SettingsOut(BaseModel):
    settings: dict[str, Any]


class EpochOut(BaseModel):
    epoch: int


class KioskRow(BaseModel):
    kiosk_id: str
    name: str
    settings: dict[str, Any]
    last_seen: str | None
    last_heartbeat: dict[str, Any] | None
    status: Literal["ok", "attention", "silent", "never"]
    problems: list[str]


class KiosksOut(BaseModel):
    kiosks: list[KioskRow]


class HeartbeatRow(BaseModel):
    received_at: str
    body: dict[str, Any]


class HeartbeatsOut(BaseModel):
    heartbeats: list[HeartbeatRow]


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


# ---- 全程代理: service-point workers (issue 11 §5) --------------------------------------------------------
class StaffEsscLogin(Strict):
    """A worker logs in with their own electronic social security card (seed 003 附件3 第七条)."""

    method: Literal["essc"]
    essc_token: str = Field(min_length=1, max_length=512)


class StaffPinLogin(Strict):
    """A worker logs in with their staff number and staff PIN (checked against the platform's hash only)."""

    method: Literal["pin"]
    staff_no: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z-]{1,32}$")
    pin: str = Field(pattern=r"^[0-9]{6}$", description="6 digits; never stored by kiosk or platform")


StaffSessionIn = Annotated[StaffEsscLogin | StaffPinLogin, Field(discriminator="method")]


class StaffProfile(BaseModel):
    staff_no: str
    name: str
    role: str
    service_point: str


class StaffSessionOut(BaseModel):
    staff_session: str = Field(description="names this login in the assisted_by of later submissions")
    staff: StaffProfile
