"""Feed ingest: upsert pages by version, tombstones, cursors, per-feed status, reset."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from offline_cache import fts
from offline_cache.clock import Clock
from offline_cache.feeds import FEEDS, FeedSpec, feed_spec
from offline_cache.fts import slot_columns, slot_texts
from offline_cache.models import FeedState
from offline_cache.records import Record, item_values, record_from_row, select_columns
from offline_cache.uow import reading, write_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApplyResult:
    """What one page changed."""

    feed: str
    upserted: int  # rows inserted or replaced by a newer version
    deleted: int  # rows tombstoned
    skipped: int  # items not newer than what is cached
    cursor: str | None


@dataclass(frozen=True)
class FeedStatus:
    """One line of `kiosk sync status`."""

    feed: str
    cursor: str | None
    last_pull_at: datetime | None
    row_count: int  # live (not tombstoned) rows
    reset_at: datetime | None


_ID_CHUNK = 900  # stay under SQLite's bound-parameter limit


def _insert_sql(spec: FeedSpec) -> str:
    cols = ", ".join(("pk", "id", "version", "updated_at", "deleted", *spec.columns))
    return f"INSERT INTO {spec.table} ({cols}) VALUES ({', '.join('?' for _ in range(5 + len(spec.columns)))})"


def _update_sql(spec: FeedSpec) -> str:
    sets = ", ".join(f"{c} = ?" for c in ("version", "updated_at", "deleted", *spec.columns))
    return f"UPDATE {spec.table} SET {sets} WHERE pk = ?"


_INSERT = {name: _insert_sql(spec) for name, spec in FEEDS.items()}
_UPDATE = {name: _update_sql(spec) for name, spec in FEEDS.items()}


@dataclass(frozen=True)
class _Current:
    pk: int
    version: int
    deleted: bool
    slots: tuple[str, ...] | None  # slot texts it is indexed with (live searchable rows only)


def _winners(spec: FeedSpec, items: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, str | None, bool, tuple[Any, ...]]]:
    """One item per id: the highest version; at equal versions a tombstone wins, else the later item."""
    best: dict[str, tuple[int, str | None, bool, tuple[Any, ...]]] = {}
    for index, item in enumerate(items):
        item_id, version, updated_at, deleted, values = item_values(spec, index, item)
        seen = best.get(item_id)
        if seen is None or version > seen[0] or (version == seen[0] and (deleted or not seen[2])):
            best[item_id] = (version, updated_at, deleted, values)
    return best


def _current(cur: Any, spec: FeedSpec, ids: list[str]) -> dict[str, _Current]:
    cols = slot_columns(spec)
    select_cols = ", ".join(("id", "pk", "version", "deleted", *cols))
    found: dict[str, _Current] = {}
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        rows = cur.execute(
            f"SELECT {select_cols} FROM {spec.table} WHERE id IN ({', '.join('?' for _ in chunk)})", chunk
        ).fetchall()
        for row in rows:
            slots = slot_texts(spec, dict(zip(cols, row[4:], strict=True))) if cols and not row[3] else None
            found[row[0]] = _Current(row[1], row[2], bool(row[3]), slots)
    return found


class FeedStore:
    """Writes feed pages into the cache and reports per-feed sync state."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def apply_feed_page(
        self, feed: str, items: Sequence[Mapping[str, Any]], next_cursor: str | None
    ) -> ApplyResult:
        """Upsert a page (newer versions only), apply tombstones, index the text, store the cursor: one transaction.

        FeedStore is the only writer of feed tables: the FTS tables are kept in step here, not by triggers.

        A malformed item raises FeedItemInvalid and nothing of the page is kept (the cursor stays).
        """
        spec = feed_spec(feed)
        winners = _winners(spec, items)
        searchable = spec.search is not None
        blank = (None,) * len(spec.columns)
        now = self._clock()
        upserted = deleted = 0
        with write_session(self._engine) as session:
            cur = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                current = _current(cur, spec, list(winners))
                next_pk = cur.execute(f"SELECT coalesce(max(pk), 0) + 1 FROM {spec.table}").fetchone()[0]
                inserts, updates, unindex, index = [], [], [], []
                for item_id, (version, updated_at, dead, values) in winners.items():
                    old = current.get(item_id)
                    if old is not None and not (version > old.version or (dead and version == old.version and not old.deleted)):
                        continue  # not newer than what is cached
                    row_values = blank if dead else values
                    if old is None:
                        pk = next_pk
                        next_pk += 1
                        inserts.append((pk, item_id, version, updated_at, int(dead), *row_values))
                    else:
                        pk = old.pk
                        updates.append((version, updated_at, int(dead), *row_values, pk))
                        if old.slots is not None:
                            unindex.append((pk, old.slots))
                    if dead:
                        deleted += 1
                    else:
                        upserted += 1
                        if searchable:
                            index.append((pk, slot_texts(spec, dict(zip(spec.columns, values, strict=True)))))
                if searchable:
                    fts.delete(cur, spec, unindex)
                if inserts:
                    cur.executemany(_INSERT[feed], inserts)
                if updates:
                    cur.executemany(_UPDATE[feed], updates)
                if searchable:
                    fts.insert(cur, spec, index)
            finally:
                cur.close()
            state = session.get(FeedState, feed) or FeedState(feed=feed)
            state.cursor = next_cursor
            state.last_pull_at = now
            session.add(state)
        result = ApplyResult(feed, upserted, deleted, len(items) - upserted - deleted, next_cursor)
        log.debug("feed page applied: %s", result)
        return result

    def cursor(self, feed: str) -> str | None:
        """Where the next pull of `feed` starts (None: from the beginning)."""
        feed_spec(feed)
        with reading(self._engine) as conn:
            return conn.execute(select(FeedState.cursor).where(FeedState.feed == feed)).scalar_one_or_none()

    def reset_feed(self, feed: str) -> int:
        """Forget everything cached for `feed` and its cursor ("must refetch"). Returns rows removed."""
        spec = feed_spec(feed)
        with write_session(self._engine) as session:
            cur = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                if spec.search is not None:
                    fts.clear(cur, spec)
                removed: int = cur.execute(f"DELETE FROM {spec.table}").rowcount
            finally:
                cur.close()
            state = session.get(FeedState, feed) or FeedState(feed=feed)
            state.cursor = None
            state.reset_at = self._clock()
            session.add(state)
        log.info("feed %s reset: %d cached rows removed", feed, removed)
        return removed

    def status(self) -> list[FeedStatus]:
        """Cursor, last pull time and live row count of every feed."""
        table = FeedState.__table__
        with reading(self._engine) as conn:
            states = {row.feed: row for row in conn.execute(select(table))}
            out = []
            for name, spec in FEEDS.items():
                count = conn.exec_driver_sql(f"SELECT count(*) FROM {spec.table} WHERE deleted = 0").scalar_one()
                row = states.get(name)
                out.append(
                    FeedStatus(
                        name,
                        row.cursor if row else None,
                        row.last_pull_at if row else None,
                        count,
                        row.reset_at if row else None,
                    )
                )
        return out

    def get(self, feed: str, item_id: str) -> Record | None:
        """One live cached item by platform id (None if unknown or tombstoned)."""
        spec = feed_spec(feed)
        with reading(self._engine) as conn:
            row = conn.exec_driver_sql(
                f"SELECT {select_columns(spec)} FROM {spec.table} t WHERE t.id = ? AND t.deleted = 0", (item_id,)
            ).first()
        return None if row is None else record_from_row(spec, row)
