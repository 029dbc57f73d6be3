"""Live personal records on screen and on paper, for the demo residents: rows, choices, not found, offline."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from devices.base import DeviceKind
from tests.helpers.ports import dead_url
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from tests.ui.conftest import login_with_id_card

SHOTS = os.environ.get("PERSONAL_SHOTS")  # set to a folder to keep screenshots of every screen


def shot(world, name: str) -> None:
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # let pending layout requests run, as they would before a person looks
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        world.ui.window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def click(qtbot, world, name: str) -> None:
    button = find(world, name)
    assert button is not None, f"no visible button {name}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def find(world, name: str) -> QPushButton | None:
    for b in world.ui.window.findChildren(QPushButton, name):
        if b.isVisible():
            return b
    return None


def visible_text(root: QWidget) -> str:
    return "\n".join(lbl.text() for lbl in root.findChildren(QLabel) if lbl.isVisible())


def open_item(qtbot, world, group: str, item_id: str):
    """Home → group tile → item tile; returns the page that opened."""
    window = world.ui.window
    window.go_home()
    click(qtbot, world, f"homeGroup_{group}")
    qtbot.waitUntil(lambda: window.current_page().page_id == f"group_{group}", timeout=3000)
    click(qtbot, world, f"item_{item_id}")
    qtbot.waitUntil(lambda: window.current_page().page_id.endswith(f"_{item_id}"), timeout=3000)
    return window.current_page()


def wait_idle(qtbot, world) -> None:
    qtbot.waitUntil(lambda: world.ui.overlay.kind != "busy", timeout=8000)


def wait_content(qtbot, world, page) -> None:
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.content, timeout=8000)


def wait_online(qtbot, world) -> None:
    qtbot.waitUntil(lambda: world.core.services.session is not None and world.core.services.session.online,
                    timeout=8000)


def pick_option(qtbot, world, text: str) -> None:
    from ui.picker import ChoicePanel

    panels = [p for p in world.ui.window.findChildren(ChoicePanel) if p.isVisible()]
    assert panels, "the picker is open"
    panel = panels[-1]
    for _ in range(panel.pages):
        button = panel.option_button(text)
        if button is not None:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return
        qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
    raise AssertionError(f"no option {text}")


def printed_after(qtbot, world, before: int) -> str:
    printer = world.sim(DeviceKind.PRINTER)
    qtbot.waitUntil(lambda: len(printer.printed) > before, timeout=8000)
    return printer.printed[-1]


# ---- employee pension (P0001) ----------------------------------------------------------------------
def test_employee_pension_by_year_and_printed_statement(qtbot, world) -> None:
    resident = login_with_id_card(qtbot, world, 0)
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", "25")
    wait_content(qtbot, world, page)
    shot(world, "records_25_employee_pension")
    text = visible_text(page)
    assert "参保缴费" in text and "2008-04" in text
    assert len(page.row_widgets) == len(page.rows) > 10  # every year since 2008, newest first
    assert page.rows[0].title == f"{date.today().year - 1}年"
    qtbot.waitUntil(lambda: find(world, "recordsNext") is not None, timeout=3000)  # more years on later pages
    bar = page.scroll_area.verticalScrollBar()
    assert bar.value() == 0 and page.page_label.text().startswith("第 1 /")
    click(qtbot, world, "recordsNext")
    assert bar.value() > 0 and page.page_label.text().startswith("第 2 /")
    # a page turn lands on the start of a row: no row is cut at the top
    assert any(w.y() == bar.value() for w in page.row_widgets)
    click(qtbot, world, "recordsPrev")
    assert bar.value() == 0

    click(qtbot, world, "recordsPeriod")
    pick_option(qtbot, world, "2015年")
    assert [r.title for r in page.rows] == ["2015年"]
    assert "天镇县恒通建筑工程有限公司" in visible_text(page)
    assert "2015年" in find(world, "recordsPeriod").text()
    shot(world, "records_25_year_2015")

    before = len(world.sim(DeviceKind.PRINTER).printed)
    click(qtbot, world, "recordsPrint")
    paper = printed_after(qtbot, world, before)
    assert "企业职工基本养老保险参保情况查询" in "".join(paper.split()) and "2015年" in paper and "2016年" not in paper
    assert resident.id_card.id_number not in paper and "140222********0011" in paper
    assert resident.id_card.name not in paper


def test_pension_payments_show_the_failed_month_and_its_reason(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 1)  # P0002, retired
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", "26")
    wait_content(qtbot, world, page)
    assert "其中1个月发放失败" in page.summary.text()
    failed = [r for r in page.rows if r.failed]
    assert len(failed) == 1 and "账户冻结" in failed[0].failure
    assert "基础养老金" in visible_text(page)  # the item breakdown
    click(qtbot, world, "recordsPeriod")
    pick_option(qtbot, world, failed[0].title)
    text = visible_text(page)
    assert "发放失败原因" in text and "账户冻结" in text
    shot(world, "records_26_failed_month")
    before = len(world.sim(DeviceKind.PRINTER).printed)
    click(qtbot, world, "recordsPrint")
    paper = printed_after(qtbot, world, before)
    assert "账户冻结" in paper and failed[0].title in paper


def test_unemployment_benefit_payments(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 2)  # P0003
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", "27")
    wait_content(qtbot, world, page)
    assert "还可领取：7个月" in page.summary.text()
    assert len(page.rows) == 5 and all(not r.failed for r in page.rows)
    assert "失业保险金" in visible_text(page)
    shot(world, "records_27_unemployment")


@pytest.mark.parametrize(("index", "item_id", "expect", "count"), [
    (3, "33", "缴费档次：200.00元", 5),  # P0004 contributions 2010-2014
    (3, "36", "高龄补贴", 12),  # P0004 resident pension payments
    (5, "33", "缴费档次：500.00元", None),  # P0006, yearly until this year
])
def test_resident_pension_records(qtbot, world, index: int, item_id: str, expect: str, count: int | None) -> None:
    login_with_id_card(qtbot, world, index)
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", item_id)
    wait_content(qtbot, world, page)
    assert expect in visible_text(page)
    if count is not None:
        assert len(page.rows) == count
    if index == 5:
        assert "未到账" in visible_text(page)  # this year's contribution has not arrived yet
    shot(world, f"records_{item_id}_p{index}")


def test_no_record_is_said_plainly(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 4)  # P0005, a graduate: no pension record
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", "25")
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.message_panel and bool(page.message.text()), timeout=5000)
    assert page.message.text() == "没有查到您的企业职工基本养老保险参保记录。"
    assert not find(world, "recordsRetry") and find(world, "recordsBack")
    shot(world, "records_not_found")
    click(qtbot, world, "recordsBack")
    assert world.ui.window.current_page().page_id == "group_social_insurance"


# ---- 就业创业证 -----------------------------------------------------------------------------------------
def test_certificate_printable_with_verification_qr(qtbot, world) -> None:
    resident = login_with_id_card(qtbot, world, 0)
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "find_work", "13")
    wait_content(qtbot, world, page)
    text = visible_text(page)
    assert "1402220000000001" in text and "有效" in text and "天镇县就业和人才服务中心" in text
    shot(world, "certificate_printable")
    printer = world.sim(DeviceKind.PRINTER)
    before = len(printer.printed)
    click(qtbot, world, "certPrint")
    paper = printed_after(qtbot, world, before)
    assert "电子就业创业证" in paper and "1402220000000001" in paper and "天镇县就业和人才服务中心" in paper
    assert resident.id_card.id_number not in paper and "140222********0011" in paper
    assert printer.prints[-1].qr_payloads == ("JYCYZ:1402220000000001:" + page.record.as_of[:10],)


def test_certificate_not_printable_says_why(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 2)  # P0003: no e-seal at the issuing office
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "find_work", "13")
    wait_content(qtbot, world, page)
    assert "1402220000000003" in visible_text(page)
    assert find(world, "certPrint") is None
    assert "尚未启用电子印章" in page.printable_note.text() and "暂时不能在自助机上打印" in page.printable_note.text()
    shot(world, "certificate_not_printable")


def test_electronic_certificate_print_item_opens_the_same_check(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "find_work", "S000-06")
    wait_content(qtbot, world, page)
    assert page.heading.text() == "电子就业创业证打印" and find(world, "certPrint") is not None


def test_no_certificate_is_said_plainly(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 4)  # P0005: no certificate yet
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "find_work", "13")
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.message_panel and bool(page.message.text()), timeout=5000)
    assert "没有查到您的《就业创业证》记录" in page.message.text()


# ---- offline --------------------------------------------------------------------------------------------
def test_offline_query_says_so_and_offers_the_way_back(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    wait_online(qtbot, world)
    world.core.platform.base_url = dead_url()  # the platform becomes unreachable mid-session
    page = open_item(qtbot, world, "social_insurance", "25")
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.message_panel and bool(page.message.text()), timeout=8000)
    text = page.message.text()
    assert "需要联网查询" in text and "请稍后再试" in text and "柜台" in text
    assert world.core.settings.service_point.counter in text
    assert find(world, "recordsRetry") is not None and find(world, "recordsBack") is not None
    shot(world, "records_offline")
    click(qtbot, world, "recordsBack")
    assert world.ui.window.current_page().page_id == "group_social_insurance"


def test_offline_login_cannot_query_records(qtbot, world) -> None:
    world.core.platform.base_url = dead_url()  # the resident logs in while the platform is unreachable
    login_with_id_card(qtbot, world, 1)
    qtbot.waitUntil(lambda: bool(world.ui.home.notice.text()), timeout=8000)  # the offline login notice
    assert world.core.services.session.platform_token is None
    page = open_item(qtbot, world, "social_insurance", "26")
    wait_idle(qtbot, world)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.message_panel and bool(page.message.text()), timeout=5000)
    assert "需要联网查询" in page.message.text()


# ---- wiped at the end of the session ------------------------------------------------------------------------
def test_logout_wipes_the_record_pages(qtbot, world) -> None:
    resident = login_with_id_card(qtbot, world, 1)
    wait_online(qtbot, world)
    page = open_item(qtbot, world, "social_insurance", "26")
    wait_content(qtbot, world, page)
    click(qtbot, world, "navLogout")
    assert world.ui.window.current_page().page_id == "attract"
    assert not any(p.page_id.startswith("records_") for p in world.ui.window._pages.values())
    assert resident.id_card.name[1:] not in visible_text(world.ui.window)


# ---- usability numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("portrait", [False, True])
def test_record_pages_meet_the_usability_numbers(qtbot, world, elderly: bool, portrait: bool) -> None:
    window = world.ui.window
    if portrait:
        window.setGeometry(0, 0, 1080, 1920)
    window.set_elderly(elderly)
    login_with_id_card(qtbot, world, 1)
    wait_online(qtbot, world)
    min_font, min_target = (40, 80) if elderly else (28, 60)
    mode = f"{'elderly' if elderly else 'normal'}_{'portrait' if portrait else 'landscape'}"
    for group, item_id in (("social_insurance", "26"), ("social_insurance", "25"), ("find_work", "13")):
        page = open_item(qtbot, world, group, item_id)
        wait_idle(qtbot, world)
        qtbot.waitUntil(lambda p=page: p.states.currentWidget() in (p.content, p.message_panel)
                        and p.states.currentWidget().isVisible(), timeout=8000)
        qtbot.wait(50)  # let the layout settle before measuring
        assert smallest_font(page).value >= min_font, smallest_font(page)
        assert smallest_target(page).value >= min_target, smallest_target(page)
        assert unnamed_interactive(page) == []
        shot(world, f"usability_{item_id}_{mode}")
    if find(world, "recordsPeriod"):
        click(qtbot, world, "recordsPeriod")
        from ui.picker import ChoicePanel

        panel = next(p for p in window.findChildren(ChoicePanel) if p.isVisible())
        shot(world, f"usability_picker_{mode}")
        qtbot.mouseClick(panel.cancel, Qt.MouseButton.LeftButton)
