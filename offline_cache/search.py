"""Full-text search over cached feeds: trigram FTS5 for 3+ characters, the bigram index for 1-2, plus filters."""

from __future__ import annotations

import enum
import logging
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from offline_cache.bigrams import terms
from offline_cache.clock import Clock, local_today
from offline_cache.errors import UnsupportedFilter
from offline_cache.feeds import FEEDS, FeedSpec, feed_spec
from offline_cache.fts import slot_columns
from offline_cache.records import Record, record_from_row, select_columns
from offline_cache.uow import reading

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
COUNT_CAP = 200  # totals are counted this far (at least through the page asked for): "共 200 多条", 10 pages
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
    """One page of results plus the total, newest first (job fairs: soonest first).

    `total_capped`: more rows match than `total` (counted to COUNT_CAP, or through this page if further).
    """

    items: tuple[Record, ...]
    total: int
    page: int
    page_size: int
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def text_matches(table: str, text: str) -> list[tuple[str, str]]:
    """(FTS table, MATCH string) pairs for free text: every term must occur (AND)."""
    long_terms, short_terms = [], []
    for term in _terms(text):
        if len(term) >= 3:
            long_terms.append(_quote(term))
        elif len(term) == 2:
            short_terms.append(_quote(term))
        else:
            short_terms.append(_quote(term) + "*")  # any bigram starting with it, or a run-final character
    out = []
    if long_terms:
        out.append((f"{table}_tri", " AND ".join(long_terms)))
    if short_terms:
        out.append((f"{table}_bi", " AND ".join(short_terms)))
    return out


def _terms(text: str) -> list[str]:
    return list(dict.fromkeys(terms(text)))


def _row_text_condition(spec: FeedSpec, text: str) -> tuple[str, list[str]]:
    """The per-row form of `text_matches` (the same rows): every term is a substring of a slot column.

    A term without upper/lower case (Chinese, digits) is a substring of the lower-cased text exactly
    when it is one of the text itself, so SQLite's instr() tests it; other terms go through
    oc_has_terms (Python lower-casing, like the indexes), several times slower per row.
    """
    columns = slot_columns(spec)
    joined = " || char(10) || ".join(f"coalesce(t.{c}, '')" for c in columns)  # a term has no line break
    uncased = [t for t in _terms(text) if t.lower() == t.upper()]
    cased = [t for t in _terms(text) if t.lower() != t.upper()]
    parts = [f"instr({joined}, ?) > 0" for _ in uncased]
    params = list(uncased)
    if cased:
        parts.append(f"oc_has_terms(?, {', '.join(f't.{c}' for c in columns)})")
        params.append(" ".join(cased))
    return " AND ".join(parts), params


_CATEGORY_TREE = (
    "t.category_code IN (WITH RECURSIVE sub(code) AS (VALUES(?) UNION "
    "SELECT c.code FROM feed_job_categories c JOIN sub ON c.parent_code = sub.code WHERE c.deleted = 0) "
    "SELECT code FROM sub)"
)


class Plan(enum.StrEnum):
    """Which access path drives a search (chosen per query by `Search.plan`)."""

    TEXT_FIRST = "text-first"  # the FTS match, each row looked up by pk, then sorted (few text matches)
    FILTER_FIRST = "filter-first"  # a selective filter's index, the text tested per row, then sorted
    ORDERED_WALK = "ordered-walk"  # the display-order index walked until the page is full (many matches)


@dataclass(frozen=True)
class _Selective:
    """A filter with an index of its own: how many rows it keeps can be counted cheaply."""

    column: str
    sql: str  # condition on alias t
    params: tuple[Any, ...]
    by_pk: bool  # an equality: its index entries run in pk order (the count of a prefix extrapolates)
    index: str  # the index it is read through; (column, date) when the feed has one: rows come in display order
    ordered: bool


@dataclass(frozen=True)
class _Query:
    """A search split into the parts the planner combines."""

    fts: list[tuple[str, str]]  # (FTS table, MATCH string): the text, FTS-first
    row_text: tuple[str, list[str]] | None  # the same text test per row (SQL, parameters)
    filters: list[tuple[str, tuple[Any, ...]]]  # every other condition
    selective: list[_Selective]
    covered: bool  # every filter column is in the feed's covering index (ix_<table>_search)


