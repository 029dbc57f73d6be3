"""Technician command `kiosk keys rotate`: re-encrypt the stored personal data under a new key (JSON out, no UI)."""

from __future__ import annotations

import json
import sys
from typing import IO

from kiosk.cli_sync import EXIT_INCOMPLETE, EXIT_OK, open_for_cli
from kiosk.settings import Settings
from offline_cache import OfflineCacheError


def keys_rotate(settings: Settings, *, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr) -> int:
    """Make a new key version, re-encrypt every encrypted row under it, delete the old key files.

    One JSON line per committed batch ({"progress": table, "rows": n}), then the summary. Safe to
    interrupt (even by a power cut) and to run again; the running kiosk follows the new key at once.
    """
    database = open_for_cli(settings, err)
    if isinstance(database, int):
        return database
    try:
        def progress(table: str, rows: int) -> None:
            print(json.dumps({"progress": table, "rows": rows}), file=out, flush=True)

        report = database.rotate_keys(progress=progress)
    except OfflineCacheError as exc:
        print(f"密钥轮换未完成：{exc}。已加密的数据未丢失，可再次运行 kiosk keys rotate。", file=err)
        return EXIT_INCOMPLETE
    finally:
        database.close()
    print(json.dumps({"key_version": report.version, "outbox_rows": report.outbox_rows,
                      "case_rows": report.case_rows, "removed": list(report.removed)}, ensure_ascii=False),
          file=out)
    return EXIT_OK
