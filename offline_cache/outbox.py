"""The outbox: submissions written with their local case in one transaction, encrypted, sent oldest-first."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, object_session

from offline_cache.clock import Clock, local_month, system_clock
from offline_cache.errors import PayloadUnreadable, UnknownSubmission
from offline_cache.keys import KeyRing, reason_ad, reject_ad
from offline_cache.models import LocalCase, OutboxRow
from offline_cache.states import FINAL_STATES, CaseStatus, OutboxState, check_transition
from offline_cache.uow import reading, write_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxItem:
    """A submission as the sync worker sees it. `payload` holds personal data: it is left out of repr."""

    key: str
    kind: str
    state: OutboxState
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime
    attempts: int
    permanent_failures: int
    last_error: str | None
    case_no: str | None
    reject_code: str | None
    reject_message: str | None
    finished_at: datetime | None
    purged_at: datetime | None
    payload: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class AttentionItem:
    """A submission waiting for a technician, as the maintenance screens list it (no payload)."""

    key: str
    kind: str
    attempts: int
    last_error: str | None
    since: datetime | None


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)


def _item(row: OutboxRow, payload: Mapping[str, Any] | None = None, reject_message: str | None = None) -> OutboxItem:
    return OutboxItem(
        row.key, row.kind, OutboxState(row.state), row.created_at, row.updated_at, row.next_attempt_at,
        row.attempts, row.permanent_failures, row.last_error, row.case_no, row.reject_code, reject_message,
        row.finished_at, row.purged_at, payload,
    )


def _key(item: OutboxItem | str) -> str:
    return item if isinstance(item, str) else item.key


MAX_PERMANENT_FAILURES = 5  # a submission the platform keeps refusing this often needs attention


def new_idempotency_key() -> str:
    """A fresh client-generated idempotency key for a submission."""
    return str(uuid.uuid4())


class Outbox:
    """Durable queue of submissions. Every method is one transaction; transitions follow states.TRANSITIONS.

    Error texts passed in (`error`) end up in the audit row: never put personal data in them. Payloads and
    the platform's rejection messages are stored encrypted with the key ring's current key.
    """

    def __init__(
        self,
        engine: Engine,
        keys: KeyRing,
        *,
        clock: Clock = system_clock,
        new_key: Callable[[], str] = new_idempotency_key,
        max_permanent_failures: int = MAX_PERMANENT_FAILURES,
    ) -> None:
        self._engine = engine
        self._keys = keys
        self._clock = clock
        self._new_key = new_key
        self.max_permanent_failures = max_permanent_failures

    # -- writing a submission ---------------------------------------------------------------------
    def submit(self, kind: str, title: str, person_key: str, payload: Mapping[str, Any]) -> OutboxItem:
        """Queue a submission and create its 我的办件 case (待上传) in the same transaction."""
        now = self._clock()
        key = self._new_key()
        with write_session(self._engine) as session:
            blob, version = self._keys.seal(session.connection(), payload, key)
            row = OutboxRow(
                key=key, kind=kind, state=OutboxState.QUEUED.value, payload=blob, key_version=version,
                created_at=now, updated_at=now, next_attempt_at=now, attempts=0, permanent_failures=0,
            )
            case = LocalCase(
                key=key, person_key=person_key, kind=kind, title=title, submitted_at=now, month=local_month(now),
                status=CaseStatus.PENDING.value, updated_at=now,
            )
            session.add(row)
            session.flush()  # the case's foreign key needs the outbox row first
            session.add(case)
        log.info("submission queued: kind=%s key=%s", kind, key)
        return _item(row, dict(payload))

    # -- reading ----------------------------------------------------------------------------------
    def get(self, item: OutboxItem | str, *, with_payload: bool = False) -> OutboxItem:
        """The current state of one submission (payload decrypted on request, None once purged)."""
        key = _key(item)
        with reading(self._engine) as conn, Session(bind=conn) as session:
            row = session.execute(select(OutboxRow).where(OutboxRow.key == key)).scalar_one_or_none()
            if row is None:
                raise UnknownSubmission(key)
            payload = self._keys.open(row.payload, key, row.key_version) if with_payload and row.payload else None
            return _item(row, payload, self._reject_message(row))

    def next_batch(self, limit: int = 10) -> list[OutboxItem]:
        """Queued items due now (next_attempt_at ≤ now), oldest first, payloads decrypted.

        Reading does not claim: call mark_sending(item) before sending each one. An item whose payload
        cannot be decrypted is moved to needs-attention instead of being returned.
        """
        now = self._clock()
        with reading(self._engine) as conn, Session(bind=conn) as session:
            rows = session.execute(
                select(OutboxRow)
                .where(OutboxRow.state == OutboxState.QUEUED.value, OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.created_at, OutboxRow.pk)
                .limit(limit)
            ).scalars().all()
        batch, unreadable = [], []
        for row in rows:
            try:
                batch.append(_item(row, self._keys.open(row.payload or b"", row.key, row.key_version)))
            except PayloadUnreadable as exc:
                log.error("outbox item %s unreadable: %s", row.key, exc.detail)
                unreadable.append(row.key)
        for key in unreadable:
            self.mark_needs_attention(key, "payload unreadable (key file changed?)")
        return batch

    def counts(self) -> dict[OutboxState, int]:
        """Items per state (queue depth for the heartbeat and `kiosk sync status`)."""
        with reading(self._engine) as conn:
            rows = conn.exec_driver_sql("SELECT state, count(*) FROM outbox GROUP BY state").all()
        counts = dict.fromkeys(OutboxState, 0)
        counts.update({OutboxState(s): n for s, n in rows})
        return counts

    def oldest_queued_at(self) -> datetime | None:
        """When the oldest item still waiting to be sent was written (None: nothing queued)."""
        with reading(self._engine) as conn:
            oldest = conn.execute(
                select(func.min(OutboxRow.created_at)).where(OutboxRow.state == OutboxState.QUEUED.value)).scalar()
        if isinstance(oldest, str):  # a raw aggregate bypasses the column type
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return oldest

    def needing_attention(self, limit: int | None = 50, *, error_contains: str | None = None) -> list[AttentionItem]:
        """Items waiting for a technician, longest-waiting first (no payload, no personal data).

        `limit` None lists them all; `error_contains` keeps only the items whose last error holds that text (e.g. one refusal code).
        """
        where = [OutboxRow.state == OutboxState.NEEDS_ATTENTION.value]
        if error_contains is not None:
            where.append(OutboxRow.last_error.contains(error_contains, autoescape=True))
        query = (select(OutboxRow.key, OutboxRow.kind, OutboxRow.attempts, OutboxRow.last_error, OutboxRow.updated_at)
                 .where(*where).order_by(OutboxRow.updated_at, OutboxRow.pk))
        with reading(self._engine) as conn:
            rows = conn.execute(query if limit is None else query.limit(limit)).all()
        return [AttentionItem(r.key, r.kind, r.attempts, r.last_error, _aware(r.updated_at)) for r in rows]

    def _reject_message(self, row: OutboxRow) -> str | None:
        """The platform's rejection message (sealed; plain only in rows an older release wrote)."""
        if row.reject_sealed is None:
            return row.reject_message
        return self._keys.open_text(row.reject_sealed, reject_ad(row.key), row.key_version)

    # -- transitions ------------------------------------------------------------------------------
    def _transition(self, item: OutboxItem | str, target: OutboxState | Callable[[OutboxRow], OutboxState],
                    change: Callable[[OutboxRow, LocalCase | None, datetime], None] | None = None) -> OutboxItem:
        key = _key(item)
        now = self._clock()
        with write_session(self._engine) as session:
            row = session.execute(select(OutboxRow).where(OutboxRow.key == key)).scalar_one_or_none()
            if row is None:
                raise UnknownSubmission(key)
            if not isinstance(target, OutboxState):
                target = target(row)
            check_transition(key, row.state, target)
            previous = row.state
            row.state = target.value
            row.updated_at = now
            if target in FINAL_STATES:
                row.finished_at = now
            if change is not None:
                case = session.execute(select(LocalCase).where(LocalCase.key == key)).scalar_one_or_none()
                change(row, case, now)
            result = _item(row, None, self._reject_message(row))
        log.info("outbox %s: %s -> %s", key, previous, target.value)
        return result

    def mark_sending(self, item: OutboxItem | str) -> OutboxItem:
        """queued → sending, just before the worker sends it."""
        def change(row: OutboxRow, _case: LocalCase | None, _now: datetime) -> None:
            row.attempts += 1
        return self._transition(item, OutboxState.SENDING, change)

    def mark_accepted(self, item: OutboxItem | str, case_no: str) -> OutboxItem:
        """sending → accepted with the platform's case number (the case becomes 未审核)."""
        def change(row: OutboxRow, case: LocalCase | None, now: datetime) -> None:
            row.case_no = case_no
            row.last_error = None
            if case is not None:
                case.case_no = case_no
                case.updated_at = now
        return self._transition(item, OutboxState.ACCEPTED, change)

    def mark_rejected(self, item: OutboxItem | str, code: str, message: str) -> OutboxItem:
        """sending → rejected; the code and message show in 我的办件 as 审核不通过."""
        def change(row: OutboxRow, case: LocalCase | None, now: datetime) -> None:
            session = object_session(row)
            assert session is not None
            conn = session.connection()
            row.reject_code, row.reject_message = code, None  # the message can name the person: sealed only
            row.reject_sealed, row.key_version = self._keys.seal_text(conn, message, reject_ad(row.key),
                                                                      row.key_version or (1 if row.payload else None))
            if case is not None:
                case.status = CaseStatus.REJECTED.value
                case.reason_code, case.reason = code, None
                case.reason_sealed, case.key_version = self._keys.seal_text(conn, message,
                                                                            reason_ad(case.key, case.case_no))
                case.updated_at = now
        return self._transition(item, OutboxState.REJECTED, change)

    def mark_retry(self, item: OutboxItem | str, next_attempt_at: datetime, error: str, *,
                   permanent: bool = False) -> OutboxItem:
        """sending → queued until `next_attempt_at` (backoff is the caller's); after
        `max_permanent_failures` permanent failures → needs attention instead."""
        def target(row: OutboxRow) -> OutboxState:
            gives_up = permanent and row.permanent_failures + 1 >= self.max_permanent_failures
            return OutboxState.NEEDS_ATTENTION if gives_up else OutboxState.QUEUED

        def change(row: OutboxRow, _case: LocalCase | None, _now: datetime) -> None:
            row.next_attempt_at = next_attempt_at
            row.last_error = error
            if permanent:
                row.permanent_failures += 1
        return self._transition(item, target, change)

    def mark_needs_attention(self, item: OutboxItem | str, error: str) -> OutboxItem:
        """→ needs attention (a conflict, or something only a technician can fix)."""
        def change(row: OutboxRow, _case: LocalCase | None, _now: datetime) -> None:
            row.last_error = error
        return self._transition(item, OutboxState.NEEDS_ATTENTION, change)

    def requeue(self, item: OutboxItem | str) -> OutboxItem:
        """needs attention → queued, due now, failure count cleared (a technician's action)."""
        def change(row: OutboxRow, _case: LocalCase | None, now: datetime) -> None:
            row.next_attempt_at = now
            row.permanent_failures = 0
        return self._transition(item, OutboxState.QUEUED, change)

    def withdraw(self, item: OutboxItem | str) -> OutboxItem:
        """The resident withdraws a submission not yet uploaded: → withdrawn, case 已撤回."""
        def change(_row: OutboxRow, case: LocalCase | None, now: datetime) -> None:
            if case is not None:
                case.status = CaseStatus.WITHDRAWN.value
                case.updated_at = now
        return self._transition(item, OutboxState.WITHDRAWN, change)

    # -- maintenance ------------------------------------------------------------------------------
    def make_due_now(self) -> int:
        """Every queued item is due now (a technician's 立即重试): the backoff wait is dropped, the state stays."""
        now = self._clock()
        with write_session(self._engine) as session:
            result = session.execute(
                update(OutboxRow).where(OutboxRow.state == OutboxState.QUEUED.value).values(next_attempt_at=now))
            due = int(result.rowcount)  # type: ignore[attr-defined]
        log.info("%d queued submission(s) made due now", due)
        return due

    def recover_in_flight(self) -> int:
        """At start-up: items left in `sending` by a crash go back to the queue, due now."""
        now = self._clock()
        with write_session(self._engine) as session:
            keys = session.execute(
                select(OutboxRow.key).where(OutboxRow.state == OutboxState.SENDING.value)
            ).scalars().all()
            for key in keys:
                check_transition(key, OutboxState.SENDING, OutboxState.QUEUED)
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.state == OutboxState.SENDING.value)
                .values(state=OutboxState.QUEUED.value, next_attempt_at=now, updated_at=now)
            )
        if keys:
            log.warning("recovered %d submission(s) left in sending: %s", len(keys), ", ".join(keys))
        return len(keys)

    def purge(self, older_than_days: int) -> int:
        """Drop payloads (and free-text errors) of finished items older than N days; the audit row stays."""
        now = self._clock()
        cutoff = now - timedelta(days=older_than_days)
        with write_session(self._engine) as session:
            result = session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.state.in_([s.value for s in FINAL_STATES]),
                    OutboxRow.finished_at <= cutoff,
                    OutboxRow.purged_at.is_(None),
                )
                .values(payload=None, last_error=None, reject_message=None, reject_sealed=None, purged_at=now)
            )
            purged = result.rowcount  # type: ignore[attr-defined]
        if purged:
            log.info("purged payloads of %d finished submission(s)", purged)
        return int(purged)
