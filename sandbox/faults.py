"""问题反映 workflow of seed 003 附件4: levels, answer-due times, escalation 县 → 市 → 省, answers and history.

A report starts at the level its category names in sandbox/data/fault_workflow.toml (系统性/功能性问题 at the
省工作专班, 业务指导性问题 at the 县人社部门 of the kiosk's county) with an answer-due time. Only the level it is
at may answer it. Unanswered past its due time it goes one level up ("无法解决的应逐级向市人社部门、省工作专班
反映") with a new due time; the level may also forward it itself. Every step is a row in fault_events.

Stateless: any number of gateway processes may run `escalate_due` at once (a cron/systemd timer calling
`python -m sandbox escalate-faults`, and each process piggy-backed at most once a minute when reports are
read). Each move is one conditional UPDATE … WHERE level = the level read, so a report moves once.
"""

from __future__ import annotations

import contextlib
import logging
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from sandbox import db
from sandbox.contract import FAULT_CATEGORIES

log = logging.getLogger(__name__)

# The seed's names of the three levels, from the county up.
COUNTY, CITY, PROVINCE = "县人社部门", "市人社部门", "省工作专班"
LEVELS = (COUNTY, CITY, PROVINCE)
WORKFLOW_FILE = Path(__file__).resolve().parent / "data" / "fault_workflow.toml"
ESCALATE_EVERY_S = 60.0  # the piggy-backed run: at most this often per process
ESCALATION_BATCH = 5000  # reports moved per run at most (the next run takes the rest)
SYSTEM_ACTOR = "平台（到期未答复，自动上报）"
SUBMITTED, ESCALATED, FORWARDED, ANSWERED = "submitted", "escalated", "forwarded", "answered"
State = Literal["open", "overdue", "escalated", "answered"]
STATES: tuple[str, ...] = ("open", "overdue", "escalated", "answered")
_CHINA_TZ = timezone(timedelta(hours=8))
Clock = Callable[[], float]


class WorkflowFileError(ValueError):
    """The workflow file is unreadable or wrong; the message names the file and the key."""


class FaultError(Exception):
    """A refused fault-report operation; `code` is the contract's error code (the service turns it into ApiError)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---- the data file --------------------------------------------------------------------------------------
class _LevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer_within_hours: float = Field(gt=0, le=24 * 90)
    next: str | None = None


class _AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default_deadline_days: int = Field(ge=1, le=365)


class _WorkflowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dict[str, str]
    levels: dict[str, _LevelIn]
    answer: _AnswerIn


@dataclass(frozen=True)
class Workflow:
    """The checked workflow file: start level per category, hours and next level per level."""

    start: Mapping[str, str]
    hours: Mapping[str, float]
    next_level: Mapping[str, str | None]
    default_deadline_days: int

    def due(self, level: str, now: float) -> float:
        """When a report that reached `level` at `now` must be answered."""
        return now + self.hours[level] * 3600.0

    def escalating(self) -> tuple[str, ...]:
        """The levels a report can go up from."""
        return tuple(level for level, nxt in self.next_level.items() if nxt is not None)


def parse_workflow(text: str, source: str = "fault_workflow.toml") -> Workflow:
    """Check the workflow file's text; WorkflowFileError names the file and the wrong key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowFileError(f"{source}: 不是有效的 TOML：{exc}") from exc
    try:
        data = _WorkflowIn.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise WorkflowFileError(f"{source}: {key}: {err['msg']}") from exc
    if set(data.levels) != set(LEVELS):
        raise WorkflowFileError(f"{source}: levels: 应恰好是 {' / '.join(LEVELS)}，现为 {' / '.join(data.levels)}")
    if set(data.start) != set(FAULT_CATEGORIES):
        raise WorkflowFileError(f"{source}: start: 应恰好列出问题类别 {' / '.join(FAULT_CATEGORIES)}")
    for category, level in data.start.items():
        if level not in LEVELS:
            raise WorkflowFileError(f"{source}: start.{category}: 未知的层级 {level}（应为 {' / '.join(LEVELS)}）")
    for name, rule in data.levels.items():
        one_up = LEVELS[LEVELS.index(name) + 1] if name != LEVELS[-1] else None
        if rule.next is not None and rule.next != one_up:
            raise WorkflowFileError(f"{source}: levels.{name}.next: 只能逐级向上（{' → '.join(LEVELS)}），现为 {rule.next}")
    return Workflow(start=dict(data.start), hours={n: r.answer_within_hours for n, r in data.levels.items()},
                    next_level={n: r.next for n, r in data.levels.items()},
                    default_deadline_days=data.answer.default_deadline_days)


