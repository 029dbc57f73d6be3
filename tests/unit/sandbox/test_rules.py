"""Platform rules: ID check digits, working age for 失业登记, per-kind payload fields."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.rules import RuleViolation, check_payload, check_working_age, id_check_digit, parse_id_number


def make_id(birth: str, seq: str = "001") -> str:
    first = "140222" + birth + seq
    return first + id_check_digit(first)


def test_a_well_formed_id_number_gives_birth_date_and_gender():
    assert parse_id_number(make_id("19750315", "001")) == (date(1975, 3, 15), "男")
    assert parse_id_number(make_id("19620820", "002"))[1] == "女"


@pytest.mark.parametrize("value", ["", "14022219750315001", "140222197503150012", "1402221975031500AX",
                                   "140222197513450011",
                                   # full-width and Arabic-Indic digits before the check X of 14022219750315002X
                                   "１４０２２２１９７５０３１５００２X", "١٤٠٢٢٢١٩٧٥٠٣١٥٠٠٢X"])
def test_malformed_id_numbers_are_rejected(value):
    with pytest.raises(RuleViolation):
        parse_id_number(value)


@pytest.mark.parametrize("birth,seq,ok", [
    ("20090301", "001", True),    # 16 on the day
    ("20090302", "001", False),   # 15
    ("19650302", "001", True),    # 59, man
    ("19650301", "001", False),   # 60, man: retired
    ("19700302", "002", True),    # 54, woman
    ("19700301", "002", False),   # 55, woman: retired
])
def test_unemployment_registration_is_only_for_working_age(birth, seq, ok):
    day = date(2025, 3, 1)
    if ok:
        check_working_age(make_id(birth, seq), day)
    else:
        with pytest.raises(RuleViolation, match="劳动年龄"):
            check_working_age(make_id(birth, seq), day)


def test_unemployment_registration_needs_the_residents_own_confirmation():
    with pytest.raises(RuleViolation, match="commitment_confirmed"):
        check_payload("unemployment_registration", {"reason": "合同到期"})
    with pytest.raises(RuleViolation, match="commitment_confirmed"):
        check_payload("unemployment_registration", {"reason": "合同到期", "commitment_confirmed": "yes"})
    check_payload("unemployment_registration", {"reason": "合同到期", "commitment_confirmed": True})


def test_job_seeker_registration_names_fixed_or_gig():
    check_payload("job_seeker_registration", {"job_type": "gig", "skill_codes": ["2001"], "daily_wage_expect": 180})
    with pytest.raises(RuleViolation, match="job_type"):
        check_payload("job_seeker_registration", {"job_type": "part-time"})


def test_gig_hiring_dates_must_be_in_order():
    payload = {"title": "秋收掰玉米", "address": "李家庄村", "start_date": "2025-09-20", "end_date": "2025-09-10",
               "headcount": 3, "daily_wage": 180, "contact_phone": "13300000000"}
    with pytest.raises(RuleViolation, match="结束日期"):
        check_payload("gig_hiring_registration", payload)


def test_unknown_kinds_are_rejected():
    with pytest.raises(RuleViolation):
        check_payload("fault_report", {})
