"""Technician commands `kiosk keys rotate` and `kiosk keys forget-lost` (JSON out, no UI)."""

from __future__ import annotations

import json
import sys
from typing import IO

from kiosk.cli_sync import EXIT_INCOMPLETE, EXIT_OK, open_for_cli
from kiosk.settings import Settings
from offline_cache import OfflineCacheError
from offline_cache.db import forget_lost


def keys_rotate(settings: Settings, *, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """Make a new key version, re-encrypt every encrypted row under it, delete the old key files.

    One JSON line per committed batch ({"progress": table, "rows": n}), then the summary. Safe to
    interrupt (even by a power cut) and to run again; the running kiosk follows the new key at once.
    """
    core = open_for_cli(settings, err)
    if isinstance(core, int):
        return core
    database = core.database
    try:
        def progress(table: str, rows: int) -> None:
            print(json.dumps({"progress": table, "rows": rows}), file=out, flush=True)

        report = database.rotate_keys(progress=progress)
    except OfflineCacheError as exc:
        print(f"密钥轮换未完成：{exc}。已加密的数据未丢失，可再次运行 kiosk keys rotate。", file=err)
        return EXIT_INCOMPLETE
    finally:
        core.close()
    print(json.dumps({"key_version": report.version, "outbox_rows": report.outbox_rows,
                      "case_rows": report.case_rows, "removed": list(report.removed)}, ensure_ascii=False),
          file=out)
    return EXIT_OK


def keys_forget_lost(settings: Settings, *, apply: bool, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """Last resort when a key file cannot be restored: report (and with --yes give up) what it protected.

    Prints one JSON object: the key versions lost, how many submissions lose their content (unsent ones go
    to needs attention: the resident must apply again), reasons and local cases dropped, files set aside.
    """
    from kiosk.app import DATABASE_FILE

    try:
        report = forget_lost(settings.data_dir / DATABASE_FILE, data_dir=settings.data_dir, apply=apply)
    except OfflineCacheError as exc:
        print(f"数据库错误：{exc}", file=err)
        return EXIT_INCOMPLETE
    print(json.dumps({"applied": report.applied, "lost_key_versions": list(report.lost_versions),
                      "submissions": report.submissions, "unsent": report.unsent, "reasons": report.reasons,
                      "cases": report.cases, "set_aside": list(report.set_aside)}, ensure_ascii=False), file=out)
    if report.anything_lost and not apply:
        print("以上内容将无法恢复。确认放弃请加 --yes 再运行一次。", file=err)
    return EXIT_OK
