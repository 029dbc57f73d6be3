"""`python -m sandbox release … / rollout … / prune-heartbeats` as an operator types them (SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from sandbox import db
from sandbox.db import make_engine
from sandbox.service import Platform
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, run_cli

pytestmark = pytest.mark.integration


def ok(database: Path, *args: str) -> str:
    done = run_cli(database, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_operator_stages_a_release_and_reads_its_status(tmp_path: Path) -> None:
    database = tmp_path / "gateway.db"
    ok(database, "seed")
    assert json.loads(ok(database, "release", "add", "1.6.0", "--notes", "新的求职登记表"))["version"] == "1.6.0"
    assert json.loads(ok(database, "rollout", "start", "1.6.0", "--percent", "10"))["state"] == "active"
    started = json.loads(ok(database, "rollout", "start", "1.6.0", "--kiosk", DEMO_KIOSK_ID))
    assert started["stages"] == ["10% of the fleet", f"kiosk {DEMO_KIOSK_ID}"]
    lines = ok(database, "rollout", "status", "1.6.0").splitlines()
    assert lines[0] == f"release 1.6.0: rollout active — 10% of the fleet; kiosk {DEMO_KIOSK_ID}"
    assert dict(zip(["kiosks", "running", "told"], lines[2].split()[:3], strict=True)) == {
        "kiosks": "3", "running": "0", "told": "1"}  # the kiosk stage; the others' buckets (1031, 4557) are not in 10 %
    assert json.loads(ok(database, "rollout", "pause", "1.6.0"))["state"] == "paused"
    assert json.loads(ok(database, "rollout", "list"))[0]["state"] == "paused"
    refused = run_cli(database, "rollout", "start", "2.0.0", "--county", "天镇县")
    assert refused.returncode == 1 and "release add 2.0.0" in refused.stderr
    # the per-kiosk pin of before rollouts still works, and wins over the rollout
    assert json.loads(ok(database, "release", DEMO_KIOSK_ID, "--run", "1.4.2"))["update"]["version"] == "1.4.2"


def test_prune_heartbeats_deletes_the_expired_ones(tmp_path: Path) -> None:
    database = tmp_path / "gateway.db"
    platform = Platform(make_engine(db_path=database))
    try:
        now = platform.clock()
        with platform.engine.begin() as conn:
            conn.execute(insert(db.Heartbeat), [{"kiosk_id": "K", "received_at": now - age, "body": {}}
                                                for age in [10 * 86400.0] * 4500 + [60.0] * 3])
        assert ok(database, "prune-heartbeats").startswith("4500 heartbeats older than 2 days deleted")
        with platform.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(db.Heartbeat)) == 3
    finally:
        platform.engine.dispose()
