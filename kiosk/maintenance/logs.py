"""Logs for a technician: the last lines of kiosk.log by level, and an export to a USB drive (no Qt)."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from kiosk.maintenance.audit import AUDIT_FILE
from kiosk.settings import Settings

log = logging.getLogger(__name__)

LOG_FILE = "kiosk.log"
LEVELS = ("ALL", "INFO", "WARNING", "ERROR")
_LEVEL_ORDER = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
_LINE_LEVEL = re.compile(r"^\S+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
MOUNT_ROOTS = (Path("/media"), Path("/mnt"), Path("/run/media"))


def log_dir(settings: Settings) -> Path:
    return settings.data_dir / "logs"


def tail_lines(settings: Settings, level: str = "ALL", limit: int = 200) -> list[str]:
    """The last `limit` lines of kiosk.log at or above `level` (the file is masked when written)."""
    path = log_dir(settings) / LOG_FILE
    minimum = _LEVEL_ORDER.get(level, 0)
    out: deque[str] = deque(maxlen=limit)
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for raw in fh:
                m = _LINE_LEVEL.match(raw)
                if m is None or _LEVEL_ORDER[m.group(1)] >= minimum:
                    out.append(raw.rstrip("\n"))
    except FileNotFoundError:
        return []
    return list(out)


def removable_folders(roots: Sequence[Path] = MOUNT_ROOTS) -> list[Path]:
    """Mounted drives a technician can export to: writable folders one or two levels under /media, /mnt."""
    found: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for level1 in sorted(p for p in root.iterdir() if p.is_dir()):
            # /media/<user>/<label> on desktops, /media/<label> or /mnt/<label> on kiosks
            children = sorted(p for p in level1.iterdir() if p.is_dir()) if _is_user_dir(level1) else []
            for candidate in children or [level1]:
                if os.access(candidate, os.W_OK):
                    found.append(candidate)
    return found


def _is_user_dir(path: Path) -> bool:
    try:
        return not os.path.ismount(path) and any(p.is_dir() and os.path.ismount(p) for p in path.iterdir())
    except OSError:
        return False


def export_logs(settings: Settings, target: Path, now: datetime) -> Path:
    """Copy kiosk.log* (already masked) and the audit trail into a new folder on `target`; returns the folder."""
    folder = Path(target) / f"kiosk-logs-{settings.kiosk_id}-{now:%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    copied = 0
    for path in sorted(log_dir(settings).glob(LOG_FILE + "*")):
        shutil.copy2(path, folder / path.name)
        copied += 1
    audit = settings.data_dir / AUDIT_FILE
    if audit.is_file():
        shutil.copy2(audit, folder / "audit.jsonl")
    os.sync()  # a technician pulls the stick right after: flush it
    log.info("exported %d log file(s) to %s", copied, folder)
    return folder
