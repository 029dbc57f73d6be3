"""Demo personal records (pension, payments, certificate, archive, eligibility) for sandbox/demo_persons.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

DEMO_PERSONS_FILE = Path(__file__).with_name("demo_persons.json")


def load_demo_persons(path: Path = DEMO_PERSONS_FILE) -> list[dict[str, Any]]:
    """The demo residents, as plain dicts (the kiosk's simulators read the same file)."""
    return list(json.loads(path.read_text(encoding="utf-8"))["persons"])


def _months_back(today: date, n: int) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(f"{y:04d}-{m:02d}")
    return out


def _pension_years(first: int, last: int, employer: str, base: int) -> list[dict[str, Any]]:
    rows = []
    for year in range(first, last + 1):
        b = int(base * (1 + 0.05 * (year - first)))
        rows.append({"year": year, "months_paid": 12, "base": b, "personal_amount": round(b * 0.08 * 12, 2),
                     "unit_amount": round(b * 0.16 * 12, 2), "employer": employer, "status": "正常缴费"})
    return rows


def _payment_rows(months: list[str], items: list[tuple[str, float]], fail: dict[str, str] | None = None,
                  bank: str = "中国邮政储蓄银行天镇县支行") -> list[dict[str, Any]]:
    fail = fail or {}
    total = round(sum(a for _, a in items), 2)
    return [{"month": m, "total": total, "items": [{"name": n, "amount": a} for n, a in items],
             "status": "发放失败" if m in fail else "已发放", "failure_reason": fail.get(m), "bank": bank}
            for m in months]


def records_for(person_id: str, today: date) -> dict[str, Any]:
    """Every record kind for one demo person (missing kinds mean "no record")."""
    months = _months_back(today, 12)
    if person_id == "P0001":
        return {
            "employee_pension": {"status": "参保缴费", "insured_since": "2008-04", "total_months": 12 * (today.year - 2008),
                                 "years": _pension_years(2008, today.year - 1, "天镇县恒通建筑工程有限公司", 3200)},
            "employment_certificate": {"has_certificate": True, "number": "1402220000000001", "status": "有效",
                                       "issued_at": "2019-05-06", "issuing_office": "天镇县就业和人才服务中心",
                                       "employment_state": "就业", "e_seal_enabled": True, "printable": True,
                                       "not_printable_reason": None},
            "archive_location": {"has_archive": True, "institution": "天镇县就业和人才服务中心",
                                 "address": "天镇县玉泉镇新城汽车站对面人社局一楼", "phone": "0352-6000101", "since": "2008-03"},
            "skill_subsidy_eligibility": {"eligible": True, "reasons": ["企业在职参保职工，连续参保满1年", "证书取得后12个月内可申领"]},
            "unemployment_benefit_eligibility": {"eligible": False, "reasons": ["目前处于就业参保状态，未办理失业登记"]},
        }
    if person_id == "P0002":
        items = [("基础养老金", 1210.0), ("个人账户养老金", 640.5), ("过渡性养老金", 520.0), ("调待增加额", 86.0)]
        return {
            "employee_pension": {"status": "待遇领取", "insured_since": "1985-07", "total_months": 384,
                                 "years": _pension_years(2005, 2012, "天镇县纺织厂（已改制）", 1500)},
            "employee_pension_payments": {"rows": _payment_rows(months, items, {months[3]: "银行账户状态异常（账户冻结），请持社保卡到银行网点核实后联系县社保中心补发"})},
            "unemployment_benefit_eligibility": {"eligible": False, "reasons": ["已依法享受基本养老保险待遇"]},
            "skill_subsidy_eligibility": {"eligible": False, "reasons": ["已退休，不属于企业在职参保职工"]},
        }
    if person_id == "P0003":
        return {
            "employee_pension": {"status": "暂停缴费", "insured_since": "2010-03", "total_months": 150,
                                 "years": _pension_years(2010, today.year - 2, "大同市晋北钢结构工程有限公司", 3500)},
            "unemployment_benefit_payments": {"months_total": 12, "months_remaining": 12 - 5,
                                              "rows": _payment_rows(months[:5], [("失业保险金", 1584.0), ("代缴基本医疗保险费", 212.4)])},
            "employment_certificate": {"has_certificate": True, "number": "1402220000000003", "status": "有效",
                                       "issued_at": "2023-02-14", "issuing_office": "天镇县玉泉镇人社服务中心",
                                       "employment_state": "登记失业", "e_seal_enabled": False, "printable": False,
                                       "not_printable_reason": "发证机构尚未启用电子印章，请到天镇县人社局一楼服务大厅打印纸质证明"},
            "archive_location": {"has_archive": True, "institution": "大同市人才交流服务中心",
                                 "address": "大同市平城区御河西路人才大厦3层", "phone": "0352-6000102", "since": "2010-02"},
            "skill_subsidy_eligibility": {"eligible": True, "reasons": ["领取失业保险金期间取得职业技能等级证书可申领"]},
            "unemployment_benefit_eligibility": {"eligible": False, "reasons": ["正在领取失业保险金，无需重复申领"]},
        }
    if person_id == "P0004":
        return {
            "resident_pension_contributions": {"rows": [
                {"year": y, "type": "基本险", "grade": 200, "personal": 200.0, "subsidy": 30.0, "collective": 0.0,
                 "arrived": True} for y in range(2010, 2015)]},
            "resident_pension_payments": {"rows": _payment_rows(months, [("基础养老金", 143.0), ("个人账户养老金", 18.6), ("高龄补贴", 20.0)],
                                                                bank="山西天镇农村商业银行")},
            "unemployment_benefit_eligibility": {"eligible": False, "reasons": ["未参加失业保险"]},
            "skill_subsidy_eligibility": {"eligible": False, "reasons": ["未参加企业职工基本养老保险"]},
        }
    if person_id == "P0006":
        return {
            "resident_pension_contributions": {"rows": [
                {"year": y, "type": "基本险", "grade": 500, "personal": 500.0, "subsidy": 60.0, "collective": 0.0,
                 "arrived": y < today.year} for y in range(2016, today.year + 1)]},
            "unemployment_benefit_eligibility": {"eligible": False, "reasons": ["未参加失业保险"]},
            "skill_subsidy_eligibility": {"eligible": False, "reasons": ["不属于企业在职参保职工或失业保险金领取人员"]},
        }
    return {}


def profile_extras(person_id: str) -> dict[str, Any]:
    """Registration flags a demo person starts with."""
    return {
        "P0001": {"hard_to_employ": False, "registrations": {"unemployment": "none", "employment": "registered"},
                  "has_employment_certificate": True},
        "P0002": {"hard_to_employ": False, "registrations": {"unemployment": "none", "employment": "none"},
                  "has_employment_certificate": False},
        "P0003": {"hard_to_employ": True, "registrations": {"unemployment": "registered", "employment": "none"},
                  "has_employment_certificate": True},
    }.get(person_id, {"hard_to_employ": False, "registrations": {"unemployment": "none", "employment": "none"},
                      "has_employment_certificate": False})