def _split_query(spec: FeedSpec, query: SearchQuery, today_iso: str, cutoff_iso: str | None) -> _Query:
    search = spec.search
    if search is None:
        raise UnsupportedFilter(f"{spec.name} is not searchable")
    indexed = {f.name for f in spec.fields if f.index}
    fts = text_matches(spec.table, query.text)
    row_text = _row_text_condition(spec, query.text) if fts else None
    filters: list[tuple[str, tuple[Any, ...]]] = [("t.deleted = 0", ())]
    selective: list[_Selective] = []
    columns = {"deleted"}

    def add(sql: str, value: Any, column: str, by_pk: bool = False) -> None:
        filters.append((sql, (value,)))
        columns.add(column)
        if column in indexed and sql != _CATEGORY_TREE:
            ordered = by_pk and column in search.ordered
            index = f"ix_{spec.table}_{column}_{search.date}" if ordered else f"ix_{spec.table}_{column}"
            selective.append(_Selective(column, sql, (value,), by_pk, index, ordered))

    for name in _EQUALITY_FILTERS:
        value = getattr(query, name)
        if value is None:
            continue
        column = search.filters.get(name)
        if column is None:
            raise UnsupportedFilter(f"{spec.name}: {name}")
        if name == "category_code":
            add(_CATEGORY_TREE, value, column)
        else:
            add(f"t.{column} = ?", value, column, by_pk=True)
    if query.pay_min is not None or query.pay_max is not None:
        if search.pay is None:
            raise UnsupportedFilter(f"{spec.name}: pay")
        low, high = search.pay
        if query.pay_min is not None:
            add(f"t.{high} >= ?", query.pay_min, high)
        if query.pay_max is not None:
            add(f"t.{low} <= ?", query.pay_max, low)
    if cutoff_iso is not None:
        if search.date is None:
            raise UnsupportedFilter(f"{spec.name}: within_days")
        add(f"t.{search.date} >= ?", cutoff_iso, search.date)
    if search.expires and not query.include_expired:
        filters.append((f"(t.{search.expires} IS NULL OR t.{search.expires} >= ?)", (today_iso,)))
        columns.add(search.expires)
    if search.hard_to_employ and not query.hard_to_employ:
        filters.append((f"coalesce(t.{search.hard_to_employ}, 0) = 0", ()))
        columns.add(search.hard_to_employ)
    covered = bool(search.covering) and columns <= set(search.covering)
    return _Query(fts, row_text, filters, selective, covered)


def _body(spec: FeedSpec, q: _Query, plan: Plan, selective: _Selective | None) -> tuple[str, list[Any]]:
    """FROM/WHERE (after SELECT …) and parameters of `q` run with `plan`; the SQL pins the access path."""
    where = [sql for sql, _ in q.filters]
    params: list[Any] = [p for _, ps in q.filters for p in ps]
    if plan is Plan.TEXT_FIRST:
        # rows by pk from the FTS match only; through the covering index when it holds every column tested
        source = f"{spec.table} t INDEXED BY ix_{spec.table}_search" if q.covered else f"{spec.table} t NOT INDEXED"
        where += [f"t.pk IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)" for fts, _ in q.fts]
        params += [match for _, match in q.fts]
    else:
        if plan is Plan.FILTER_FIRST:
            assert selective is not None
            source = f"{spec.table} t INDEXED BY {selective.index}"
        else:
            assert spec.search is not None
            date = spec.search.date
            source = f"{spec.table} t INDEXED BY ix_{spec.table}_{date}" if date else f"{spec.table} t NOT INDEXED"
        if q.row_text is not None:  # last: the cheap column tests run first
            where.append(q.row_text[0])
            params += q.row_text[1]
    return f"FROM {source} WHERE {' AND '.join(where)}", params


def _order(spec: FeedSpec) -> str:
    search = spec.search
    assert search is not None
    if search.date is None:
        return "t.pk"
    direction = "DESC" if search.newest_first else "ASC"
    return f"t.{search.date} {direction}, t.pk {direction}"


# Planner constants, measured with bench/bench_search.py on the 2-core reference machine (µs per row).
_ESTIMATE_CAP = 5_000  # index / FTS entries read at most to estimate how many rows a part keeps
_TEXT_FIRST_US = 0.6  # one FTS match: decode, look the row up, test the filters, sort
_PER_ROW_TEST_US = 3.0  # one row reached through an index: look it up, test the filters and the text
_SAMPLE = 2000  # rows looked at to estimate a range filter's share


