"""我的办件: a person's cases by month, platform status updates, withdrawals, other people's cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from offline_cache import CaseStatus, Database, PlatformCase, WithdrawNotAllowed
from tests.unit.offline_cache.conftest import FakeClock


def test_cases_by_month_newest_first_with_platform_statuses(db: Database, clock: FakeClock) -> None:
    me, other = db.person_key("430124199001011236"), db.person_key("430124199202022345")
    may = db.outbox.submit("unemployment_registration", "失业登记", me, {"x": 1}).key
    clock.advance(days=31)  # into July (local time)
    july = db.outbox.submit("job_seeker_registration", "求职登记", me, {"x": 2}).key
    db.outbox.submit("job_seeker_registration", "求职登记", other, {"x": 3})
    for key, no in ((may, "C1"), (july, "C2")):
        db.outbox.mark_sending(key)
        db.outbox.mark_accepted(key, no)
    changed = db.cases.apply_platform_cases(me, [
        PlatformCase("C1", "rejected", reason_code="R7", reason="请到柜面复核"),
        PlatformCase("C2", "approved"),
        PlatformCase("C3", "pending", kind="employment_registration", title="就业登记",
                     submitted_at=datetime(2025, 7, 1, 1, tzinfo=UTC)),
        PlatformCase("C4", "lost-in-space"),
    ])
    assert changed == 3
    cases = db.cases.list_for_person(me)
    assert [(c.case_no, c.status_label) for c in cases] == [("C2", "审核通过"), ("C3", "未审核"), ("C1", "审核不通过")]
    assert cases[2].reason == "请到柜面复核"
    assert [c.case_no for c in db.cases.list_for_person(me, month="2025-06")] == ["C1"]
    assert [c.case_no for c in db.cases.list_for_person(me, status=CaseStatus.PENDING)] == ["C3"]
    assert len(db.cases.list_for_person(other)) == 1
    assert db.cases.apply_platform_cases(me, [PlatformCase("C2", "approved")]) == 0


def test_withdraw_only_while_pending(db: Database) -> None:
    me = db.person_key("430124199001011236")
    key = db.outbox.submit("job_seeker_registration", "求职登记", me, {}).key
    db.outbox.mark_sending(key)
    db.outbox.mark_accepted(key, "C1")
    assert db.cases.mark_withdrawn("C1").status is CaseStatus.WITHDRAWN
    with pytest.raises(WithdrawNotAllowed) as err:
        db.cases.mark_withdrawn("C1")
    assert "未审核" in err.value.message


def test_month_follows_local_time_not_utc(db: Database, clock: FakeClock) -> None:
    clock.now = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)  # 1 July 01:00 at the kiosk
    me = db.person_key("430124199001011236")
    db.outbox.submit("k", "求职登记", me, {})
    assert db.cases.list_for_person(me)[0].month == "2025-07"
