"""The small files the kiosk (user kiosk) and `kiosk update` (root) share, and how they are written.

In the data folder (the kiosk's own, 0700), both kept across restarts:
- `update_wish.json`  — written by the kiosk from the last heartbeat answer's `update` setting: a version
  to hold (stay on what is installed) or to run. Read by `kiosk update` and turned into an apt pin.
- `update_state.json` — written by `kiosk update`: installed and previous version, the last update's
  outcome and time, the versions that did not become healthy here (never retried). Read back by the
  kiosk for its heartbeat. Root writes it owned by the data folder's owner, so the kiosk may tighten it.

In the status folder ([updates] status_dir, /run/village-kiosk: the session unit's RuntimeDirectory,
emptied whenever the kiosk stops), written by the running kiosk:
- `health.json`  — once the attract screen is shown: version, pid, time, database, devices.
- `session.json` — whether someone is using the kiosk now (any screen but the attract screen).
- `update-request.json` — a technician asked for an update from a USB stick (kiosk-update.path).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from kiosk.atomic_file import write_text_atomically

log = logging.getLogger(__name__)

WISH_FILE = "update_wish.json"
STATE_FILE = "update_state.json"
HEALTH_FILE = "health.json"
SESSION_FILE = "session.json"
REQUEST_FILE = "update-request.json"
MAX_FAILED_KEPT = 20  # the oldest failed versions are forgotten beyond this


def write_json_atomic(path: Path, data: Mapping[str, Any], *, mode: int = 0o600,
                      owner_of: Path | None = None) -> None:
    """Write JSON atomically (kiosk.atomic_file); `owner_of`: give it that folder's owner."""
    write_text_atomically(path, json.dumps(dict(data), ensure_ascii=False, indent=1), mode=mode, owner_of=owner_of)


def read_json(path: Path) -> dict[str, Any] | None:
    """The file's JSON object; None when it is missing or unreadable (the latter logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s unreadable (%s); ignored", path, type(exc).__name__)
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class UpdateWish:
    """What the platform wants: hold the installed release, or run exactly `version` (None: neither)."""

    hold: bool = False
    version: str | None = None

    @classmethod
    def from_setting(cls, value: Any) -> UpdateWish:
        """From the heartbeat answer's `update` setting ({"hold": bool, "version": str}); junk is no wish."""
        if not isinstance(value, Mapping):
            return cls()
        version = value.get("version")
        return cls(hold=value.get("hold") is True,
                   version=version if isinstance(version, str) and version.strip() else None)

    def to_json(self) -> dict[str, Any]:
        return {"hold": self.hold, "version": self.version}


def load_wish(data_dir: Path) -> UpdateWish:
    return UpdateWish.from_setting(read_json(data_dir / WISH_FILE))


def save_wish(data_dir: Path, wish: UpdateWish) -> None:
    write_json_atomic(data_dir / WISH_FILE, wish.to_json())


@dataclass(frozen=True)
class UpdateState:
    """The updater's memory; what `kiosk update status` shows and the heartbeat reports."""

    installed_version: str | None = None
    previous_version: str | None = None
    last_outcome: str | None = None  # see runner.Outcome
    last_at: float | None = None  # Unix time of the last outcome
    last_version: str | None = None  # the release the last attempt was about
    last_detail: str | None = None
    failed_versions: tuple[str, ...] = field(default_factory=tuple)

    def with_failed(self, version: str) -> UpdateState:
        kept = tuple(v for v in self.failed_versions if v != version) + (version,)
        return replace(self, failed_versions=kept[-MAX_FAILED_KEPT:])

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed_versions"] = list(self.failed_versions)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> UpdateState:
        if not data:
            return cls()

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        at = data.get("last_at")
        failed = data.get("failed_versions")
        return cls(installed_version=text("installed_version"), previous_version=text("previous_version"),
                   last_outcome=text("last_outcome"),
                   last_at=float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None,
                   last_version=text("last_version"), last_detail=text("last_detail"),
                   failed_versions=tuple(v for v in failed if isinstance(v, str)) if isinstance(failed, list) else ())