def load_workflow(path: Path = WORKFLOW_FILE) -> Workflow:
    """Read and check the workflow file (at gateway start)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowFileError(f"{path}: 读不到：{exc}") from exc
    return parse_workflow(text, str(path))


# ---- where a kiosk is --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Area:
    """A kiosk's place: the county routes its 业务指导性问题 (None: not recorded)."""

    city: str | None
    county: str | None
    town: str | None = None


# The demo kiosks (sandbox/demo_kiosks.json) are in 天镇县, 大同市, as the seeds are.
DEMO_AREAS: dict[str, Area] = {k: Area("大同市", "天镇县", "玉泉镇") for k in ("TZ-YQ-LJZ-01", "TZ-YQ-GJT-01", "TZ-YQ-SLT-01")}
_AREA_COLUMNS = ("city", "county", "town")


def kiosk_area(session: Session, kiosk_id: str) -> Area:
    """The kiosk's city, county and town: from the kiosks row's area columns once the table has them, else the
    demo mapping (unknown kiosks: nothing recorded — their reports are seen by the province only).

    The fleet console's migration adds city/county/town to kiosks; until then this reads none. This is the
    one place that knows where an area comes from.
    """
    columns = db.Kiosk.__table__.c
    if all(name in columns for name in _AREA_COLUMNS):
        row = session.execute(select(*(columns[name] for name in _AREA_COLUMNS))
                              .where(columns["kiosk_id"] == kiosk_id)).first()
        if row is not None and any(row):
            return Area(*(str(v) if v else None for v in row))
    return DEMO_AREAS.get(kiosk_id, Area(None, None, None))


# ---- values handed out --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answerer:
    """Who answers or forwards: a staff label (e.g. 业务骨干 王工, never an ID number) and their level."""

    label: str
    level: str


@dataclass(frozen=True)
class FaultEvent:
    """One step of a report's history."""

    event: str  # submitted | escalated | forwarded | answered
    at: str  # ISO 8601, China time
    by: str
    from_level: str | None
    to_level: str
    note: str | None


@dataclass(frozen=True)
class FaultRow:
    """A report as staff see it (the console): where it is, by when, and what happened."""

    report_no: str
    kiosk_id: str
    kiosk_name: str
    city: str | None
    county: str | None
    category: str
    description: str
    suggestion: str
    level: str
    created_at: str
    due_at: str | None
    overdue: bool
    escalated: bool
    answered: bool
    response: str | None
    deadline: str | None
    answered_by: str | None
    answered_at: str | None
    history: tuple[FaultEvent, ...]


@dataclass(frozen=True)
class Escalation:
    """One report moved up by escalate_due."""

    report_no: str
    from_level: str
    to_level: str
    due_at: str


def iso(ts: float | None) -> str | None:
    """Unix seconds → ISO 8601 with the China offset."""
    return None if ts is None else datetime.fromtimestamp(ts, tz=_CHINA_TZ).isoformat(timespec="seconds")


def answered_by_text(report: db.FaultReport) -> str | None:
    """"业务骨干 王工（县人社部门）" for an answered report."""
    return None if report.answered_by is None else f"{report.answered_by}（{report.level}）"


def fault_reports_for(session: Session, areas: Sequence[str] | None, state: State | None, now: float,
                      limit: int = 500, scope: ColumnElement[bool] | None = None) -> list[FaultRow]:
    """Reports of the kiosks in `areas` (county names; None: every county, and kiosks with none), newest first.

    state: "open" (unanswered), "overdue" (unanswered past its due time), "escalated" (went up at least once),
    "answered", or None for all. Each row carries its kiosk, category, level, due time, overdue flag and history.
    """
    r = db.FaultReport
    stmt = select(r, db.Kiosk.name).outerjoin(db.Kiosk, db.Kiosk.kiosk_id == r.kiosk_id)
    if areas is not None:
        stmt = stmt.where(r.county.in_(list(areas)))
    if scope is not None:
        stmt = stmt.where(scope)
    if state == "open":
        stmt = stmt.where(r.response.is_(None))
    elif state == "overdue":
        stmt = stmt.where(r.response.is_(None), r.due_at < now)
    elif state == "escalated":
        stmt = stmt.where(r.escalated_at.is_not(None))
    elif state == "answered":
        stmt = stmt.where(r.response.is_not(None))
    elif state is not None:
        raise FaultError("VALIDATION_ERROR", "state 应为 " + " / ".join(STATES))
    found = session.execute(stmt.order_by(r.created_at.desc(), r.report_no.desc()).limit(limit)).all()
    numbers = [row.report_no for row, _name in found]
    history: dict[str, list[FaultEvent]] = {n: [] for n in numbers}
    if numbers:
        for e in session.scalars(select(db.FaultEvent).where(db.FaultEvent.report_no.in_(numbers))
                                 .order_by(db.FaultEvent.id)):
            history[e.report_no].append(FaultEvent(e.event, iso(e.at) or "", e.by, e.from_level, e.to_level, e.note))
    return [FaultRow(
        report_no=row.report_no, kiosk_id=row.kiosk_id, kiosk_name=name or "", city=row.city, county=row.county,
        category=row.category, description=row.description, suggestion=row.suggestion, level=row.level,
        created_at=iso(row.created_at) or "", due_at=iso(row.due_at), overdue=_overdue(row, now),
        escalated=row.escalated_at is not None, answered=row.response is not None, response=row.response,
        deadline=row.deadline, answered_by=answered_by_text(row), answered_at=iso(row.answered_at),
        history=tuple(history[row.report_no])) for row, name in found]


