"""Counter-only items: the guidance page lists what to bring and where, scrolls by buttons, and prints the slip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from devices.base import DeviceKind
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive


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
    bar = page.scroll.verticalScrollBar()
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
