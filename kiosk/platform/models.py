"""Frozen values the platform client sends and returns (personal fields stay out of reprs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from devices.base import DeviceHealth


@dataclass(frozen=True)
class HeartbeatReport:
    """What the kiosk tells the platform about itself; never personal data."""

    app_version: str
    uptime_s: float
    disk_free_mb: float
    outbox: Mapping[str, int] = field(default_factory=dict)
    cache_ages: Mapping[str, float | None] = field(default_factory=dict)
    devices: tuple[DeviceHealth, ...] = ()
    update: Mapping[str, Any] | None = None  # `kiosk update`'s state (kiosk/updates/files.py), once it ran

    def to_json(self) -> dict[str, Any]:
        out = {"app_version": self.app_version, "uptime_s": self.uptime_s, "disk_free_mb": self.disk_free_mb,
               "outbox": dict(self.outbox), "cache_ages": dict(self.cache_ages),
               "devices": [{"kind": str(d.kind), "state": str(d.state), "message": d.message} for d in self.devices]}
        if self.update is not None:
            out["update"] = dict(self.update)
        return out


@dataclass(frozen=True)
class HeartbeatReply:
    """The platform's time and the settings it pushes (enabled_services, maintenance_message, …)."""

    server_time: datetime
    settings: Mapping[str, Any]

    @property
    def enabled_services(self) -> tuple[str, ...] | None:
        value = self.settings.get("enabled_services")
        return tuple(str(v) for v in value) if isinstance(value, list) else None

    @property
    def maintenance_message(self) -> str | None:
        value = self.settings.get("maintenance_message")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class FeedItem:
    """One reference item (or tombstone) of a feed; fields holds the feed's own fields."""

    id: str
    version: int
    updated_at: str
    deleted: bool
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class FeedPage:
    """A page of a delta feed and the cursor to continue from."""

    feed: str
    items: tuple[FeedItem, ...]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class Profile:
    """The platform's summary of a logged-in resident."""

    person_id: str
    name: str = field(repr=False)
    id_number: str = field(repr=False)
    gender: str = field(repr=False)
    birth_date: str = field(repr=False)
    age: int = field(repr=False)
    hard_to_employ: bool = field(repr=False)
    registrations: Mapping[str, str] = field(repr=False)
    has_employment_certificate: bool = field(repr=False)
    phone: str | None = field(default=None, repr=False)
    receives_basic_pension: bool | None = field(default=None, repr=False)  # None: the platform did not say


@dataclass(frozen=True)
class PlatformLogin:
    """A resident token (short-lived) with the profile it belongs to."""

    token: str = field(repr=False)
    expires_at: datetime = field(repr=True)
    profile: Profile = field(repr=True)


@dataclass(frozen=True)
class AssistedBy:
    """全程代理: which worker login made a submission (the contract's typed `assisted_by`)."""

    staff_no: str
    staff_session: str

    def to_json(self) -> dict[str, Any]:
        return {"staff_no": self.staff_no, "staff_session": self.staff_session}


@dataclass(frozen=True)
class StaffLogin:
    """A service-point worker the platform verified as staff of this kiosk's service point."""

    staff_no: str
    name: str = field(repr=False)
    role: str
    service_point: str
    staff_session: str = field(repr=False)


@dataclass(frozen=True)
class Submission:
    """One outbox entry as the platform receives it; resend byte-identical content on retries."""

    idempotency_key: str
    kind: str
    submitted_at: str  # ISO 8601 with offset
    id_number: str = field(repr=False)
    name: str = field(repr=False)
    payload: Mapping[str, Any] = field(repr=False, default_factory=dict)
    assisted_by: AssistedBy | None = None  # 全程代理: the worker who made it on the resident's behalf

    def to_json(self) -> dict[str, Any]:
        out = {"idempotency_key": self.idempotency_key, "kind": self.kind, "submitted_at": self.submitted_at,
               "person": {"id_number": self.id_number, "name": self.name}, "payload": dict(self.payload)}
        if self.assisted_by is not None:
            out["assisted_by"] = self.assisted_by.to_json()
        return out


@dataclass(frozen=True)
class SubmissionReceipt:
    """The platform's acknowledgement; duplicate=True when the key had been received before."""

    case_no: str
    status: str
    received_at: str
    duplicate: bool


@dataclass(frozen=True)
class Case:
    """A case (办件) and its review status: PENDING / APPROVED / REJECTED (with reason) / WITHDRAWN."""

    case_no: str
    kind: str
    status: str
    submitted_at: str
    received_at: str
    reason: str | None = None
    reviewed_at: str | None = None


@dataclass(frozen=True)
class PersonalRecord:
    """A live personal record; found=False means the platform holds none (data then has empty defaults)."""

    kind: str
    as_of: str
    found: bool
    data: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Registration:
    """A job intention the platform holds for the resident (GET /v1/me/registrations, newest first).

    kind job_seeker_registration / unemployment_registration: what work the person wants;
    gig_hiring_registration: what a gig employer needs (daily_wage_max is what they pay).
    """

    case_no: str
    kind: str
    status: str
    submitted_at: str
    job_type: str  # fixed | gig
    category_codes: tuple[str, ...] = ()
    region_codes: tuple[str, ...] = ()
    salary_min: int | None = None
    daily_wage_min: int | None = None
    daily_wage_max: int | None = None
    available_from: str | None = None
    available_to: str | None = None
    published: bool = False


@dataclass(frozen=True)
class FaultReportDraft:
    """A problem report (问题反映) from service-point staff or a technician."""

    idempotency_key: str
    category: str  # 系统性问题 | 功能性问题 | 业务指导性问题
    description: str
    suggestion: str
    snapshot: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"idempotency_key": self.idempotency_key, "category": self.category, "description": self.description,
                "suggestion": self.suggestion, "snapshot": dict(self.snapshot) if self.snapshot is not None else None}


@dataclass(frozen=True)
class FaultReportReceipt:
    """Where the report went: 省级工作专班 or 县级人社局."""

    report_no: str
    routed_to: str
    duplicate: bool


@dataclass(frozen=True)
class FaultReport:
    """A report with its answer and deadline once answered."""

    report_no: str
    category: str
    description: str
    suggestion: str
    routed_to: str
    created_at: str
    status: str  # SUBMITTED | ANSWERED
    response: str | None = None
    deadline: str | None = None
    answered_at: str | None = None
    # The platform's workflow (seed 003 附件4); None/False from a platform that does not send them.
    level: str | None = None  # 县人社部门 | 市人社部门 | 省工作专班: who must answer now
    due_at: str | None = None  # by when (ISO 8601)
    overdue: bool = False
    escalated: bool = False  # went up because nobody answered in time (or the level passed it on)
    answered_by: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One technician action for the platform's audit trail: who (label, never a PIN), what, when."""

    idempotency_key: str
    actor: str
    action: str
    at: str  # ISO 8601 with offset, kiosk time
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"idempotency_key": self.idempotency_key, "actor": self.actor, "action": self.action, "at": self.at,
                "detail": dict(self.detail)}


@dataclass(frozen=True)
class AuditReceipt:
    """The platform stored the entry (duplicate=True: it had it already)."""

    audit_no: str
    duplicate: bool


# What kiosk.platform re-exports: every value here.
__all__ = [
    "HeartbeatReport", "HeartbeatReply", "FeedItem", "FeedPage", "Profile", "PlatformLogin", "AssistedBy",
    "StaffLogin", "Submission", "SubmissionReceipt", "Case", "PersonalRecord", "Registration",
    "FaultReportDraft", "FaultReportReceipt", "FaultReport", "AuditEntry", "AuditReceipt",
]
