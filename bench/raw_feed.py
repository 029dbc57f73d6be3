"""The raw baseline the ingest benches compare apply_feed_page with: the same fixed-job rows (and their FTS
texts) converted beforehand, so no Python work is timed, then written with plain sqlite3 executemany on the
schema open_database makes (same indexes and pragmas).

Used by bench_ingest.py and bench_search.py (run as scripts: they put the project folder on sys.path).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_cache import FEEDS, open_database
from offline_cache.bigrams import bigram_tokens
from offline_cache.fts import slot_texts
from offline_cache.records import item_values

SPEC = FEEDS["fixed_jobs"]


@dataclass(frozen=True)
class RawRows:
    """Rows ready for executemany: the table's, the trigram FTS table's and the bigram FTS table's."""

    rows: list[tuple[Any, ...]]
    tri: list[tuple[Any, ...]]
    bi: list[tuple[int, str]]


def convert(items: Sequence[Mapping[str, Any]]) -> RawRows:
    """The items as the feed table's rows (pk from 1, not deleted) and their FTS rows."""
    rows = []
    for n, item in enumerate(items):
        item_id, version, updated_at, _, values = item_values(SPEC, n, item)
        rows.append((n + 1, item_id, version, updated_at, 0, *values))
    texts = [(t[0], slot_texts(SPEC, dict(zip(SPEC.columns, t[5:], strict=True)))) for t in rows]
    return RawRows(rows, [(pk, *s) for pk, s in texts], [(pk, bigram_tokens(*s)) for pk, s in texts])


def insert(path: Path, raw: RawRows, page: int, *, fts: bool = True) -> tuple[float, float]:
    """Seconds (wall, this thread's CPU) to write `raw` into a new database at `path`, `page` rows a
    transaction, with its FTS rows or without."""
    cols = ("pk", "id", "version", "updated_at", "deleted", *SPEC.columns)
    sql = f"INSERT INTO {SPEC.table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    open_database(path, backup_dir=None).close()  # same schema, indexes and pragmas
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")
    start, cpu = time.perf_counter(), time.thread_time()
    for i in range(0, len(raw.rows), page):
        con.execute("BEGIN IMMEDIATE")
        con.executemany(sql, raw.rows[i : i + page])
        if fts:
            con.executemany(f"INSERT INTO {SPEC.table}_tri(rowid, title, employer, description, place) "
                            "VALUES (?, ?, ?, ?, ?)", raw.tri[i : i + page])
            con.executemany(f"INSERT INTO {SPEC.table}_bi(rowid, grams) VALUES (?, ?)", raw.bi[i : i + page])
        con.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
    con.close()
    return seconds, cpu
