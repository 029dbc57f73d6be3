"""The fault-report workflow of seed 003 附件4 on the gateway, on SQLite and PostgreSQL: routing by category, answer
due times, escalation 县 → 市 → 省 on an injected clock, answers only by the level a report is at, the history,
the staff listing by area — and two gateways escalating at once moving each report once."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from sandbox import db
from sandbox.db import make_engine
from sandbox.faults import CITY, COUNTY, PROVINCE, SYSTEM_ACTOR, Answerer
from sandbox.service import ApiError, Platform
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, FakeClock, run_cli

pytestmark = pytest.mark.integration

HOUR = 3600.0
START = 1_800_000_000.0  # 2027-01-15 16:00 China time


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def gateway(database: str, clock: FakeClock):  # noqa: ANN201
    platform = Platform(make_engine(db_path=database), clock=clock)
    platform.register_demo_kiosks()
    yield platform
    platform.engine.dispose()


def report(platform: Platform, category: str, kiosk: str = DEMO_KIOSK_ID, text: str = "打印机卡纸") -> str:
    status, out = platform.fault_report(kiosk, {"idempotency_key": "k-" + uuid.uuid4().hex, "category": category,
                                                "description": text, "suggestion": "请派人检修"})
    assert status == 201
    return str(out["report_no"])


def row(platform: Platform, report_no: str, kiosk: str = DEMO_KIOSK_ID) -> dict[str, Any]:
    return next(r for r in platform.fault_reports(kiosk) if r["report_no"] == report_no)


def test_a_guidance_question_goes_up_county_city_province_when_nobody_answers(gateway, clock) -> None:
    no = report(gateway, "业务指导性问题")
    first = row(gateway, no)
    assert first["level"] == COUNTY and first["routed_to"] == "县级人社局" and not first["escalated"]
    assert first["due_at"] == "2027-01-18T16:00:00+08:00"  # 72 hours (sandbox/data/fault_workflow.toml)

    clock.advance(71 * HOUR)
    assert gateway.escalate_faults() == [] and row(gateway, no)["level"] == COUNTY
    clock.advance(2 * HOUR)
    moved = gateway.escalate_faults()
    assert [(m.report_no, m.from_level, m.to_level) for m in moved] == [(no, COUNTY, CITY)]
    assert gateway.escalate_faults() == [], "idempotent: the city has its own 72 hours from now"
    at_city = row(gateway, no)
    assert at_city["level"] == CITY and at_city["escalated"] and at_city["due_at"] == "2027-01-21T17:00:00+08:00"
    assert at_city["status"] == "SUBMITTED" and not at_city["overdue"]

    clock.advance(73 * HOUR)
    assert [(m.from_level, m.to_level) for m in gateway.escalate_faults()] == [(CITY, PROVINCE)]
    clock.advance(500 * HOUR)
    assert gateway.escalate_faults() == [], "the province is the top"
    top = row(gateway, no)
    assert top["level"] == PROVINCE and top["overdue"]

    history = gateway.fault_reports_for(None)[0].history
    assert [(e.event, e.from_level, e.to_level) for e in history] == [
        ("submitted", None, COUNTY), ("escalated", COUNTY, CITY), ("escalated", CITY, PROVINCE)]
    assert history[1].by == SYSTEM_ACTOR and history[0].by == DEMO_KIOSK_ID


def test_system_and_function_problems_start_at_the_province_and_never_go_further(gateway, clock) -> None:
    nos = [report(gateway, "系统性问题"), report(gateway, "功能性问题")]
    assert {row(gateway, n)["level"] for n in nos} == {PROVINCE}
    assert row(gateway, nos[0])["due_at"] == "2027-01-20T16:00:00+08:00"  # 120 hours
    clock.advance(1000 * HOUR)
    assert gateway.escalate_faults() == []
    assert all(row(gateway, n)["overdue"] and not row(gateway, n)["escalated"] for n in nos)


def test_only_the_level_a_report_is_at_may_answer_it_and_the_kiosk_sees_who_did(gateway, clock) -> None:
    no = report(gateway, "业务指导性问题")
    clock.advance(73 * HOUR)
    gateway.escalate_faults()
    with pytest.raises(ApiError) as late:  # the county missed its time: the city has it now
        gateway.answer_fault(no, "请到县局一楼窗口办理", "2027-02-01", by="业务骨干 王工", level=COUNTY)
    assert late.value.code == "FAULT_NOT_AT_LEVEL" and late.value.status == 409 and CITY in late.value.message
    answer = gateway.answer_fault(no, "请到县局一楼窗口办理", "2027-02-01", by="业务骨干 李工", level=CITY)
    assert answer["answered_by"] == "业务骨干 李工（市人社部门）"
    seen = row(gateway, no)
    assert seen["status"] == "ANSWERED" and seen["response"] == "请到县局一楼窗口办理" and seen["deadline"] == "2027-02-01"
    assert seen["answered_by"] == "业务骨干 李工（市人社部门）" and not seen["overdue"]
    clock.advance(1000 * HOUR)
    assert gateway.escalate_faults() == [], "an answered report stays where it was answered"
    with pytest.raises(ApiError) as missing:
        gateway.answer_fault("WT0000", "x", level=CITY)
    assert missing.value.code == "NOT_FOUND"


def test_the_admin_route_and_cli_answer_at_the_current_level(gateway, clock, database) -> None:
    no = report(gateway, "系统性问题")
    out = gateway.answer_fault(no, "已列入下个版本")
    assert out["level"] == PROVINCE and out["answered_by"] == "平台管理员（省工作专班）"
    assert out["deadline"] == "2027-01-22", "the default 反馈时限: 7 days (the data file)"
    guidance = report(gateway, "业务指导性问题")
    cli = run_cli(database, "answer-fault", guidance, "按县局口径办理", "--by", "业务骨干 王工", "--level", CITY)
    assert cli.returncode == 1 and "FAULT_NOT_AT_LEVEL" in cli.stderr
    cli = run_cli(database, "answer-fault", guidance, "按县局口径办理", "--by", "业务骨干 王工", "--level", COUNTY)
    assert cli.returncode == 0, cli.stderr
    assert row(gateway, guidance)["answered_by"] == "业务骨干 王工（县人社部门）"


def test_a_level_that_cannot_solve_it_forwards_it_up(gateway) -> None:
    no = report(gateway, "业务指导性问题")
    step = gateway.faults.forward(no, Answerer("业务骨干 王工", COUNTY), "涉及全市统一口径，县里无法答复")
    assert (step.from_level, step.to_level) == (COUNTY, CITY)
    seen = row(gateway, no)
    assert seen["level"] == CITY and seen["escalated"]
    forwarded = gateway.fault_reports_for(None)[0].history[-1]
    assert forwarded.event == "forwarded" and forwarded.by == "业务骨干 王工" and "全市" in (forwarded.note or "")


def test_staff_see_their_counties_reports_filtered_by_state(gateway, clock) -> None:
    gateway.add_kiosk("XX-UNKNOWN-01", "f" * 64, "别处的服务点")
    ours_open = report(gateway, "业务指导性问题")
    ours_answered = report(gateway, "功能性问题")
    gateway.answer_fault(ours_answered, "已修复")
    elsewhere = report(gateway, "业务指导性问题", kiosk="XX-UNKNOWN-01")
    clock.advance(73 * HOUR)

    tianzhen = gateway.fault_reports_for(["天镇县"])
    assert {r.report_no for r in tianzhen} == {ours_open, ours_answered}
    assert all(r.county == "天镇县" and r.city == "大同市" for r in tianzhen)
    assert tianzhen[0].kiosk_name == "玉泉镇李家庄村就业社保服务点"
    assert gateway.fault_reports_for(["阳高县"]) == []
    everyone = {r.report_no: r for r in gateway.fault_reports_for(None)}
    assert set(everyone) == {ours_open, ours_answered, elsewhere} and everyone[elsewhere].county is None
    # The read escalated the overdue ones first (piggy-backed), so both guidance questions are at the city now.
    assert {r.report_no for r in gateway.fault_reports_for(None, "escalated")} == {ours_open, elsewhere}
    assert {r.report_no for r in gateway.fault_reports_for(["天镇县"], "answered")} == {ours_answered}
    assert {r.report_no for r in gateway.fault_reports_for(["天镇县"], "open")} == {ours_open}
    assert gateway.fault_reports_for(["天镇县"], "overdue") == []
    clock.advance(73 * HOUR)  # the city missed its time too: the next read hands it to the province …
    assert [r.level for r in gateway.fault_reports_for(["天镇县"], "open")] == [PROVINCE]
    clock.advance(121 * HOUR)  # … which has 120 hours, and stays the top when it misses them
    assert {r.report_no for r in gateway.fault_reports_for(["天镇县"], "overdue")} == {ours_open}
    assert [r.level for r in gateway.fault_reports_for(["天镇县"], "overdue")] == [PROVINCE]


def test_reading_reports_escalates_at_most_once_a_minute_per_process(gateway, clock) -> None:
    no = report(gateway, "业务指导性问题")
    gateway.fault_reports(DEMO_KIOSK_ID)  # the process's piggy-backed run
    clock.advance(73 * HOUR)
    gateway.faults._escalated_at = clock() - 30  # noqa: SLF001 - as if it had run 30 s ago
    assert row(gateway, no)["level"] == COUNTY, "not again within the minute"
    clock.advance(31)
    assert row(gateway, no)["level"] == CITY


def test_two_gateways_escalating_at_once_move_each_report_once(database, clock) -> None:
    first = Platform(make_engine(db_path=database), clock=clock)
    first.register_demo_kiosks()
    second = Platform(make_engine(db_path=database), clock=clock)  # another process's engine and pool
    try:
        nos = [report(first, "业务指导性问题", text=f"问题 {i}") for i in range(12)]
        clock.advance(73 * HOUR)
        barrier = threading.Barrier(4)

        def run(p: Platform) -> list[str]:
            barrier.wait()
            return [m.report_no for m in p.escalate_faults()]

        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(run, [first, second, first, second]))
        moved = [n for r in results for n in r]
        assert sorted(moved) == sorted(nos), "every report moved exactly once between the four runs"
        with first.Session() as s:
            events = s.scalars(select(db.FaultEvent).where(db.FaultEvent.event == "escalated")).all()
            assert sorted(e.report_no for e in events) == sorted(nos)
            assert {r.level for r in s.scalars(select(db.FaultReport))} == {CITY}
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_the_timer_command_escalates_from_separate_processes(gateway, clock, database) -> None:
    gateway.clock = FakeClock(time.time() - 80 * HOUR)  # filed 80 hours before the real clock the CLI runs on
    no = report(gateway, "业务指导性问题")
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _i: run_cli(database, "escalate-faults"), range(2)))
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    assert sum(r.stdout.count(no) for r in runs) == 1, "one of the two processes moved it"
    assert row(gateway, no)["level"] == CITY


def test_reports_from_before_the_workflow_keep_their_desk_and_never_escalate(database, clock) -> None:
    from alembic import command
    from sqlalchemy import text

    from sandbox.db import alembic_config

    engine = make_engine(db_path=database)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        for no, routed in (("WT2025010100001", "县级人社局"), ("WT2025010100002", "省级工作专班")):
            conn.execute(text(
                "INSERT INTO fault_reports (report_no, kiosk_id, idempotency_key, body_sha256, category, description,"
                " suggestion, routed_to, created_at) VALUES (:no, :kiosk, :no, 'x', '业务指导性问题', '旧问题', '旧建议',"
                " :routed, 1700000000)"), {"no": no, "kiosk": DEMO_KIOSK_ID, "routed": routed})
    platform = Platform(engine, clock=clock)
    try:
        clock.advance(10_000 * HOUR)
        assert platform.escalate_faults() == []
        rows = {r["report_no"]: r for r in platform.fault_reports(DEMO_KIOSK_ID)}
        assert rows["WT2025010100001"]["level"] == COUNTY and rows["WT2025010100002"]["level"] == PROVINCE
        assert rows["WT2025010100001"]["due_at"] is None and not rows["WT2025010100001"]["overdue"]
        assert platform.answer_fault("WT2025010100001", "已答复", level=COUNTY)["level"] == COUNTY
    finally:
        engine.dispose()
