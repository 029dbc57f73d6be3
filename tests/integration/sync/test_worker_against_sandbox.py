"""The sync worker against the real sandbox platform on 127.0.0.1: delivery, feeds, reviews, pushed settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.platform import HeartbeatReply, PlatformClient
from kiosk.settings import SyncSettings
from kiosk.sync import NetworkState, SyncWorker, queue_submission, refresh_my_cases
from offline_cache import Database, OutboxState, SearchQuery, open_database
from sandbox.db import make_engine
from sandbox.server import ThreadedServer
from sandbox.service import Platform
from tests.helpers.crash_harness import platform_cases
from tests.helpers.ports import free_port
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, FakeClock, RunningSandbox, demo_secret, run_cli
from tests.unit.sync.fakes import FakeClock as KioskClock

pytestmark = pytest.mark.integration

LI = ("140222197503150011", "李建军")
SYNC = SyncSettings(push_interval_s=15, pull_interval_s=600, heartbeat_interval_s=60, purge_after_days=30)


def worker_for(db: Database, client: PlatformClient, folder: Path, **kw) -> SyncWorker:  # noqa: ANN003
    return SyncWorker(db, client, SYNC, data_dir=folder, clock=db.clock, **kw)


@pytest.fixture
def db(tmp_path: Path):  # noqa: ANN201
    database = open_database(tmp_path / "kiosk" / "kiosk.db", backup_dir=None, clock=KioskClock())
    yield database
    database.close()


def test_a_submission_queued_offline_is_delivered_once_when_the_platform_comes_up(tmp_path, db) -> None:
    port = free_port()
    client = PlatformClient(f"http://127.0.0.1:{port}", DEMO_KIOSK_ID, demo_secret(), connect_timeout=1)
    worker = worker_for(db, client, tmp_path, feeds=("job_categories",))
    states: list[NetworkState] = []
    worker.add_network_listener(states.append)
    item = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"}, db.clock)
    assert worker.run_once().unreachable and states == [NetworkState.OFFLINE]
    platform = Platform(make_engine(db_path=tmp_path / "sandbox.db"), clock=FakeClock())
    platform.seed_demo()
    server = ThreadedServer(platform, port=port).start()
    try:
        db.clock.advance(hours=1)
        report = worker.run_once()
        assert report.push.accepted == 1 and not report.unreachable and states[-1] is NetworkState.ONLINE
        report = worker.run_once()  # nothing left to send: no second case
        assert report.push.accepted == 0
    finally:
        server.stop()
        platform.engine.dispose()
        client.close()
    cases = [c for c in platform_cases(tmp_path / "sandbox.db") if c[0] == item.key]
    assert len(cases) == 1 and db.outbox.get(item.key).case_no == cases[0][1]


def test_feeds_pull_then_updates_tombstones_and_a_full_refetch(sandbox: RunningSandbox, client, db, tmp_path) -> None:
    worker = worker_for(db, client, tmp_path, feeds=("fixed_jobs", "job_categories"))
    report = worker.run_once()
    assert report.all_feeds_pulled
    rows = {s.feed: s.row_count for s in db.feeds.status()}
    assert rows["fixed_jobs"] >= 100 and rows["job_categories"] > 0
    some = db.search.search("fixed_jobs", SearchQuery(text="保洁")).items[0]

    assert run_cli(sandbox.db_path, "touch-job", some.id, "--set", "title=保洁主管（急招）").returncode == 0
    assert run_cli(sandbox.db_path, "touch-job", "fj-00001", "--delete").returncode == 0
    [fixed, _cat] = worker.pull()
    assert (fixed.upserted, fixed.deleted, fixed.refetched) == (1, 1, False)
    assert db.feeds.get("fixed_jobs", some.id)["title"] == "保洁主管（急招）"
    assert db.feeds.get("fixed_jobs", "fj-00001") is None

    assert run_cli(sandbox.db_path, "invalidate-cursors").returncode == 0
    [fixed, cat] = worker.pull()
    assert fixed.refetched and cat.refetched and fixed.upserted == rows["fixed_jobs"] - 1
    assert db.feeds.get("fixed_jobs", "fj-00001") is None and db.feeds.get("fixed_jobs", some.id) is not None


def test_reviews_on_the_platform_reach_my_cases(sandbox: RunningSandbox, client, db, tmp_path) -> None:
    ok = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"}, db.clock)
    no = queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "gig"}, db.clock)
    worker_for(db, client, tmp_path, feeds=()).run_once()
    ok_case, no_case = db.outbox.get(ok.key).case_no, db.outbox.get(no.key).case_no
    assert run_cli(sandbox.db_path, "review", ok_case, "--approve").returncode == 0
    assert run_cli(sandbox.db_path, "review", no_case, "--reject", "缺少身份证复印件").returncode == 0
    session = client.login_id_card(*LI)
    assert refresh_my_cases(client, db, session.token, LI[0]) >= 2
    views = {v.case_no: v for v in db.cases.list_for_person(db.person_key(LI[0]))}
    assert views[ok_case].status_label == "审核通过"
    assert views[no_case].status_label == "审核不通过" and views[no_case].reason == "缺少身份证复印件"


def test_a_setting_pushed_on_the_platform_reaches_on_settings(sandbox: RunningSandbox, client, db, tmp_path) -> None:
    replies: list[HeartbeatReply] = []
    worker = worker_for(db, client, tmp_path, feeds=(), on_settings=replies.append)
    assert run_cli(sandbox.db_path, "push-setting", DEMO_KIOSK_ID, "maintenance_message", "今晚系统维护").returncode == 0
    try:
        result = worker.heartbeat()
        assert result.ok and replies[-1].maintenance_message == "今晚系统维护"
    finally:
        run_cli(sandbox.db_path, "push-setting", DEMO_KIOSK_ID, "maintenance_message", "--unset")
    kiosk = next(k for k in sandbox.platform.list_kiosks() if k["kiosk_id"] == DEMO_KIOSK_ID)
    assert kiosk["last_heartbeat"]["outbox"]["queued"] == 0  # the platform saw our report


def test_a_rejected_submission_shows_the_platforms_reason(client, db, tmp_path) -> None:
    item = queue_submission(db, "unemployment_registration", "失业登记", LI[0], LI[1], {"reason": "合同到期"},
                            db.clock)  # commitment_confirmed missing
    worker_for(db, client, tmp_path, feeds=()).run_once()
    got = db.outbox.get(item.key)
    assert got.state is OutboxState.REJECTED and got.reject_code == "VALIDATION_ERROR"
    assert "commitment_confirmed" in (got.reject_message or "")
