"""单位业务 (issue 11 §6): the employer-side matters of seeds 000/002 as a group of 办事指南 with printable slips
and a QR code to the province's web hall address from the site settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from devices.base import DeviceKind
from tests.helpers.usability import cut_off_texts, smallest_font, smallest_target, unnamed_interactive


def test_the_employer_group_shows_each_matter_with_the_web_hall_qr_and_prints_its_slip(qtbot, world) -> None:
    ui = world.ui
    url = world.core.settings.service_point.web_hall_url
    assert url.startswith("https://")  # config/demo.toml
    ui.browse()
    ui.window.go("group_employer")
    group = ui.window.current_page()
    texts = " ".join(lbl.text() for lbl in group.findChildren(QLabel))
    for name in ("发布招聘岗位信息", "就业见习单位申请", "就业见习岗位申请"):
        assert name in texts
    item = world.core.catalogue.item("S002-02")
    ui.router.open(item)
    page = ui.window.current_page()
    assert page.page_id == "guidance_S002-02"
    assert page.web_hall_qr is not None and page.web_hall_qr.payload == url and page.web_hall_qr.isVisible()
    assert "省网上办事大厅" in page.findChild(QLabel, "guidanceIntro").text()
    printer = world.sim(DeviceKind.PRINTER)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(printer.printed), timeout=5000)
    printed = "".join(printer.printed[-1].split())
    assert "就业见习单位申请" in printed and "".join(url.split()) in printed
    for portrait, elderly in ((False, False), (True, False), (False, True)):
        ui.window.setGeometry(0, 0, *((1080, 1920) if portrait else (1920, 1080)))
        ui.window.set_elderly(elderly)
        qtbot.wait(50)
        assert smallest_font(page).value >= (40 if elderly else 28)
        assert smallest_target(page).value >= (80 if elderly else 60)
        assert unnamed_interactive(page) == [] and cut_off_texts(page) == []


def test_a_resident_matter_has_no_web_hall_code(qtbot, world) -> None:
    world.ui.browse()
    world.ui.router.open(world.core.catalogue.item("16"))
    assert world.ui.window.current_page().web_hall_qr is None
