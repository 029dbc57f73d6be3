"""`kiosk sync status`, `kiosk sync run` and `kiosk cache search` as subprocesses against a sandbox on 127.0.0.1."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.platform import PlatformClient, Submission
from kiosk.settings import load_settings
from kiosk.sync import queue_submission
from offline_cache import open_database
from offline_cache.clock import system_clock
from tests.helpers.ports import dead_url
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, demo_secret
from tests.integration.sync.conftest import run_kiosk, write_site

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")


def queue_one(site: Path, payload: dict | None = None) -> str:
    settings = load_settings(site, env={})
    db = open_database(settings.data_dir / "kiosk.db", backup_dir=settings.data_dir / "backups")
    try:
        return queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1],
                                payload or {"job_type": "fixed"}, system_clock).key
    finally:
        db.close()


def test_sync_run_then_status_then_search(sandbox: RunningSandbox, tmp_path: Path) -> None:
    site = write_site(tmp_path, sandbox.base_url)
    queue_one(site)
    run = run_kiosk(site, "sync", "run")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["push"]["accepted"] == 1 and report["network"] == "online"
    assert all(f["error"] is None for f in report["feeds"])

    status = run_kiosk(site, "sync", "status")
    assert status.returncode == 0, status.stderr
    s = json.loads(status.stdout)
    assert s["outbox"]["counts"]["accepted"] == 1 and s["outbox"]["oldest_queued_age_s"] is None
    assert s["feeds"]["fixed_jobs"]["rows"] >= 100 and s["feeds"]["fixed_jobs"]["cursor"]
    assert s["heartbeat"]["last_at"] and s["heartbeat"]["clock_offset_s"] is not None
    assert LI[0] not in status.stdout and LI[1] not in status.stdout

    search = run_kiosk(site, "cache", "search", "保洁", "--town", "玉泉镇", "--limit", "3")
    assert search.returncode == 0, search.stderr
    lines = [json.loads(line) for line in search.stdout.splitlines()]
    assert 1 <= len(lines) <= 3 and all(x["town"] == "玉泉镇" and "保洁" in x["title"] for x in lines)
    assert {"id", "title", "employer", "village", "salary_min", "salary_max", "posted_at"} <= set(lines[0])
    gig = run_kiosk(site, "cache", "search", "工", "--kind", "gig", "--limit", "2")
    assert gig.returncode == 0 and all("daily_wage_min" in json.loads(x) for x in gig.stdout.splitlines())


def test_sync_run_exits_1_when_the_platform_is_unreachable(tmp_path: Path) -> None:
    site = write_site(tmp_path, dead_url())
    queue_one(site)
    run = run_kiosk(site, "sync", "run")
    assert run.returncode == 1, run.stderr
    assert json.loads(run.stdout)["unreachable"] is True
    status = json.loads(run_kiosk(site, "sync", "status").stdout)
    assert status["outbox"]["counts"]["queued"] == 1 and status["outbox"]["oldest_queued_age_s"] >= 0
    assert status["network"] == "offline"


def test_sync_run_exits_3_when_a_submission_needs_a_technician(sandbox: RunningSandbox, tmp_path: Path) -> None:
    site = write_site(tmp_path, sandbox.base_url)
    key = queue_one(site)
    # Someone already used this key on the platform with a different body: a conflict only a person can sort out.
    with closing(PlatformClient(sandbox.base_url, DEMO_KIOSK_ID, demo_secret())) as c:
        c.submit(Submission(key, "job_seeker_registration", "2025-03-05T09:30:00+08:00", LI[0], LI[1],
                            {"job_type": "gig"}))
    run = run_kiosk(site, "sync", "run")
    assert run.returncode == 3, run.stderr
    status = json.loads(run_kiosk(site, "sync", "status").stdout)
    [item] = status["outbox"]["needs_attention"]
    assert item["key"] == key and "IDEMPOTENCY_CONFLICT" in item["error"]

