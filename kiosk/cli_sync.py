"""Technician commands: `kiosk sync status`, `kiosk sync run`, `kiosk cache search` (JSON out, no UI)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func, select

from kiosk.platform import CredentialsError
from kiosk.settings import Settings
from kiosk.sync import STATE_FILE_NAME, SyncReport, SyncStateFile
from kiosk.sync.clock_skew import clock_warning
from offline_cache import Database, KeyFileInvalid, OfflineCacheError, OutboxState, SearchQuery, StorageFault
from offline_cache.models import OutboxRow
from offline_cache.search import MAX_PAGE_SIZE
from offline_cache.uow import reading

if TYPE_CHECKING:
    from kiosk.app import HeadlessCore

EXIT_OK = 0
EXIT_INCOMPLETE = 1  # the platform was unreachable (or a feed could not be pulled, an item must be retried)
EXIT_CONFIG = 2
EXIT_ATTENTION = 3  # submissions need a technician

SEARCH_FEEDS = {"fixed": "fixed_jobs", "gig": "gig_jobs"}
PAY_FIELDS = {"fixed": ("salary_min", "salary_max"), "gig": ("daily_wage_min", "daily_wage_max")}
ATTENTION_LIST_LIMIT = 50


def _iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).isoformat()


def open_for_cli(settings: Settings, err: IO[str]) -> HeadlessCore | int:
    """The command line's core (the kiosk database), or the exit code after printing why it cannot be opened.

    Key trouble (missing or replaced key files) is a setup fault a technician must fix: exit 2, as for
    bad settings; any other database fault exits 1.
    """
    from kiosk.app import build_headless_core

    try:
        return build_headless_core(settings)
    except KeyFileInvalid as exc:
        print(f"密钥错误：{exc}", file=err)
        return EXIT_CONFIG
    except StorageFault:
        raise  # full, read-only or damaged: `kiosk` says 暂停服务 and exits 2, as the kiosk itself would
    except OfflineCacheError as exc:
        print(f"数据库错误：{exc}", file=err)
        return EXIT_INCOMPLETE


def _outbox_details(database: Database, now: datetime) -> dict[str, Any]:
    """Counts per state, the oldest unsent item's age, and the items waiting for a technician (no personal data)."""
    counts = {s.value: n for s, n in database.outbox.counts().items()}
    with reading(database.engine) as conn:
        oldest = conn.execute(
            select(func.min(OutboxRow.created_at)).where(OutboxRow.state == OutboxState.QUEUED.value)).scalar()
        attention = conn.execute(
            select(OutboxRow.key, OutboxRow.kind, OutboxRow.attempts, OutboxRow.last_error, OutboxRow.updated_at)
            .where(OutboxRow.state == OutboxState.NEEDS_ATTENTION.value)
            .order_by(OutboxRow.updated_at).limit(ATTENTION_LIST_LIMIT)).all()
    if isinstance(oldest, str):  # a raw aggregate bypasses the column type
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {
        "counts": counts,
        "oldest_queued_age_s": round((now - oldest).total_seconds(), 1) if oldest else None,
        "needs_attention": [{"key": r.key, "kind": r.kind, "attempts": r.attempts, "error": r.last_error,
                             "since": _iso(r.updated_at)} for r in attention],
    }


