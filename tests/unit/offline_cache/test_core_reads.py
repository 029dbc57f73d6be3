"""What offline_cache offers the core so that no SQL or ORM row is touched outside it: region lists by name,
distinct values of a feed's column, the outbox items waiting for a technician, 立即重试."""

from __future__ import annotations

from datetime import timedelta

import pytest

from offline_cache import AttentionItem, Database, OutboxState
from tests.unit.offline_cache.conftest import job

REGIONS = [
    {"id": "r1", "version": 1, "deleted": False, "code": "430182", "name": "宁乡市", "level": "county"},
    {"id": "r2", "version": 1, "deleted": False, "code": "430182102", "name": "夏铎铺镇", "level": "town",
     "parent_code": "430182"},
    {"id": "r3", "version": 1, "deleted": False, "code": "430182101", "name": "城郊镇", "level": "town",
     "parent_code": "430182"},
    {"id": "r4", "version": 1, "deleted": False, "code": "430181101", "name": "集里街道", "level": "town",
     "parent_code": "430181"},
    {"id": "r5", "version": 1, "deleted": False, "code": "430182101201", "name": "石门村", "level": "village",
     "parent_code": "430182101"},
]


def test_the_towns_of_a_county_are_found_by_its_name(db: Database) -> None:
    db.feeds.apply_feed_page("regions", REGIONS, None)
    assert db.codes.code_by_name("regions", "county", "宁乡市") == "430182"
    assert db.codes.code_by_name("regions", "county", "浏阳市") is None
    assert [r["name"] for r in db.codes.towns_of_county("宁乡市")] == ["城郊镇", "夏铎铺镇"]
    # a county the table does not know: every cached town, by code
    assert [r["code"] for r in db.codes.towns_of_county("浏阳市")] == ["430181101", "430182101", "430182102"]


def test_distinct_values_of_a_column_sorted_without_empties(db: Database) -> None:
    db.feeds.apply_feed_page("fixed_jobs", [job("j1", town="城郊镇"), job("j2", town="夏铎铺镇"),
                                            job("j3", town="城郊镇"), job("j4", town="")], None)
    assert db.search.distinct_values("fixed_jobs", "town") == sorted({"城郊镇", "夏铎铺镇"})
    assert db.search.distinct_values("fixed_jobs", "town", employer="湘江食品厂") == sorted({"城郊镇", "夏铎铺镇"})
    assert db.search.distinct_values("fixed_jobs", "town", employer="别家") == []
    with pytest.raises(ValueError):
        db.search.distinct_values("fixed_jobs", "town; DROP TABLE outbox")


def test_items_waiting_for_a_technician_are_listed_without_payload(db: Database, clock) -> None:  # noqa: ANN001
    first = db.outbox.submit("job_seeker_registration", "求职登记", "p1", {"id_number": "430124199001011234"})
    clock.advance(minutes=1)
    second = db.outbox.submit("job_seeker_registration", "求职登记", "p2", {"id_number": "430124199202025678"})
    db.outbox.mark_needs_attention(db.outbox.mark_sending(first), "conflict (IDEMPOTENCY_CONFLICT)")
    clock.advance(minutes=1)
    db.outbox.mark_needs_attention(db.outbox.mark_sending(second), "refused (STALE_TIMESTAMP)")
    listed = db.outbox.needing_attention()
    assert [a.key for a in listed] == [first.key, second.key]  # the longest waiting first
    assert all(isinstance(a, AttentionItem) and a.attempts == 1 and a.since and a.since.tzinfo for a in listed)
    assert [a.key for a in db.outbox.needing_attention(1)] == [first.key]
    assert [a.key for a in db.outbox.needing_attention(None, error_contains="(STALE_TIMESTAMP)")] == [second.key]
    assert "430124" not in repr(listed)


def test_the_oldest_queued_item_and_retry_now_keep_the_state(db: Database, clock) -> None:  # noqa: ANN001
    assert db.outbox.oldest_queued_at() is None
    item = db.outbox.submit("job_seeker_registration", "求职登记", "p1", {"a": 1})
    later = clock() + timedelta(hours=1)
    db.outbox.mark_retry(db.outbox.mark_sending(item), later, "timeout")
    assert db.outbox.oldest_queued_at() == item.created_at
    assert db.outbox.next_batch() == []  # waiting for its backoff
    assert db.outbox.make_due_now() == 1
    after = db.outbox.get(item)
    assert after.state is OutboxState.QUEUED and after.next_attempt_at <= clock()
    assert [b.key for b in db.outbox.next_batch()] == [item.key]
