"""我的办件: a person's local cases by status and month, updated from the outbox and the platform."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session

from offline_cache.clock import Clock, local_month
from offline_cache.errors import UnknownSubmission, WithdrawNotAllowed
from offline_cache.keys import KeyRing, reason_ad
from offline_cache.models import LocalCase, OutboxRow
from offline_cache.states import FINAL_STATES, UNSENT_STATES, CaseStatus, OutboxState
from offline_cache.uow import reading, write_session

log = logging.getLogger(__name__)

_FROM_PLATFORM = {s.value: s for s in (CaseStatus.PENDING, CaseStatus.APPROVED, CaseStatus.REJECTED,
                                        CaseStatus.WITHDRAWN)}


@dataclass(frozen=True)
class CaseView:
    """One line of 我的办件."""

    key: str | None  # outbox idempotency key (None for cases only the platform knows)
    case_no: str | None
    kind: str
    title: str
    submitted_at: datetime
    month: str
    status: CaseStatus
    reason_code: str | None
    reason: str | None  # the platform's rejection reason, shown as is
    outbox_state: OutboxState | None

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def can_withdraw(self) -> bool:
        """Withdrawable: not yet uploaded (locally, Outbox.withdraw) or 未审核 on the platform."""
        if self.outbox_state in (OutboxState.QUEUED, OutboxState.NEEDS_ATTENTION):
            return True
        return self.status is CaseStatus.PENDING and self.case_no is not None


@dataclass(frozen=True)
class PlatformCase:
    """A case as the platform's case list reports it (`status`: pending/approved/rejected/withdrawn)."""

    case_no: str
    status: str
    kind: str = ""
    title: str = ""
    submitted_at: datetime | None = None
    reason_code: str | None = None
    reason: str | None = None


class CaseBook:
    """Reads and updates local cases; a person is known only by their salted person key.

    The rejection reason is stored only encrypted (it can name the person); cases are purged with the outbox.
    """

    def __init__(self, engine: Engine, clock: Clock, keys: KeyRing) -> None:
        self._engine = engine
        self._clock = clock
        self._keys = keys

    def _reason(self, case: LocalCase) -> str | None:
        if case.reason_sealed is None:
            return case.reason  # only in rows an older release wrote, until the next opening seals it
        return self._keys.open_text(case.reason_sealed, reason_ad(case.key, case.case_no), case.key_version)

    def _set_reason(self, session: Session, case: LocalCase, reason: str | None) -> None:
        case.reason = None
        if reason is None:
            case.reason_sealed = None
            return
        case.reason_sealed, case.key_version = self._keys.seal_text(session.connection(), reason,
                                                                    reason_ad(case.key, case.case_no))

    def _view(self, case: LocalCase, outbox_state: str | None) -> CaseView:
        state = OutboxState(outbox_state) if outbox_state else None
        status = CaseStatus.AWAITING_UPLOAD if state in UNSENT_STATES else CaseStatus(case.status)
        return CaseView(case.key, case.case_no, case.kind, case.title, case.submitted_at, case.month, status,
                        case.reason_code, self._reason(case), state)

    def list_for_person(self, person_key: str, *, month: str | None = None,
                        status: CaseStatus | None = None) -> list[CaseView]:
        """The person's cases, newest first; `month` is 'YYYY-MM' (local time)."""
        stmt = (
            select(LocalCase, OutboxRow.state)
            .outerjoin(OutboxRow, OutboxRow.key == LocalCase.key)
            .where(LocalCase.person_key == person_key)
            .order_by(LocalCase.submitted_at.desc(), LocalCase.pk.desc())
        )
        if month is not None:
            stmt = stmt.where(LocalCase.month == month)
        with reading(self._engine) as conn, Session(bind=conn) as session:
            views = [self._view(case, state) for case, state in session.execute(stmt).all()]
        return [v for v in views if status is None or v.status is status]

    def apply_platform_cases(self, person_key: str, cases: Iterable[PlatformCase]) -> int:
        """Bring local cases in line with the platform's list; cases made elsewhere are added. Returns changes."""
        now = self._clock()
        changed = 0
        with write_session(self._engine) as session:
            for pc in cases:
                status = _FROM_PLATFORM.get(pc.status)
                if status is None:
                    log.warning("case %s: unknown platform status %r ignored", pc.case_no, pc.status)
                    continue
                case = session.execute(select(LocalCase).where(LocalCase.case_no == pc.case_no)).scalar_one_or_none()
                if case is None:
                    submitted = pc.submitted_at or now
                    case = LocalCase(person_key=person_key, kind=pc.kind, title=pc.title or pc.kind,
                                     submitted_at=submitted, month=local_month(submitted), case_no=pc.case_no,
                                     status=status.value, updated_at=now)
                    session.add(case)
                elif case.person_key != person_key:
                    log.warning("case %s belongs to another person; not updated", pc.case_no)
                    continue
                elif (case.status, case.reason_code, self._reason(case)) == (status.value, pc.reason_code, pc.reason):
                    continue
                case.status = status.value
                case.reason_code = pc.reason_code
                self._set_reason(session, case, pc.reason)
                case.updated_at = now
                changed += 1
        return changed

    def mark_withdrawn(self, case_no: str) -> CaseView:
        """Record a withdrawal the platform confirmed (only while 未审核)."""
        with write_session(self._engine) as session:
            case = session.execute(select(LocalCase).where(LocalCase.case_no == case_no)).scalar_one_or_none()
            if case is None:
                raise UnknownSubmission(case_no)
            if case.status != CaseStatus.PENDING.value:
                raise WithdrawNotAllowed(f"{case_no}: {case.status}")
            case.status = CaseStatus.WITHDRAWN.value
            case.updated_at = self._clock()
            state = None
            if case.key:
                state = session.execute(select(OutboxRow.state).where(OutboxRow.key == case.key)).scalar_one()
            return self._view(case, state)

    def purge(self, older_than_days: int) -> int:
        """Delete cases untouched for N days whose submission is finished (or that only the platform knows).

        The same schedule as Outbox.purge: the platform keeps the case; a resident who logs in again sees
        it fetched afresh. Returns the number deleted.
        """
        cutoff = self._clock() - timedelta(days=older_than_days)
        finished = select(OutboxRow.key).where(OutboxRow.state.in_([s.value for s in FINAL_STATES]))
        with write_session(self._engine) as session:
            result = session.execute(
                delete(LocalCase)
                .where(LocalCase.updated_at <= cutoff, or_(LocalCase.key.is_(None), LocalCase.key.in_(finished)))
                .execution_options(synchronize_session=False)
            )
            purged = int(result.rowcount)  # type: ignore[attr-defined]
        if purged:
            log.info("purged %d local case(s) older than %d days", purged, older_than_days)
        return purged
