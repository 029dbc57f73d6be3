"""Full-text search over cached feeds: trigram FTS5 for 3+ characters, the bigram index for 1-2, plus filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from offline_cache.bigrams import terms
from offline_cache.clock import Clock, local_today
from offline_cache.errors import UnsupportedFilter
from offline_cache.feeds import FEEDS, FeedSpec, feed_spec
from offline_cache.records import Record, record_from_row, select_columns
from offline_cache.uow import reading

MAX_PAGE_SIZE = 100
_EQUALITY_FILTERS = ("county", "town", "city", "category_code", "category", "work_type")


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for. Unset filters (None) do not filter."""

    text: str = ""
    county: str | None = None
    town: str | None = None
    city: str | None = None  # internship posts: city → county
    category_code: str | None = None  # matches the code and every category below it
    category: str | None = None  # policies
    work_type: str | None = None  # 全职 / 兼职 / 季节工
    pay_min: int | None = None  # the item pays at least this much at its top (monthly / daily, per feed)
    pay_max: int | None = None  # the item's lowest pay is at most this
    within_days: int | None = None  # posted/published in the last N days
    hard_to_employ: bool = False  # the person is flagged 就业困难人员: also show fairs only for them
    include_expired: bool = False
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class SearchPage:
    """One page of results plus the total, newest first (job fairs: soonest first)."""

    items: tuple[Record, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def text_conditions(table: str, text: str) -> tuple[list[str], list[str]]:
    """WHERE parts and their MATCH strings for free text: every term must occur (AND)."""
    long_terms, short_terms = [], []
    for term in dict.fromkeys(terms(text)):
        if len(term) >= 3:
            long_terms.append(_quote(term))
        elif len(term) == 2:
            short_terms.append(_quote(term))
        else:
            short_terms.append(_quote(term) + "*")  # any bigram starting with it, or a run-final character
    where, params = [], []
    if long_terms:
        where.append(f"t.pk IN (SELECT rowid FROM {table}_tri WHERE {table}_tri MATCH ?)")
        params.append(" AND ".join(long_terms))
    if short_terms:
        where.append(f"t.pk IN (SELECT rowid FROM {table}_bi WHERE {table}_bi MATCH ?)")
        params.append(" AND ".join(short_terms))
    return where, params


_CATEGORY_TREE = (
    "t.category_code IN (WITH RECURSIVE sub(code) AS (VALUES(?) UNION "
    "SELECT c.code FROM feed_job_categories c JOIN sub ON c.parent_code = sub.code WHERE c.deleted = 0) "
    "SELECT code FROM sub)"
)


def build_query(spec: FeedSpec, query: SearchQuery, today_iso: str, cutoff_iso: str | None) -> tuple[str, list[Any]]:
    """The FROM/WHERE part (after SELECT …) and its parameters for `query` on `spec`'s table."""
    search = spec.search
    if search is None:
        raise UnsupportedFilter(f"{spec.name} is not searchable")
    where, text_params = text_conditions(spec.table, query.text)
    where.insert(0, "t.deleted = 0")
    params: list[Any] = list(text_params)
    for name in _EQUALITY_FILTERS:
        value = getattr(query, name)
        if value is None:
            continue
        column = search.filters.get(name)
        if column is None:
            raise UnsupportedFilter(f"{spec.name}: {name}")
        if name == "category_code":
            where.append(_CATEGORY_TREE)
        else:
            where.append(f"t.{column} = ?")
        params.append(value)
    if query.pay_min is not None or query.pay_max is not None:
        if search.pay is None:
            raise UnsupportedFilter(f"{spec.name}: pay")
        low, high = search.pay
        if query.pay_min is not None:
            where.append(f"t.{high} >= ?")
            params.append(query.pay_min)
        if query.pay_max is not None:
            where.append(f"t.{low} <= ?")
            params.append(query.pay_max)
    if cutoff_iso is not None:
        if search.date is None:
            raise UnsupportedFilter(f"{spec.name}: within_days")
        where.append(f"t.{search.date} >= ?")
        params.append(cutoff_iso)
    if search.expires and not query.include_expired:
        where.append(f"(t.{search.expires} IS NULL OR t.{search.expires} >= ?)")
        params.append(today_iso)
    if search.hard_to_employ and not query.hard_to_employ:
        where.append(f"coalesce(t.{search.hard_to_employ}, 0) = 0")
    return f"FROM {spec.table} t WHERE {' AND '.join(where)}", params


def _order(spec: FeedSpec) -> str:
    search = spec.search
    assert search is not None
    if search.date is None:
        return "t.pk"
    direction = "DESC" if search.newest_first else "ASC"
    return f"t.{search.date} {direction}, t.pk {direction}"


class Search:
    """Searches a feed's live cached rows."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def search(self, feed: str, query: SearchQuery) -> SearchPage:
        """One page of `feed` rows matching `query`."""
        spec = feed_spec(feed)
        if query.page < 1 or not 1 <= query.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page {query.page} / page_size {query.page_size} out of range")
        today = local_today(self._clock())
        cutoff = (today - timedelta(days=query.within_days)).isoformat() if query.within_days is not None else None
        body, params = build_query(spec, query, today.isoformat(), cutoff)
        offset = (query.page - 1) * query.page_size
        with reading(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {select_columns(spec)} {body} ORDER BY {_order(spec)} LIMIT ? OFFSET ?",
                (*params, query.page_size, offset),
            ).all()
            if query.page == 1 and len(rows) < query.page_size:
                total = len(rows)  # the whole result is on this page; skip the count
            else:
                total = conn.exec_driver_sql(f"SELECT count(*) {body}", tuple(params)).scalar_one()
        return SearchPage(tuple(record_from_row(spec, r) for r in rows), total, query.page, query.page_size)

    def distinct_values(self, feed: str, column: str, **equals: str) -> list[str]:
        """The distinct non-empty values of one column of a feed's live rows (e.g. internship cities), sorted.

        `equals` narrows to rows whose columns have these values; ValueError for a column the feed lacks.
        """
        spec = feed_spec(feed)
        if column not in spec.columns or any(c not in spec.columns for c in equals):
            raise ValueError(f"{feed}: unknown column")
        where = "".join(f" AND t.{c} = ?" for c in equals)
        with reading(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT DISTINCT t.{column} FROM {spec.table} t WHERE t.deleted = 0 AND t.{column} IS NOT NULL "
                f"AND t.{column} != ''{where} ORDER BY t.{column}", tuple(equals.values()),
            ).all()
        return [r[0] for r in rows]


SEARCHABLE_FEEDS = tuple(name for name, spec in FEEDS.items() if spec.search is not None)
