"""Staged rollout in the gateway's store (SQLite and PostgreSQL): the heartbeat's answer, the per-process cache,
status counts by county, and heartbeat retention with several pruners."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from sandbox import db
from sandbox.db import make_engine
from sandbox.fleet_settings import FleetSettings, HeartbeatRetention, load_fleet_settings
from sandbox.rollout import PlanCache, RolloutError, fleet_bucket
from sandbox.service import Platform
from tests.helpers.sandbox_server import FakeClock

pytestmark = pytest.mark.integration

KIOSKS = [f"RO-{i:03d}" for i in range(40)]
BEAT: dict[str, Any] = {"app_version": "1.5.0", "uptime_s": 10.0, "disk_free_mb": 1000.0}


def beat(installed: str = "1.5.0", failed: tuple[str, ...] = (), outcome: str = "installed",
         last: str | None = None) -> dict[str, Any]:
    return {**BEAT, "update": {"installed_version": installed, "last_outcome": outcome, "last_version": last or installed,
                               "failed_versions": list(failed)}}


@pytest.fixture
def gateway(database: str) -> Any:
    platform = Platform(make_engine(db_path=database), clock=FakeClock())
    for k in KIOSKS:
        platform.add_kiosk(k, "s" * 64)
    with platform.engine.begin() as conn:  # the console's add-kiosk --county sets this; here the test does
        conn.execute(update(db.Kiosk).where(db.Kiosk.kiosk_id.in_(KIOSKS[:10])).values(county="天镇县"))
        conn.execute(update(db.Kiosk).where(db.Kiosk.kiosk_id.in_(KIOSKS[10:20])).values(county="阳高县"))
    platform.rollouts.add_release("1.5.0")
    platform.rollouts.add_release("1.6.0", "新的求职登记表")
    yield platform
    platform.engine.dispose()


def wish(platform: Platform, kiosk: str, body: dict[str, Any] | None = None) -> Any:
    return platform.heartbeat(kiosk, body or beat())["settings"].get("update")


def test_without_a_rollout_the_heartbeat_answer_is_unchanged(gateway: Platform) -> None:
    assert "update" not in gateway.heartbeat(KIOSKS[0], beat())["settings"]


def test_a_percentage_rollout_tells_its_kiosks_and_holds_the_rest(gateway: Platform) -> None:
    gateway.rollouts.start("1.6.0", percent=50)
    for k in KIOSKS:
        expected = {"hold": False, "version": "1.6.0"} if fleet_bucket(k) < 5000 else {"hold": True, "version": None}
        assert wish(gateway, k) == expected, k
    status = gateway.rollouts.rollout_status("1.6.0")
    assert status.state == "active" and status.stages == ("50% of the fleet",)
    assert set(status.told) == {k for k in KIOSKS if fleet_bucket(k) < 5000} and status.running == ()


def test_a_county_stage_and_a_kiosk_stage_and_the_pushed_setting_that_wins(gateway: Platform) -> None:
    gateway.rollouts.start("1.6.0", county="阳高县")
    gateway.rollouts.start("1.6.0", kiosk=KIOSKS[30])
    gateway.push_setting(KIOSKS[11], "update", {"hold": True, "version": None})  # the county holds this one
    told = {k for k in KIOSKS if (wish(gateway, k) or {}).get("version") == "1.6.0"}
    assert told == set(KIOSKS[10:20]) - {KIOSKS[11]} | {KIOSKS[30]}
    assert wish(gateway, KIOSKS[11]) == {"hold": True, "version": None}
    in_county = gateway.rollouts.rollout_status("1.6.0", areas=["阳高县"])
    assert in_county.kiosks == 10 and len(in_county.told) == 9
    assert gateway.rollouts.rollout_status("1.6.0", areas=["天镇县"]).told == ()


def test_failed_and_rolled_back_kiosks_are_counted_and_never_told_again(gateway: Platform) -> None:
    gateway.rollouts.start("1.6.0", percent=100)
    a, b, c = KIOSKS[:3]
    assert wish(gateway, a, beat("1.6.0")) == {"hold": False, "version": "1.6.0"}
    assert wish(gateway, b, beat("1.5.0", ("1.6.0",), "rolled_back", "1.6.0")) == {"hold": True, "version": None}
    assert wish(gateway, c, beat("1.6.0", ("1.6.0",), "rollback_failed", "1.6.0")) == {"hold": True, "version": None}
    status = gateway.rollouts.rollout_status("1.6.0")
    assert status.running == (a, c)
    assert status.failed == (b, c) and status.rolled_back == (b,) and status.rollback_failed == (c,)
    assert a in status.told and b not in status.told and c not in status.told


def test_pause_holds_everyone_and_stop_ends_the_wishes(gateway: Platform) -> None:
    gateway.rollouts.start("1.6.0", percent=100)
    gateway.rollouts.pause("1.6.0")
    assert {str(wish(gateway, k)) for k in KIOSKS} == {str({"hold": True, "version": None})}
    gateway.rollouts.resume("1.6.0")
    assert wish(gateway, KIOSKS[0]) == {"hold": False, "version": "1.6.0"}
    gateway.rollouts.stop("1.6.0")
    assert wish(gateway, KIOSKS[0]) is None
    with pytest.raises(RolloutError):
        gateway.rollouts.pause("1.6.0")
    restarted = gateway.rollouts.start("1.6.0", kiosk=KIOSKS[0])  # a new rollout: the old 100 % is gone
    assert restarted["stages"] == [f"kiosk {KIOSKS[0]}"]


def test_refusals(gateway: Platform) -> None:
    with pytest.raises(RolloutError, match="add it first"):
        gateway.rollouts.start("9.9", percent=10)
    with pytest.raises(RolloutError, match="exactly one"):
        gateway.rollouts.start("1.6.0", percent=10, county="天镇县")
    with pytest.raises(RolloutError, match="at most 100"):
        gateway.rollouts.start("1.6.0", percent=150)
    with pytest.raises(RolloutError, match="no kiosk"):
        gateway.rollouts.start("1.6.0", kiosk="NOPE")
    with pytest.raises(RolloutError, match="Debian version"):
        gateway.rollouts.add_release("v1.6; rm -rf")


def test_another_process_sees_a_change_within_the_cache_bound(gateway: Platform) -> None:
    ticks = [0.0]
    cache = PlanCache(gateway.engine, ttl_s=5.0, monotonic=lambda: ticks[0])  # another process's copy
    assert not cache.plan().live
    gateway.rollouts.start("1.6.0", percent=100)
    ticks[0] = 4.9
    assert not cache.plan().live  # still its copy: no query per heartbeat
    ticks[0] = 5.0
    assert cache.plan().wish_for(KIOSKS[0], None) == {"hold": False, "version": "1.6.0"}


# ---- heartbeat retention ----------------------------------------------------------------------------------
def store_beats(platform: Platform, ages_s: list[float]) -> None:
    now = platform.clock()
    with platform.engine.begin() as conn:
        conn.execute(insert(db.Heartbeat), [{"kiosk_id": KIOSKS[i % 5], "received_at": now - age, "body": BEAT}
                                            for i, age in enumerate(ages_s)])


def beats_left(platform: Platform) -> list[float]:
    now = platform.clock()
    with platform.engine.connect() as conn:
        return sorted(now - t for t in conn.scalars(select(db.Heartbeat.received_at)))


def test_the_default_retention_is_data() -> None:
    fleet = load_fleet_settings()
    assert fleet.retention.keep_days > 0 and fleet.retention.batch_rows > 0 and fleet.rollout_cache_s > 0


def test_prune_deletes_only_expired_heartbeats_in_batches(database: str) -> None:
    fleet = FleetSettings(retention=HeartbeatRetention(keep_days=1, batch_rows=7, piggyback_every_s=60))
    platform = Platform(make_engine(db_path=database), clock=FakeClock(), fleet=fleet)
    try:
        store_beats(platform, [90_000.0] * 30 + [3600.0] * 4)  # 30 older than a day, 4 an hour old
        assert platform.heartbeat_pruner.prune(max_batches=2) == 14
        assert platform.heartbeat_pruner.prune() == 16
        assert beats_left(platform) == [3600.0] * 4
    finally:
        platform.engine.dispose()


def test_the_piggy_back_prunes_one_batch_at_most_every_interval(database: str) -> None:
    clock = FakeClock()
    fleet = FleetSettings(retention=HeartbeatRetention(keep_days=1, batch_rows=5, piggyback_every_s=60))
    platform = Platform(make_engine(db_path=database), clock=clock, fleet=fleet)
    try:
        platform.add_kiosk(KIOSKS[0], "s" * 64)
        store_beats(platform, [90_000.0] * 12)
        platform.heartbeat(KIOSKS[0], BEAT)  # prunes 5 of 12 old ones (the new one stays)
        platform.heartbeat(KIOSKS[0], BEAT)  # too soon: nothing
        assert len(beats_left(platform)) == 7 + 2
        clock.advance(60)
        platform.heartbeat(KIOSKS[0], BEAT)
        assert len(beats_left(platform)) == 2 + 3
    finally:
        platform.engine.dispose()


def test_several_pruners_at_once_delete_every_expired_row_once_without_errors(database: str) -> None:
    fleet = FleetSettings(retention=HeartbeatRetention(keep_days=1, batch_rows=50, piggyback_every_s=60))
    platforms = [Platform(make_engine(db_path=database), clock=FakeClock(), fleet=fleet) for _ in range(3)]
    try:
        store_beats(platforms[0], [90_000.0] * 1000 + [10.0] * 20)
        with ThreadPoolExecutor(3) as pool:
            deleted = list(pool.map(lambda p: p.heartbeat_pruner.prune(), platforms))
        assert sum(deleted) == 1000
        with platforms[0].engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(db.Heartbeat)) == 20
    finally:
        for p in platforms:
            p.engine.dispose()
