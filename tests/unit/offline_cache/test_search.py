"""Search over cached jobs: short (1-2 character) and long queries, filters, paging, tombstones."""

from __future__ import annotations

import sqlite3

import pytest

from offline_cache import Database, SearchQuery, UnsupportedFilter, sample
from offline_cache.search import COUNT_CAP
from tests.unit.offline_cache.conftest import job

PLACE = "coalesce(county,'') || ' ' || coalesce(town,'') || ' ' || coalesce(village,'') || ' ' || coalesce(address,'')"


def all_ids(db: Database, text: str, **filters: object) -> list[str]:
    ids, page = [], 1
    while True:
        result = db.search.search("fixed_jobs", SearchQuery(text=text, include_expired=True, page=page,
                                                              page_size=100, **filters))
        ids += [r.id for r in result.items]
        if len(result.items) < result.page_size:  # paging on past a capped total: the last page knows the end
            assert len(ids) == result.total and not result.total_capped
            return ids
        page += 1


def plain_scan(db: Database, text: str) -> set[str]:
    """The rows a person expects: a LIKE over the same four texts of every live row."""
    con = sqlite3.connect(db.path)
    try:
        rows = con.execute(
            f"SELECT id FROM feed_fixed_jobs WHERE deleted = 0 AND (title LIKE ?1 OR employer LIKE ?1 "
            f"OR description LIKE ?1 OR ({PLACE}) LIKE ?1)", (f"%{text}%",)
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


@pytest.fixture
def filled(db: Database) -> Database:
    db.feeds.apply_feed_page("job_categories", sample.categories(), None)
    db.feeds.apply_feed_page("fixed_jobs", list(sample.fixed_jobs(1500, seed=3)), "c1")
    # tombstone a slice so the comparison also covers deleted rows
    db.feeds.apply_feed_page("fixed_jobs", [{"id": f"fj-{i:07d}", "version": 2, "deleted": True} for i in range(0, 1500, 7)], "c2")
    return db


@pytest.mark.parametrize("text", ["保洁", "司机", "焊工", "电工", "石门", "有限", "保", "工", "村", "包吃住", "电焊工", "物流有限公司"])
def test_short_and_long_queries_find_exactly_what_a_plain_scan_finds(filled: Database, text: str) -> None:
    expected = plain_scan(filled, text)
    assert expected, "the sample should contain every query word"
    found = all_ids(filled, text)
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_two_words_must_both_occur(filled: Database) -> None:
    assert set(all_ids(filled, "保洁 石门村")) == plain_scan(filled, "保洁") & plain_scan(filled, "石门村")


def test_query_without_matches_and_empty_query(filled: Database) -> None:
    assert all_ids(filled, "潜水员") == []
    assert all_ids(filled, "鲸") == []
    assert len(all_ids(filled, "")) == len(plain_scan(filled, ""))


def test_results_are_newest_first_and_pages_do_not_overlap(filled: Database) -> None:
    first = filled.search.search("fixed_jobs", SearchQuery(text="工", page=1, page_size=10, include_expired=True))
    second = filled.search.search("fixed_jobs", SearchQuery(text="工", page=2, page_size=10, include_expired=True))
    dates = [r["posted_at"] for r in first.items + second.items]
    assert dates == sorted(dates, reverse=True)
    assert not {r.id for r in first.items} & {r.id for r in second.items}
    assert first.total == second.total > 20


def test_filters_town_category_tree_pay_work_type_and_recency(db: Database, clock: object) -> None:
    db.feeds.apply_feed_page("job_categories", sample.categories(), None)
    db.feeds.apply_feed_page("fixed_jobs", [
        job("a", title="保洁员", category_code="0101", town="城郊镇", salary_min=2500, salary_max=3000, posted_at="2025-05-31"),
        job("b", title="保洁员", category_code="0101", town="永安镇", salary_min=4000, salary_max=5000, posted_at="2025-05-01"),
        job("c", title="商场保洁", category_code="0101", town="城郊镇", work_type="兼职", posted_at="2025-05-29"),
        job("d", title="司机", category_code="0201", town="城郊镇", posted_at="2025-05-31"),
    ], None)

    def ids(**q: object) -> set[str]:
        return {r.id for r in db.search.search("fixed_jobs", SearchQuery(**q)).items}

    assert ids(text="保洁", town="城郊镇") == {"a", "c"}
    assert ids(category_code="01") == {"a", "b", "c"}  # 家政服务 includes 保洁
    assert ids(category_code="0201") == {"d"}
    assert ids(text="保洁", pay_min=3500) == {"b", "c"}  # c pays up to 4000 (the default)
    assert ids(pay_max=2800) == {"a"}
    assert ids(work_type="兼职") == {"c"}
    assert ids(within_days=7) == {"a", "c", "d"}


def test_expired_jobs_are_hidden_unless_asked_for(db: Database) -> None:
    db.feeds.apply_feed_page("fixed_jobs", [job("old", expires_at="2025-05-31"), job("new", expires_at="2025-06-01")], None)
    assert {r.id for r in db.search.search("fixed_jobs", SearchQuery()).items} == {"new"}
    assert {r.id for r in db.search.search("fixed_jobs", SearchQuery(include_expired=True)).items} == {"old", "new"}


def test_tombstoned_and_updated_rows_leave_the_index(db: Database) -> None:
    db.feeds.apply_feed_page("fixed_jobs", [job("x", title="急招电工"), job("y", title="急招焊工")], None)
    db.feeds.apply_feed_page("fixed_jobs", [{"id": "x", "version": 2, "deleted": True},
                                            job("y", 2, title="急招瓦工")], None)
    search = db.search.search
    assert search("fixed_jobs", SearchQuery(text="电工")).total == 0
    assert search("fixed_jobs", SearchQuery(text="急招电工")).total == 0
    assert search("fixed_jobs", SearchQuery(text="焊工")).total == 0
    assert [r.id for r in search("fixed_jobs", SearchQuery(text="瓦工")).items] == ["y"]
    con = sqlite3.connect(db.path)
    try:  # the contentless FTS indexes stay consistent after deletes
        for table in ("feed_fixed_jobs_tri", "feed_fixed_jobs_bi"):
            con.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    finally:
        con.close()


def test_other_feeds_search_and_filter_by_their_own_columns(db: Database) -> None:
    db.feeds.apply_feed_page("internship_posts", [
        {"id": "i1", "version": 1, "deleted": False, "title": "行政助理见习", "employer": "宁乡市某公司",
         "city": "长沙市", "county": "宁乡市", "posted_at": "2025-05-20"},
        {"id": "i2", "version": 1, "deleted": False, "title": "会计见习", "employer": "株洲某厂",
         "city": "株洲市", "county": "攸县", "posted_at": "2025-05-21"},
    ], None)
    assert [r.id for r in db.search.search("internship_posts", SearchQuery(city="长沙市")).items] == ["i1"]
    assert [r.id for r in db.search.search("internship_posts", SearchQuery(text="会计")).items] == ["i2"]
    with pytest.raises(UnsupportedFilter) as err:
        db.search.search("internship_posts", SearchQuery(work_type="全职"))
    assert "筛选" in err.value.message


def test_job_fairs_only_for_hard_to_employ_are_shown_only_to_them(db: Database) -> None:
    fair = {"version": 1, "deleted": False, "organizer": "宁乡市人社局", "county": "宁乡市", "town": "城郊镇",
            "start_at": "2025-06-10T09:00:00+08:00", "end_at": "2025-06-10T12:00:00+08:00"}
    db.feeds.apply_feed_page("job_fairs", [
        {**fair, "id": "f1", "title": "春风行动招聘会", "hard_to_employ_only": False},
        {**fair, "id": "f2", "title": "就业困难人员专场招聘会", "hard_to_employ_only": True,
         "start_at": "2025-06-05T09:00:00+08:00"},
        {**fair, "id": "f3", "title": "上月招聘会", "hard_to_employ_only": False,
         "start_at": "2025-05-05T09:00:00+08:00", "end_at": "2025-05-05T12:00:00+08:00"},
    ], None)
    assert [r.id for r in db.search.search("job_fairs", SearchQuery()).items] == ["f1"]
    assert [r.id for r in db.search.search("job_fairs", SearchQuery(hard_to_employ=True)).items] == ["f2", "f1"]


def test_totals_are_counted_to_the_cap_and_exact_on_the_last_page(filled: Database) -> None:
    everything = len(plain_scan(filled, "工"))
    assert everything > COUNT_CAP + 100
    first = filled.search.search("fixed_jobs", SearchQuery(text="工", include_expired=True))
    assert (first.total, first.total_capped, first.pages) == (COUNT_CAP, True, COUNT_CAP // 20)
    beyond = filled.search.search("fixed_jobs", SearchQuery(text="工", include_expired=True, page=COUNT_CAP // 20 + 2))
    assert len(beyond.items) == 20 and beyond.total_capped and beyond.total == beyond.page * 20
    last_page = -(-everything // 20)
    last = filled.search.search("fixed_jobs", SearchQuery(text="工", include_expired=True, page=last_page))
    assert (last.total, last.total_capped) == (everything, False)


PLAN_QUERIES = [
    SearchQuery(text="保洁"), SearchQuery(text="工"), SearchQuery(text="物流有限公司"),
    SearchQuery(text="保洁", town="城郊镇"), SearchQuery(text="司机", pay_min=5000),
    SearchQuery(text="电焊工", county="宁乡市", work_type="全职"), SearchQuery(text="工", within_days=7),
    SearchQuery(text="保 石门村", county="浏阳市", pay_max=4000, include_expired=True),
    SearchQuery(text="工", category_code="03", town="沙田乡"),
]


@pytest.mark.parametrize("query", PLAN_QUERIES, ids=lambda q: f"{q.text}-{q.town or q.county or q.pay_min or ''}")
@pytest.mark.parametrize("page", [1, 3])
def test_every_access_path_returns_the_same_page(filled: Database, query: SearchQuery, page: int) -> None:
    """The planner may drive a query from the FTS match, a filter's index or the display-order index:
    the rows, their order and the total are the same whichever it picks."""
    from dataclasses import replace

    from offline_cache.search import Plan

    q = replace(query, page=page, page_size=20)
    plans = [p for p in Plan if p is not Plan.FILTER_FIRST or q.town or q.county or q.pay_min or q.pay_max
             or q.within_days]
    results = {plan: filled.search.search("fixed_jobs", q, plan=plan) for plan in plans}
    pages = {plan: ([r.id for r in res.items], res.total, res.total_capped) for plan, res in results.items()}
    assert len(set(map(repr, pages.values()))) == 1, pages
    assert results[Plan.TEXT_FIRST].total > 0 or page > 1


@pytest.mark.parametrize("text", ["cad", "CAD制图", "制图", "c", "ÉCOLE"])
def test_every_access_path_folds_case_like_the_indexes(db: Database, text: str) -> None:
    from offline_cache.search import Plan

    db.feeds.apply_feed_page("fixed_jobs", [
        job("a", title="招聘CAD制图员", posted_at="2025-05-30"), job("b", employer="École法语培训", posted_at="2025-05-29"),
        job("c", description="会用cad软件", posted_at="2025-05-28"), job("d", title="制图员", posted_at="2025-05-27"),
    ], None)
    pages = {plan: [r.id for r in db.search.search("fixed_jobs", SearchQuery(text=text, town="城郊镇"), plan=plan).items]
             for plan in Plan}
    assert len({tuple(ids) for ids in pages.values()}) == 1, pages
    assert pages[Plan.TEXT_FIRST], text


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> object:
    """25,000 postings (above the size where the planner starts estimating) and 120 in a town of their own."""
    from offline_cache import open_database
    from tests.helpers.clocks import FakeClock, key_factory

    path = tmp_path_factory.mktemp("large") / "kiosk.sqlite"
    database = open_database(path, backup_dir=None, clock=FakeClock(), new_key=key_factory())
    items = list(sample.fixed_jobs(25_000, seed=5))
    for i in range(0, len(items), 5000):
        database.feeds.apply_feed_page("fixed_jobs", items[i : i + 5000], str(i))
    database.feeds.apply_feed_page("fixed_jobs", [job(f"yt-{i}", town="云台镇", title="电工") for i in range(120)], "x")
    yield database
    database.close()


@pytest.mark.parametrize(("query", "plan"), [
    (SearchQuery(text="工"), "ordered-walk"),  # nearly every posting: walk newest first, stop at the page
    (SearchQuery(text="电焊工"), "text-first"),  # a few hundred matches: read them, sort
    (SearchQuery(text="工", town="云台镇"), "filter-first"),  # a selective town: its (town, date) index
    (SearchQuery(town="云台镇"), "filter-first"),
    (SearchQuery(text="工", within_days=3), "ordered-walk"),
])
def test_the_planner_lets_the_most_selective_part_drive(large: Database, query: SearchQuery, plan: str) -> None:
    assert large.search.plan("fixed_jobs", query) == plan
    from offline_cache.search import Plan

    chosen = large.search.search("fixed_jobs", query)
    forced = large.search.search("fixed_jobs", query, plan=Plan.TEXT_FIRST if query.text else Plan.ORDERED_WALK)
    assert [r.id for r in chosen.items] == [r.id for r in forced.items] and chosen.total == forced.total


def test_every_declared_search_index_exists(db: Database) -> None:
    from offline_cache import FEEDS

    con = sqlite3.connect(db.path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()
    for spec in FEEDS.values():
        for column in spec.search.ordered if spec.search else ():
            assert f"ix_{spec.table}_{column}_{spec.search.date}" in names
        if spec.search and spec.search.covering:
            con = sqlite3.connect(db.path)
            try:
                indexed = [r[2] for r in con.execute(f"PRAGMA index_info(ix_{spec.table}_search)")]
            finally:
                con.close()
            assert indexed == ["pk", *spec.search.covering]
