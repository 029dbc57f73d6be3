"""The sync worker against a scripted platform: what each answer does to the outbox, backoff, feeds, heartbeats."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

from devices.base import DeviceHealth, DeviceKind, DeviceState
from kiosk.platform import (
    FeedRefetchRequired,
    HeartbeatReply,
    IdempotencyConflict,
    KioskAuthError,
    PlatformBadResponse,
    PlatformUnavailable,
    Submission,
    ValidationRejected,
)
from kiosk.sync import NetworkState, SyncStateFile, queue_submission
from offline_cache import CaseStatus, Database, OutboxState
from tests.unit.sync.fakes import LI, FakeClock, FakePlatform, FixedRandom, job, make_worker


def unavailable() -> PlatformUnavailable:
    return PlatformUnavailable("NETWORK", "网络暂时不可用", detail="ConnectionError")


def queue(db: Database, clock: FakeClock, n: int = 1, kind: str = "job_seeker_registration") -> list[str]:
    return [queue_submission(db, kind, "求职登记", LI[0], LI[1], {"job_type": "fixed", "remark": f"#{i}"}, clock).key
            for i in range(n)]


def state(db: Database, key: str) -> OutboxState:
    return db.outbox.get(key).state


# ---- push: one table from answer to outbox state ---------------------------------------------------
def test_accepted_items_get_their_case_number_oldest_first(db, platform, clock, tmp_path) -> None:
    keys = queue(db, clock, 3)
    report = make_worker(db, platform, clock, tmp_path).run_once()
    assert [s.idempotency_key for s in platform.sent] == keys
    assert report.push.accepted == 3 and report.outbox["accepted"] == 3
    assert [db.outbox.get(k).case_no for k in keys] == ["TZ000001", "TZ000002", "TZ000003"]
    [case, *_] = db.cases.list_for_person(db.person_key(LI[0]))
    assert case.status is CaseStatus.PENDING and case.case_no is not None  # 未审核


def test_answer_lost_after_commit_is_retried_and_lands_on_the_same_case(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)

    def committed_then_lost(sub: Submission):
        platform.accept(sub)
        raise unavailable()

    platform.script = [committed_then_lost]
    worker = make_worker(db, platform, clock, tmp_path)
    assert worker.run_once().push.unreachable and state(db, key) is OutboxState.QUEUED
    clock.advance(hours=2)
    report = worker.run_once()
    assert report.push.accepted == 1 and report.push.duplicates == 1
    assert db.outbox.get(key).case_no == "TZ000001" and len(platform.cases) == 1
    assert platform.sent[0].to_json() == platform.sent[1].to_json()  # byte-identical retry


def test_validation_rejection_shows_the_platforms_reason(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    platform.script = [ValidationRejected("VALIDATION_ERROR", "填写的信息不完整或不符合办理条件", http_status=422,
                                          server_message="缺少必填项 payload.reason")]
    make_worker(db, platform, clock, tmp_path).run_once()
    item = db.outbox.get(key)
    assert item.state is OutboxState.REJECTED and item.reject_code == "VALIDATION_ERROR"
    [case] = db.cases.list_for_person(db.person_key(LI[0]))
    assert case.status_label == "审核不通过" and "payload.reason" in (case.reason or "")


def test_idempotency_conflict_needs_a_technician_and_the_text_holds_no_personal_data(db, platform, clock,
                                                                                     tmp_path) -> None:
    [key] = queue(db, clock)
    platform.script = [IdempotencyConflict("IDEMPOTENCY_CONFLICT", "冲突", http_status=409)]
    report = make_worker(db, platform, clock, tmp_path).run_once()
    item = db.outbox.get(key)
    assert item.state is OutboxState.NEEDS_ATTENTION and report.needs_attention == 1
    assert "IDEMPOTENCY_CONFLICT" in (item.last_error or "")
    assert LI[0] not in item.last_error and LI[1] not in item.last_error


def test_kiosk_auth_failure_parks_one_item_and_stops_pushing(db, platform, clock, tmp_path) -> None:
    keys = queue(db, clock, 3)
    platform.script = [KioskAuthError("BAD_SIGNATURE", "安全校验未通过", http_status=401)]
    report = make_worker(db, platform, clock, tmp_path).run_once()
    assert report.push.refused and [state(db, k) for k in keys] == [
        OutboxState.NEEDS_ATTENTION, OutboxState.QUEUED, OutboxState.QUEUED]


def test_a_replayed_nonce_is_only_retried(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    platform.script = [KioskAuthError("REPLAYED_NONCE", "请求重复", http_status=401)]
    make_worker(db, platform, clock, tmp_path).run_once()
    assert state(db, key) is OutboxState.QUEUED


def test_a_refusal_for_the_kiosk_clock_never_parks_however_often_it_comes(db, platform, clock, tmp_path) -> None:
    keys = queue(db, clock, 2)
    worker = make_worker(db, platform, clock, tmp_path)
    for _ in range(8):  # more than max_permanent_failures cycles: still queued, never needs-attention
        platform.script = [KioskAuthError("STALE_TIMESTAMP", "本机时间不准", http_status=401)]
        report = worker.run_once()
        assert report.push.refused and report.push.needs_attention == 0 and not report.unreachable
        assert [state(db, k) for k in keys] == [OutboxState.QUEUED, OutboxState.QUEUED]
        clock.advance(hours=2)
    assert worker.run_once().push.accepted == 2  # the clock (or its correction) is right again


def test_items_parked_for_the_clock_alone_go_back_to_the_queue_others_stay(db, platform, clock, tmp_path) -> None:
    from kiosk.sync.messages import AUDIT_TEXTS

    clock_only, conflict = queue(db, clock, 2)
    db.outbox.mark_needs_attention(db.outbox.mark_sending(clock_only),
                                   AUDIT_TEXTS["kiosk_auth"].format(code="STALE_TIMESTAMP"))
    db.outbox.mark_needs_attention(db.outbox.mark_sending(conflict), AUDIT_TEXTS["idempotency_conflict"])
    worker = make_worker(db, platform, clock, tmp_path)
    worker.recover_in_flight()
    assert (state(db, clock_only), state(db, conflict)) == (OutboxState.QUEUED, OutboxState.NEEDS_ATTENTION)
    assert worker.run_once().push.accepted == 1 and state(db, clock_only) is OutboxState.ACCEPTED


def test_unavailable_platform_keeps_items_queued_with_a_later_attempt_and_goes_offline(db, platform, clock,
                                                                                        tmp_path) -> None:
    keys = queue(db, clock, 2)
    platform.script = [unavailable()]
    events: list[NetworkState] = []
    worker = make_worker(db, platform, clock, tmp_path)
    worker.add_network_listener(events.append)
    report = worker.run_once()
    assert report.unreachable and report.network is NetworkState.OFFLINE and events == [NetworkState.OFFLINE]
    assert len(platform.sent) == 1  # the second item was not tried against a dead platform
    first = db.outbox.get(keys[0])
    assert first.state is OutboxState.QUEUED and first.next_attempt_at > clock()
    assert "NETWORK" in (first.last_error or "")
    assert report.feeds == ()  # no pull against a dead platform


def test_garbage_answers_count_as_unavailable_not_as_rejection(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    platform.script = [PlatformBadResponse("HTTP_200", "平台应答异常")]
    make_worker(db, platform, clock, tmp_path).run_once()
    assert state(db, key) is OutboxState.QUEUED


def test_unexpected_errors_retry_then_need_attention(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    worker = make_worker(db, platform, clock, tmp_path)
    for _ in range(3):  # max_permanent_failures=3 in the test database
        platform.script = [TypeError("bug")]
        worker.run_once()
        clock.advance(days=1)
    assert state(db, key) is OutboxState.NEEDS_ATTENTION


# ---- backoff ---------------------------------------------------------------------------------------
def test_platform_backoff_grows_with_jitter_inside_bounds_and_resets_on_success(db, platform, clock,
                                                                                 tmp_path) -> None:
    rnd = FixedRandom(0.25)
    worker = make_worker(db, platform, clock, tmp_path, random=rnd)
    platform.heartbeat_errors = [unavailable() for _ in range(4)]
    gaps = []
    for _ in range(4):
        now = clock()
        worker.heartbeat()
        gaps.append((worker.blocked_until - now).total_seconds())
    # ceilings 5, 10, 20, 40 s; jitter 0.5 with random 0.25 takes off an eighth
    assert gaps == [4.375, 8.75, 17.5, 35.0]
    assert worker.heartbeat().ok and worker.blocked_until is None
    platform.heartbeat_errors = [unavailable()]
    now = clock()
    worker.heartbeat()
    assert (worker.blocked_until - now).total_seconds() == 4.375  # starts over after a success


def test_item_backoff_grows_with_its_attempts(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    worker = make_worker(db, platform, clock, tmp_path)  # random 0 → the ceiling: 15 s, 30 s, 60 s
    waits = []
    for _ in range(3):
        platform.script = [unavailable()]
        worker.run_once()
        item = db.outbox.get(key)
        waits.append((item.next_attempt_at - clock()).total_seconds())
        clock.now = item.next_attempt_at
    assert waits == [15, 30, 60]


def test_offline_worker_waits_for_the_backoff_then_probes_and_pulls_on_reconnect(db, platform, clock,
                                                                                  tmp_path) -> None:
    platform.feeds = {"fixed_jobs": [job("a")]}
    worker = make_worker(db, platform, clock, tmp_path)
    events: list[NetworkState] = []
    worker.add_network_listener(events.append)
    worker.run_once()  # online, pulled
    assert events == [NetworkState.ONLINE]
    clock.advance(seconds=60)
    platform.heartbeat_errors = [unavailable()]
    worker.tick()  # heartbeat due: fails
    assert events[-1] is NetworkState.OFFLINE
    platform.feeds["fixed_jobs"].append(job("b"))
    assert worker.tick() is None  # inside the backoff: nothing is due
    assert worker.next_wakeup() == worker.blocked_until
    clock.now = worker.blocked_until
    report = worker.tick()  # the probe heartbeat succeeds → pull at once, long before pull_interval
    assert events == [NetworkState.ONLINE, NetworkState.OFFLINE, NetworkState.ONLINE]
    assert report is not None and report.feeds and report.feeds[0].upserted == 1
    assert db.feeds.get("fixed_jobs", "b") is not None


def test_network_listener_hears_changes_only(db, platform, clock, tmp_path) -> None:
    worker = make_worker(db, platform, clock, tmp_path)
    events: list[NetworkState] = []
    worker.add_network_listener(events.append)
    worker.heartbeat()
    worker.heartbeat()
    platform.heartbeat_errors = [unavailable(), unavailable()]
    worker.heartbeat()
    worker.heartbeat()
    worker.heartbeat()
    assert events == [NetworkState.ONLINE, NetworkState.OFFLINE, NetworkState.ONLINE]
    assert NetworkState.OFFLINE.label.startswith("网络未连接")


# ---- feeds -----------------------------------------------------------------------------------------
def test_feeds_are_pulled_page_by_page_and_continue_from_the_cursor(db, platform, clock, tmp_path) -> None:
    platform.feeds = {"fixed_jobs": [job("a"), job("b"), job("c")]}
    worker = make_worker(db, platform, clock, tmp_path)
    [pulled] = worker.pull()
    assert (pulled.pages, pulled.upserted, pulled.cursor) == (2, 3, "3")
    platform.feeds["fixed_jobs"] += [job("a", 2, title="招聘保洁员（急）"), job("b", 2, deleted=True)]
    platform.fetches.clear()
    [pulled] = worker.pull()
    assert platform.fetches[0] == ("fixed_jobs", "3") and (pulled.upserted, pulled.deleted) == (1, 1)
    assert db.feeds.get("fixed_jobs", "a")["title"] == "招聘保洁员（急）"
    assert db.feeds.get("fixed_jobs", "b") is None  # tombstoned


def test_feed_refetch_resets_the_table_and_fetches_from_scratch(db, platform, clock, tmp_path) -> None:
    platform.feeds = {"fixed_jobs": [job("a"), job("b")]}
    worker = make_worker(db, platform, clock, tmp_path)
    worker.pull()
    platform.feeds["fixed_jobs"] = [job("b", 3)]  # "a" vanished while the kiosk's cursor was invalidated
    platform.feed_errors = {"fixed_jobs": [FeedRefetchRequired("FEED_REFETCH", "重新下载", http_status=410)]}
    platform.fetches.clear()
    [pulled] = worker.pull()
    assert pulled.refetched and pulled.ok
    assert platform.fetches == [("fixed_jobs", "2"), ("fixed_jobs", None)]
    assert db.feeds.get("fixed_jobs", "a") is None and db.feeds.get("fixed_jobs", "b").version == 3


def test_a_malformed_page_is_reported_and_the_other_feeds_still_pull(db, platform, clock, tmp_path) -> None:
    platform.feeds = {"fixed_jobs": [job("a", salary_min="many")], "gig_jobs": []}
    worker = make_worker(db, platform, clock, tmp_path, feeds=("fixed_jobs", "gig_jobs"))
    report = worker.run_once()
    assert [f.error for f in report.feeds] == ["FEED_ITEM_INVALID", None] and not report.all_feeds_pulled


# ---- heartbeat -------------------------------------------------------------------------------------
def test_heartbeat_reports_health_and_hands_pushed_settings_over(db, platform, clock, tmp_path) -> None:
    platform.feeds = {"fixed_jobs": [job("a")]}
    platform.settings = {"maintenance_message": "今天下午维护"}
    platform.server_time = lambda: clock() + timedelta(seconds=42)
    printer = DeviceHealth(DeviceKind.PRINTER, DeviceState.USER_ERROR, "打印纸用完了")
    replies: list[HeartbeatReply] = []
    queue(db, clock, 2)
    worker = make_worker(db, platform, clock, tmp_path, device_health=lambda: [printer], on_settings=replies.append,
                         app_version="9.9.9")
    worker.pull()
    clock.advance(seconds=90)
    result = worker.heartbeat()
    [report] = platform.heartbeats
    assert report.app_version == "9.9.9" and report.uptime_s == 90 and report.disk_free_mb == 1234.5
    assert report.outbox["queued"] == 2 and report.cache_ages["fixed_jobs"] == 90
    assert report.cache_ages["gig_jobs"] is None and report.devices == (printer,)
    assert LI[0] not in json.dumps(report.to_json(), ensure_ascii=False)
    assert result.ok and result.clock_offset_s == 42
    assert [r.maintenance_message for r in replies] == ["今天下午维护"]
    saved = SyncStateFile(tmp_path / "sync_state.json").load()
    assert saved.clock_offset_s == 42 and saved.last_heartbeat_at == clock()


def test_heartbeats_follow_their_interval(db, platform, clock, tmp_path) -> None:
    worker = make_worker(db, platform, clock, tmp_path)
    worker.tick()
    assert len(platform.heartbeats) == 1
    clock.advance(seconds=59)
    worker.tick()
    assert len(platform.heartbeats) == 1
    clock.advance(seconds=1)
    worker.tick()
    assert len(platform.heartbeats) == 2


# ---- purge -----------------------------------------------------------------------------------------
def test_payloads_of_accepted_items_are_purged_once_a_day_after_purge_days(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    worker = make_worker(db, platform, clock, tmp_path)
    worker.run_once()
    clock.advance(days=29)
    worker.tick()
    assert db.outbox.get(key).purged_at is None
    clock.advance(days=1, seconds=1)
    report = worker.tick()
    assert report is not None and report.purged == 1 and db.outbox.get(key).purged_at is not None
    [later] = queue(db, clock)
    worker.run_once()  # accepted now; the daily purge already ran today
    clock.advance(days=31)
    assert worker.tick().purged == 1 and db.outbox.get(later).purged_at is not None


def test_the_daily_purge_removes_local_cases_on_the_same_schedule(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    worker = make_worker(db, platform, clock, tmp_path)
    worker.run_once()
    person = db.person_key(LI[0])
    assert [c.key for c in db.cases.list_for_person(person)] == [key]
    clock.advance(days=30, seconds=1)
    worker.tick()
    assert db.cases.list_for_person(person) == []


# ---- the thread ------------------------------------------------------------------------------------
def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_kick_pushes_at_once_and_stop_is_prompt(db: Database, platform: FakePlatform, clock: FakeClock,
                                                tmp_path: Path) -> None:
    worker = make_worker(db, platform, clock, tmp_path)
    worker.start()
    try:
        assert _wait_for(lambda: len(platform.heartbeats) == 1)  # first cycle done; next push in 15 (fake) s
        [key] = queue(db, clock)
        worker.kick()
        assert _wait_for(lambda: state(db, key) is OutboxState.ACCEPTED)
    finally:
        started = time.monotonic()
        worker.stop()
        stopped_in = time.monotonic() - started
    assert not worker.running
    assert stopped_in < 5  # woken from a 60 s wait, not timed out


def test_start_recovers_items_a_crash_left_in_flight(db, platform, clock, tmp_path) -> None:
    [key] = queue(db, clock)
    db.outbox.mark_sending(key)  # the process died with the request on the wire
    worker = make_worker(db, platform, clock, tmp_path)
    worker.start()
    try:
        assert _wait_for(lambda: state(db, key) is OutboxState.ACCEPTED)
    finally:
        worker.stop()


def test_a_failing_cycle_does_not_kill_the_thread(db, platform, clock, tmp_path) -> None:
    calls = threading.Event()

    def broken() -> list:
        calls.set()
        raise OSError("disk gone")

    worker = make_worker(db, platform, clock, tmp_path, device_health=broken)
    worker.start()
    try:
        assert calls.wait(10)
        assert _wait_for(lambda: len(platform.heartbeats) >= 1)  # device health failed, heartbeat still sent
        assert worker.running
    finally:
        worker.stop()
