"""The outbox payload format: what a retry resends is byte-for-byte what was stored at submit time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.sync import OutboxPayloadInvalid, make_outbox_payload, queue_submission, to_submission
from offline_cache import CaseStatus, Database, OutboxItem
from tests.unit.sync.fakes import LI, FakeClock


def test_payload_keeps_person_body_and_local_submission_time(clock: FakeClock) -> None:
    p = make_outbox_payload("job_seeker_registration", {"id_number": " 14022219750315002X ", "name": " 李建军 "},
                            {"job_type": "fixed"}, clock())
    assert p["submitted_at"] == "2025-06-01T10:00:00+08:00"  # 02:00 UTC is 10:00 at the kiosk
    assert p["person"] == {"id_number": "14022219750315002X", "name": "李建军"}
    assert p["payload"] == {"job_type": "fixed"} and p["kind"] == "job_seeker_registration"


def test_naive_time_and_missing_person_are_refused(clock: FakeClock) -> None:
    with pytest.raises(ValueError):
        make_outbox_payload("k", {"id_number": LI[0], "name": LI[1]}, {}, datetime(2025, 1, 1))
    with pytest.raises(ValueError):
        make_outbox_payload("k", {"id_number": "", "name": LI[1]}, {}, clock())


def test_queued_submission_resends_identical_body_later(db: Database, clock: FakeClock) -> None:
    item = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"}, clock)
    first = to_submission(db.outbox.next_batch()[0]).to_json()
    clock.advance(hours=5)  # a retry hours later still carries the original submitted_at
    again = to_submission(db.outbox.next_batch()[0]).to_json()
    assert first == again
    assert first["idempotency_key"] == item.key and first["submitted_at"] == "2025-06-01T10:00:00+08:00"
    assert first["person"] == {"id_number": LI[0], "name": LI[1]}


def test_queued_submission_shows_in_my_cases_as_awaiting_upload(db: Database, clock: FakeClock) -> None:
    queue_submission(db, "job_seeker_registration", "求职登记", LI[0].lower(), LI[1], {"job_type": "fixed"}, clock)
    [case] = db.cases.list_for_person(db.person_key(LI[0]))
    assert case.status is CaseStatus.AWAITING_UPLOAD and case.title == "求职登记"


def _item(payload: object, kind: str = "job_seeker_registration") -> OutboxItem:
    from offline_cache import OutboxState

    now = datetime(2025, 1, 1) + timedelta()
    return OutboxItem("k" * 12, kind, OutboxState.QUEUED, now, now, now, 0, 0, None, None, None, None, None, None,
                      payload)  # type: ignore[arg-type]


@pytest.mark.parametrize("payload", [
    None,
    {"format": 99},
    {"format": 1, "kind": "job_seeker_registration", "person": "x", "payload": {}, "submitted_at": "t"},
    {"format": 1, "kind": "other_kind", "person": {"id_number": "1", "name": "n"}, "payload": {}, "submitted_at": "t"},
])
def test_malformed_payloads_are_a_typed_error_without_personal_data(payload: object) -> None:
    with pytest.raises(OutboxPayloadInvalid) as info:
        to_submission(_item(payload))
    assert LI[0] not in str(info.value)
