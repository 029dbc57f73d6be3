"""The persisted sync state file and the platform → 我的办件 status mapping."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.platform import Case
from kiosk.sync import PLATFORM_STATUS, SyncStateFile, apply_cases, case_status, queue_submission
from offline_cache import CaseStatus
from tests.unit.sync.fakes import LI


def test_state_file_round_trips_and_survives_garbage(tmp_path) -> None:
    f = SyncStateFile(tmp_path / "s.json")
    assert f.load().last_heartbeat_at is None
    t = datetime(2025, 6, 1, 2, tzinfo=UTC)
    f.update(last_heartbeat_at=t, clock_offset_s=1.5, network="online")
    f.update(last_error="NETWORK")
    loaded = f.load()
    assert (loaded.last_heartbeat_at, loaded.clock_offset_s, loaded.network, loaded.last_error) == (
        t, 1.5, "online", "NETWORK")
    (tmp_path / "s.json").write_text("{not json")
    assert f.load().clock_offset_s is None
    assert not list(tmp_path.glob(".sync_state.*"))  # no temp files left behind


def test_every_platform_status_maps_to_a_local_one() -> None:
    assert {s.value for s in PLATFORM_STATUS.values()} == {"pending", "approved", "rejected", "withdrawn"}
    assert case_status("APPROVED") is CaseStatus.APPROVED and case_status("LOST") is None


def test_platform_review_reaches_my_cases(db, platform, clock, tmp_path) -> None:
    from tests.unit.sync.fakes import make_worker

    a = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"}, clock)
    b = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "gig"}, clock)
    make_worker(db, platform, clock, tmp_path).run_once()
    ca, cb = db.outbox.get(a).case_no, db.outbox.get(b).case_no
    cases = [Case(ca, "job_seeker_registration", "APPROVED", "2025-06-01T10:00:00+08:00", "t"),
             Case(cb, "job_seeker_registration", "REJECTED", "2025-06-01T10:00:00+08:00", "t", reason="材料不全"),
             Case("X1", "job_seeker_registration", "MYSTERY", "2025-06-01T10:00:00+08:00", "t")]
    assert apply_cases(db, db.person_key(LI[0]), cases) == 2
    views = {v.case_no: v for v in db.cases.list_for_person(db.person_key(LI[0]))}
    assert views[ca].status_label == "审核通过"
    assert views[cb].status_label == "审核不通过" and views[cb].reason == "材料不全"
