"""A kiosk clock an hour off against the real sandbox on 127.0.0.1: it learns the platform's time, nothing is parked.

Before: STALE_TIMESTAMP parked every queued submission in needs-attention for good, and the
heartbeat was refused too, so the kiosk never learned how far off it was.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli_sync import sync_status
from kiosk.maintenance.sync import SyncDiagnostics
from kiosk.platform import PlatformClient
from kiosk.settings import load_settings
from kiosk.sync import SyncWorker, queue_submission
from kiosk.sync.messages import AUDIT_TEXTS
from offline_cache import OutboxState, open_database
from tests.helpers.crash_harness import platform_cases
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, demo_secret
from tests.integration.sync.conftest import write_site

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")


@pytest.mark.parametrize("skew_h", [1, -1])
def test_a_kiosk_clock_an_hour_off_delivers_everything_and_warns_the_technician(
        sandbox: RunningSandbox, tmp_path: Path, skew_h: int) -> None:
    assert sandbox.clock is not None
    skew = timedelta(hours=skew_h)

    def kiosk_clock() -> datetime:  # the kiosk's clock object, an hour off the platform's
        return datetime.fromtimestamp(sandbox.clock(), UTC) + skew

    settings = load_settings(write_site(tmp_path, sandbox.base_url), env={})
    db = open_database(settings.data_dir / "kiosk.db", backup_dir=None, data_dir=settings.data_dir, clock=kiosk_clock)
    client = PlatformClient(sandbox.base_url, DEMO_KIOSK_ID, demo_secret(), connect_timeout=1,
                            clock=lambda: kiosk_clock().timestamp())
    try:
        fresh = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"},
                                 kiosk_clock)
        # One parked the way earlier versions did it: refused for the clock alone, left for a technician.
        parked = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "gig"},
                                  kiosk_clock)
        db.outbox.mark_needs_attention(db.outbox.mark_sending(parked),
                                       AUDIT_TEXTS["kiosk_auth"].format(code="STALE_TIMESTAMP"))
        worker = SyncWorker(db, client, settings.sync, data_dir=settings.data_dir, clock=kiosk_clock,
                            feeds=("job_categories",))
        worker.recover_in_flight()
        report = worker.run_once()

        assert report.push.accepted == 2 and report.push.needs_attention == 0, report.push
        assert report.outbox[OutboxState.NEEDS_ATTENTION.value] == 0
        assert report.heartbeat is not None and report.heartbeat.ok, report.heartbeat
        assert report.all_feeds_pulled and not report.unreachable
        assert report.heartbeat.clock_offset_s == pytest.approx(-skew_h * 3600, abs=5)
        assert client.clock_offset_s == pytest.approx(-skew_h * 3600, abs=5)
        on_platform = {key for key, _case, _remark in platform_cases(sandbox.db_path)}
        assert {fresh.key, parked.key} <= on_platform
        assert db.outbox.get(fresh.key).state is OutboxState.ACCEPTED
        assert db.outbox.get(parked.key).state is OutboxState.ACCEPTED

        # The technician sees the clock warning: `kiosk sync status` and the sync panel's snapshot.
        out = io.StringIO()
        assert sync_status(settings, out=out, err=io.StringIO()) == 0
        warning = json.loads(out.getvalue())["heartbeat"]["clock_warning"]
        assert warning and "1 小时" in warning and ("快" if skew_h > 0 else "慢") in warning
        assert SyncDiagnostics(settings, db, worker).snapshot().clock_warning == warning
    finally:
        client.close()
        db.close()


def test_a_clock_close_to_the_platforms_shows_no_warning(sandbox: RunningSandbox, tmp_path: Path) -> None:
    settings = load_settings(write_site(tmp_path, sandbox.base_url), env={})
    db = open_database(settings.data_dir / "kiosk.db", backup_dir=None, data_dir=settings.data_dir)
    client = PlatformClient(sandbox.base_url, DEMO_KIOSK_ID, demo_secret(), connect_timeout=1, clock=sandbox.clock)
    try:
        worker = SyncWorker(db, client, settings.sync, data_dir=settings.data_dir,
                            clock=lambda: datetime.fromtimestamp(sandbox.clock(), UTC), feeds=())
        assert worker.heartbeat().ok
        out = io.StringIO()
        sync_status(settings, out=out, err=io.StringIO())
        assert json.loads(out.getvalue())["heartbeat"]["clock_warning"] is None
        assert client.clock_offset_s == 0.0  # never asked: nothing was refused
    finally:
        client.close()
        db.close()
