"""Technician commands `kiosk sync status`, `kiosk sync run`, `kiosk cache search`: arguments in, JSON out.

The work is kiosk/maintenance/sync.py's, shared with the technician screens; this module only formats.
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING

from kiosk.maintenance.sync import (
    DatabaseUnavailable,
    cached_jobs,
    open_headless_core,
    run_cycle,
    status_report,
)
from kiosk.platform import CredentialsError
from kiosk.settings import Settings
from kiosk.sync import SyncReport

if TYPE_CHECKING:
    from kiosk.app import HeadlessCore

EXIT_OK = 0
EXIT_INCOMPLETE = 1  # the platform was unreachable (or a feed could not be pulled, an item must be retried)
EXIT_CONFIG = 2
EXIT_ATTENTION = 3  # submissions need a technician

PAY_FIELDS = {"fixed": ("salary_min", "salary_max"), "gig": ("daily_wage_min", "daily_wage_max")}


def open_for_cli(settings: Settings, err: IO[str]) -> HeadlessCore | int:
    """The command line's core (the kiosk database), or the exit code after printing why it cannot be opened (no traceback).

    Key trouble (missing or replaced key files) is a setup fault a technician must fix: exit 2, as for
    bad settings; any other database fault exits 1. Full, read-only or damaged storage (StorageFault)
    passes through: `kiosk` says 暂停服务 and exits 2, as the kiosk itself would.
    """
    try:
        return open_headless_core(settings)
    except DatabaseUnavailable as exc:
        print(exc.message, file=err)
        return EXIT_CONFIG if exc.setup_fault else EXIT_INCOMPLETE


def sync_status(settings: Settings, *, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """One JSON object: outbox per state, per-feed pull state, last heartbeat and clock offset."""
    core = open_for_cli(settings, err)
    if isinstance(core, int):
        return core
    database = core.database
    try:
        report = status_report(settings, database)
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
    from kiosk.sandbox_process import SandboxStartError

    try:
        cycle = run_cycle(settings)
    except CredentialsError as exc:
        print(f"配置错误：{exc}", file=err)
        return EXIT_CONFIG
    except SandboxStartError as exc:
        print(str(exc), file=err)
        return EXIT_INCOMPLETE
    except DatabaseUnavailable as exc:
        print(exc.message, file=err)
        return EXIT_CONFIG if exc.setup_fault else EXIT_INCOMPLETE
    print(json.dumps(cycle.report.to_json(), ensure_ascii=False), file=out)
    code = exit_code(cycle.report)
    if code != EXIT_OK:
        print(_unfinished_text(cycle.report, code, cycle.last_error), file=err)
    return code


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
    low, high = PAY_FIELDS[kind]
    try:
        for r in cached_jobs(database, query, kind=kind, town=town, limit=limit):
            line = {"id": r.id, "kind": kind, "title": r.get("title"), "employer": r.get("employer"),
                    "town": r.get("town"), "village": r.get("village"), low: r.get(low), high: r.get(high),
                    "posted_at": r.get("posted_at")}
            print(json.dumps(line, ensure_ascii=False), file=out)
    finally:
        core.close()
    return EXIT_OK
