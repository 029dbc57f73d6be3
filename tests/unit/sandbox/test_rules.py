"""Platform rules: ID check digits, working age (16 until a basic pension), per-kind payload fields."""

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


@pytest.mark.parametrize("birth,seq,pension,ok", [
    ("20090301", "001", False, True),    # 16 on the day
    ("20090302", "001", False, False),   # 15
    ("19650301", "001", False, True),    # 60, man, no pension: still of working age (no fixed age)
    ("19550301", "002", False, True),    # 70, woman, no pension
    ("19700302", "001", True, False),    # 54, receives a basic pension: outside working age
])
def test_unemployment_registration_is_for_16_until_a_basic_pension(birth, seq, pension, ok):
    """Seed 004: 年满16周岁至依法享受基本养老保险待遇 — the upper bound is the pension, never an age."""
    day = date(2025, 3, 1)
    payload = {"reason": "合同到期", "commitment_confirmed": True}
    if ok:
        check_working_age("unemployment_registration", payload, make_id(birth, seq), day,
                          receives_basic_pension=pension)
    else:
        with pytest.raises(RuleViolation, match="劳动年龄"):
            check_working_age("unemployment_registration", payload, make_id(birth, seq), day,
                              receives_basic_pension=pension)


def test_gig_job_seeking_has_no_upper_bound_but_fixed_job_seeking_has():
    day = date(2025, 3, 1)
    pensioner = make_id("19620301", "001")
    check_working_age("job_seeker_registration", {"job_type": "gig"}, pensioner, day, receives_basic_pension=True)
    with pytest.raises(RuleViolation, match="依法享受基本养老保险待遇"):
        check_working_age("job_seeker_registration", {"job_type": "fixed"}, pensioner, day, receives_basic_pension=True)
    with pytest.raises(RuleViolation, match="当前年龄15周岁"):
        check_working_age("job_seeker_registration", {"job_type": "gig"}, make_id("20090302"), day,
                          receives_basic_pension=False)
    check_working_age("gig_hiring_registration", {}, make_id("20150101"), day, receives_basic_pension=True)


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


def test_the_platform_masks_names_and_phones_as_the_kiosk_does():
    """sandbox/ may not import kiosk/: its two masks are compared with kiosk/masking.py here (issue 11 §3)."""
    from kiosk import masking
    from sandbox import rules

    for name in ("王", "张三", "王小明", "欧阳娜娜", ""):
        assert rules.mask_name(name) == masking.mask_name(name)
    for phone in ("13812345678", "+86 138-1234-5678", "12345", ""):
        assert rules.mask_phone(phone) == masking.mask_phone(phone)


@pytest.mark.parametrize(("age", "band"), [(16, "16-19岁"), (19, "16-19岁"), (20, "20-29岁"), (49, "40-49岁"),
                                           (59, "50-59岁"), (60, "60岁以上"), (75, "60岁以上")])
def test_published_gig_seekers_show_an_age_band(age, band):
    from kiosk.masking import age_band as kiosk_band  # the consent question's preview uses the same bands
    from sandbox.rules import age_band

    assert age_band(age) == band == kiosk_band(age)
