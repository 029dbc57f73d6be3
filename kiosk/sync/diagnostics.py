"""What the technician's 同步与缓存 screen shows and does: outbox, feeds, heartbeat, reachability, retry, refetch."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from kiosk.cli_sync import _outbox_details
from kiosk.settings import Settings
from kiosk.sync.clock_skew import clock_warning
from kiosk.sync.report import FeedPull
from kiosk.sync.state_file import STATE_FILE_NAME, SyncStateFile
from kiosk.sync.worker import SyncWorker
from offline_cache import Database, OutboxState
from offline_cache.models import OutboxRow
from offline_cache.uow import write_session

log = logging.getLogger(__name__)


def _aware(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FeedLine:
    """One feed: when it was last pulled (None: never) and how many rows are cached."""

    feed: str
    last_pull_at: datetime | None
    rows: int
    age_s: float | None


@dataclass(frozen=True)
class SyncSnapshot:
    """Everything the sync screen shows, read in one go (off the GUI thread)."""

    outbox: dict[str, int]
    oldest_queued_age_s: float | None
    needs_attention: tuple[dict[str, Any], ...]
    feeds: tuple[FeedLine, ...]
    last_heartbeat_at: datetime | None
    clock_offset_s: float | None
    network: str | None
    last_error: str | None

    @property
    def clock_warning(self) -> str | None:
        """The plain warning when the kiosk clock is off the platform's (None: close enough, or unknown)."""
        return clock_warning(self.clock_offset_s)

    def to_json(self) -> dict[str, Any]:
        """A compact, non-personal copy (for a fault report's snapshot)."""
        return {
            "outbox": dict(self.outbox), "oldest_queued_age_s": self.oldest_queued_age_s,
            "feeds": {f.feed: {"rows": f.rows, "age_s": f.age_s} for f in self.feeds},
            "last_heartbeat_at": self.last_heartbeat_at.isoformat() if self.last_heartbeat_at else None,
            "clock_offset_s": self.clock_offset_s, "network": self.network, "last_error": self.last_error,
        }


@dataclass(frozen=True)
class Reachability:
    """A heartbeat sent now: answered or not, how long it took, the error code."""

    ok: bool
    latency_ms: float | None
    error: str | None


class SyncDiagnostics:
    """Reads and nudges the sync state for a technician; every method blocks (run it off the GUI thread)."""

    def __init__(self, settings: Settings, database: Database, worker: SyncWorker, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._db = database
        self._worker = worker
        self._monotonic = monotonic

    def snapshot(self) -> SyncSnapshot:
        now = self._db.clock()
        details = _outbox_details(self._db, now)  # the same numbers `kiosk sync status` prints
        state = SyncStateFile(self._settings.data_dir / STATE_FILE_NAME).load()
        feeds = []
        for s in self._db.feeds.status():
            pulled = _aware(s.last_pull_at)
            feeds.append(FeedLine(s.feed, pulled, s.row_count,
                                  round((now - pulled).total_seconds(), 1) if pulled else None))
        network = self._worker.network_state.value if self._worker.network_state else state.network
        return SyncSnapshot(details["counts"], details["oldest_queued_age_s"], tuple(details["needs_attention"]),
                            tuple(feeds), _aware(state.last_heartbeat_at), state.clock_offset_s, network,
                            state.last_error)

    def probe(self) -> Reachability:
        """Send a heartbeat now and time it (it also refreshes the clock offset and pushed settings)."""
        started = self._monotonic()
        result = self._worker.heartbeat()
        elapsed = round((self._monotonic() - started) * 1000, 1)
        return Reachability(result.ok, elapsed if result.ok else None, result.error)

    def retry_now(self) -> dict[str, int]:
        """Items waiting for a technician go back to the queue, every queued item is due now, then push."""
        requeued = 0
        for item in self._needs_attention_keys():
            self._db.outbox.requeue(item)
            requeued += 1
        now = self._db.clock()
        with write_session(self._db.engine) as session:
            session.execute(update(OutboxRow).where(OutboxRow.state == OutboxState.QUEUED.value)
                            .values(next_attempt_at=now))
        push = self._worker.push()
        log.info("technician retry: %d requeued, %d accepted", requeued, push.accepted)
        return {"requeued": requeued, "accepted": push.accepted, "rejected": push.rejected,
                "retried": push.retried, "needs_attention": push.needs_attention, "unreachable": int(push.unreachable)}

    def _needs_attention_keys(self) -> list[str]:
        now = self._db.clock()
        return [d["key"] for d in _outbox_details(self._db, now)["needs_attention"]]

    def refetch_all(self) -> tuple[FeedPull, ...] | None:
        """Forget every cached feed and fetch it again — only when the platform answers first (None: it did not).

        Checking first matters: a village kiosk that dropped its cache while offline would have nothing to show.
        """
        if not self.probe().ok:
            return None
        results = []
        for status in self._db.feeds.status():
            self._db.feeds.reset_feed(status.feed)
            results.append(self._worker.pull_feed(status.feed))
        return tuple(results)
