"""A sync worker pushing through a faulty network (refused, hung, 500, answer dropped after commit, slow, garbage)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.platform import PlatformClient
from kiosk.settings import SyncSettings
from kiosk.sync import Backoff, NetworkState, SyncWorker, queue_submission
from offline_cache import Database, OutboxState, open_database
from offline_cache.clock import system_clock
from tests.helpers.crash_harness import platform_cases
from tests.helpers.fault_proxy import Fault, FaultProxy
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, demo_secret, threaded_sandbox
from tests.unit.sync.fakes import LI, FakeClock

pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    with threaded_sandbox(tmp_path / "sandbox.db", seed=False) as running:
        yield running


@pytest.fixture
def proxy(sandbox: RunningSandbox) -> Iterator[FaultProxy]:
    port = int(sandbox.base_url.rsplit(":", 1)[1])
    with FaultProxy(port, drip_delay_s=0.001, hang_s=5) as p:
        yield p


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[PlatformClient]:
    c = PlatformClient(proxy.base_url, DEMO_KIOSK_ID, demo_secret(), connect_timeout=0.5, read_timeout=1.0)
    yield c
    c.close()


def queue(db: Database, clock, tag: str, n: int = 2) -> list[str]:  # noqa: ANN001
    return [queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1],
                             {"job_type": "fixed", "remark": f"{tag}-{i}"}, clock).key for i in range(n)]


def assert_exactly_once(db: Database, sandbox: RunningSandbox, keys: list[str]) -> None:
    cases = platform_cases(sandbox.db_path)
    per_remark = Counter(remark for _k, _c, remark in cases)
    server = {k: c for k, c, _r in cases}
    assert len(cases) == len(keys) and set(per_remark.values()) == {1}  # none lost, none twice
    for key in keys:
        item = db.outbox.get(key)
        assert item.state is OutboxState.ACCEPTED and item.case_no == server[key]


@pytest.mark.parametrize("fault", [Fault.REFUSE, Fault.HANG, Fault.HTTP_500, Fault.DROP_AFTER_COMMIT,
                                   Fault.GARBAGE])
def test_each_fault_keeps_items_queued_then_delivers_them_once(fault, tmp_path, sandbox, proxy, client) -> None:
    clock = FakeClock()
    db = open_database(tmp_path / "kiosk" / "kiosk.db", backup_dir=None, clock=clock)
    try:
        worker = SyncWorker(db, client, SyncSettings(15, 600, 60, 30), data_dir=tmp_path / "kiosk", clock=clock,
                            feeds=())
        events: list[NetworkState] = []
        worker.add_network_listener(events.append)
        keys = queue(db, clock, fault.value)
        proxy.set_fault(fault)
        report = worker.run_once()
        assert report.unreachable and events == [NetworkState.OFFLINE]
        assert {db.outbox.get(k).state for k in keys} == {OutboxState.QUEUED}
        proxy.set_fault(Fault.NONE)
        clock.advance(days=1)  # past every backoff
        report = worker.run_once()
        assert events == [NetworkState.OFFLINE, NetworkState.ONLINE]
        assert report.push.accepted == 2
        assert report.push.duplicates == (1 if fault is Fault.DROP_AFTER_COMMIT else 0)
        assert_exactly_once(db, sandbox, keys)
    finally:
        db.close()


def test_a_slow_drip_answer_still_arrives(tmp_path, sandbox, proxy, client) -> None:
    clock = FakeClock()
    db = open_database(tmp_path / "kiosk" / "kiosk.db", backup_dir=None, clock=clock)
    try:
        worker = SyncWorker(db, client, SyncSettings(15, 600, 60, 30), data_dir=tmp_path / "kiosk", clock=clock,
                            feeds=())
        keys = queue(db, clock, "drip")
        proxy.set_fault(Fault.SLOW_DRIP)
        assert worker.run_once().push.accepted == 2
        assert_exactly_once(db, sandbox, keys)
    finally:
        db.close()


def test_worker_thread_through_faults_switched_on_and_off(tmp_path, sandbox, proxy, client) -> None:
    """The real thread, real clock, fast backoff: faults come and go while residents keep submitting."""
    db = open_database(tmp_path / "kiosk" / "kiosk.db", backup_dir=None)
    fast = Backoff(base_s=0.05, factor=2, max_s=0.3, jitter=0.5)
    worker = SyncWorker(db, client, SyncSettings(1, 3600, 1, 30), data_dir=tmp_path / "kiosk", feeds=(),
                        backoff=fast, item_backoff=fast)
    events: list[NetworkState] = []
    worker.add_network_listener(events.append)
    keys: list[str] = []
    worker.start()
    try:
        for fault in [Fault.NONE, Fault.DROP_AFTER_COMMIT, Fault.REFUSE, Fault.HTTP_500, Fault.NONE,
                      Fault.GARBAGE, Fault.HANG, Fault.SLOW_DRIP, Fault.DROP_AFTER_COMMIT]:
            proxy.set_fault(fault)
            keys += queue(db, system_clock, f"t{len(keys)}", 2)
            worker.kick()
            time.sleep(0.4)  # let the worker meet this fault for a while
        proxy.set_fault(Fault.NONE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(db.outbox.get(k).state is not OutboxState.ACCEPTED for k in keys):
            worker.kick()
            time.sleep(0.05)
    finally:
        worker.stop()
    try:
        assert_exactly_once(db, sandbox, keys)
        assert NetworkState.OFFLINE in events and events[-1] is NetworkState.ONLINE
        assert all(a is not b for a, b in zip(events, events[1:], strict=False))  # listeners hear changes only
        assert proxy.counts["drop_after_commit"] >= 1 and proxy.counts["refuse"] == 0  # refused never reached us
    finally:
        db.close()
