"""Personal records as readable rows (screen and paper alike) and their printed statements and certificate slip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devices.printer.document import Element, Heading, KeyValue, QrCode, ReceiptDocument, Rule, Text
from kiosk.masking import mask_id_number, mask_name
from kiosk.receipts import receipt, time_text
from kiosk.settings import Settings

# What each record is called in "没有查到您的…记录" and on paper (data, in one place).
RECORD_NOUNS: dict[str, str] = {
    "employee_pension": "企业职工基本养老保险参保",
    "employee_pension_payments": "企业职工基本养老保险待遇发放",
    "unemployment_benefit_payments": "失业保险待遇发放",
    "resident_pension_contributions": "城乡居民养老保险缴费",
    "resident_pension_payments": "城乡居民养老保险待遇发放",
    "employment_certificate": "《就业创业证》",
}

# How a kind is chosen on screen: by year, by month, or not at all.
PERIOD_OF_KIND: dict[str, str] = {
    "employee_pension": "year",
    "employee_pension_payments": "month",
    "unemployment_benefit_payments": "month",
    "resident_pension_contributions": "year",
    "resident_pension_payments": "month",
    "employment_certificate": "",
}

TEXT = {
    "name": "姓名",
    "id_number": "身份证号",
    "as_of": "查询时间",
    "period": "查询范围",
    "all": "全部",
    "year": "{year}年",
    "month": "{year}年{month}月",
    "money": "{value:.2f}元",
    "no_rows": "没有记录",
    "footer": "本单仅供本人查询参考，以经办机构记录为准",
    # employee pension (by year)
    "ep_status": "参保状态：{value}",
    "ep_since": "参加工作/参保时间：{value}",
    "ep_months": "累计缴费：{value}个月",
    "ep_months_paid": "缴费月数：{value}个月",
    "ep_base": "缴费基数：{value}",
    "ep_personal": "个人缴纳：{value}",
    "ep_unit": "单位缴纳：{value}",
    "ep_employer": "参保单位：{value}",
    "ep_row_status": "缴费状态：{value}",
    # payments (by month)
    "pay_total": "合计：{value}",
    "pay_status": "状态：{value}",
    "pay_items": "明细：{items}",
    "pay_item": "{name} {amount}",
    "pay_bank": "发放银行：{value}",
    "pay_failed": "发放失败原因：{value}",
    "pay_summary": "共{count}个月的记录",
    "pay_summary_failed": "共{count}个月的记录，其中{failed}个月发放失败（原因见该月）",
    "ub_summary": "核定领取：{total}个月　还可领取：{remaining}个月",
    # resident pension contributions (by year)
    "rc_type": "险种：{value}",
    "rc_grade": "缴费档次：{value}",
    "rc_personal": "个人缴费：{value}",
    "rc_subsidy": "政府补贴：{value}",
    "rc_collective": "集体补助：{value}",
    "rc_arrival": "到账情况：{value}",
    "rc_arrived": "已到账",
    "rc_not_arrived": "未到账",
    # employment certificate
    "cert_title": "电子就业创业证",
    "cert_number": "证号",
    "cert_status": "证件状态",
    "cert_office": "发证机构",
    "cert_issued": "发证日期",
    "cert_state": "就业状态",
    "cert_qr": "扫码核验证件信息",
    "cert_note": "本证明由发证机构电子印章认证，与纸质证件具有同等效力",
}

# The verification code printed on the certificate slip. The platform has no verification URL in its
# contract yet: the code carries the certificate number and the query time for a counter to check.
CERT_VERIFY_FORMAT = "JYCYZ:{number}:{as_of}"


@dataclass(frozen=True)
class StatementRow:
    """One row of a record: a title (年份/月份), its lines, the period it belongs to, and whether it failed."""

    title: str
    lines: tuple[str, ...]
    period: str  # "2024" or "2024-05" (what the year/month choice filters on)
    failed: bool = False
    failure: str = ""  # the failure reason, shown prominently


def _money(value: Any) -> str:
    try:
        return TEXT["money"].format(value=float(value))
    except (TypeError, ValueError):
        return str(value or "")


def _month_title(month: str) -> str:
    try:
        year, mon = month.split("-")[:2]
        return TEXT["month"].format(year=int(year), month=int(mon))
    except ValueError:
        return month


def period_title(period: str) -> str:
    """'2024' → 2024年, '2024-05' → 2024年5月, '' → 全部."""
    if not period:
        return TEXT["all"]
    if "-" in period:
        return _month_title(period)
    return TEXT["year"].format(year=period)


def _rows_of(data: Mapping[str, Any], key: str = "rows") -> list[Mapping[str, Any]]:
    rows = data.get(key) or []
    return [r for r in rows if isinstance(r, Mapping)]


def _payment_row(r: Mapping[str, Any]) -> StatementRow:
    month = str(r.get("month", ""))
    status = str(r.get("status") or "")
    items = "、".join(TEXT["pay_item"].format(name=i.get("name", ""), amount=_money(i.get("amount")))
                     for i in r.get("items") or [] if isinstance(i, Mapping))
    lines = [TEXT["pay_total"].format(value=_money(r.get("total"))), TEXT["pay_status"].format(value=status)]
    if items:
        lines.append(TEXT["pay_items"].format(items=items))
    if r.get("bank"):
        lines.append(TEXT["pay_bank"].format(value=r["bank"]))
    reason = str(r.get("failure_reason") or "")
    failed = bool(reason) or "失败" in status
    return StatementRow(_month_title(month), tuple(lines), month, failed, reason)


def statement_rows(kind: str, data: Mapping[str, Any]) -> list[StatementRow]:
    """The record's rows, newest first, as a resident reads them."""
    rows: list[StatementRow] = []
    if kind == "employee_pension":
        for r in _rows_of(data, "years"):
            year = str(r.get("year", ""))
            lines = (
                TEXT["ep_months_paid"].format(value=r.get("months_paid", "")),
                TEXT["ep_base"].format(value=_money(r.get("base"))),
                TEXT["ep_personal"].format(value=_money(r.get("personal_amount"))),
                TEXT["ep_unit"].format(value=_money(r.get("unit_amount"))),
                TEXT["ep_employer"].format(value=r.get("employer", "")),
                TEXT["ep_row_status"].format(value=r.get("status", "")),
            )
            rows.append(StatementRow(TEXT["year"].format(year=year), lines, year))
    elif kind in ("employee_pension_payments", "unemployment_benefit_payments", "resident_pension_payments"):
        rows = [_payment_row(r) for r in _rows_of(data)]
    elif kind == "resident_pension_contributions":
        for r in _rows_of(data):
            year = str(r.get("year", ""))
            arrived = TEXT["rc_arrived"] if r.get("arrived") else TEXT["rc_not_arrived"]
            lines = (
                TEXT["rc_type"].format(value=r.get("type", "")),
                TEXT["rc_grade"].format(value=_money(r.get("grade"))),
                TEXT["rc_personal"].format(value=_money(r.get("personal"))),
                TEXT["rc_subsidy"].format(value=_money(r.get("subsidy"))),
                TEXT["rc_collective"].format(value=_money(r.get("collective"))),
                TEXT["rc_arrival"].format(value=arrived),
            )
            rows.append(StatementRow(TEXT["year"].format(year=year), lines, year))
    rows.sort(key=lambda row: row.period, reverse=True)
    return rows


