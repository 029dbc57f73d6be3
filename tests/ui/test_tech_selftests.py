"""Each device self-test in the diagnostics page, against the simulators and a real ESC/POS TCP sink."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from devices.base import DeviceKind
from kiosk.masking import mask_id_number
from tests.helpers.escpos_sink import EscposTcpSink
from tests.helpers.tech_ui import build_tech_world, close_world, enter_technician, open_tech_world


@pytest.fixture
def tech_world(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir: Path):  # noqa: ANN001, ANN201
    yield from open_tech_world(qtbot, tmp_path, ui_sandbox, seeded_data_dir)


def _click(qtbot, window, name: str) -> None:
    qtbot.mouseClick(window.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def present_until(qtbot, present, done, tries: int = 40) -> None:  # noqa: ANN001
    """Present card/code number i (a different one each time: a reader ignores the same card put back within
    seconds) until the waiting self-test has seen one (it starts listening on a worker thread after the tap)."""
    for i in range(tries):
        present(i)
        try:
            qtbot.waitUntil(done, timeout=250)
            return
        except Exception:  # pytest-qt's TimeoutError: present it again
            continue
    raise AssertionError("the self-test never saw the card or code")


def _devices_panel(world):  # noqa: ANN001, ANN202
    return world.ui.window.current_page().panels["devices"]


def test_card_self_test_shows_the_identity_masked_and_logs_nobody_in(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    panel = _devices_panel(world)
    _click(qtbot, world.ui.window, "techTestCard")
    sim = world.sim(DeviceKind.ID_CARD)
    cards = [r.id_card for r in world.residents]
    present_until(qtbot, lambda i: sim.place(cards[i % len(cards)]), lambda: "读卡成功" in panel.result.text())
    text = panel.result.text()
    assert any(mask_id_number(c.id_number) in text for c in cards)
    assert not any(c.id_number in text or c.name in text for c in cards)
    assert world.core.services.session is None
    assert world.core.audit.recent()[0].action == "self_test_card"


def test_social_security_card_self_test(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    panel = _devices_panel(world)
    _click(qtbot, world.ui.window, "techTestCard")
    sim = world.sim(DeviceKind.SS_CARD)
    cards = [r.ss_card for r in world.residents]
    present_until(qtbot, lambda i: (sim.remove(), sim.insert(cards[i % len(cards)])),
                  lambda: "读卡成功（ss_card）" in panel.result.text())


def test_qr_self_test_reports_the_scan_without_showing_the_token(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    panel = _devices_panel(world)
    _click(qtbot, world.ui.window, "techTestQr")
    token = "DEMO-ESSC-P0001-SECRET-{:02d}"
    present_until(qtbot, lambda i: world.sim(DeviceKind.QR_SCANNER).scan(token.format(i)), lambda: "扫码成功" in panel.result.text())
    assert f"{len(token.format(0))} 个字符" in panel.result.text()
    assert "SECRET" not in panel.result.text()
    assert world.core.services.session is None, "the e-SSC scan did not log anyone in"


def test_print_self_test_prints_the_slip_and_reports_status_before_and_after(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    panel = _devices_panel(world)
    printer = world.sim(DeviceKind.PRINTER)
    _click(qtbot, world.ui.window, "techTestPrint")
    qtbot.waitUntil(lambda: "打印完成" in panel.result.text(), timeout=8000)
    assert any("打印测试" in p for p in printer.printed)
    assert "打印前" in panel.result.text() and "打印后" in panel.result.text()
    assert "通用 80 毫米热敏票据打印机" in panel.profile.text()  # the model by its Chinese description
    # residents' prints stay refused while the technician holds the printer
    assert world.core.devices.in_maintenance


def test_print_self_test_with_paper_out_says_so(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    panel = _devices_panel(world)
    world.sim(DeviceKind.PRINTER).set_paper_out(True)
    _click(qtbot, world.ui.window, "techTestPrint")
    qtbot.waitUntil(lambda: "打印失败" in panel.result.text(), timeout=8000)
    assert "纸" in panel.result.text()
    qtbot.waitUntil(lambda: "纸" in panel.rows[DeviceKind.PRINTER].state.text(), timeout=5000)


def test_print_self_test_on_a_real_escpos_printer_over_tcp(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir) -> None:
    with EscposTcpSink() as sink:
        world = build_tech_world(qtbot, tmp_path, ui_sandbox.base_url, seeded_data_dir,
                                 extra=f'[devices]\nprinter = "{sink.uri}"\n')
        try:
            enter_technician(qtbot, world)
            panel = _devices_panel(world)
            qtbot.waitUntil(lambda: "tcp://127.0.0.1" in panel.rows[DeviceKind.PRINTER].address.text(), timeout=3000)
            _click(qtbot, world.ui.window, "techTestPrint")
            qtbot.waitUntil(lambda: "打印完成" in panel.result.text(), timeout=15000)
            assert sink.wait_for(lambda data: "打印测试".encode("gb18030") in data)
            decoded = sink.decoded()
            assert any(q.startswith("KIOSK-TEST:") for q in decoded.qr_codes)
            assert decoded.cuts
            assert "正常" in panel.result.text() or "online" in panel.result.text()
        finally:
            close_world(world)


def test_the_camera_has_its_lamp_and_state_in_diagnostics(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    panel = _devices_panel(world)
    row = panel.rows[DeviceKind.CAMERA]
    assert "sim://" in row.address.text()
    panel.refresh()
    qtbot.waitUntil(lambda: "摄像头正常" in row.state.text(), timeout=5000)
    world.sim(DeviceKind.CAMERA).unplug()
    panel.refresh()
    qtbot.waitUntil(lambda: "未连接摄像头" in row.state.text(), timeout=5000)
