"""Technician mode: the hidden corner entry, the PIN, wrong PINs and the lockout, maintenance and leaving."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from devices.base import DeviceKind, DeviceState
from tests.helpers.tech_ui import TECH_LABEL, enter_technician, open_tech_world, tap_corner, type_pin


@pytest.fixture
def tech_world(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir: Path):  # noqa: ANN001, ANN201
    yield from open_tech_world(qtbot, tmp_path, ui_sandbox, seeded_data_dir)


def _click(qtbot, window, name: str) -> None:
    qtbot.mouseClick(window.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_five_taps_in_the_corner_open_the_pin_pad_and_four_do_not(qtbot, tech_world) -> None:
    window = tech_world.ui.window
    assert window.current_page().page_id == "attract"
    tap_corner(qtbot, window, times=4)
    assert window.current_page().page_id == "attract"
    tap_corner(qtbot, window, times=1)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech_pin", timeout=3000)
    _click(qtbot, window, "techPinCancel")
    assert window.current_page().page_id == "attract"


def test_taps_elsewhere_break_the_sequence(qtbot, tech_world) -> None:
    from PySide6.QtCore import QPoint

    window = tech_world.ui.window
    tap_corner(qtbot, window, times=3)
    tap_corner(qtbot, window, times=1, corner=QPoint(window.width() // 2, window.height() // 2))
    tap_corner(qtbot, window, times=2)
    assert window.current_page().page_id == "attract"


def test_right_pin_enters_holds_devices_in_maintenance_and_leaving_releases_them(qtbot, tech_world) -> None:
    world = tech_world
    window, core = world.ui.window, world.core
    enter_technician(qtbot, world)
    page = window.current_page()
    assert TECH_LABEL in page.title.text()
    assert core.devices.in_maintenance
    assert all(h.state == DeviceState.MAINTENANCE for h in core.devices.health().values())
    attract = world.ui.attract
    qtbot.waitUntil(lambda: not attract.maintenance.isHidden(), timeout=3000)
    assert "设备维护中" in attract.maintenance.text()
    assert not attract.browse.isEnabled(), "residents cannot start while a technician works"
    assert "设备维护中" in page.residents.text()
    _click(qtbot, window, "techLeave")
    assert window.current_page().page_id == "attract"
    assert not core.devices.in_maintenance
    qtbot.waitUntil(lambda: attract.maintenance.isHidden(), timeout=3000)
    assert attract.browse.isEnabled()
    actions = [e.action for e in reversed(core.audit.recent())]
    assert actions[-2:] == ["enter", "leave"]
    assert all(e.actor == TECH_LABEL for e in core.audit.recent()[:2])


def test_a_card_read_during_maintenance_does_not_log_a_resident_in(qtbot, tech_world) -> None:
    world = tech_world
    enter_technician(qtbot, world)
    world.sim(DeviceKind.ID_CARD).place(world.residents[0].id_card)
    qtbot.wait(300)
    assert world.core.services.session is None
    assert world.ui.window.current_page().page_id == "tech"


def test_wrong_pins_say_how_many_tries_are_left_then_lock_even_after_a_restart(qtbot, tech_world) -> None:
    world = tech_world
    window = world.ui.window
    tap_corner(qtbot, window)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech_pin", timeout=3000)
    pad = window.current_page()
    for left in (4, 3, 2, 1):
        type_pin(qtbot, window, "135790")
        qtbot.waitUntil(lambda left=left: f"还可以再试 {left} 次" in pad.message.text(), timeout=5000)
    type_pin(qtbot, window, "135790")
    qtbot.waitUntil(lambda: pad.locked, timeout=5000)
    assert "已锁定" in pad.message.text()
    assert not pad.keys["1"].isEnabled()
    # Even the right PIN cannot be typed now; a fresh pad (as after a restart) is locked too.
    _click(qtbot, window, "techPinCancel")
    from kiosk.technician import LOCKOUT_FILE, Lockout

    lockout = Lockout(world.core.settings.data_dir / LOCKOUT_FILE, world.core.settings.technician_lockout_s)
    assert lockout.locked_for() > 0
    tap_corner(qtbot, window)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech_pin", timeout=3000)
    assert window.current_page().locked
    actions = [e.action for e in world.core.audit.recent()]
    assert actions.count("pin_wrong") == 4 and "locked" in actions
    assert all(e.actor == "unknown" for e in world.core.audit.recent())


def test_no_entry_over_a_residents_session(qtbot, tech_world) -> None:
    from tests.ui.conftest import login_with_id_card

    world = tech_world
    login_with_id_card(qtbot, world, 0)
    tap_corner(qtbot, world.ui.window)
    assert world.ui.window.current_page().page_id == "home"