def summary_lines(kind: str, data: Mapping[str, Any]) -> list[str]:
    """A few lines above the rows: the overall state of the record."""
    if kind == "employee_pension":
        out = [TEXT["ep_status"].format(value=data.get("status") or "")]
        if data.get("insured_since"):
            out.append(TEXT["ep_since"].format(value=data["insured_since"]))
        out.append(TEXT["ep_months"].format(value=data.get("total_months") or 0))
        return out
    out = []
    if kind == "unemployment_benefit_payments":
        out.append(TEXT["ub_summary"].format(total=data.get("months_total") or 0,
                                             remaining=data.get("months_remaining") or 0))
    if kind in ("employee_pension_payments", "unemployment_benefit_payments", "resident_pension_payments"):
        rows = statement_rows(kind, data)
        failed = sum(1 for r in rows if r.failed)
        key = "pay_summary_failed" if failed else "pay_summary"
        out.append(TEXT[key].format(count=len(rows), failed=failed))
    return out


def periods(kind: str, data: Mapping[str, Any]) -> list[str]:
    """The years or months the record has rows for, newest first (the choices of the picker)."""
    seen: list[str] = []
    for row in statement_rows(kind, data):
        if row.period and row.period not in seen:
            seen.append(row.period)
    return seen


def record_statement_receipt(settings: Settings, title: str, kind: str, data: Mapping[str, Any], *,
                             name: str, id_number: str, as_of: str, period: str, now: datetime) -> ReceiptDocument:
    """The printed statement of one record (rows of `period`, '' = all); name and ID number masked here."""
    rows = [r for r in statement_rows(kind, data) if not period or r.period == period]
    elements: list[Element] = [
        KeyValue(TEXT["name"], mask_name(name)),
        KeyValue(TEXT["id_number"], mask_id_number(id_number)),
        KeyValue(TEXT["as_of"], _as_of_text(settings, as_of)),
        KeyValue(TEXT["period"], period_title(period)),
        Rule(),
    ]
    elements.extend(Text(line) for line in summary_lines(kind, data))
    if not rows:
        elements.append(Text(TEXT["no_rows"]))
    for row in rows:
        elements.append(Heading(row.title))
        elements.extend(Text(line) for line in row.lines)
        if row.failure:
            elements.append(Text(TEXT["pay_failed"].format(value=row.failure), bold=True))
    elements.append(Rule())
    return receipt(settings, title, now, elements, footer=TEXT["footer"])


