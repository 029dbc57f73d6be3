"""我的办件: statuses by tab (with the rejection reason), the month choice, withdraw after confirming, resubmit."""

from __future__ import annotations

from datetime import date

import pytest

from offline_cache import CaseStatus
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from tests.ui.conftest import login_with_id_card
from tests.ui.test_records import (
    click,
    find,
    open_item,
    pick_option,
    shot,
    visible_text,
    wait_idle,
    wait_online,
)

KIND = "flexible_employment_registration"
TITLE = "灵活就业登记"


def submit(world, employment_type: str) -> str:
    """A 灵活就业登记 through the real services (outbox first); returns its outbox key."""
    result = world.core.services.submit(KIND, TITLE, {"employment_type": employment_type,
                                                      "start_date": date.today().isoformat()})
    return result.key


def upload(world, key: str) -> str:
    world.core.sync.run_once()
    case_no = world.core.database.outbox.get(key).case_no
    assert case_no, "the platform accepted the submission"
    return case_no


def open_cases(qtbot, world):
    page = open_item(qtbot, world, "my_cases", "S001-02")
    wait_loaded(qtbot, world, page, 0)
    return page


def wait_loaded(qtbot, world, page, before: int) -> None:
    qtbot.waitUntil(lambda: page.loads > before, timeout=8000)
    wait_idle(qtbot, world)


def choose_tab(qtbot, world, page, status: str) -> None:
    before = page.loads
    click(qtbot, world, f"casesTab_{status or 'all'}")
    wait_loaded(qtbot, world, page, before)


def row_of(page, *, key: str | None = None, case_no: str | None = None) -> int:
    """The row index of one of our cases (ours are the newest, so they come first)."""
    for i, c in enumerate(page.cases):
        if (key and c.key == key) or (case_no and c.case_no == case_no):
            page.scroll_area.ensureWidgetVisible(page.row_widgets[i])
            return i
    raise AssertionError("case not listed")


@pytest.fixture
def reviewed(qtbot, world, ui_sandbox):
    """P0001 with one case of each status: rejected (with reason), approved, pending, awaiting upload."""
    login_with_id_card(qtbot, world, 0)
    wait_online(qtbot, world)
    keys = {name: submit(world, kind) for name, kind in (("rejected", "新就业形态"), ("approved", "个体经营"),
                                                         ("pending", "非全日制就业"))}
    numbers = {name: upload(world, k) for name, k in keys.items()}
    ui_sandbox.platform.review(numbers["rejected"], "reject", "灵活就业开始日期与参保记录不符，请核对后重新提交")
    ui_sandbox.platform.review(numbers["approved"], "approve", None)
    keys["awaiting"] = submit(world, "其他灵活就业")  # not uploaded: still in the outbox
    return keys, numbers


def test_cases_by_status_tab_with_the_rejection_reason(qtbot, world, reviewed) -> None:
    keys, numbers = reviewed
    page = open_cases(qtbot, world)
    statuses = {c.key: c.status for c in page.cases}
    assert statuses[keys["rejected"]] is CaseStatus.REJECTED
    assert statuses[keys["approved"]] is CaseStatus.APPROVED
    assert statuses[keys["pending"]] is CaseStatus.PENDING
    assert statuses[keys["awaiting"]] is CaseStatus.AWAITING_UPLOAD
    shot(world, "cases_all")

    choose_tab(qtbot, world, page, "rejected")
    assert {c.status for c in page.cases} == {CaseStatus.REJECTED}
    i = row_of(page, case_no=numbers["rejected"])
    text = visible_text(page.row_widgets[i])
    assert "审核不通过" in text and "不通过原因：灵活就业开始日期与参保记录不符" in text and numbers["rejected"] in text
    assert find(world, f"casesResubmit_{i}") is not None and find(world, f"casesWithdraw_{i}") is None
    shot(world, "cases_rejected")

    choose_tab(qtbot, world, page, "awaiting_upload")
    i = row_of(page, key=keys["awaiting"])
    assert "待上传" in visible_text(page.row_widgets[i]) and find(world, f"casesWithdraw_{i}") is not None

    choose_tab(qtbot, world, page, "approved")
    i = row_of(page, case_no=numbers["approved"])
    assert find(world, f"casesWithdraw_{i}") is None and find(world, f"casesResubmit_{i}") is None

    choose_tab(qtbot, world, page, "pending")
    i = row_of(page, case_no=numbers["pending"])
    assert "未审核" in visible_text(page.row_widgets[i]) and find(world, f"casesWithdraw_{i}") is not None

    choose_tab(qtbot, world, page, "withdrawn")
    assert all(c.status is CaseStatus.WITHDRAWN for c in page.cases)


