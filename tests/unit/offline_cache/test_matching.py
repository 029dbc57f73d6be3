"""Matching: ranking by fit, distance and recency, with reasons in plain words; deterministic."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from offline_cache import Database, GigNeed, JobIntention, ServicePointLocation, sample
from offline_cache.geo import haversine_km
from offline_cache.matching import CategoryTree, score_fixed_job, score_gig_job, score_gig_seeker
from offline_cache.records import Record
from tests.unit.offline_cache.conftest import job

POINT = ServicePointLocation(lat=28.25, lon=112.55, label="本村", county="宁乡市", town="城郊镇", village="石门村")
TREE = CategoryTree({code: parent for code, _, parent in sample.CATEGORIES})
TODAY = date(2025, 6, 1)
KM = 1 / 111.2  # degrees of latitude per km


def rec(feed: str, item_id: str, **fields: object) -> Record:
    return Record(feed, item_id, 1, None, MappingProxyType(fields))


def test_haversine_known_distance() -> None:
    assert abs(haversine_km(39.9042, 116.4074, 31.2304, 121.4737) - 1067) < 3  # Beijing–Shanghai


def test_fixed_job_reasons_in_plain_words() -> None:
    want = JobIntention(category_codes=("0101",), salary_min=3000, work_type="全职", town="城郊镇")
    m = score_fixed_job(rec("fixed_jobs", "a", lat=28.25 + 3 * KM, lon=112.55, category_code="0101", salary_max=3500,
                            work_type="全职", town="城郊镇", posted_at="2025-05-29"), want, POINT, TODAY, TREE)
    assert m is not None
    assert m.reasons == ("距本村 3 公里", "工种相符", "月薪符合期望", "全职，符合意向", "在意向乡镇", "3 天内发布")
    near = score_fixed_job(rec("fixed_jobs", "b", lat=28.2501, lon=112.55, category_code="0103", salary_max=2000,
                               posted_at="2025-06-01"), want, POINT, TODAY, TREE)
    assert near is not None
    assert near.reasons == ("距本村不到 1 公里", "工种相近", "月薪低于期望", "今天发布")
    assert m.score > near.score


def test_off_category_and_too_far_jobs_are_left_out() -> None:
    want = JobIntention(category_codes=("0101",), max_distance_km=10)
    assert score_fixed_job(rec("fixed_jobs", "a", lat=28.25, lon=112.55, category_code="0301"), want, POINT, TODAY, TREE) is None
    assert score_fixed_job(rec("fixed_jobs", "a", lat=28.25 + 11 * KM, lon=112.55, category_code="0101"), want, POINT,
                           TODAY, TREE) is None


def test_job_without_coordinates_in_the_same_village() -> None:
    m = score_fixed_job(rec("fixed_jobs", "a", village="石门村", town="城郊镇"), JobIntention(), POINT, TODAY, TREE)
    assert m is not None and m.reasons == ("就在本村",) and m.distance_km is None


def test_gig_job_needs_overlapping_days_and_says_daily_wage_fits() -> None:
    want = JobIntention(category_codes=("0302",), daily_wage_min=200, available_from=date(2025, 6, 3),
                        available_to=date(2025, 6, 10))
    fits = rec("gig_jobs", "g", lat=28.25, lon=112.55 + 5 / 98, category_code="0302", daily_wage_max=250,
               start_date="2025-06-08", end_date="2025-06-20", posted_at="2025-05-31")
    m = score_gig_job(fits, want, POINT, TODAY, TREE)
    assert m is not None and m.reasons == ("距本村 5 公里", "工种相符", "日薪符合期望", "用工日期合适", "1 天内发布")
    later = rec("gig_jobs", "h", lat=28.25, lon=112.55, category_code="0302", start_date="2025-06-11")
    assert score_gig_job(later, want, POINT, TODAY, TREE) is None


def test_gig_seekers_for_an_employer() -> None:
    need = GigNeed(skill_codes=("0301",), daily_wage_max=300, start_date=date(2025, 6, 5), end_date=date(2025, 6, 6))
    welder = rec("gig_seekers", "s1", lat=28.26, lon=112.55, skill_codes=["0301", "0302"], daily_wage_expect=280,
                 available_from="2025-06-01", available_to="2025-06-30", published_at="2025-05-20T10:00:00+08:00")
    m = score_gig_seeker(welder, need, POINT, TODAY, TREE)
    assert m is not None and m.reasons == ("距本村 1 公里", "技能相符", "期望日薪在您给的范围内", "可上工日期合适")
    cook = rec("gig_seekers", "s2", lat=28.26, lon=112.55, skill_codes=["0401"])
    assert score_gig_seeker(cook, need, POINT, TODAY, TREE) is None


def test_matcher_ranks_from_the_cache_deterministically(db: Database) -> None:
    db.feeds.apply_feed_page("job_categories", sample.categories(), None)
    db.feeds.apply_feed_page("fixed_jobs", [
        job("far", category_code="0101", lat=28.25 + 20 * KM, posted_at="2025-05-31"),
        job("near", category_code="0101", lat=28.25 + 2 * KM, posted_at="2025-05-31"),
        job("twin", category_code="0101", lat=28.25 + 2 * KM, posted_at="2025-05-31"),
        job("expired", category_code="0101", lat=28.25, expires_at="2025-05-01"),
        job("cook", category_code="0401", lat=28.25),
        job("gone", category_code="0101", lat=28.25),
    ], None)
    db.feeds.apply_feed_page("fixed_jobs", [{"id": "gone", "version": 2, "deleted": True}], None)
    want = JobIntention(category_codes=("01",), salary_min=3000)
    first = db.matcher.fixed_jobs(want, POINT)
    assert [m.record.id for m in first] == ["near", "twin", "far"]
    assert first[0].reasons[0] == "距本村 2 公里"
    assert db.matcher.fixed_jobs(want, POINT) == first
