"""The gateway's fleet settings (sandbox/fleet_settings.json): rollout cache lifetime, heartbeat retention,
rate limits."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FLEET_SETTINGS_FILE = Path(__file__).with_name("fleet_settings.json")
FLEET_SETTINGS_ENV = "GATEWAY_FLEET_SETTINGS"  # a province's own file instead of the shipped one


class FleetSettingsError(ValueError):
    """The fleet settings file is malformed; the message names the key."""


@dataclass(frozen=True)
class HeartbeatRetention:
    """How long heartbeats are kept, and how the pruning goes (batches, piggy-back interval per process)."""

    keep_days: float = 2.0
    batch_rows: int = 2000
    piggyback_every_s: float = 30.0


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per fixed window of `window_s` seconds, counted in the database (all processes)."""

    limit: int
    window_s: float


@dataclass(frozen=True)
class FleetSettings:
    """rollout_cache_s: how stale a process's view of the rollouts may be; heartbeat retention; rate limits
    (a kiosk's signed requests, console log-in attempts from one address)."""

    rollout_cache_s: float = 5.0
    retention: HeartbeatRetention = HeartbeatRetention()
    kiosk_requests: RateLimit = RateLimit(240, 60.0)
    console_logins_per_address: RateLimit = RateLimit(30, 600.0)


def _positive(data: dict[str, Any], key: str, where: str, kind: type = float) -> Any:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (kind is int and value != int(value)):
        raise FleetSettingsError(f"{where}{key} must be a positive {'whole ' if kind is int else ''}number, not {value!r}")
    return kind(value)


def load_fleet_settings(path: Path | None = None) -> FleetSettings:
    """Read and check the settings file: `path`, else the file $GATEWAY_FLEET_SETTINGS names, else the shipped
    one (every key required: the file in the repository is the default)."""
    if path is None:
        path = Path(os.environ[FLEET_SETTINGS_ENV]) if os.environ.get(FLEET_SETTINGS_ENV) else FLEET_SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FleetSettingsError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise FleetSettingsError(f"{path}: the file must hold a JSON object")
    retention = _section(data, "heartbeat_retention", path)
    limits = _section(data, "rate_limits", path)
    where = "heartbeat_retention."
    return FleetSettings(
        rollout_cache_s=_positive(data, "rollout_cache_s", ""),
        retention=HeartbeatRetention(keep_days=_positive(retention, "keep_days", where),
                                     batch_rows=_positive(retention, "batch_rows", where, int),
                                     piggyback_every_s=_positive(retention, "piggyback_every_s", where)),
        kiosk_requests=_rate_limit(limits, "kiosk_requests", path),
        console_logins_per_address=_rate_limit(limits, "console_logins_per_address", path))


def _section(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    section = data.get(key)
    if not isinstance(section, dict):
        raise FleetSettingsError(f"{path}: {key} must be an object")
    return section


def _rate_limit(limits: dict[str, Any], key: str, path: Path) -> RateLimit:
    rule = _section(limits, key, path)
    where = f"rate_limits.{key}."
    return RateLimit(limit=_positive(rule, "limit", where, int), window_s=_positive(rule, "window_s", where))
