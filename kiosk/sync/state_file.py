"""The sync worker's small persistent state (last heartbeat, clock offset, last purge) in a JSON file, written atomically."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.atomic_file import write_text_atomically

log = logging.getLogger(__name__)

STATE_FILE_NAME = "sync_state.json"


@dataclass(frozen=True)
class SyncState:
    """What `kiosk sync status` shows beyond the database: never personal data."""

    last_heartbeat_at: datetime | None = None  # local time of the last answered heartbeat
    server_time: datetime | None = None  # the platform's clock in that answer
    clock_offset_s: float | None = None  # server - local, seconds
    last_purge_at: datetime | None = None
    last_push_at: datetime | None = None
    last_pull_at: datetime | None = None
    network: str | None = None  # online / offline
    last_error: str | None = None  # the last platform error code


_TIMES = ("last_heartbeat_at", "server_time", "last_purge_at", "last_push_at", "last_pull_at")


def _encode(state: SyncState) -> dict[str, Any]:
    data = asdict(state)
    for name in _TIMES:
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return data


def _decode(data: dict[str, Any]) -> SyncState:
    known = {k: v for k, v in data.items() if k in SyncState.__dataclass_fields__}
    for name in _TIMES:
        if isinstance(known.get(name), str):
            known[name] = datetime.fromisoformat(known[name])
    return SyncState(**known)


class SyncStateFile:
    """Load/update the state file; a missing or unreadable file is an empty state (logged)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> SyncState:
        """The stored state (empty when there is none yet)."""
        try:
            return _decode(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return SyncState()
        except (OSError, ValueError, TypeError) as exc:
            log.warning("sync state %s unreadable (%s); starting afresh", self.path, type(exc).__name__)
            return SyncState()

    def update(self, **changes: Any) -> SyncState:
        """Apply changes and write the file atomically (temp file, fsync, rename)."""
        with self._lock:
            state = replace(self.load(), **changes)
            write_text_atomically(self.path, json.dumps(_encode(state), ensure_ascii=False, indent=1))
            return state
