"""Fault reports (问题反映) in the console, on the seed 003 附件4 workflow of sandbox/faults.py.

An account sees the reports of its area (county: its own; city: its counties'; province: all) with the level
each is at, its answer-due time, overdue / escalated marks and its history. It answers or forwards one level
up (上报) only what is at its own level: county account → 县人社部门, city → 市人社部门, province → 省工作专班.
Everything, refusals included, goes to the console's audit trail.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import db
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.messages import ERRORS
from sandbox.console.scope import Role, Staff, area_clause, kiosk_clause
from sandbox.faults import CITY, COUNTY, PROVINCE, Answerer, FaultError, FaultRow, State
from sandbox.service import Platform, conflict_retried

MAX_ANSWER = 2000
MAX_NOTE = 500
STATES = ("open", "overdue", "escalated", "answered", "all")
LEVEL_OF_ROLE = {Role.COUNTY: COUNTY, Role.CITY: CITY, Role.PROVINCE: PROVINCE}


class ReportNotInScope(LookupError):
    """No such report, or its kiosk is outside the account's area (the same answer for both)."""


class AnswerRefused(ValueError):
    """The answer or forward cannot be recorded as given; the message says why in Chinese."""


def level_of(staff: Staff) -> str:
    """The workflow level this account acts for."""
    return LEVEL_OF_ROLE[staff.role]


def answerer(staff: Staff) -> Answerer:
    """Who the kiosk and the history read as having answered: the staff's name (or login) and level."""
    return Answerer((staff.display_name or staff.login)[:100], level_of(staff))


class FaultDesk:
    """Scoped fault reports, answered and forwarded through Platform.faults (which the kiosk reads back)."""

    def __init__(self, platform: Platform, audit: ConsoleAuditTrail) -> None:
        self._platform = platform
        self._audit = audit

    def reports(self, staff: Staff, state: str = "open") -> list[FaultRow]:
        """The account's reports in `state` (one of STATES), unanswered first, then newest first."""
        wanted: State | None = None if state == "all" else state  # type: ignore[assignment]
        rows = self._platform.fault_reports_for(None, wanted, scope=area_clause(staff, db.FaultReport))
        return sorted(rows, key=lambda r: r.answered)  # stable: newest first within each group

    def answer(self, staff: Staff, report_no: str, response: str, deadline: str | None) -> dict[str, object]:
        """Answer a report at the account's level (audited); ReportNotInScope / AnswerRefused otherwise."""
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
        where = self._in_scope(staff, report_no, "answer_fault")
        try:  # the answer and its audit entry commit together
            return self._platform.faults.answer(report_no, answerer(staff), response, deadline, also=lambda s, due: (
                self._add(s, staff, report_no, "answer_fault", "ok", where, {"response": response, "deadline": due})))
        except FaultError as exc:
            self._record(staff, report_no, "answer_fault", "refused", where, {"reason": "not_at_level"})
            raise AnswerRefused(exc.message) from exc

    def forward(self, staff: Staff, report_no: str, note: str) -> str:
        """Pass a report at the account's level one level up (上报, audited); returns the level it went to."""
        note = note.strip()
        if not note:
            raise AnswerRefused(ERRORS["forward_blank"])
        if len(note) > MAX_NOTE:
            raise AnswerRefused(ERRORS["forward_too_long"].format(max=MAX_NOTE))
        where = self._in_scope(staff, report_no, "forward_fault")
        to_level = self._platform.faults.workflow.next_level.get(level_of(staff))
        try:  # the move and its audit entry commit together
            step = self._platform.faults.forward(report_no, answerer(staff), note, also=lambda s: (
                self._add(s, staff, report_no, "forward_fault", "ok", where, {"note": note, "to_level": to_level})))
        except FaultError as exc:
            self._record(staff, report_no, "forward_fault", "refused", where, {"reason": "not_at_level"})
            raise AnswerRefused(exc.message) from exc
        return step.to_level

    def _in_scope(self, staff: Staff, report_no: str, action: str) -> tuple[str, str | None, str | None]:
        with self._platform.Session() as s:
            found = s.execute(select(db.Kiosk.kiosk_id, db.Kiosk.city, db.Kiosk.county)
                              .join(db.FaultReport, db.Kiosk.kiosk_id == db.FaultReport.kiosk_id)
                              .where(db.FaultReport.report_no == report_no, kiosk_clause(staff))).first()
        if found is None:
            self._record(staff, report_no, action, "refused", None, {"reason": "not_in_scope"})
            raise ReportNotInScope(report_no)
        return found[0], found[1], found[2]

    @conflict_retried
    def _record(self, staff: Staff, report_no: str, action: str, outcome: str,
                where: tuple[str, str | None, str | None] | None, detail: dict[str, object]) -> None:
        with self._platform.write_lock, self._platform.Session.begin() as s:
            self._add(s, staff, report_no, action, outcome, where, detail)

    def _add(self, s: Session, staff: Staff, report_no: str, action: str, outcome: str,
             where: tuple[str, str | None, str | None] | None, detail: dict[str, object]) -> None:
        kiosk_id, city, county = where if where is not None else (None, None, None)
        self._audit.add(s, login=staff.login, staff=staff, action=action, outcome=outcome,
                        kiosk_id=kiosk_id, city=city, county=county, detail={"report_no": report_no[:40], **detail})
