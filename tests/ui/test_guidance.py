"""办事指南 (一次性告知): counter items open it, kiosk items reach it from their page; shown and printed as the profile says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from devices.base import DeviceKind
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from tests.ui.conftest import login_with_id_card


def test_counter_only_item_shows_guidance_scrolls_and_prints_the_slip(qtbot, world) -> None:
    ui = world.ui
    ui.browse()
    item = world.core.catalogue.item("16")  # 培训意向登记: 柜面 only in seed 003
    ui.router.open(item)
    page = ui.window.current_page()
    assert page.page_id == "guidance_16"
    all_text = " ".join(lbl.text() for lbl in page.findChildren(QLabel))
    for heading in ("所需材料", "办结时限", "办理地点"):
        assert heading in all_text
    assert item.name in all_text and world.core.settings.service_point.counter in all_text

    ui.window.setGeometry(0, 0, 1920, 1080)
    qtbot.wait(50)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0, "the slip is longer than a screen"
    before = bar.value()
    qtbot.mouseClick(page.down_button, Qt.MouseButton.LeftButton)
    assert bar.value() > before
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    assert bar.value() == before

    printer = world.sim(DeviceKind.PRINTER)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(printer.printed), timeout=5000)
    assert "培训意向登记" in printer.printed[-1] and "所需材料" in printer.printed[-1]

    for elderly in (False, True):
        ui.window.set_elderly(elderly)
        qtbot.wait(20)
        assert smallest_font(ui.window).value >= (40 if elderly else 28)
        assert smallest_target(ui.window).value >= (80 if elderly else 60)
    assert unnamed_interactive(ui.window) == []


# ---- 一次性告知 for every item: the 办事指南 of each kiosk item, shown and printed from the active profile ----
def _squash(text: str) -> str:
    """Text without any whitespace: the printer wraps and centres lines, the words stay the same."""
    return "".join(text.split())


def _shown_lines(page) -> list[str]:
    out: list[str] = []
    for i in range(len(page.slip.sections)):
        out.append(page.findChild(QLabel, f"guidanceHeading{i}").text())
        j = 0
        while (line := page.findChild(QLabel, f"guidanceLine{i}_{j}")) is not None:
            out.append(line.text())
            j += 1
    return out


@pytest.fixture(params=["default", "shanxi-2019"])
def profile_world(request, qtbot, tmp_path, ui_sandbox, seeded_data_dir):
    from tests.ui.conftest import running_core, running_world

    with running_core(tmp_path, ui_sandbox, seeded_data_dir,
                      kiosk_extra=f'province_profile = "{request.param}"\n') as core, \
            running_world(qtbot, core) as w:
        assert core.catalogue.profile.name == request.param
        yield w


@pytest.mark.timeout(240)
def test_every_kiosk_item_page_leads_to_its_guidance_as_the_profile_says_and_prints_it(qtbot, profile_world) -> None:
    world = profile_world
    ui, catalogue = world.ui, world.core.catalogue
    sp = world.core.settings.service_point
    login_with_id_card(qtbot, world, 0)
    printer = world.sim(DeviceKind.PRINTER)
    checked = 0
    for item in catalogue.kiosk_items():
        if item.restricted_to and not getattr(world.core.services.session, item.restricted_to, False):
            continue
        ui.window.go_home()
        ui.router.open(item)
        qtbot.waitUntil(lambda it=item: ui.window.current_page().service_item is it, timeout=3000)
        qtbot.waitUntil(ui.window.guide_button.isVisible, timeout=3000)
        qtbot.mouseClick(ui.window.guide_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda it=item: ui.window.current_page().page_id == f"guidance_{it.id}", timeout=3000)
        page = ui.window.current_page()
        assert not ui.window.guide_button.isVisible()  # the guide itself offers no second guide
        expected = catalogue.guidance_slip(item, sp.name, sp.counter, phone=sp.phone)
        assert _shown_lines(page) == list(expected.lines()[1:-1]), item.id
        headings = [s.heading for s in expected.sections]
        for heading in ("所需材料", "办理条件", "办结时限", "办理流程", "办事依据", "结果公开"):
            assert heading in headings, (item.id, heading)
        assert item.time_limit in expected.lines() and item.result_publication in expected.lines()
        if item.id in ("4", "11", "3"):
            count = len(printer.printed)
            qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda n=count: len(printer.printed) > n, timeout=5000)
            printed = _squash(printer.printed[-1])
            words = [expected.title, expected.footer]
            for section in expected.sections:
                words += [section.heading, *section.lines]
            at = 0
            for words_line in words[2:]:  # every section, in order, on paper
                at = printed.find(_squash(words_line), at)
                assert at >= 0, (item.id, words_line)
            assert _squash(expected.title) in printed and _squash(expected.footer) in printed
        checked += 1
    assert checked >= 20
    # 失业登记 in this profile: its time limit and materials, as the profile has them
    eleven = catalogue.item("11")
    ui.router.open_guidance(eleven)
    shown = "".join(_shown_lines(ui.window.current_page()))
    assert eleven.time_limit in shown
    if catalogue.profile.name == "shanxi-2019":
        assert "10个工作日" in shown and "户籍首页" in shown
    else:
        assert "5个工作日内" in shown and "户籍首页" not in shown


@pytest.mark.timeout(120)
def test_the_unemployment_closing_text_comes_from_the_profile(qtbot, profile_world) -> None:
    from tests.helpers.forms_ui import Taps, fill_current_form, form_page, open_item, wait_state

    world = profile_world
    closing = world.core.catalogue.item("11").closing_note
    assert closing and "二次审核" in closing
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "11")
    qtbot.waitUntil(lambda: form_page(world).state != "loading", timeout=5000)
    fill_current_form(qtbot, world, taps)
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    assert taps.find("formNote", QLabel).text() == closing
    printer = world.sim(DeviceKind.PRINTER)
    taps.tap("formPrint")
    qtbot.waitUntil(lambda: bool(printer.printed), timeout=5000)
    assert _squash(closing) in _squash(printer.printed[-1])
    if world.core.catalogue.profile.name == "shanxi-2019":
        assert "带身份证到" not in closing and "户籍首页" in closing  # seed 000: materials by the reason


def test_the_navigation_keeps_every_button_whole_in_elderly_portrait(qtbot, world) -> None:
    """Five big buttons (返回 首页 办事指南 标准模式 退出登录) do not fit one portrait row in 长辈模式: two rows."""
    ui = world.ui
    login_with_id_card(qtbot, world, 0)
    ui.router.open(world.core.catalogue.item("11"))
    qtbot.waitUntil(ui.window.guide_button.isVisible, timeout=3000)
    ui.window.setGeometry(0, 0, 1080, 1920)
    ui.window.set_elderly(True)
    buttons = (ui.window.back_button, ui.window.home_button, ui.window.guide_button, ui.window.elderly_button,
               ui.window.logout_button)

    def whole() -> bool:
        return all(b.isVisible() and b.width() >= b.sizeHint().width() for b in buttons)

    qtbot.waitUntil(whole, timeout=3000)
    ui.window.setGeometry(0, 0, 1920, 1080)
    qtbot.waitUntil(lambda: ui.window.logout_button.y() == ui.window.back_button.y(), timeout=3000)  # one row again
    qtbot.waitUntil(whole, timeout=3000)
