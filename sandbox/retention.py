"""Heartbeat retention: heartbeats older than the kept days are deleted in bounded batches.

At province scale the heartbeats table grows by ~500 rows/s. `python -m sandbox prune-heartbeats` (from a
timer) deletes every expired row, one batch per short transaction; each gateway process also deletes one
batch after a heartbeat at most every `piggyback_every_s` (sandbox/fleet_settings.json), enough for a demo
or a small fleet (2000 rows per 30 s is 67 heartbeats/s per process). Several processes may prune at once:
on PostgreSQL a batch takes its rows FOR UPDATE SKIP LOCKED, so two pruners take different rows; on SQLite
the database lock makes them take turns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from sandbox import db
from sandbox.fleet_settings import HeartbeatRetention

log = logging.getLogger(__name__)


class HeartbeatPruner:
    """Deletes heartbeats older than `retention.keep_days`, `retention.batch_rows` at a time."""

    def __init__(self, engine: Engine, retention: HeartbeatRetention, clock: Callable[[], float], lock: Any) -> None:
        self.engine = engine
        self.retention = retention
        self.clock = clock
        self._lock = lock  # the platform's writer lock (SQLite: one writer per process)
        self._pg = engine.dialect.name == "postgresql"
        self._last_piggyback = float("-inf")
        self._claim = threading.Lock()

    def cutoff(self) -> float:
        return self.clock() - self.retention.keep_days * 86400

    def prune_batch(self) -> int:
        """Delete up to one batch of expired heartbeats, oldest first (by id: no index on the time needed)."""
        oldest = (select(db.Heartbeat.id).where(db.Heartbeat.received_at < self.cutoff())
                  .order_by(db.Heartbeat.id).limit(self.retention.batch_rows))
        if self._pg:
            oldest = oldest.with_for_update(skip_locked=True)
        with self._lock, self.engine.begin() as conn:
            deleted: int = conn.execute(delete(db.Heartbeat).where(db.Heartbeat.id.in_(oldest.scalar_subquery()))
                                        .execution_options(synchronize_session=False)).rowcount
        return deleted

    def prune(self, max_batches: int | None = None) -> int:
        """Delete every expired heartbeat (or `max_batches` batches); how many rows went."""
        total = batches = 0
        while max_batches is None or batches < max_batches:
            deleted = self.prune_batch()
            total += deleted
            batches += 1
            if deleted < self.retention.batch_rows:
                break
        return total

    def maybe_prune(self) -> None:
        """After a heartbeat: one batch when this process has not pruned for `piggyback_every_s`.

        Never fails the heartbeat that carries it: a database error is logged and the next turn tries again.
        """
        now = self.clock()
        if now - self._last_piggyback < self.retention.piggyback_every_s or not self._claim.acquire(blocking=False):
            return
        try:
            if now - self._last_piggyback < self.retention.piggyback_every_s:
                return
            self._last_piggyback = now
            deleted = self.prune_batch()
            if deleted:
                log.info("pruned %d heartbeats older than %g days", deleted, self.retention.keep_days)
        except DBAPIError as exc:
            log.warning("heartbeat pruning failed (%s); next turn in %g s", type(exc).__name__,
                        self.retention.piggyback_every_s)
        finally:
            self._claim.release()