def _overdue(report: db.FaultReport, now: float) -> bool:
    return report.response is None and report.due_at is not None and report.due_at < now


class FaultDesk:
    """The workflow over the gateway's database: route at submission, escalate, forward, answer, list."""

    def __init__(self, Session: sessionmaker[Session], clock: Clock, workflow: Workflow | None = None,  # noqa: N803
                 lock: contextlib.AbstractContextManager[Any] | None = None) -> None:
        self.Session = Session
        self.clock = clock
        self.workflow = workflow or load_workflow()
        self._lock = lock if lock is not None else contextlib.nullcontext()
        self._escalated_at = float("-inf")

    # ---- intake ----
    def on_submitted(self, s: Session, report: db.FaultReport, now: float) -> None:
        """Give a new report its level, area and due time, and its first history step (same transaction)."""
        level = self.workflow.start[report.category]
        with s.no_autoflush:  # the new report is not complete until the lines below
            area = kiosk_area(s, report.kiosk_id)
        report.level, report.city, report.county = level, area.city, area.county
        report.due_at = self.workflow.due(level, now)
        s.add(db.FaultEvent(report_no=report.report_no, at=now, event=SUBMITTED, from_level=None, to_level=level,
                            by=report.kiosk_id))

    # ---- escalation ----
    def escalate_due(self, now: float | None = None) -> list[Escalation]:
        """Move every unanswered report past its due time one level up, with a new due time; returns the moves.

        Safe with other processes doing the same: each move is UPDATE … WHERE level = the level read (and still
        unanswered and due); a report another process moved or answered first is left alone.
        """
        now = self.clock() if now is None else now
        r = db.FaultReport
        with self.Session() as s:
            due = s.execute(select(r.report_no, r.level).where(
                r.response.is_(None), r.due_at <= now, r.level.in_(self.workflow.escalating()))
                .order_by(r.due_at).limit(ESCALATION_BATCH)).all()
        moved: list[Escalation] = []
        for report_no, level in due:
            nxt = self.workflow.next_level[level]
            assert nxt is not None
            step = self._move(report_no, level, nxt, now, SYSTEM_ACTOR, ESCALATED, None, only_if_due=True)
            if step is not None:
                moved.append(step)
        if moved:
            log.info("fault reports escalated: %d", len(moved))
        return moved

    def maybe_escalate(self) -> None:
        """escalate_due at most once a minute per process (piggy-backed on reads; a timer does the rest)."""
        now = self.clock()
        if now - self._escalated_at < ESCALATE_EVERY_S:
            return
        self._escalated_at = now
        try:
            self.escalate_due(now)
        except DBAPIError as exc:  # a read must not fail for it: the next run or the timer moves them
            log.warning("piggy-backed fault escalation failed: %s", type(exc).__name__)

    def forward(self, report_no: str, by: Answerer, note: str,
                also: Callable[[Session], None] | None = None) -> Escalation:
        """The level a report is at cannot solve it and passes it up (无法解决的应逐级…反映); `also` adds to the same
        transaction (the console's audit entry commits with the move, or neither does)."""
        _check_answerer(by)
        if not note.strip():
            raise FaultError("VALIDATION_ERROR", "请说明为什么无法解决")
        nxt = self.workflow.next_level.get(by.level)
        if nxt is None:
            raise FaultError("VALIDATION_ERROR", f"{by.level}是最高一级，不能再上报")
        step = self._move(report_no, by.level, nxt, self.clock(), by.label, FORWARDED, note.strip(), only_if_due=False,
                          also=also)
        if step is None:
            self._refuse(report_no, by.level)
        assert step is not None
        return step

    def _move(self, report_no: str, level: str, nxt: str, now: float, by: str, event: str, note: str | None,
              *, only_if_due: bool, also: Callable[[Session], None] | None = None) -> Escalation | None:
        r = db.FaultReport
        due_at = self.workflow.due(nxt, now)
        with self._lock, self.Session.begin() as s:
            stmt = update(r).where(r.report_no == report_no, r.level == level, r.response.is_(None))
            if only_if_due:
                stmt = stmt.where(r.due_at <= now)
            done = s.execute(stmt.values(level=nxt, due_at=due_at, escalated_at=now)
                             .execution_options(synchronize_session=False))
            if done.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
                return None
            s.add(db.FaultEvent(report_no=report_no, at=now, event=event, from_level=level, to_level=nxt, by=by,
                                note=note))
            if also is not None:
                also(s)
        return Escalation(report_no, level, nxt, iso(due_at) or "")

    # ---- answering ----
    def answer(self, report_no: str, by: Answerer, response: str, deadline: str | None = None,
               also: Callable[[Session, str], None] | None = None) -> dict[str, Any]:
        """Record the 处理结果/指导意见 and its 反馈时限 (YYYY-MM-DD); only the level the report is at may answer.
        `also(session, deadline)` adds to the same transaction (the console's audit entry)."""
        _check_answerer(by)
        if not response.strip():
            raise FaultError("VALIDATION_ERROR", "答复不能为空")
        if deadline is not None:
            try:
                date.fromisoformat(deadline)
            except ValueError as exc:
                raise FaultError("VALIDATION_ERROR", "deadline 应为 YYYY-MM-DD") from exc
        now = self.clock()
        deadline = deadline or (datetime.fromtimestamp(now, tz=_CHINA_TZ).date()
                                + timedelta(days=self.workflow.default_deadline_days)).isoformat()
        r = db.FaultReport
        with self._lock, self.Session.begin() as s:
            done = s.execute(update(r).where(r.report_no == report_no, r.level == by.level)
                             .values(response=response, deadline=deadline, answered_at=now, answered_by=by.label)
                             .execution_options(synchronize_session=False))
            if done.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
                self._refuse(report_no, by.level, s)
            s.add(db.FaultEvent(report_no=report_no, at=now, event=ANSWERED, from_level=None, to_level=by.level,
                                by=by.label, note=None))
            if also is not None:
                also(s, deadline)
        return {"report_no": report_no, "response": response, "deadline": deadline, "level": by.level,
                "answered_by": f"{by.label}（{by.level}）"}

    def answer_at_current_level(self, report_no: str, label: str, response: str,
                                deadline: str | None = None) -> dict[str, Any]:
        """Answer as whichever level the report is at now (the sandbox's admin route and CLI)."""
        with self.Session() as s:
            report = s.get(db.FaultReport, report_no)
            if report is None:
                raise FaultError("NOT_FOUND", "没有这条问题反映")
            level = report.level
        return self.answer(report_no, Answerer(label, level), response, deadline)

    def _refuse(self, report_no: str, level: str, s: Session | None = None) -> None:
        """Why an operation conditional on `level` changed nothing: no such report, or it is at another level."""
        with contextlib.ExitStack() as stack:
            session = s if s is not None else stack.enter_context(self.Session())
            report = session.get(db.FaultReport, report_no)
            if report is None:
                raise FaultError("NOT_FOUND", "没有这条问题反映")
            if report.response is not None and report.level == level:
                raise FaultError("FAULT_NOT_AT_LEVEL", "这条问题反映已经答复了")
            raise FaultError("FAULT_NOT_AT_LEVEL", f"这条问题反映现在由{report.level}处理，{level}不能办理")

    # ---- reading ----
    def kiosk_rows(self, kiosk_id: str) -> list[dict[str, Any]]:
        """One kiosk's reports as the contract's GET /v1/fault-reports rows, newest first."""
        self.maybe_escalate()
        now = self.clock()
        with self.Session() as s:
            rows = s.scalars(select(db.FaultReport).where(db.FaultReport.kiosk_id == kiosk_id)
                             .order_by(db.FaultReport.created_at.desc(), db.FaultReport.report_no.desc())).all()
            return [{"report_no": r.report_no, "category": r.category, "description": r.description,
                     "suggestion": r.suggestion, "routed_to": r.routed_to, "created_at": iso(r.created_at),
                     "status": "ANSWERED" if r.response else "SUBMITTED", "response": r.response,
                     "deadline": r.deadline, "answered_at": iso(r.answered_at),
                     "level": r.level, "due_at": iso(r.due_at), "overdue": _overdue(r, now),
                     "escalated": r.escalated_at is not None, "answered_by": answered_by_text(r)} for r in rows]

    def rows_for(self, areas: Sequence[str] | None, state: State | None = None, limit: int = 500,
                 scope: ColumnElement[bool] | None = None) -> list[FaultRow]:
        """fault_reports_for over this desk's database and clock (after a piggy-backed escalation)."""
        self.maybe_escalate()
        with self.Session() as s:
            return fault_reports_for(s, areas, state, self.clock(), limit, scope)


def _check_answerer(by: Answerer) -> None:
    if by.level not in LEVELS:
        raise FaultError("VALIDATION_ERROR", "level 应为 " + " / ".join(LEVELS))
    if not by.label.strip() or len(by.label) > 100:
        raise FaultError("VALIDATION_ERROR", "请写明答复人（1-100 字）")