def certificate_lines(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of the certificate, in reading order."""
    pairs = [
        (TEXT["cert_number"], data.get("number")),
        (TEXT["cert_status"], data.get("status")),
        (TEXT["cert_state"], data.get("employment_state")),
        (TEXT["cert_office"], data.get("issuing_office")),
        (TEXT["cert_issued"], data.get("issued_at")),
    ]
    return [(k, str(v)) for k, v in pairs if v]


def certificate_verify_payload(data: Mapping[str, Any], as_of: str) -> str:
    return CERT_VERIFY_FORMAT.format(number=data.get("number") or "", as_of=as_of[:10])


def certificate_receipt(settings: Settings, data: Mapping[str, Any], *, name: str, id_number: str, as_of: str,
                        now: datetime) -> ReceiptDocument:
    """The 电子就业创业证 slip: number, status, issuing office and a verification QR (only when printable)."""
    if not data.get("printable"):
        raise ValueError("the platform says this certificate is not printable")
    elements: list[Element] = [KeyValue(TEXT["name"], mask_name(name)), KeyValue(TEXT["id_number"], mask_id_number(id_number))]
    elements += [KeyValue(k, v) for k, v in certificate_lines(data)]
    elements += [
        KeyValue(TEXT["as_of"], _as_of_text(settings, as_of)),
        Rule(),
        QrCode(certificate_verify_payload(data, as_of), TEXT["cert_qr"]),
    ]
    return receipt(settings, TEXT["cert_title"], now, elements, footer=TEXT["cert_note"])


def _as_of_text(settings: Settings, as_of: str) -> str:
    """ISO time from the platform → 2026-11-22 08:30 at the service point (as given when it does not parse)."""
    try:
        moment = datetime.fromisoformat(as_of)
    except ValueError:
        return as_of
    return time_text(settings, moment)


def filter_rows(rows: Sequence[StatementRow], period: str) -> list[StatementRow]:
    return [r for r in rows if not period or r.period == period]
