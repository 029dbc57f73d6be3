"""Search latency: p95 of a query mix through offline_cache's API vs the same raw FTS5 SQL via sqlite3.

Usage: python bench/bench_search.py [--rows 200000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from offline_cache import SearchQuery, open_database, sample  # noqa: E402

TODAY = "2025-06-01"
NOW = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
PAGE = 5000

# (label, API query, raw where-clause, raw params, which FTS table)
MIX: list[tuple[str, SearchQuery, str, tuple[object, ...], str]] = []
for word in ("保洁", "司机", "焊工", "电工", "厨师", "普工"):
    MIX.append(("2-char", SearchQuery(text=word), "", (), f'"{word}"'))
for word in ("保洁员", "货车司机", "电焊工", "包吃住", "物流有限公司", "石门村"):
    MIX.append(("3+-char", SearchQuery(text=word), "", (), f'"{word}"'))
MIX += [
    ("filtered", SearchQuery(text="保洁", town="城郊镇"), "AND t.town = ?", ("城郊镇",), '"保洁"'),
    ("filtered", SearchQuery(text="司机", pay_min=5000), "AND t.salary_max >= ?", (5000,), '"司机"'),
    ("filtered", SearchQuery(text="电焊工", county="宁乡市", work_type="全职"), "AND t.county = ? AND t.work_type = ?",
     ("宁乡市", "全职"), '"电焊工"'),
    ("filtered", SearchQuery(text="工", within_days=7), "AND t.posted_at >= ?", ("2025-05-25",), '"工"*'),
]


def raw_search(con: sqlite3.Connection, q: SearchQuery, extra: str, params: tuple[object, ...], match: str) -> int:
    """The same query as the API issues, hand-written: page of 20 + count."""
    table = "feed_fixed_jobs_tri" if len(q.text) >= 3 else "feed_fixed_jobs_bi"
    body = (f"FROM feed_fixed_jobs t WHERE t.deleted = 0 AND t.pk IN (SELECT rowid FROM {table} WHERE {table} MATCH ?) "
            f"{extra} AND (t.expires_at IS NULL OR t.expires_at >= ?)")
    args = (match, *params, TODAY)
    rows = con.execute(f"SELECT t.* {body} ORDER BY t.posted_at DESC, t.pk DESC LIMIT 20", args).fetchall()
    total = con.execute(f"SELECT count(*) {body}", args).fetchone()[0] if len(rows) == 20 else len(rows)
    return total


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.sqlite", backup_dir=None, clock=lambda: NOW)
        rows = list(sample.fixed_jobs(args.rows, seed=11))
        start = time.perf_counter()
        for i in range(0, len(rows), PAGE):
            db.feeds.apply_feed_page("fixed_jobs", rows[i : i + PAGE], str(i))
        print(f"ingested {args.rows} postings in {time.perf_counter() - start:.1f} s")
        con = sqlite3.connect(db.path)
        api: dict[str, list[float]] = {}
        raw: dict[str, list[float]] = {}
        for label, q, extra, params, match in MIX:
            api_total = db.search.search("fixed_jobs", q).total  # warm up, and check both agree
            raw_total = raw_search(con, q, extra, params, match)
            assert api_total == raw_total, (q, api_total, raw_total)
            api.setdefault(label, []).extend(timed(lambda q=q: db.search.search("fixed_jobs", q), args.repeat))
            raw.setdefault(label, []).extend(
                timed(lambda q=q, e=extra, p=params, m=match: raw_search(con, q, e, p, m), args.repeat))
        like = timed(lambda: con.execute("SELECT count(*) FROM feed_fixed_jobs WHERE title LIKE '%保洁%' OR "
                                         "description LIKE '%保洁%'").fetchone(), 3)
        con.close()
        db.close()
    print(f"{'queries':10} {'api p50':>9} {'api p95':>9} {'raw p50':>9} {'raw p95':>9} {'ratio p95':>10}")
    everything_api: list[float] = []
    everything_raw: list[float] = []
    for label in api:
        everything_api += api[label]
        everything_raw += raw[label]
        print(f"{label:10} {statistics.median(api[label]):8.2f}ms {p95(api[label]):8.2f}ms "
              f"{statistics.median(raw[label]):8.2f}ms {p95(raw[label]):8.2f}ms {p95(api[label]) / p95(raw[label]):9.2f}x")
    print(f"{'all':10} {statistics.median(everything_api):8.2f}ms {p95(everything_api):8.2f}ms "
          f"{statistics.median(everything_raw):8.2f}ms {p95(everything_raw):8.2f}ms "
          f"{p95(everything_api) / p95(everything_raw):9.2f}x")
    print(f"reference: full-table LIKE '%保洁%' scan median {statistics.median(like):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
