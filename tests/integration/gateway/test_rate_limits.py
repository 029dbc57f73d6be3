"""Rate limits counted in the gateway's database: a kiosk over its request rate is told 503 RATE_LIMITED
with Retry-After, and its sync worker keeps what it queued and sends it later; the count is shared by
every gateway process. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kiosk.app import build_core
from kiosk.platform.signing import sign
from kiosk.settings import load_settings
from kiosk.sync import queue_submission
from sandbox.db import make_engine
from sandbox.fleet_settings import FleetSettings, RateLimit, load_fleet_settings
from sandbox.server import ThreadedServer
from sandbox.service import Platform
from sandbox.signing import SignatureRejected
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, FakeClock, demo_secret
from tests.integration.sync.conftest import write_site

pytestmark = pytest.mark.integration

LIMIT = 4
PEOPLE = [("140222197503150011", "李建军"), ("140222198311020030", "陈志强"), ("140222199009090067", "孙丽")]


def limited(database: str, clock: FakeClock) -> Platform:
    return Platform(make_engine(db_path=database), clock=clock,
                    fleet=FleetSettings(kiosk_requests=RateLimit(LIMIT, 60.0)))


@pytest.fixture
def gateway(database: str) -> Iterator[tuple[ThreadedServer, FakeClock]]:
    clock = FakeClock()
    platform = limited(database, clock)
    platform.seed_demo()
    server = ThreadedServer(platform).start()
    try:
        yield server, clock
    finally:
        server.stop()
        platform.engine.dispose()


def test_the_shipped_limits_leave_room_for_a_kiosks_own_traffic() -> None:
    fleet = load_fleet_settings()
    assert fleet.kiosk_requests.limit / fleet.kiosk_requests.window_s >= 2  # an outbox drain of 2 a second passes
    assert fleet.console_logins_per_address.limit >= 10


def test_the_count_is_per_kiosk_shared_by_processes_and_ends_with_its_window(database: str) -> None:
    clock = FakeClock()
    first, second = limited(database, clock), limited(database, clock)  # two processes, one database
    first.seed_demo()
    try:
        for n in range(LIMIT):
            assert (first if n % 2 else second).remember_nonce(DEMO_KIOSK_ID, uuid.uuid4().hex, 0)
        clock.advance(20)
        with pytest.raises(SignatureRejected) as refused:
            second.remember_nonce(DEMO_KIOSK_ID, uuid.uuid4().hex, 0)
        assert refused.value.code == "RATE_LIMITED" and refused.value.retry_after_s == 40
        first.add_kiosk("TZ-YQ-LJZ-09", "9" * 64)
        assert first.remember_nonce("TZ-YQ-LJZ-09", uuid.uuid4().hex, 0)  # another kiosk has its own count
        clock.advance(41)
        assert first.remember_nonce(DEMO_KIOSK_ID, uuid.uuid4().hex, 0)  # a new window
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_over_the_limit_the_answer_is_503_with_retry_after(gateway: tuple[ThreadedServer, FakeClock]) -> None:
    server, _clock = gateway
    statuses = []
    for _ in range(LIMIT + 1):
        body = json.dumps({"app_version": "1.0.0", "uptime_s": 5.0, "disk_free_mb": 900.0}).encode("utf-8")
        target = f"/v1/kiosks/{DEMO_KIOSK_ID}/heartbeat"
        headers = sign(secret=demo_secret(), method="POST", path_with_query=target, kiosk_id=DEMO_KIOSK_ID,
                       timestamp=int(time.time()), nonce=uuid.uuid4().hex, body=body)
        r = requests.post(server.base_url + target, data=body, headers={**headers, "Content-Type": "application/json"},
                          timeout=10)
        statuses.append(r.status_code)
    assert statuses == [200] * LIMIT + [503]
    assert r.json()["code"] == "RATE_LIMITED" and 1 <= int(r.headers["Retry-After"]) <= 60


def test_a_kiosk_over_the_limit_keeps_its_queue_and_sends_it_in_the_next_window(
        gateway: tuple[ThreadedServer, FakeClock], tmp_path: Path) -> None:
    server, clock = gateway
    core = build_core(load_settings(write_site(tmp_path / "kiosk", server.base_url), env={}),
                      start_workers=False, console_log=False)
    try:
        db = core.database
        items = [queue_submission(db, "job_seeker_registration", "求职登记", pid, name, {"job_type": "fixed"},
                                  db.clock) for pid, name in PEOPLE * 2]
        assert core.sync is not None
        report = core.sync.run_once()
        assert report.unreachable and report.push.accepted < len(items)
        states = {db.outbox.get(i.key).state.value for i in items}
        assert states <= {"queued", "accepted"}, states  # nothing rejected, nothing parked

        while any(db.outbox.get(i.key).state.value == "queued" for i in items):
            clock.advance(61)  # the gateway's window passes; the kiosk's backoff is skipped by hand
            db.outbox.make_due_now()
            core.sync.run_once()
        case_nos = {db.outbox.get(i.key).case_no for i in items}
        assert len(case_nos) == len(items) and None not in case_nos  # each exactly once
    finally:
        core.close()
