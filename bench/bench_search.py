"""Search latency at province size: p95 per query class through offline_cache's planner, against the goal
(issue 14: ≤ 30 ms at 200,000 postings, ≤ 60 ms at 1,000,000), beside SQLite's own plan of the same
query with an exact count (what search did before); and ingest time against raw inserts, as ratios.

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

from bench import raw_feed  # noqa: E402
from offline_cache import SearchQuery, open_database, sample  # noqa: E402
from offline_cache.search import COUNT_CAP  # noqa: E402

TODAY = "2025-06-01"
NOW = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
PAGE = 5000
INGEST_GOAL = 1.5  # ingest ≤ 1.5× raw inserts of the same rows (rows + FTS)

# (class, API query, raw where-clause, raw params, FTS MATCH or None)
MIX: list[tuple[str, SearchQuery, str, tuple[object, ...], str | None]] = []
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
    ("filtered", SearchQuery(text="工", town="沙田乡", work_type="季节工"), "AND t.town = ? AND t.work_type = ?",
     ("沙田乡", "季节工"), '"工"*'),
    ("no text", SearchQuery(), "", (), None),
    ("no text", SearchQuery(town="城郊镇"), "AND t.town = ?", ("城郊镇",), None),
    ("no text", SearchQuery(county="攸县", pay_min=6000), "AND t.county = ? AND t.salary_max >= ?", ("攸县", 6000), None),
]


def old_plan(con: sqlite3.Connection, q: SearchQuery, extra: str, params: tuple[object, ...], match: str | None) -> int:
    """The query as search issued it before planning: SQLite's own plan, page of 20 + exact count."""
    text, args = "", (*params, TODAY)
    if match is not None:
        table = "feed_fixed_jobs_tri" if len(q.text) >= 3 else "feed_fixed_jobs_bi"
        text, args = f"AND t.pk IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)", (match, *args)
    body = f"FROM feed_fixed_jobs t WHERE t.deleted = 0 {text} {extra} AND (t.expires_at IS NULL OR t.expires_at >= ?)"
    rows = con.execute(f"SELECT t.* {body} ORDER BY t.posted_at DESC, t.pk DESC LIMIT 20", args).fetchall()
    return con.execute(f"SELECT count(*) {body}", args).fetchone()[0] if len(rows) == 20 else len(rows)


CPU: dict[str, list[float]] = {}  # the same calls' CPU time of this thread (SQLite runs in it): the machine's load aside


def timed(fn: Callable[[], object], repeat: int, label: str | None = None) -> list[float]:
    out = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.thread_time()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        if label is not None:
            CPU.setdefault(label, []).append((time.thread_time() - cpu) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    goal = 30.0 if args.rows <= 200_000 else 60.0
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        items = list(sample.fixed_jobs(args.rows, seed=11))
        print(f"generated {args.rows} postings in {time.perf_counter() - start:.1f} s")
        db = open_database(Path(tmp) / "bench.sqlite", backup_dir=None, clock=lambda: NOW)
        start, cpu = time.perf_counter(), time.thread_time()
        for i in range(0, len(items), PAGE):
            db.feeds.apply_feed_page("fixed_jobs", items[i : i + PAGE], str(i))
        api_ingest, api_cpu = time.perf_counter() - start, time.thread_time() - cpu
        raw_seconds, raw_cpu = raw_feed.insert(Path(tmp) / "raw.sqlite", raw_feed.convert(items), PAGE)
        del items
        con = sqlite3.connect(db.path)
        api: dict[str, list[float]] = {}
        old: dict[str, list[float]] = {}
        for label, q, extra, params, match in MIX:
            page = db.search.search("fixed_jobs", q)  # warm up, and check against the old plan's exact count
            exact = old_plan(con, q, extra, params, match)
            assert page.total == min(exact, COUNT_CAP) and page.total_capped == (exact > COUNT_CAP), (q, page.total, exact)
            plan = db.search.plan("fixed_jobs", q)
            times = timed(lambda q=q: db.search.search("fixed_jobs", q), args.repeat, label)
            api.setdefault(label, []).extend(times)
            old.setdefault(label, []).extend(
                timed(lambda q=q, e=extra, p=params, m=match: old_plan(con, q, e, p, m), args.repeat))
            print(f"  {label:9} {q.text or '-':7} {plan:13} matches {exact:8}  p95 {p95(times):7.2f} ms")
        con.close()
        db.close()
    print(f"\n{args.rows} postings; goal p95 ≤ {goal:.0f} ms per class (wall clock); cpu = this thread's CPU time; "
          f"'old' = SQLite's own plan + exact count")
    print(f"{'queries':10} {'p50':>9} {'p95':>9} {'goal':>6} {'':5} {'cpu p95':>9} {'old p95':>9} {'ratio p95 new/old':>18}")
    everything: list[float] = []
    for label in api:
        everything += api[label]
        verdict = "PASS" if p95(api[label]) <= goal else "MISS"
        print(f"{label:10} {statistics.median(api[label]):7.2f}ms {p95(api[label]):7.2f}ms {goal:4.0f}ms {verdict:5} "
              f"{p95(CPU[label]):7.2f}ms {p95(old[label]):7.2f}ms {p95(api[label]) / p95(old[label]):17.2f}x")
    print(f"{'all':10} {statistics.median(everything):7.2f}ms {p95(everything):7.2f}ms")
    ratio, cpu_ratio = api_ingest / raw_seconds, api_cpu / raw_cpu
    print(f"ingest: apply_feed_page {api_ingest:.1f} s (cpu {api_cpu:.1f} s), raw rows + FTS {raw_seconds:.1f} s "
          f"(cpu {raw_cpu:.1f} s), ratio api/raw = {ratio:.2f}x, cpu ratio {cpu_ratio:.2f}x "
          f"(goal ≤ {INGEST_GOAL}x: {'PASS' if ratio <= INGEST_GOAL else 'MISS'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
