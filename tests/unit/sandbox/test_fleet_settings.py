"""The gateway's fleet settings file: the shipped defaults load, a bad value is refused naming its key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.fleet_settings import FLEET_SETTINGS_FILE, FleetSettingsError, load_fleet_settings


def test_the_shipped_file_loads() -> None:
    fleet = load_fleet_settings()
    assert fleet.rollout_cache_s == 5 and fleet.retention.keep_days == 2 and fleet.retention.batch_rows == 2000


@pytest.mark.parametrize(("key", "value", "named"), [
    ("keep_days", 0, "heartbeat_retention.keep_days"),
    ("batch_rows", 2.5, "heartbeat_retention.batch_rows"),
    ("piggyback_every_s", "30", "heartbeat_retention.piggyback_every_s"),
])
def test_a_bad_value_is_refused_naming_its_key(tmp_path: Path, key: str, value: object, named: str) -> None:
    data = json.loads(FLEET_SETTINGS_FILE.read_text(encoding="utf-8"))
    data["heartbeat_retention"][key] = value
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FleetSettingsError, match=named):
        load_fleet_settings(path)


@pytest.mark.parametrize(("rule", "key", "value"), [
    ("kiosk_requests", "limit", 0),
    ("kiosk_requests", "limit", 1.5),
    ("console_logins_per_address", "window_s", "600"),
])
def test_a_bad_rate_limit_is_refused_naming_its_key(tmp_path: Path, rule: str, key: str, value: object) -> None:
    data = json.loads(FLEET_SETTINGS_FILE.read_text(encoding="utf-8"))
    data["rate_limits"][rule][key] = value
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FleetSettingsError, match=f"rate_limits.{rule}.{key}"):
        load_fleet_settings(path)


def test_a_provinces_own_file_is_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(FLEET_SETTINGS_FILE.read_text(encoding="utf-8"))
    data["rate_limits"]["kiosk_requests"] = {"limit": 90, "window_s": 30}
    path = tmp_path / "province.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("GATEWAY_FLEET_SETTINGS", str(path))
    limit = load_fleet_settings().kiosk_requests
    assert (limit.limit, limit.window_s) == (90, 30)
