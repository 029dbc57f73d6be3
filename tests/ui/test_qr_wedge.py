"""A keyboard-wedge QR scanner (qr_scanner = "keyboard"): its burst logs in, a person's typing reaches the field."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kiosk.app import KioskCore, build_core
from kiosk.demo_residents import load_demo_residents
from kiosk.settings import load_settings
from tests.helpers.sandbox_server import RunningSandbox
from tests.ui.conftest import UiWorld, write_site


@pytest.fixture
def wedge_world(qtbot, tmp_path: Path, ui_sandbox: RunningSandbox, seeded_data_dir: Path) -> Iterator[UiWorld]:
    from ui.app import KioskUi

    shutil.copytree(seeded_data_dir, tmp_path / "data", ignore=shutil.ignore_patterns("logs"))
    site = write_site(tmp_path, ui_sandbox.base_url, extra='[devices]\nqr_scanner = "keyboard"\n')
    core: KioskCore = build_core(load_settings(site, env={}), start_workers=False, console_log=False,
                                 start_sandbox=False)
    core.devices.start()  # type: ignore[union-attr]
    ui = KioskUi(core, kiosk_mode=False)
    qtbot.addWidget(ui.window)
    ui.window.setGeometry(0, 0, 1920, 1080)
    ui.window.show()
    qtbot.waitExposed(ui.window)
    try:
        yield UiWorld(core, ui, load_demo_residents())
    finally:
        ui.close()
        core.close()


def _focused_field(qtbot, world: UiWorld) -> QLineEdit:
    field = QLineEdit(world.ui.window)  # type: ignore[attr-defined]
    field.setObjectName("test_field")
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    return field


def test_a_fast_burst_logs_in_by_essc_and_is_not_typed_into_the_focused_field(qtbot, wedge_world,
                                                                               ui_sandbox) -> None:
    token = ui_sandbox.platform.issue_essc_token("P0004")["essc_token"]  # type: ignore[union-attr]
    resident = next(r for r in wedge_world.residents if r.essc_token == "DEMO-ESSC-P0004")
    field = _focused_field(qtbot, wedge_world)
    qtbot.keyClicks(field, token)  # QTest sends the keys back to back: a scanner's burst
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: resident.label in wedge_world.ui.home.greeting.text(), timeout=8000)  # type: ignore[attr-defined]
    assert wedge_world.core.services.session.login_method == "essc"  # type: ignore[union-attr]
    assert field.text() == ""


def test_slow_typing_reaches_the_focused_field_and_logs_nobody_in(qtbot, wedge_world) -> None:
    field = _focused_field(qtbot, wedge_world)
    for ch in "slow typing":
        qtbot.keyClick(field, ch)
        qtbot.wait(80)  # a person: well over the 50 ms burst gap
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: field.text() == "slow typin", timeout=2000)
    assert wedge_world.core.services.session is None  # type: ignore[union-attr]
