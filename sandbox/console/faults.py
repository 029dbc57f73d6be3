"""Fault reports (问题反映) in the console: the account's reports with their deadlines, and answering one.

Kept in one module so the fault-report workflow (levels, escalation county → city → province) can
extend who sees and answers what here. Today: a report is seen by the staff of its kiosk's area; one
routed to the province task force (省级工作专班) is answered by a province account, one routed to the
county bureau (县级人社局) by the county's (or the city's or province's) staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sandbox import db
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.messages import ERRORS
from sandbox.console.scope import Role, Staff, kiosk_clause
from sandbox.service import Platform, conflict_retried

PROVINCE_DESK = "省级工作专班"
MAX_ANSWER = 2000
STATUSES = ("open", "answered", "all")


class ReportNotInScope(LookupError):
    """No such report, or its kiosk is outside the account's area (the same answer for both)."""


class AnswerRefused(ValueError):
    """The answer cannot be recorded as given; the message says why in Chinese."""


@dataclass(frozen=True)
class ReportRow:
    """One report as the list shows it."""

    report_no: str
    kiosk_id: str
    kiosk_name: str
    county: str | None
    town: str | None
    category: str
    description: str
    suggestion: str
    routed_to: str
    created_at: float
    response: str | None
    deadline: str | None
    answered_at: float | None
    answerable: bool

    @property
    def answered(self) -> bool:
        return self.response is not None


def may_answer(staff: Staff, routed_to: str) -> bool:
    """Whether this account answers reports routed to `routed_to` (its area is checked separately)."""
    return staff.role is Role.PROVINCE or routed_to != PROVINCE_DESK


class FaultDesk:
    """Scoped fault reports and their answers (through Platform.answer_fault, which the kiosk reads back)."""

    def __init__(self, platform: Platform, audit: ConsoleAuditTrail) -> None:
        self._platform = platform
        self._audit = audit

    def reports(self, staff: Staff, status: str = "open", limit: int = 200) -> list[ReportRow]:
        """The reports of the account's kiosks, unanswered first then newest first."""
        stmt = (select(db.FaultReport, db.Kiosk).join(db.Kiosk, db.Kiosk.kiosk_id == db.FaultReport.kiosk_id)
                .where(kiosk_clause(staff)))
        if status == "open":
            stmt = stmt.where(db.FaultReport.response.is_(None))
        elif status == "answered":
            stmt = stmt.where(db.FaultReport.response.is_not(None))
        stmt = stmt.order_by(db.FaultReport.created_at.desc(), db.FaultReport.report_no.desc()).limit(limit)
        with self._platform.Session() as s:
            rows = [ReportRow(r.report_no, k.kiosk_id, k.name, k.county, k.town, r.category, r.description,
                              r.suggestion, r.routed_to, r.created_at, r.response, r.deadline, r.answered_at,
                              may_answer(staff, r.routed_to)) for r, k in s.execute(stmt).all()]
        return sorted(rows, key=lambda r: r.answered)  # stable: newest first within each group

    def answer(self, staff: Staff, report_no: str, response: str, deadline: str | None) -> dict[str, str]:
        """Answer a report of the account's area (audited); ReportNotInScope / AnswerRefused otherwise."""
        response = response.strip()
        if not response:
            raise AnswerRefused(ERRORS["answer_blank"])
        if len(response) > MAX_ANSWER:
            raise AnswerRefused(ERRORS["answer_too_long"].format(max=MAX_ANSWER))
        deadline = (deadline or "").strip() or None
        if deadline is not None:
            try:
                date.fromisoformat(deadline)
            except ValueError as exc:
                raise AnswerRefused(ERRORS["deadline_bad"]) from exc
        with self._platform.Session() as s:
            found = s.execute(select(db.FaultReport.routed_to, db.Kiosk.kiosk_id, db.Kiosk.city, db.Kiosk.county)
                              .join(db.Kiosk, db.Kiosk.kiosk_id == db.FaultReport.kiosk_id)
                              .where(db.FaultReport.report_no == report_no, kiosk_clause(staff))).first()
        if found is None:
            self._record(staff, report_no, "refused", None, None, None, {"reason": "not_in_scope"})
            raise ReportNotInScope(report_no)
        routed_to, kiosk_id, city, county = found
        if not may_answer(staff, routed_to):
            self._record(staff, report_no, "refused", kiosk_id, city, county, {"reason": "not_their_desk"})
            raise AnswerRefused(ERRORS["not_answerable"].format(desk=routed_to))
        answered = self._platform.answer_fault(report_no, response, deadline)
        self._record(staff, report_no, "ok", kiosk_id, city, county,
                     {"response": response, "deadline": answered["deadline"]})
        return answered

    @conflict_retried
    def _record(self, staff: Staff, report_no: str, outcome: str, kiosk_id: str | None, city: str | None,
                county: str | None, detail: dict[str, object]) -> None:
        with self._platform.write_lock, self._platform.Session.begin() as s:
            self._audit.add(s, login=staff.login, staff=staff, action="answer_fault", outcome=outcome,
                            kiosk_id=kiosk_id, city=city, county=county,
                            detail={"report_no": report_no[:40], **detail})
