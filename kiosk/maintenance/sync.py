"""Sync diagnostics for the technician's 同步与缓存 screen and `kiosk sync status|run`, `kiosk cache search`:
outbox, feeds, heartbeat, reachability, retry, refetch, one cycle now, the cached jobs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.errors import PlainError
from kiosk.settings import Settings
from kiosk.sync.clock_skew import clock_warning
from kiosk.sync.report import FeedPull, SyncReport
from kiosk.sync.state_file import STATE_FILE_NAME, SyncStateFile
from kiosk.sync.worker import SyncWorker
from offline_cache import (
    AttentionItem,
    Database,
    KeyFileInvalid,
    OfflineCacheError,
    Record,
    SearchQuery,
    StorageFault,
)
from offline_cache.search import MAX_PAGE_SIZE

if TYPE_CHECKING:
    from kiosk.app import HeadlessCore

log = logging.getLogger(__name__)


ATTENTION_LIST_LIMIT = 50
SEARCH_FEEDS = {"fixed": "fixed_jobs", "gig": "gig_jobs"}


def _aware(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def iso(t: datetime | None) -> str | None:
    """An ISO time with its zone (UTC when the stored time has none); None stays None."""
    aware = _aware(t)
    return aware.isoformat() if aware else None


@dataclass(frozen=True)
class OutboxDetails:
    """Counts per state, the oldest unsent item's age, and the items waiting for a technician (no personal data)."""

    counts: dict[str, int]
    oldest_queued_age_s: float | None
    needs_attention: tuple[AttentionItem, ...]

    def attention_json(self) -> list[dict[str, Any]]:
        return [{"key": a.key, "kind": a.kind, "attempts": a.attempts, "error": a.last_error, "since": iso(a.since)}
                for a in self.needs_attention]

    def to_json(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "oldest_queued_age_s": self.oldest_queued_age_s,
                "needs_attention": self.attention_json()}


def outbox_details(database: Database, now: datetime) -> OutboxDetails:
    """The outbox as `kiosk sync status` and the sync screen show it."""
    oldest = database.outbox.oldest_queued_at()
    return OutboxDetails(
        {s.value: n for s, n in database.outbox.counts().items()},
        round((now - oldest).total_seconds(), 1) if oldest else None,
        tuple(database.outbox.needing_attention(ATTENTION_LIST_LIMIT)),
    )


class DatabaseUnavailable(PlainError):
    """The kiosk database cannot be opened for maintenance; `setup_fault`: the key files need a technician."""

    def __init__(self, message: str, *, setup_fault: bool) -> None:
        super().__init__(message)
        self.setup_fault = setup_fault


def open_headless_core(settings: Settings) -> HeadlessCore:
    """The command line's core (the kiosk database, migrated) for a maintenance command; DatabaseUnavailable
    says why not. StorageFault (full, read-only or damaged storage) passes through: the caller says 暂停服务.
    """
    from kiosk.app import build_headless_core

    try:
        return build_headless_core(settings)
    except KeyFileInvalid as exc:
        raise DatabaseUnavailable(f"密钥错误：{exc}", setup_fault=True) from exc
    except StorageFault:
        raise
    except OfflineCacheError as exc:
        raise DatabaseUnavailable(f"数据库错误：{exc}", setup_fault=False) from exc


def status_report(settings: Settings, database: Database) -> dict[str, Any]:
    """Outbox per state, per-feed pull state, last heartbeat and clock offset (what `kiosk sync status` prints)."""
    now = database.clock()
    state = SyncStateFile(settings.data_dir / STATE_FILE_NAME).load()
    feeds = {s.feed: {"last_pull_at": iso(s.last_pull_at), "rows": s.row_count, "cursor": s.cursor,
                      "reset_at": iso(s.reset_at)} for s in database.feeds.status()}
    return {
        "kiosk_id": settings.kiosk_id,
        "platform": settings.platform.url,
        "outbox": outbox_details(database, now).to_json(),
        "feeds": feeds,
        "heartbeat": {"last_at": iso(state.last_heartbeat_at), "server_time": iso(state.server_time),
                      "clock_offset_s": state.clock_offset_s, "clock_warning": clock_warning(state.clock_offset_s)},
        "network": state.network,
        "last_error": state.last_error,
        "last_push_at": iso(state.last_push_at),
        "last_pull_at": iso(state.last_pull_at),
        "last_purge_at": iso(state.last_purge_at),
        "schema_revision": database.revision(),
    }


@dataclass(frozen=True)
class CycleResult:
    """One sync cycle run now: its report and the last error the worker recorded."""

    report: SyncReport
    last_error: str | None


def run_cycle(settings: Settings) -> CycleResult:
    """One full cycle now, with a platform client and database of its own: recover in-flight items, push,
    heartbeat, pull. Raises CredentialsError, SandboxStartError or DatabaseUnavailable when it cannot start."""
    from kiosk.app import build_platform_client, build_sync_worker, start_demo_sandbox

    sandbox = None
    core: HeadlessCore | None = None
    client = None
    try:
        client = build_platform_client(settings)
        if settings.platform.start_sandbox:
            sandbox = start_demo_sandbox(settings)
        core = open_headless_core(settings)
        worker = build_sync_worker(settings, core.database, client)
        worker.recover_in_flight()
        report = worker.run_once()
        return CycleResult(report, SyncStateFile(settings.data_dir / STATE_FILE_NAME).load().last_error)
    finally:
        if core is not None:
            core.close()
        if client is not None:
            client.close()
        if sandbox is not None:
            sandbox.stop()


def cached_jobs(database: Database, text: str, *, kind: str = "fixed", town: str | None = None,
                limit: int = 20) -> list[Record]:
    """Up to `limit` cached jobs of `kind` ("fixed" / "gig") matching `text`, newest first."""
    feed = SEARCH_FEEDS[kind]
    found: list[Record] = []
    page_no = 1
    size = min(MAX_PAGE_SIZE, limit)
    while len(found) < limit:
        page = database.search.search(feed, SearchQuery(text=text, town=town, page=page_no, page_size=size))
        found.extend(page.items[: limit - len(found)])
        if len(page.items) < size:
            break
        page_no += 1
    return found


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
    needs_attention: tuple[AttentionItem, ...]
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
        details = outbox_details(self._db, now)  # the same numbers `kiosk sync status` prints
        state = SyncStateFile(self._settings.data_dir / STATE_FILE_NAME).load()
        feeds = []
        for s in self._db.feeds.status():
            pulled = _aware(s.last_pull_at)
            feeds.append(FeedLine(s.feed, pulled, s.row_count,
                                  round((now - pulled).total_seconds(), 1) if pulled else None))
        network = self._worker.network_state.value if self._worker.network_state else state.network
        return SyncSnapshot(details.counts, details.oldest_queued_age_s, details.needs_attention,
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
        self._db.outbox.make_due_now()
        push = self._worker.push()
        log.info("technician retry: %d requeued, %d accepted", requeued, push.accepted)
        return {"requeued": requeued, "accepted": push.accepted, "rejected": push.rejected,
                "retried": push.retried, "needs_attention": push.needs_attention, "unreachable": int(push.unreachable)}

    def _needs_attention_keys(self) -> list[str]:
        return [a.key for a in self._db.outbox.needing_attention(ATTENTION_LIST_LIMIT)]

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