def test_month_choice_of_the_last_twelve_months(qtbot, world, reviewed) -> None:
    keys, _numbers = reviewed
    page = open_cases(qtbot, world)
    today = date.today()
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    click(qtbot, world, "casesMonth")
    from ui.picker import ChoicePanel

    panel = next(p for p in world.ui.window.findChildren(ChoicePanel) if p.isVisible())
    assert len(panel.options) == 13  # 全部月份 + the last 12 months
    shot(world, "cases_month_picker")
    before = page.loads
    pick_option(qtbot, world, f"{last.year}年{last.month}月")
    wait_loaded(qtbot, world, page, before)
    assert not any(c.key in keys.values() for c in page.cases)  # ours were all made this month
    assert f"{last.year}年{last.month}月" in find(world, "casesMonth").text()
    click(qtbot, world, "casesMonth")
    before = page.loads
    pick_option(qtbot, world, f"{today.year}年{today.month}月")
    wait_loaded(qtbot, world, page, before)
    assert set(keys.values()) <= {c.key for c in page.cases}


def test_withdraw_asks_first_and_the_platform_agrees(qtbot, world, reviewed, ui_sandbox) -> None:
    _keys, numbers = reviewed
    page = open_cases(qtbot, world)
    choose_tab(qtbot, world, page, "pending")
    i = row_of(page, case_no=numbers["pending"])
    click(qtbot, world, f"casesWithdraw_{i}")
    assert page.states.currentWidget() is page.confirm_view
    assert page.confirm_question.text() == "确定要撤回吗？"
    assert find(world, "withdrawYes").text() == "确定撤回" and find(world, "withdrawNo").text() == "不撤回"
    shot(world, "cases_withdraw_confirm")
    click(qtbot, world, "withdrawNo")  # changed their mind: nothing happens
    assert page.states.currentWidget() is page.list_view
    assert page.cases[i].status is CaseStatus.PENDING

    click(qtbot, world, f"casesWithdraw_{i}")
    before = page.loads
    click(qtbot, world, "withdrawYes")
    qtbot.waitUntil(lambda: world.ui.overlay.kind == "success", timeout=8000)
    assert world.ui.overlay.text.text() == "已撤回"
    wait_loaded(qtbot, world, page, before)
    assert numbers["pending"] not in {c.case_no for c in page.cases}  # gone from the 未审核 tab
    platform_status = {c["case_no"]: c["status"] for c in ui_sandbox.platform.cases("P0001", None, None)}
    assert platform_status[numbers["pending"]].lower() == "withdrawn"


def test_withdraw_a_case_not_uploaded_yet(qtbot, world, reviewed) -> None:
    keys, _numbers = reviewed
    page = open_cases(qtbot, world)
    choose_tab(qtbot, world, page, "awaiting_upload")
    i = row_of(page, key=keys["awaiting"])
    click(qtbot, world, f"casesWithdraw_{i}")
    click(qtbot, world, "withdrawYes")
    qtbot.waitUntil(lambda: world.ui.overlay.kind == "success", timeout=8000)
    assert "尚未上传" in world.ui.overlay.text.text()
    assert world.core.database.outbox.get(keys["awaiting"]).state.value == "withdrawn"


