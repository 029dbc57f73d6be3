"""Feed ingest: apply_feed_page vs raw sqlite3 executemany of the same rows, printed as ratios.

Usage: python bench/bench_ingest.py [--rows 200000] [--page 5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import raw_feed  # noqa: E402
from offline_cache import open_database, sample  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--page", type=int, default=5000)
    args = parser.parse_args(argv)
    items = list(sample.fixed_jobs(args.rows, seed=5))
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

        raw = raw_feed.convert(items)  # converted beforehand: no Python work timed
        results = {label: raw_feed.insert(Path(tmp) / f"raw-{fts}.sqlite", raw, args.page, fts=fts)[0]
                   for label, fts in (("raw rows only", False), ("raw rows + FTS", True))}
    print(f"{args.rows} fixed-job items in pages of {args.page}")
    print(f"apply_feed_page (convert, version check, FTS texts, bigrams): {api_s:7.2f} s")
    print(f"apply_feed_page, same pages again (all skipped):             {again_s:7.2f} s")
    for label, seconds in results.items():
        print(f"{label:60} {seconds:7.2f} s   ratio api/raw = {api_s / seconds:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
