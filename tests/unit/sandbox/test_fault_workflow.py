"""The fault workflow's data file (checked on load, naming the key) and its routing (seed 003 附件4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.contract import FAULT_CATEGORIES
from sandbox.faults import (
    CITY,
    COUNTY,
    LEVELS,
    PROVINCE,
    WORKFLOW_FILE,
    WorkflowFileError,
    load_workflow,
    parse_workflow,
)

GOOD = WORKFLOW_FILE.read_text(encoding="utf-8")


def test_the_shipped_file_routes_as_the_seed_says_and_escalates_county_city_province() -> None:
    wf = load_workflow()
    assert wf.start == {"系统性问题": PROVINCE, "功能性问题": PROVINCE, "业务指导性问题": COUNTY}
    assert wf.next_level == {COUNTY: CITY, CITY: PROVINCE, PROVINCE: None}
    assert wf.escalating() == (COUNTY, CITY)
    assert all(wf.hours[level] > 0 for level in LEVELS)
    assert wf.due(COUNTY, 1000.0) == 1000.0 + wf.hours[COUNTY] * 3600


def test_the_start_levels_agree_with_the_contracts_routed_to() -> None:
    """The kiosk shows routed_to (省级工作专班 / 县级人社局) before sending: the first level must be that desk."""
    desk = {"省级工作专班": PROVINCE, "县级人社局": COUNTY}
    assert {c: desk[r] for c, r in FAULT_CATEGORIES.items()} == load_workflow().start


def test_the_file_says_the_seed_sets_no_times() -> None:
    assert "The seed sets NO times" in GOOD and "a province sets its own" in GOOD


@pytest.mark.parametrize(("change", "named"), [
    (('answer_within_hours = 72\nnext = "市人社部门"', 'answer_within_hours = -1\nnext = "市人社部门"'),
     "levels.县人社部门.answer_within_hours"),
    (('answer_within_hours = 72\nnext = "市人社部门"', 'answer_within_hours = "三天"\nnext = "市人社部门"'),
     "levels.县人社部门.answer_within_hours"),
    (('next = "市人社部门"', 'next = "省工作专班"'), "levels.县人社部门.next"),
    (('"业务指导性问题" = "县人社部门"', '"业务指导性问题" = "乡镇"'), "start.业务指导性问题"),
    (('"业务指导性问题" = "县人社部门"\n', ''), "start"),
    (('[levels."市人社部门"]', '[levels."市人社局"]'), "levels"),
    (("default_deadline_days = 7", "default_deadline_days = 7\nhours = 3"), "answer.hours"),
    (("[answer]", "[answer\n"), "不是有效的 TOML"),
])
def test_a_wrong_file_is_refused_naming_the_key(change: tuple[str, str], named: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(WorkflowFileError) as err:
        parse_workflow(GOOD.replace(old, new, 1), "site/fault_workflow.toml")
    assert str(err.value).startswith("site/fault_workflow.toml: ") and named in str(err.value)


def test_a_province_may_keep_county_reports_at_the_county_and_change_the_hours() -> None:
    wf = parse_workflow(GOOD.replace('answer_within_hours = 72\nnext = "市人社部门"', "answer_within_hours = 24", 1))
    assert wf.hours[COUNTY] == 24 and wf.next_level[COUNTY] is None and wf.escalating() == (CITY,)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkflowFileError, match="读不到"):
        load_workflow(tmp_path / "nope.toml")
