"""A real kiosk core against the gateway run as production runs it: worker processes on one database.

The kiosk's composition root (kiosk.app.build_core) and its sync worker do a full cycle — push a
queued submission, heartbeat, pull every feed — against `python -m sandbox serve --workers 2`, on
PostgreSQL and on SQLite. A setting pushed on the gateway reaches the kiosk at its next heartbeat.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app import build_core
from kiosk.settings import load_settings
from kiosk.sync import queue_submission
from sandbox.core_system import GatewayStore
from sandbox.db import make_engine
from sandbox.service import Platform
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, subprocess_sandbox
from tests.integration.sync.conftest import write_site

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")


def test_a_kiosk_core_pushes_beats_and_pulls_against_gateway_workers(database: str, tmp_path: Path) -> None:
    gateway = Platform(make_engine(db_path=database))
    gateway.seed_demo()
    with subprocess_sandbox(database, workers=2) as running:
        core = build_core(load_settings(write_site(tmp_path / "kiosk", running.base_url), env={}),
                          start_workers=False, console_log=False)
        try:
            db = core.database
            item = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"},
                                    db.clock)
            assert core.sync is not None
            report = core.sync.run_once()
            assert not report.unreachable and report.push.accepted == 1
            assert report.heartbeat is not None and report.heartbeat.ok
            assert report.feeds and all(f.error is None for f in report.feeds), report.feeds
            case_no = db.outbox.get(item.key).case_no
            assert case_no and GatewayStore(gateway).case_status(case_no)["status"] == "PENDING"
            assert {s.feed: s.row_count for s in db.feeds.status()}["fixed_jobs"] >= 100

            gateway.push_setting(DEMO_KIOSK_ID, "maintenance_message", "今晚系统维护")  # the county pushes
            again = core.sync.run_once()  # the next cycle: nothing to push, a heartbeat, feed changes only
            assert again.push.accepted == 0 and again.heartbeat is not None and again.heartbeat.ok
            assert again.heartbeat.settings.get("maintenance_message") == "今晚系统维护"
            assert all(f.error is None and not f.refetched for f in again.feeds)
        finally:
            core.close()
    kiosk = next(k for k in gateway.list_kiosks() if k["kiosk_id"] == DEMO_KIOSK_ID)
    assert kiosk["last_heartbeat"]["outbox"].get("queued", 0) == 0  # the gateway holds the kiosk's report
    gateway.engine.dispose()
