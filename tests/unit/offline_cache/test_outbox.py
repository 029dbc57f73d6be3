"""The outbox: one transaction with the case, encryption at rest, order, retries, recovery, purge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from offline_cache import CaseStatus, Database, IllegalTransition, OutboxState, UnknownSubmission
from tests.unit.offline_cache.conftest import FakeClock

ID_NUMBER = "430124199001011236"


def submit(db: Database, name: str = "李四") -> str:
    person = db.person_key(ID_NUMBER)
    return db.outbox.submit("job_seeker_registration", "固定工求职登记", person,
                            {"id_number": ID_NUMBER, "name": name, "phone": "13800000000"}).key


def test_submission_and_its_case_are_written_together_and_show_as_awaiting_upload(db: Database) -> None:
    key = submit(db)
    cases = db.cases.list_for_person(db.person_key(ID_NUMBER))
    assert [(c.key, c.status, c.status_label) for c in cases] == [(key, CaseStatus.AWAITING_UPLOAD, "待上传")]
    assert db.outbox.get(key).state is OutboxState.QUEUED


def test_personal_data_is_not_readable_in_the_database_file(db: Database) -> None:
    submit(db, name="王小明")
    db.close()
    raw = b"".join(p.read_bytes() for p in db.path.parent.glob("kiosk.sqlite*"))
    assert ID_NUMBER.encode() not in raw
    assert "王小明".encode() not in raw and b"13800000000" not in raw


def test_next_batch_is_oldest_first_and_respects_next_attempt_at(db: Database, clock: FakeClock) -> None:
    first = submit(db)
    clock.advance(seconds=1)
    second = submit(db)
    clock.advance(seconds=1)
    third = submit(db)
    assert [i.key for i in db.outbox.next_batch()] == [first, second, third]
    assert db.outbox.next_batch()[0].payload["id_number"] == ID_NUMBER
    db.outbox.mark_sending(first)
    db.outbox.mark_retry(first, clock.now + timedelta(minutes=5), "timeout")
    assert [i.key for i in db.outbox.next_batch(limit=2)] == [second, third]
    clock.advance(minutes=5)
    assert [i.key for i in db.outbox.next_batch()] == [first, second, third]


def test_accepted_submission_gets_case_number_and_becomes_pending(db: Database) -> None:
    key = submit(db)
    db.outbox.mark_sending(key)
    item = db.outbox.mark_accepted(key, "C2025-0001")
    assert (item.state, item.case_no, item.attempts) == (OutboxState.ACCEPTED, "C2025-0001", 1)
    case = db.cases.list_for_person(db.person_key(ID_NUMBER))[0]
    assert (case.status, case.case_no, case.can_withdraw) == (CaseStatus.PENDING, "C2025-0001", True)
    assert db.outbox.next_batch() == []


def test_rejection_reason_reaches_my_cases(db: Database) -> None:
    key = submit(db)
    db.outbox.mark_sending(key)
    db.outbox.mark_rejected(key, "AGE_LIMIT", "年龄超过法定退休年龄，不能办理失业登记")
    case = db.cases.list_for_person(db.person_key(ID_NUMBER))[0]
    assert (case.status_label, case.reason_code, case.reason) == (
        "审核不通过", "AGE_LIMIT", "年龄超过法定退休年龄，不能办理失业登记")


def test_illegal_transition_is_a_typed_error_and_changes_nothing(db: Database) -> None:
    key = submit(db)
    with pytest.raises(IllegalTransition) as err:
        db.outbox.mark_accepted(key, "C1")  # never sent
    assert (err.value.from_state, err.value.to_state) == ("queued", "accepted")
    assert err.value.message == "办件状态不允许这样操作。"
    assert db.outbox.get(key).state is OutboxState.QUEUED
    with pytest.raises(UnknownSubmission):
        db.outbox.mark_sending("no-such-key")


def test_repeated_permanent_failures_need_attention_and_a_technician_can_requeue(db: Database, clock: FakeClock) -> None:
    key = submit(db)
    for _ in range(2):
        db.outbox.mark_sending(key)
        assert db.outbox.mark_retry(key, clock.now, "HTTP 422", permanent=True).state is OutboxState.QUEUED
    db.outbox.mark_sending(key)
    item = db.outbox.mark_retry(key, clock.now, "HTTP 422", permanent=True)
    assert (item.state, item.permanent_failures, item.last_error) == (OutboxState.NEEDS_ATTENTION, 3, "HTTP 422")
    assert db.outbox.next_batch() == []
    assert db.cases.list_for_person(db.person_key(ID_NUMBER))[0].status is CaseStatus.AWAITING_UPLOAD
    assert db.outbox.requeue(key).state is OutboxState.QUEUED
    assert [i.key for i in db.outbox.next_batch()] == [key]


def test_items_left_sending_by_a_crash_return_to_the_queue(db: Database) -> None:
    a, b = submit(db), submit(db)
    db.outbox.mark_sending(a)
    assert db.outbox.next_batch() and [i.key for i in db.outbox.next_batch()] == [b]
    assert db.outbox.recover_in_flight() == 1
    assert [i.key for i in db.outbox.next_batch()] == [a, b]
    assert db.outbox.recover_in_flight() == 0


def test_withdraw_before_upload(db: Database) -> None:
    key = submit(db)
    db.outbox.withdraw(key)
    case = db.cases.list_for_person(db.person_key(ID_NUMBER))[0]
    assert (case.status_label, case.can_withdraw) == ("已撤回", False)
    assert db.outbox.next_batch() == []


def test_purge_drops_payloads_after_n_days_and_keeps_a_non_personal_audit_row(db: Database, clock: FakeClock) -> None:
    key, waiting = submit(db), submit(db)
    db.outbox.mark_sending(key)
    db.outbox.mark_accepted(key, "C9")
    clock.advance(days=29)
    assert db.outbox.purge(older_than_days=30) == 0
    clock.advance(days=2)
    assert db.outbox.purge(older_than_days=30) == 1
    audit = db.outbox.get(key, with_payload=True)
    assert (audit.kind, audit.key, audit.case_no, audit.state) == ("job_seeker_registration", key, "C9",
                                                                   OutboxState.ACCEPTED)
    assert audit.payload is None and audit.purged_at == clock.now and audit.finished_at is not None
    assert db.outbox.get(waiting, with_payload=True).payload["name"] == "李四"  # queued items are never purged
    raw = db.engine.raw_connection().execute("SELECT payload FROM outbox WHERE key = ?", (key,)).fetchone()
    assert raw == (None,)


def test_counts_per_state(db: Database) -> None:
    a, _ = submit(db), submit(db)
    db.outbox.mark_sending(a)
    counts = db.outbox.counts()
    assert counts[OutboxState.QUEUED] == 1 and counts[OutboxState.SENDING] == 1 and counts[OutboxState.ACCEPTED] == 0


def test_outbox_item_repr_hides_the_payload(db: Database) -> None:
    item = db.outbox.next_batch() or [db.outbox.get(submit(db), with_payload=True)]
    assert ID_NUMBER not in repr(item[0])
