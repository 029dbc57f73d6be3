"""Feed ingest: versions, tombstones, bad pages, cursors, reset and status."""

from __future__ import annotations

import pytest

from offline_cache import Database, FeedItemInvalid, UnknownFeed
from tests.unit.offline_cache.conftest import job


def test_newer_versions_replace_older_ones_never_the_reverse(db: Database) -> None:
    db.feeds.apply_feed_page("fixed_jobs", [job("a", 2, title="急招电工")], "c1")
    result = db.feeds.apply_feed_page("fixed_jobs", [job("a", 1, title="旧标题"), job("b", 1)], "c2")
    assert (result.upserted, result.skipped) == (1, 1)
    assert db.feeds.get("fixed_jobs", "a")["title"] == "急招电工"
    db.feeds.apply_feed_page("fixed_jobs", [job("a", 3, title="急招焊工")], "c3")
    assert db.feeds.get("fixed_jobs", "a")["title"] == "急招焊工"
    assert db.feeds.cursor("fixed_jobs") == "c3"


def test_tombstone_removes_the_item_and_its_data_and_an_older_upsert_cannot_revive_it(db: Database) -> None:
    db.feeds.apply_feed_page("gig_seekers", [{"id": "s1", "version": 1, "deleted": False, "name_masked": "张*",
                                              "skill_codes": ["0302"], "skill_names": ["电工"]}], None)
    result = db.feeds.apply_feed_page("gig_seekers", [{"id": "s1", "version": 2, "deleted": True}], None)
    assert result.deleted == 1
    assert db.feeds.get("gig_seekers", "s1") is None
    db.feeds.apply_feed_page("gig_seekers", [{"id": "s1", "version": 1, "deleted": False, "name_masked": "张*"}], None)
    assert db.feeds.get("gig_seekers", "s1") is None
    row = db.engine.raw_connection().execute("SELECT name_masked, deleted FROM feed_gig_seekers").fetchall()
    assert row == [(None, 1)]  # an unpublished seeker leaves no data behind


def test_list_and_bool_fields_round_trip(db: Database) -> None:
    db.feeds.apply_feed_page("gig_seekers", [{"id": "s1", "version": 1, "deleted": False,
                                              "skill_codes": ["0301", "0302"], "skill_names": ["焊工", "电工"]}], None)
    assert db.feeds.get("gig_seekers", "s1")["skill_names"] == ["焊工", "电工"]


def test_a_malformed_item_refuses_the_whole_page_and_keeps_the_cursor(db: Database) -> None:
    db.feeds.apply_feed_page("fixed_jobs", [job("a")], "c1")
    with pytest.raises(FeedItemInvalid) as err:
        db.feeds.apply_feed_page("fixed_jobs", [job("b"), job("c", salary_min={"x": 1})], "c2")
    assert "稍后" in err.value.message
    with pytest.raises(FeedItemInvalid):
        db.feeds.apply_feed_page("fixed_jobs", [{"version": 1}], "c2")
    assert db.feeds.get("fixed_jobs", "b") is None
    assert db.feeds.cursor("fixed_jobs") == "c1"


def test_reset_forgets_rows_and_cursor_and_status_reports_counts(db: Database, clock: object) -> None:
    db.feeds.apply_feed_page("fixed_jobs", [job("a"), job("b"), {"id": "c", "version": 1, "deleted": True}], "c9")
    status = {s.feed: s for s in db.feeds.status()}
    assert status["fixed_jobs"].row_count == 2
    assert status["fixed_jobs"].cursor == "c9"
    assert status["fixed_jobs"].last_pull_at == clock.now
    assert status["policies"].row_count == 0 and status["policies"].last_pull_at is None
    assert db.feeds.reset_feed("fixed_jobs") == 3
    status = {s.feed: s for s in db.feeds.status()}
    assert (status["fixed_jobs"].row_count, status["fixed_jobs"].cursor) == (0, None)
    assert status["fixed_jobs"].reset_at == clock.now
    db.feeds.apply_feed_page("fixed_jobs", [job("a", title="保洁员")], "c1")
    from offline_cache import SearchQuery
    assert db.search.search("fixed_jobs", SearchQuery(text="保洁")).total == 1


def test_unknown_feed_is_a_typed_error(db: Database) -> None:
    with pytest.raises(UnknownFeed):
        db.feeds.apply_feed_page("pensions", [], None)


def test_code_tables(db: Database) -> None:
    from offline_cache import sample
    db.feeds.apply_feed_page("job_categories", sample.categories(), None)
    db.feeds.apply_feed_page("regions", [
        {"id": "r1", "version": 1, "deleted": False, "code": "430182", "name": "宁乡市", "level": "county"},
        {"id": "r2", "version": 1, "deleted": False, "code": "430182101", "name": "城郊镇", "level": "town",
         "parent_code": "430182"},
        {"id": "r3", "version": 1, "deleted": False, "code": "430182101201", "name": "石门村", "level": "village",
         "parent_code": "430182101", "lat": 28.2, "lon": 112.5},
    ], None)
    assert [r["name"] for r in db.codes.children("regions", "430182101")] == ["石门村"]
    assert [r["name"] for r in db.codes.children("regions", None)] == ["宁乡市"]
    assert db.codes.lookup("job_categories", "0101")["name"] == "保洁"
