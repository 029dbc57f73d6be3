"""Keeps a feed's two contentless FTS5 tables (trigram, bigram) in step with its rows.

Contentless tables forget the text, so a delete must repeat exactly what was inserted: both sides
build the texts with `slot_texts` from the stored column values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from offline_cache.bigrams import bigram_tokens
from offline_cache.feeds import FeedSpec

SLOT_NAMES = ("title", "employer", "description", "place")


def slot_columns(spec: FeedSpec) -> tuple[str, ...]:
    """Every column that feeds an FTS slot, in slot order (empty for feeds without search)."""
    if spec.search is None:
        return ()
    return tuple(c for cols in spec.search.slots().values() for c in cols)


def slot_texts(spec: FeedSpec, values: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """The four slot texts, joined like migration 0003's SQL: coalesce(a,'') || ' ' || coalesce(b,'')."""
    assert spec.search is not None
    slots = spec.search.slots()
    texts = [" ".join("" if values.get(c) is None else str(values[c]) for c in slots[name]) for name in SLOT_NAMES]
    return texts[0], texts[1], texts[2], texts[3]


def insert(cur: sqlite3.Cursor, spec: FeedSpec, rows: Sequence[tuple[int, tuple[str, ...]]]) -> None:
    """Index rows given as (pk, slot texts)."""
    if not rows:
        return
    cur.executemany(f"INSERT INTO {spec.table}_tri(rowid, {', '.join(SLOT_NAMES)}) VALUES (?, ?, ?, ?, ?)",
                    [(pk, *texts) for pk, texts in rows])
    cur.executemany(f"INSERT INTO {spec.table}_bi(rowid, grams) VALUES (?, ?)",
                    [(pk, bigram_tokens(*texts)) for pk, texts in rows])


def delete(cur: sqlite3.Cursor, spec: FeedSpec, rows: Iterable[tuple[int, tuple[str, ...]]]) -> None:
    """Remove rows from the index, given as (pk, the slot texts they were indexed with)."""
    rows = list(rows)
    if not rows:
        return
    tri, bi = f"{spec.table}_tri", f"{spec.table}_bi"
    cur.executemany(f"INSERT INTO {tri}({tri}, rowid, {', '.join(SLOT_NAMES)}) VALUES ('delete', ?, ?, ?, ?, ?)",
                    [(pk, *texts) for pk, texts in rows])
    cur.executemany(f"INSERT INTO {bi}({bi}, rowid, grams) VALUES ('delete', ?, ?)",
                    [(pk, bigram_tokens(*texts)) for pk, texts in rows])


def clear(cur: sqlite3.Cursor, spec: FeedSpec) -> None:
    """Empty both FTS tables of a feed."""
    for suffix in ("tri", "bi"):
        table = f"{spec.table}_{suffix}"
        cur.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
