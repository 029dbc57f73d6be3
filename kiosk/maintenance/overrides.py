"""Site overrides a technician may change on the kiosk: which settings, validation as at start, the file.

The overrides live in data_dir/site-overrides.toml, read back by kiosk/settings.py at the next start.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.atomic_file import write_text_atomically
from kiosk.settings import DEMO_CONFIG, ENV_SECRET, OVERRIDES_FILE, Settings, load_settings


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