def load_state(data_dir: Path) -> UpdateState:
    return UpdateState.from_json(read_json(data_dir / STATE_FILE))


def save_state(data_dir: Path, state: UpdateState) -> None:
    write_json_atomic(data_dir / STATE_FILE, state.to_json(), owner_of=data_dir)


def heartbeat_update_report(data_dir: Path) -> dict[str, Any] | None:
    """The heartbeat's `update` field: the updater's state, or None before the first update ran here."""
    data = read_json(data_dir / STATE_FILE)
    return UpdateState.from_json(data).to_json() if data else None


def pid_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process (the kiosk, seen from a non-root reader): alive
        return True
    return True


def session_active(status_dir: Path) -> bool:
    """A resident (or a guest, or a technician) is using the kiosk now, by the running kiosk's word."""
    data = read_json(status_dir / SESSION_FILE)
    return bool(data and data.get("active") is True and pid_alive(data.get("pid")))


def healthy_since(status_dir: Path, version: str, since: float) -> dict[str, Any] | None:
    """The health record of a kiosk of `version` that became healthy after `since` and still runs."""
    data = read_json(status_dir / HEALTH_FILE)
    if not data or data.get("version") != version or not pid_alive(data.get("pid")):
        return None
    at = data.get("at")
    if not isinstance(at, (int, float)) or at < since:
        return None
    return data


class RunStatus:
    """The running kiosk's side: publishes health.json and session.json off the caller's thread.

    Without a status folder (a source checkout, the demo, the tests) it does nothing: the folder is
    made by the session unit (RuntimeDirectory=village-kiosk), not by the kiosk.
    """

    def __init__(self, status_dir: Path, version: str, *, pid: int | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.status_dir = status_dir
        self.version = version
        self.pid = os.getpid() if pid is None else pid
        self._clock = clock
        self.enabled = status_dir.is_dir() and os.access(status_dir, os.W_OK)
        if not self.enabled:
            log.info("no status folder %s: health and session are not published", status_dir)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-status") if self.enabled else None

    def healthy(self, device_health: Callable[[], Mapping[str, str]]) -> None:
        """The attract screen is shown: record health (devices read on the writer thread)."""
        def write() -> None:
            try:
                devices = dict(device_health())
            except Exception:
                log.exception("device health unavailable for health.json")
                devices = {}
            self._write(HEALTH_FILE, {"version": self.version, "pid": self.pid, "at": self._clock(),
                                      "attract_shown": True, "database": "migrated", "devices": devices})
        self._submit(write)

    def session(self, active: bool) -> None:
        """Someone started (True) or stopped (False) using the kiosk."""
        self._submit(lambda: self._write(SESSION_FILE, {"active": active, "pid": self.pid, "at": self._clock()}))

    def request_media_update(self, media_dir: str | None) -> None:
        """A technician asked to install from a USB stick (None: the root service finds and mounts it)."""
        self._submit(lambda: self._write(REQUEST_FILE, {"media_dir": media_dir, "pid": self.pid, "at": self._clock()}))

    def _submit(self, job: Callable[[], None]) -> None:
        if self._writer is not None:
            self._writer.submit(job)

    def _write(self, name: str, data: Mapping[str, Any]) -> None:
        try:
            write_json_atomic(self.status_dir / name, data, mode=0o644)
        except OSError as exc:
            log.warning("could not write %s: %s", name, exc.strerror)

    def flush(self) -> None:
        """Wait for the writes asked so far (tests)."""
        if self._writer is not None:
            self._writer.submit(lambda: None).result(timeout=10)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None


class UpdateWishListener:
    """The heartbeat settings listener for the `update` setting: keeps update_wish.json in step with it.

    A platform that stops sending the setting clears the wish (no hold, no version). Runs on the sync
    worker's thread; writes only when the wish changed.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._last = load_wish(data_dir)

    def __call__(self, reply: Any) -> None:
        wish = UpdateWish.from_setting(reply.settings.get("update"))
        if wish == self._last:
            return
        save_wish(self.data_dir, wish)
        self._last = wish
        log.info("the platform's update wish is now hold=%s version=%s", wish.hold, wish.version)
