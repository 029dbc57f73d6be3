"""Feed ingest: apply_feed_page vs raw sqlite3 executemany of the same rows, printed as ratios.

Usage: python bench/bench_ingest.py [--rows 200000] [--page 5000]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from offline_cache import FEEDS, open_database, sample  # noqa: E402
from offline_cache.bigrams import bigram_tokens  # noqa: E402
from offline_cache.fts import slot_texts  # noqa: E402
from offline_cache.records import item_values  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--page", type=int, default=5000)
    args = parser.parse_args(argv)
    spec = FEEDS["fixed_jobs"]
    items = list(sample.fixed_jobs(args.rows, seed=5))
    cols = ("pk", "id", "version", "updated_at", "deleted", *spec.columns)
    base_sql = f"INSERT INTO {spec.table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    with tempfile.TemporaryDirectory() as tmp:
        api_db = open_database(Path(tmp) / "api.sqlite", backup_dir=None)
        start = time.perf_counter()
        for i in range(0, len(items), args.page):
            api_db.feeds.apply_feed_page("fixed_jobs", items[i : i + args.page], str(i))
        api_s = time.perf_counter() - start
        start = time.perf_counter()
        for i in range(0, len(items), args.page):  # the same pages again: every item is "not newer"
            api_db.feeds.apply_feed_page("fixed_jobs", items[i : i + args.page], str(i))
        again_s = time.perf_counter() - start
        api_db.close()

        # raw baselines run on the same schema; rows are converted beforehand (no Python work timed)
        tuples = []
        for n, item in enumerate(items):
            item_id, version, updated_at, _, values = item_values(spec, n, item)
            tuples.append((n + 1, item_id, version, updated_at, 0, *values))
        texts = [(t[0], slot_texts(spec, dict(zip(spec.columns, t[5:], strict=True)))) for t in tuples]
        grams = [(pk, bigram_tokens(*s)) for pk, s in texts]
        results = {}
        for label, with_fts in (("raw rows only", False), ("raw rows + FTS", True)):
            path = Path(tmp) / f"raw-{with_fts}.sqlite"
            open_database(path, backup_dir=None).close()  # same schema, indexes and pragmas
            con = sqlite3.connect(path, isolation_level=None)
            con.execute("PRAGMA synchronous=FULL")
            start = time.perf_counter()
            for i in range(0, len(tuples), args.page):
                con.execute("BEGIN IMMEDIATE")
                con.executemany(base_sql, tuples[i : i + args.page])
                if with_fts:
                    con.executemany(f"INSERT INTO {spec.table}_tri(rowid, title, employer, description, place) "
                                    "VALUES (?, ?, ?, ?, ?)", [(pk, *s) for pk, s in texts[i : i + args.page]])
                    con.executemany(f"INSERT INTO {spec.table}_bi(rowid, grams) VALUES (?, ?)", grams[i : i + args.page])
                con.execute("COMMIT")
            results[label] = time.perf_counter() - start
            con.close()
    print(f"{args.rows} fixed-job items in pages of {args.page}")
    print(f"apply_feed_page (convert, version check, FTS texts, bigrams): {api_s:7.2f} s")
    print(f"apply_feed_page, same pages again (all skipped):             {again_s:7.2f} s")
    for label, seconds in results.items():
        print(f"{label:60} {seconds:7.2f} s   ratio api/raw = {api_s / seconds:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
