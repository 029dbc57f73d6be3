"""Property: whatever the platform answers, in any order, no submission is lost and every state is legal."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.platform import (
    IdempotencyConflict,
    KioskAuthError,
    PlatformBadResponse,
    PlatformRejected,
    PlatformUnavailable,
    Submission,
    ValidationRejected,
)
from kiosk.sync import queue_submission
from offline_cache import OutboxState
from tests.unit.sync.fakes import LI, FakeClock, FakePlatform, make_worker, open_test_db

FINAL = {OutboxState.ACCEPTED, OutboxState.REJECTED, OutboxState.NEEDS_ATTENTION}


def lost_answer(platform: FakePlatform):
    def step(sub: Submission):
        platform.accept(sub)  # the platform committed; the kiosk never heard back
        raise PlatformUnavailable("NETWORK", "网络暂时不可用")
    return step


OUTCOMES = {
    "ok": lambda p: None,
    "unavailable": lambda p: PlatformUnavailable("NETWORK", "网络暂时不可用"),
    "garbage": lambda p: PlatformBadResponse("HTTP_200", "平台应答异常"),
    "http500": lambda p: PlatformUnavailable("INTERNAL_ERROR", "网络暂时不可用", http_status=500),
    "lost_answer": lost_answer,
    "validation": lambda p: ValidationRejected("VALIDATION_ERROR", "填写的信息不完整", http_status=422),
    "other_rejection": lambda p: PlatformRejected("NOT_FOUND", "没有查到", http_status=404),
    "conflict": lambda p: IdempotencyConflict("IDEMPOTENCY_CONFLICT", "冲突", http_status=409),
    "auth": lambda p: KioskAuthError("BAD_SIGNATURE", "校验未通过", http_status=401),
    "replay": lambda p: KioskAuthError("REPLAYED_NONCE", "请求重复", http_status=401),
    "bug": lambda p: RuntimeError("unexpected"),
}


_SHARED: dict[str, object] = {}
_CASES = itertools.count(1)  # case numbers stay unique in the shared database


def shared_db():
    """One database for all examples (opening one per example is the slow part); each example uses fresh items."""
    if "db" not in _SHARED:
        folder = tempfile.mkdtemp(prefix="sync-prop-")
        clock = FakeClock()
        _SHARED.update(tmp=Path(folder), clock=clock, db=open_test_db(Path(folder), clock))
    return _SHARED["db"], _SHARED["clock"], _SHARED["tmp"]


def teardown_module() -> None:
    db = _SHARED.pop("db", None)
    if db is not None:
        db.close()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_items=st.integers(1, 4), outcomes=st.lists(st.sampled_from(sorted(OUTCOMES)), max_size=14),
       cycles=st.integers(1, 6))
def test_any_sequence_of_answers_loses_nothing_and_ends_legal(n_items: int, outcomes: list[str], cycles: int) -> None:
    db, clock, tmp = shared_db()
    platform = FakePlatform(numbers=_CASES)
    platform.script = [OUTCOMES[o](platform) for o in outcomes]
    keys = [queue_submission(db, "job_seeker_registration", "求职登记", LI[0], LI[1], {"job_type": "fixed"},
                             clock).key for _ in range(n_items)]
    worker = make_worker(db, platform, clock, tmp, feeds=())
    for _ in range(cycles):
        worker.run_once()
        clock.advance(days=1)  # beyond any backoff
        for k in keys:  # no item ever disappears or sits in 'sending' between cycles
            assert db.outbox.get(k).state is not OutboxState.SENDING
    platform.script.clear()
    for _ in range(n_items + 1):  # the platform now accepts everything: drain
        worker.run_once()
        clock.advance(days=1)
    items = [db.outbox.get(k) for k in keys]
    assert {i.state for i in items} <= FINAL
    assert db.outbox.counts()[OutboxState.QUEUED] == 0 and db.outbox.counts()[OutboxState.SENDING] == 0
    for item in items:
        if item.state is OutboxState.ACCEPTED:
            # exactly once: the platform holds this key once and the kiosk recorded its case
            assert platform.cases[item.key][0] == item.case_no
        elif item.state is OutboxState.REJECTED:
            assert item.reject_code and item.case_no is None
        else:
            assert item.last_error and LI[0] not in item.last_error
    # every case on the platform belongs to a local item (no case made from nothing)
    assert set(platform.cases) <= set(keys)