def sync_status(settings: Settings, *, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """One JSON object: outbox per state, per-feed pull state, last heartbeat and clock offset."""
    core = open_for_cli(settings, err)
    if isinstance(core, int):
        return core
    database = core.database
    try:
        now = database.clock()
        state = SyncStateFile(settings.data_dir / STATE_FILE_NAME).load()
        feeds = {s.feed: {"last_pull_at": _iso(s.last_pull_at), "rows": s.row_count, "cursor": s.cursor,
                          "reset_at": _iso(s.reset_at)} for s in database.feeds.status()}
        report = {
            "kiosk_id": settings.kiosk_id,
            "platform": settings.platform.url,
            "outbox": _outbox_details(database, now),
            "feeds": feeds,
            "heartbeat": {"last_at": _iso(state.last_heartbeat_at), "server_time": _iso(state.server_time),
                          "clock_offset_s": state.clock_offset_s, "clock_warning": clock_warning(state.clock_offset_s)},
            "network": state.network,
            "last_error": state.last_error,
            "last_push_at": _iso(state.last_push_at),
            "last_pull_at": _iso(state.last_pull_at),
            "last_purge_at": _iso(state.last_purge_at),
            "schema_revision": database.revision(),
        }
    finally:
        core.close()
    print(json.dumps(report, ensure_ascii=False), file=out)
    return EXIT_OK


def exit_code(report: SyncReport) -> int:
    """0 everything pushed and every feed pulled; 1 unreachable or incomplete; 3 items need attention."""
    if report.unreachable:
        return EXIT_INCOMPLETE
    if report.needs_attention:
        return EXIT_ATTENTION
    if report.push.refused or report.push.retried or not report.all_feeds_pulled:
        return EXIT_INCOMPLETE
    return EXIT_OK


def _unfinished_text(report: SyncReport, code: int, last_error: str | None) -> str:
    """The plain line for a technician when a cycle did not finish."""
    from kiosk.sync.messages import SYNC_RUN_TEXTS

    if report.unreachable:
        return SYNC_RUN_TEXTS["unreachable"].format(code=last_error or "NETWORK")
    if code == EXIT_ATTENTION:
        return SYNC_RUN_TEXTS["attention"].format(count=report.needs_attention)
    failed = [f.error for f in report.feeds if f.error]
    return SYNC_RUN_TEXTS["incomplete"].format(code=(failed[0] if failed else None) or last_error or "RETRY")


def sync_run(settings: Settings, *, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """One full cycle now: recover in-flight items, push, heartbeat, pull; prints the report as JSON."""
    from kiosk.app import build_platform_client, build_sync_worker, start_demo_sandbox
    from kiosk.sandbox_process import SandboxStartError

    sandbox = None
    core: HeadlessCore | None = None
    client = None
    try:
        try:
            client = build_platform_client(settings)
        except CredentialsError as exc:
            print(f"配置错误：{exc}", file=err)
            return EXIT_CONFIG
        if settings.platform.start_sandbox:
            try:
                sandbox = start_demo_sandbox(settings)
            except SandboxStartError as exc:
                print(str(exc), file=err)
                return EXIT_INCOMPLETE
        opened = open_for_cli(settings, err)
        if isinstance(opened, int):
            return opened
        core = opened
        worker = build_sync_worker(settings, core.database, client)
        worker.recover_in_flight()
        report = worker.run_once()
        print(json.dumps(report.to_json(), ensure_ascii=False), file=out)
        code = exit_code(report)
        if code != EXIT_OK:
            print(_unfinished_text(report, code, SyncStateFile(settings.data_dir / STATE_FILE_NAME).load().last_error),
                  file=err)
        return code
    finally:
        if core is not None:
            core.close()
        if client is not None:
            client.close()
        if sandbox is not None:
            sandbox.stop()


def cache_search(settings: Settings, query: str, *, kind: str = "fixed", town: str | None = None, limit: int = 20,
                 out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """Cached jobs matching QUERY, one JSON object per line (newest first)."""
    if limit < 1:
        print("--limit 应为正整数", file=err)
        return EXIT_CONFIG
    core = open_for_cli(settings, err)
    if isinstance(core, int):
        return core
    database = core.database
    feed = SEARCH_FEEDS[kind]
    low, high = PAY_FIELDS[kind]
    try:
        page_no, printed = 1, 0
        size = min(MAX_PAGE_SIZE, limit)
        while printed < limit:
            page = database.search.search(feed, SearchQuery(text=query, town=town, page=page_no, page_size=size))
            for r in page.items[: limit - printed]:
                line = {"id": r.id, "kind": kind, "title": r.get("title"), "employer": r.get("employer"),
                        "town": r.get("town"), "village": r.get("village"), low: r.get(low), high: r.get(high),
                        "posted_at": r.get("posted_at")}
                print(json.dumps(line, ensure_ascii=False), file=out)
                printed += 1
            if len(page.items) < size:
                break
            page_no += 1
    finally:
        core.close()
    return EXIT_OK