def test_resubmit_opens_the_real_form_prefilled(qtbot, world, reviewed) -> None:
    """The rejected case's stored payload is turned back into the form's answers (kiosk.forms.prefill_from_payload)."""
    _keys, numbers = reviewed
    page = open_cases(qtbot, world)
    choose_tab(qtbot, world, page, "rejected")
    i = row_of(page, case_no=numbers["rejected"])
    click(qtbot, world, f"casesResubmit_{i}")
    window = world.ui.window
    qtbot.waitUntil(lambda: not window.current_page().page_id.startswith("cases_") or world.ui.overlay.kind == "failure",
                    timeout=8000)
    assert world.ui.overlay.kind != "failure", world.ui.overlay.text.text()
    form = window.current_page()
    qtbot.waitUntil(lambda: bool(form.answers), timeout=8000)  # the form loads its code lists first
    wait_idle(qtbot, world)
    shot(world, "cases_resubmit_form")
    assert form.page_id == "form_10"  # 灵活就业登记
    assert form.answers.get("employment_type") == "新就业形态"  # the original answers, prefilled
    assert form.answers.get("start_date") == date.today().isoformat()


def test_logout_forgets_the_cases_page(qtbot, world, reviewed) -> None:
    page = open_cases(qtbot, world)
    assert page.cases
    click(qtbot, world, "navLogout")
    assert world.ui.window.current_page().page_id == "attract"
    assert not any(p.page_id.startswith("cases_") for p in world.ui.window._pages.values())


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("portrait", [False, True])
def test_cases_page_meets_the_usability_numbers(qtbot, world, reviewed, elderly: bool, portrait: bool) -> None:
    window = world.ui.window
    if portrait:
        window.setGeometry(0, 0, 1080, 1920)
    window.set_elderly(elderly)
    page = open_cases(qtbot, world)
    choose_tab(qtbot, world, page, "rejected")
    qtbot.wait(50)
    min_font, min_target = (40, 80) if elderly else (28, 60)
    mode = f"{'elderly' if elderly else 'normal'}_{'portrait' if portrait else 'landscape'}"
    for view in ("list", "confirm"):
        if view == "confirm":
            choose_tab(qtbot, world, page, "pending")
            click(qtbot, world, "casesWithdraw_0")
            qtbot.wait(50)
        assert smallest_font(page).value >= min_font, smallest_font(page)
        assert smallest_target(page).value >= min_target, smallest_target(page)
        assert unnamed_interactive(page) == []
        shot(world, f"cases_{view}_{mode}")
    click(qtbot, world, "withdrawNo")


def test_my_cases_prints_the_list_shown_with_the_identity_masked(qtbot, world, reviewed) -> None:
    """The catalogue says 我的办件 可打印: every case shown, its status, number and reason; name and ID masked."""
    from devices.base import DeviceKind
    from kiosk.masking import mask_id_number, mask_name

    keys, numbers = reviewed
    page = open_cases(qtbot, world)
    assert page.print_button.isEnabled() and page.cases
    printer = world.sim(DeviceKind.PRINTER)
    click(qtbot, world, "casesPrint")
    qtbot.waitUntil(lambda: bool(printer.printed), timeout=5000)
    paper = "".join(printer.printed[-1].split())
    resident = world.residents[0].id_card
    assert mask_id_number(resident.id_number) in paper and mask_name(resident.name) in paper
    assert resident.id_number not in paper and resident.name not in paper
    for case in page.cases:
        assert "".join(case.status_label.split()) in paper
    for number in numbers.values():
        assert number in paper
    assert "".join("灵活就业开始日期与参保记录不符，请核对后重新提交".split()) in paper  # the rejection's reason
    assert paper.count(TITLE) >= 4
    # a tab prints what it shows
    choose_tab(qtbot, world, page, CaseStatus.REJECTED.value)
    click(qtbot, world, "casesPrint")
    qtbot.waitUntil(lambda: len(printer.printed) >= 2, timeout=5000)
    paper = "".join(printer.printed[-1].split())
    assert numbers["rejected"] in paper and numbers["approved"] not in paper
    assert CaseStatus.REJECTED.label in paper
    # portrait: 打印 keeps its full width beside the month choice and the page buttons
    world.ui.window.setGeometry(0, 0, 1080, 1920)
    choose_tab(qtbot, world, page, "")
    qtbot.waitUntil(lambda: page.print_button.width() >= page.print_button.sizeHint().width(), timeout=3000)
    right = page.print_button.mapTo(world.ui.window, page.print_button.rect().topRight()).x()
    assert right <= world.ui.window.width()
