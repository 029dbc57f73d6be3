"""The gateway's fleet settings (sandbox/fleet_settings.json): rollout cache lifetime, heartbeat retention."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FLEET_SETTINGS_FILE = Path(__file__).with_name("fleet_settings.json")


class FleetSettingsError(ValueError):
    """The fleet settings file is malformed; the message names the key."""


@dataclass(frozen=True)
class HeartbeatRetention:
    """How long heartbeats are kept, and how the pruning goes (batches, piggy-back interval per process)."""

    keep_days: float = 2.0
    batch_rows: int = 2000
    piggyback_every_s: float = 30.0


@dataclass(frozen=True)
class FleetSettings:
    """rollout_cache_s: how stale a process's view of the rollouts may be; heartbeat retention."""

    rollout_cache_s: float = 5.0
    retention: HeartbeatRetention = HeartbeatRetention()


def _positive(data: dict[str, Any], key: str, where: str, kind: type = float) -> Any:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (kind is int and value != int(value)):
        raise FleetSettingsError(f"{where}{key} must be a positive {'whole ' if kind is int else ''}number, not {value!r}")
    return kind(value)


def load_fleet_settings(path: Path = FLEET_SETTINGS_FILE) -> FleetSettings:
    """Read and check the settings file (every key required: the file in the repository is the default)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FleetSettingsError(f"{path}: {exc}") from exc
    retention = data.get("heartbeat_retention") if isinstance(data, dict) else None
    if not isinstance(retention, dict):
        raise FleetSettingsError(f"{path}: heartbeat_retention must be an object")
    where = "heartbeat_retention."
    return FleetSettings(
        rollout_cache_s=_positive(data, "rollout_cache_s", ""),
        retention=HeartbeatRetention(keep_days=_positive(retention, "keep_days", where),
                                     batch_rows=_positive(retention, "batch_rows", where, int),
                                     piggyback_every_s=_positive(retention, "piggyback_every_s", where)))
