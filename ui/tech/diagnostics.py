"""Plain-Python helpers of the technician screens (no Qt): log tail and export, config overlay, about facts."""

from __future__ import annotations

import logging
import os
import platform as py_platform
import re
import shutil
import tomllib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.atomic_file import write_text_atomically
from kiosk.settings import DEMO_CONFIG, ENV_SECRET, Settings, load_settings

log = logging.getLogger(__name__)

LOG_FILE = "kiosk.log"
LEVELS = ("ALL", "INFO", "WARNING", "ERROR")
_LEVEL_ORDER = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
_LINE_LEVEL = re.compile(r"^\S+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
MOUNT_ROOTS = (Path("/media"), Path("/mnt"), Path("/run/media"))
from kiosk.settings import OVERRIDES_FILE  # noqa: E402  (one name for the file settings read back)


# ---- logs ------------------------------------------------------------------------------------------
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
    audit = settings.data_dir / "audit" / "audit.jsonl"
    if audit.is_file():
        shutil.copy2(audit, folder / "audit.jsonl")
    os.sync()  # a technician pulls the stick right after: flush it
    log.info("exported %d log file(s) to %s", copied, folder)
    return folder


# ---- configuration ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Editable:
    """A setting a technician may change: section, key, how the screen asks for it."""

    section: str
    key: str
    kind: str  # "profile" | "device" | "int" | "float"


EDITABLE: tuple[Editable, ...] = (
    Editable("devices", "printer_profile", "profile"),
    Editable("devices", "printer", "device"),
    Editable("devices", "id_card", "device"),
    Editable("devices", "ss_card", "device"),
    Editable("devices", "qr_scanner", "device"),
    Editable("timeouts", "idle_warning_s", "int"),
    Editable("timeouts", "idle_countdown_s", "int"),
    Editable("timeouts", "max_session_s", "int"),
    Editable("timeouts", "device_status_s", "float"),
)


def current_value(settings: Settings, e: Editable) -> Any:
    return getattr(getattr(settings, e.section), e.key)


def overrides_path(settings: Settings) -> Path:
    return settings.data_dir / OVERRIDES_FILE


def read_overrides(settings: Settings) -> dict[str, dict[str, Any]]:
    path = overrides_path(settings)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(data: Mapping[str, Mapping[str, Any]], header: str = "") -> str:
    """A small TOML writer for flat sections of strings, numbers, booleans and lists."""
    lines = [f"# {line}" for line in header.splitlines()] if header else []
    for section, values in data.items():
        if not values:
            continue
        lines.append(f"\n[{section}]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in values.items())
    return "\n".join(lines).lstrip("\n") + "\n"


def validate_overrides(settings: Settings, changes: Mapping[str, Mapping[str, Any]]) -> Settings:
    """The settings the kiosk would start with after the change (its layers + overrides + change); ConfigError if not.

    The same checks as at start (kiosk/settings.py), so a change is refused here rather than stopping the
    next start — among them a file:// printer outside the data folder.
    """
    secret = settings.platform.secret_from_env
    return load_settings(settings.site_file, env={ENV_SECRET: secret} if secret else {},
                         demo=DEMO_CONFIG in settings.sources, changes=changes)


def save_overrides(settings: Settings, changes: Mapping[str, Mapping[str, Any]], *, actor: str,
                   now: datetime) -> Path:
    """Validate, then write data_dir/site-overrides.toml atomically (merged with earlier overrides)."""
    validate_overrides(settings, changes)
    merged = read_overrides(settings)
    for section, values in changes.items():
        merged.setdefault(section, {}).update(values)
    path = overrides_path(settings)
    write_text_atomically(path, to_toml(merged, f"技术员 {actor} 于 {now:%Y-%m-%d %H:%M} 修改；重启后生效"))
    return path


def printer_profiles() -> list[tuple[str, str]]:
    """(name, description) of every printer profile in config/printer_profiles.toml."""
    from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles

    return [(name, p.description) for name, p in load_profiles(DEFAULT_PROFILES_PATH).items()]


def flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested settings as (dotted key, text) pairs, for the read-only listing."""
    out: list[tuple[str, str]] = []
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.extend(flatten(v, key + "."))
        elif isinstance(v, list | tuple):
            out.append((key, ", ".join(str(x) for x in v) or "—"))
        else:
            out.append((key, "—" if v in (None, "") else str(v)))
    return out


# ---- about ------------------------------------------------------------------------------------------
def about_facts(settings: Settings, *, app_version: str, started_at: datetime, now: datetime,
                schema_revision: str | None, technicians: Iterable[str], profile_title: str = "") -> list[tuple[str, str]]:
    """(label key, value) pairs for the 关于 screen."""
    try:
        du = shutil.disk_usage(settings.data_dir)
        disk = f"{du.free / 1e9:.1f} GB / {du.total / 1e9:.1f} GB"
    except OSError as exc:
        disk = f"? ({type(exc).__name__})"
    up = int((now - started_at).total_seconds())
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:
        qt_version = "?"
    return [
        ("app_version", app_version),
        ("kiosk_id", settings.kiosk_id),
        ("service_point", f"{settings.service_point.name}（{settings.service_point.county}{settings.service_point.town}）"),
        ("platform", settings.platform.url),
        ("profile", profile_title or settings.province_profile),
        ("disk", disk),
        ("uptime", f"{up // 86400} 天 {up % 86400 // 3600} 小时 {up % 3600 // 60} 分"),
        ("schema", schema_revision or "—"),
        ("runtime", f"Python {py_platform.python_version()} · PySide6 {qt_version}"),
        ("technicians", "、".join(technicians) or "—"),
        ("config", "、".join(str(p) for p in settings.sources)),
    ]
