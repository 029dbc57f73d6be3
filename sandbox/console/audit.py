"""The console's audit trail: every login (ok or refused), logout and action, with the area it concerns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sandbox import db
from sandbox.console.scope import Role, Staff, audit_clause

MAX_DETAIL_TEXT = 300  # a pushed message or an answer is kept in the trail, cut to this length


@dataclass(frozen=True)
class AuditRow:
    """One entry as the 审计 page shows it."""

    at: float
    login: str
    role: str | None
    area: str | None
    action: str
    outcome: str
    kiosk_id: str | None
    county: str | None
    detail: dict[str, Any]


def _short(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: (v[:MAX_DETAIL_TEXT] if isinstance(v, str) else v) for k, v in detail.items()}


class ConsoleAuditTrail:
    """Writes entries (inside the caller's transaction when one is given) and lists them by scope."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], float]) -> None:
        self._sessions = sessions
        self._clock = clock

    def add(self, s: Session, *, login: str, staff: Staff | None, action: str, outcome: str = "ok",
            kiosk_id: str | None = None, city: str | None = None, county: str | None = None,
            detail: dict[str, Any] | None = None) -> None:
        """Add an entry to the open transaction `s` (it commits with the action it records)."""
        if staff is not None and city is None and county is None:
            city, county = area_columns(s, staff)
        s.add(db.ConsoleAudit(at=self._clock(), login=login[:64], role=staff.role.value if staff else None,
                              area=staff.area if staff else None, action=action, outcome=outcome,
                              kiosk_id=kiosk_id, city=city, county=county, detail=_short(detail or {})))

    def entries(self, staff: Staff, limit: int = 200) -> list[AuditRow]:
        """Entries concerning the account's area, newest first."""
        with self._sessions() as s:
            rows = s.scalars(select(db.ConsoleAudit).where(audit_clause(staff))
                             .order_by(db.ConsoleAudit.at.desc(), db.ConsoleAudit.id.desc()).limit(limit)).all()
            return [AuditRow(r.at, r.login, r.role, r.area, r.action, r.outcome, r.kiosk_id, r.county,
                             dict(r.detail or {})) for r in rows]


def area_columns(s: Session, staff: Staff) -> tuple[str | None, str | None]:
    """(city, county) an account's own actions are filed under; a county's city is the one its kiosks name."""
    if staff.role is Role.CITY:
        return staff.area, None
    if staff.role is Role.COUNTY:
        return staff.city, staff.area
    return None, None
