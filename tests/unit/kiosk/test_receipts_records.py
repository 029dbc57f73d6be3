"""Record rows as a resident reads them, the printed statement (masked) and the certificate slip (only if printable)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from devices.printer.document import QrCode
from devices.printer.render import render_document
from devices.printer.sim import SIM_PROFILE
from kiosk.receipts.records import (
    certificate_receipt,
    period_title,
    periods,
    record_statement_receipt,
    statement_rows,
    summary_lines,
)
from kiosk.settings import load_settings
from sandbox.demo_records import records_for

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 30)
AS_OF = "2026-11-22T09:30:00+08:00"
ID_NUMBER, NAME = "140222196208200026", "王秀英"


@pytest.fixture(scope="module")
def settings():
    return load_settings(env={})


def text_of(document) -> str:
    return render_document(document, SIM_PROFILE).text


def test_employee_pension_rows_by_year_newest_first() -> None:
    data = records_for("P0001", TODAY)["employee_pension"]
    rows = statement_rows("employee_pension", data)
    assert [r.title for r in rows[:2]] == ["2025年", "2024年"] and rows[-1].title == "2008年"
    assert "缴费基数：3200.00元" in rows[-1].lines and "参保单位：天镇县恒通建筑工程有限公司" in rows[-1].lines
    assert periods("employee_pension", data)[0] == "2025"
    assert summary_lines("employee_pension", data)[0] == "参保状态：参保缴费"


def test_payment_rows_carry_the_breakdown_and_the_failure_reason() -> None:
    data = records_for("P0002", TODAY)["employee_pension_payments"]
    rows = statement_rows("employee_pension_payments", data)
    assert len(rows) == 12 and rows[0].title == "2026年10月" and rows[0].period == "2026-10"
    failed = [r for r in rows if r.failed]
    assert [r.title for r in failed] == ["2026年7月"] and "账户冻结" in failed[0].failure
    assert "明细：基础养老金 1210.00元、个人账户养老金 640.50元、过渡性养老金 520.00元、调待增加额 86.00元" in rows[0].lines
    assert summary_lines("employee_pension_payments", data) == ["共12个月的记录，其中1个月发放失败（原因见该月）"]


def test_unemployment_and_resident_pension_rows() -> None:
    ub = records_for("P0003", TODAY)["unemployment_benefit_payments"]
    assert summary_lines("unemployment_benefit_payments", ub)[0] == "核定领取：12个月　还可领取：7个月"
    rc = records_for("P0006", TODAY)["resident_pension_contributions"]
    rows = statement_rows("resident_pension_contributions", rc)
    assert rows[0].title == "2026年" and "到账情况：未到账" in rows[0].lines and "到账情况：已到账" in rows[1].lines


def test_empty_records_have_no_rows() -> None:
    assert statement_rows("employee_pension_payments", {"rows": []}) == []
    assert periods("resident_pension_payments", {}) == []
    assert period_title("") == "全部" and period_title("2024") == "2024年" and period_title("2024-05") == "2024年5月"


def test_statement_is_masked_and_limited_to_the_chosen_month(settings) -> None:
    data = records_for("P0002", TODAY)["employee_pension_payments"]
    doc = record_statement_receipt(settings, "企业职工基本养老保险待遇发放记录查询", "employee_pension_payments", data,
                                   name=NAME, id_number=ID_NUMBER, as_of=AS_OF, period="2026-07", now=NOW)
    text = text_of(doc)
    assert ID_NUMBER not in text and "140222********0026" in text
    assert NAME not in text and "王**" in text
    assert "2026年7月" in text and "2026年8月" not in text
    assert "账户冻结" in text and "查询范围" in text


def test_certificate_slip_has_the_number_status_office_and_a_verification_qr(settings) -> None:
    data = records_for("P0001", TODAY)["employment_certificate"]
    doc = certificate_receipt(settings, data, name="李建军", id_number="140222197503150011", as_of=AS_OF, now=NOW)
    text = text_of(doc)
    assert "1402220000000001" in text and "有效" in text and "天镇县就业和人才服务中心" in text
    assert "140222197503150011" not in text
    qrs = [e for e in doc.elements if isinstance(e, QrCode)]
    assert [q.payload for q in qrs] == ["JYCYZ:1402220000000001:2026-11-22"]


def test_a_certificate_without_the_e_seal_is_never_printed(settings) -> None:
    data = records_for("P0003", TODAY)["employment_certificate"]
    with pytest.raises(ValueError):
        certificate_receipt(settings, data, name="陈志强", id_number="140222198311020030", as_of=AS_OF, now=NOW)
