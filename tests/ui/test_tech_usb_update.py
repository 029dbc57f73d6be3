"""关于 → 从U盘安装更新 leaves the request kiosk-update.path starts the root updater on (the kiosk cannot run apt)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.updates.files import REQUEST_FILE
from tests.helpers.tech_ui import build_tech_world, close_world
from tests.ui.test_tech_usability import enter_technician_from_pad


@pytest.fixture
def tech_world(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir: Path):  # noqa: ANN001, ANN201
    # the status folder the session unit makes (RuntimeDirectory=village-kiosk), here under tmp
    status_dir = tmp_path / "run-village-kiosk"
    status_dir.mkdir()
    world = build_tech_world(qtbot, tmp_path, ui_sandbox.base_url, seeded_data_dir,
                             extra=f'\n[updates]\nstatus_dir = "{status_dir}"\n')
    try:
        yield world
    finally:
        close_world(world)


def test_the_usb_update_button_writes_the_request_for_the_root_service(qtbot, tech_world, tmp_path: Path) -> None:  # noqa: ANN001
    from tests.helpers.tech_ui import tap_corner

    status_dir = tmp_path / "run-village-kiosk"
    world = tech_world
    assert world.ui.core.run_status.enabled
    window = world.ui.window
    tap_corner(qtbot, window)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech_pin", timeout=3000)
    enter_technician_from_pad(qtbot, world)
    page = window.current_page()
    page.show_tab("about")
    from PySide6.QtWidgets import QLabel, QPushButton

    usb = page.findChild(QPushButton, "techUsbUpdate")
    usb.click()
    world.ui.core.run_status.flush()
    request = json.loads((status_dir / REQUEST_FILE).read_text(encoding="utf-8"))
    assert request["media_dir"] is None
    assert "已开始从U盘安装更新" in page.findChild(QLabel, "techUsbUpdateResult").text()


def test_the_running_kiosk_publishes_its_health_once_shown_and_whether_it_is_in_use(qtbot, tech_world,  # noqa: ANN001
                                                                                      tmp_path: Path) -> None:
    """What `kiosk update` waits for: health.json once the screen is up, session.json at each change of use."""
    from kiosk.updates.files import HEALTH_FILE, read_json, session_active
    from ui.run_status import RunStatusWatch

    status_dir = tmp_path / "run-village-kiosk"
    world = tech_world
    using = [False]
    watch = RunStatusWatch(world.ui.core.run_status, world.ui.window, in_use=lambda: using[0],
                           device_health=lambda: {"printer": "online"}).start()
    try:
        qtbot.waitUntil(lambda: (status_dir / HEALTH_FILE).exists(), timeout=5000)
        health = read_json(status_dir / HEALTH_FILE)
        assert health is not None and health["attract_shown"] and health["devices"] == {"printer": "online"}
        using[0] = True
        qtbot.waitUntil(lambda: session_active(status_dir), timeout=5000)
        using[0] = False
        qtbot.waitUntil(lambda: not session_active(status_dir), timeout=5000)
    finally:
        watch.stop()
    assert not watch.timer.isActive()
