"""问题反映 end to end: queued in the outbox, delivered by the sync worker, routed by the platform, answered."""

from __future__ import annotations

import pytest

from kiosk.maintenance.fault_reports import FaultReportForm, FaultReportInvalid, FaultReports, snapshot
from kiosk.sync.routes import FAULT_REPORT_KIND
from offline_cache import OutboxState

pytestmark = pytest.mark.integration


def test_each_category_reaches_the_right_desk_exactly_once(core, sandbox) -> None:
    reports = FaultReports(core.database, core.platform, kick=core.sync.kick)
    snap = snapshot(tuple(core.devices.health().values()), {"outbox": {"queued": 0}}, app_version="t",
                    reporter="T01")
    items = {
        "系统性问题": reports.queue(FaultReportForm("系统性问题", "平台登录全部超时", "请省里检查接口"), snap),
        "功能性问题": reports.queue(FaultReportForm("功能性问题", "打印的二维码扫不出", "请核对二维码内容"), snap),
        "业务指导性问题": reports.queue(FaultReportForm("业务指导性问题", "失业登记材料口径不一", "请县局统一口径",
                                                 include_snapshot=False)),
    }
    assert all(core.database.outbox.get(i).state is OutboxState.QUEUED for i in items.values())
    assert [r.uploaded for r in reports.local()] == [False, False, False], "待上传 before the network is used"

    core.sync.run_once()
    core.sync.run_once()  # a second cycle must not send anything twice

    on_platform = {r["category"]: r for r in sandbox.platform.fault_reports(core.settings.kiosk_id)
                   if r["description"] in ("平台登录全部超时", "打印的二维码扫不出", "失业登记材料口径不一")}
    assert on_platform["系统性问题"]["routed_to"] == "省级工作专班"
    assert on_platform["功能性问题"]["routed_to"] == "省级工作专班"
    assert on_platform["业务指导性问题"]["routed_to"] == "县级人社局"
    assert len(on_platform) == 3
    for category, item in items.items():
        sent = core.database.outbox.get(item)
        assert sent.state is OutboxState.ACCEPTED and sent.kind == FAULT_REPORT_KIND
        assert sent.case_no == on_platform[category]["report_no"]
    assert all(r.uploaded for r in reports.local())


def test_the_snapshot_travels_and_personal_data_is_masked(core, sandbox) -> None:
    reports = FaultReports(core.database, core.platform)
    item = reports.queue(FaultReportForm("功能性问题", "居民 110101199003071233 手机 13812345678 读卡失败", "更换读卡器"),
                         snapshot(tuple(core.devices.health().values()), {"network": "online"}, app_version="9.9",
                                  reporter="T02"))
    core.sync.run_once()
    from sqlalchemy import select

    from sandbox import db

    with sandbox.platform.Session() as s:
        row = s.scalar(select(db.FaultReport).where(db.FaultReport.idempotency_key == item.key))
    assert "110101199003071233" not in row.description and "13812345678" not in row.description
    assert "110101********1233" in row.description
    assert row.snapshot["app_version"] == "9.9" and row.snapshot["reporter"] == "T02"
    assert {d["kind"] for d in row.snapshot["devices"]} == {"id_card", "ss_card", "qr_scanner", "printer", "camera"}


def test_answers_and_deadlines_come_back(core, sandbox) -> None:
    reports = FaultReports(core.database, core.platform)
    reports.queue(FaultReportForm("业务指导性问题", "灵活就业登记口径", "请县局答复"))
    core.sync.run_once()
    mine = next(r for r in reports.remote() if r.description == "灵活就业登记口径")
    assert mine.status == "SUBMITTED" and mine.response is None
    sandbox.platform.answer_fault(mine.report_no, "按省厅2024年口径执行", "2030-01-31")
    answered = next(r for r in reports.remote() if r.report_no == mine.report_no)
    assert answered.status == "ANSWERED"
    assert answered.response == "按省厅2024年口径执行" and answered.deadline == "2030-01-31"


def test_an_incomplete_form_is_refused_before_queueing(core) -> None:
    reports = FaultReports(core.database, core.platform)
    with pytest.raises(FaultReportInvalid) as exc:
        reports.queue(FaultReportForm("其他", "x", "y"))
    assert exc.value.field == "category"
    with pytest.raises(FaultReportInvalid) as exc:
        reports.queue(FaultReportForm("系统性问题", "  ", "y"))
    assert exc.value.message == "请填写问题描述"
    assert reports.local() == []