class Search:
    """Searches a feed's live cached rows."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def search(self, feed: str, query: SearchQuery, plan: Plan | None = None) -> SearchPage:
        """One page of `feed` rows matching `query`; `plan` forces an access path (tests, benches).

        The total is exact up to COUNT_CAP (or through this page, if further); above it the page says
        `total_capped` and `total` is that count (counting a province's 1,000,000 postings row by row
        would cost more than the page). Pages past the counted part can still be asked for.
        """
        spec = feed_spec(feed)
        if query.page < 1 or not 1 <= query.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page {query.page} / page_size {query.page_size} out of range")
        today = local_today(self._clock())
        cutoff = (today - timedelta(days=query.within_days)).isoformat() if query.within_days is not None else None
        q = _split_query(spec, query, today.isoformat(), cutoff)
        offset = (query.page - 1) * query.page_size
        with reading(self._engine) as conn:
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                if plan is None:
                    plan, selective = self._choose(cur, spec, q, offset + query.page_size)
                else:
                    selective = q.selective[0] if q.selective else None
                    if plan is Plan.FILTER_FIRST and selective is None:
                        raise ValueError("filter-first needs an indexed filter")
                body, params = _body(spec, q, plan, selective)
                order = _order(spec)
                rows = cur.execute(  # the page's pks first, so only its rows are read in full
                    f"SELECT {select_columns(spec)} FROM {spec.table} t WHERE t.pk IN "
                    f"(SELECT t.pk {body} ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
                    (*params, query.page_size, offset),
                ).fetchall()
                cap = max(COUNT_CAP, offset + query.page_size)
                if len(rows) < query.page_size and (rows or query.page == 1):
                    total = offset + len(rows)  # the result ends on this page; skip the count
                else:
                    total = cur.execute(f"SELECT count(*) FROM (SELECT 1 {body} LIMIT ?)", (*params, cap + 1)).fetchone()[0]
            finally:
                cur.close()
        capped = total > cap
        log.debug("search %s: plan %s, %d rows on page %d", feed, plan, len(rows), query.page)
        return SearchPage(tuple(record_from_row(spec, r) for r in rows), min(total, cap), query.page,
                          query.page_size, total_capped=capped)

    def plan(self, feed: str, query: SearchQuery) -> Plan:
        """The access path `search` would take for `query` now (for benches and tests)."""
        spec = feed_spec(feed)
        today = local_today(self._clock())
        cutoff = (today - timedelta(days=query.within_days)).isoformat() if query.within_days is not None else None
        q = _split_query(spec, query, today.isoformat(), cutoff)
        with reading(self._engine) as conn:
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                return self._choose(cur, spec, q, query.page * query.page_size)[0]
            finally:
                cur.close()

    @staticmethod
    def _choose(cur: sqlite3.Cursor, spec: FeedSpec, q: _Query, wanted: int) -> tuple[Plan, _Selective | None]:
        """The cheapest plan by estimated rows touched: the FTS match, a filter's index (read in display order
        when it has a (column, date) index, then it stops once the page and the capped count are found), or the
        date index walked newest first until they are found."""
        if not q.fts and not q.selective:
            return Plan.ORDERED_WALK, None
        rows = cur.execute(f"SELECT max(pk) FROM {spec.table}").fetchone()[0] or 0
        if rows <= _ESTIMATE_CAP:
            # a small cache: every plan is cheap; the FTS or the default walk, as before
            return (Plan.TEXT_FIRST if q.fts else Plan.ORDERED_WALK), None
        need = max(wanted, COUNT_CAP + 1)
        costs: list[tuple[float, Plan, _Selective | None]] = []
        text_share = 1.0
        if q.fts:
            matched = min(_estimate(cur, spec, f"SELECT rowid AS k FROM {fts} WHERE {fts} MATCH ?", (match,), None, rows)
                          for fts, match in q.fts)
            text_share = matched / rows
            costs.append((matched * _TEXT_FIRST_US, Plan.TEXT_FIRST, None))
        shares = [
            _estimate(cur, spec, f"SELECT t.pk AS k FROM {spec.table} t INDEXED BY ix_{spec.table}_{sel.column} "
                                 f"WHERE {sel.sql}", sel.params, None if sel.by_pk else sel, rows) / rows
            for sel in q.selective
        ]

        def walked(start: float, skip: int | None) -> float:
            """Rows read walking an index in display order over `start` of the rows until `need` pass the rest."""
            rest = text_share
            for i, share in enumerate(shares):
                rest *= 1.0 if i == skip else share
            return start * rows if rest <= 0 else min(start * rows, need / rest)

        date = None
        for i, sel in enumerate(q.selective):
            if sel.column == (spec.search.date if spec.search else None):
                date = i
            read = walked(shares[i], i) if sel.ordered else shares[i] * rows
            costs.append((read * _PER_ROW_TEST_US, Plan.FILTER_FIRST, sel))
        costs.append((walked(1.0 if date is None else shares[date], date) * _PER_ROW_TEST_US, Plan.ORDERED_WALK, None))
        _, plan, chosen = min(costs, key=lambda c: c[0])
        return plan, chosen

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


def _estimate(cur: sqlite3.Cursor, spec: FeedSpec, keys_sql: str, params: tuple[Any, ...], ranged: _Selective | None,
              rows: int) -> float:
    """About how many rows `keys_sql` (selecting pks as k) returns, reading at most _ESTIMATE_CAP entries.

    FTS matches and equality index entries come in pk order: a full prefix extrapolates by how far into
    the pks it reached. A range's index is ordered by value, so its share is measured on a slice of rows.
    """
    count, last = cur.execute(f"SELECT count(*), max(k) FROM ({keys_sql} LIMIT ?)", (*params, _ESTIMATE_CAP)).fetchone()
    if count < _ESTIMATE_CAP:
        return float(count)
    if ranged is None:
        return float(count) * rows / max(1, int(last))
    start = max(0, rows // 2 - _SAMPLE // 2)
    kept = cur.execute(f"SELECT count(*) FROM (SELECT * FROM {spec.table} t WHERE t.pk > ? LIMIT ?) t WHERE {ranged.sql}",
                       (start, _SAMPLE, *ranged.params)).fetchone()[0]
    return max(float(count), rows * int(kept) / _SAMPLE)
