"""Helpers for the technician-mode tests: sites with technician PINs, corner taps, entering the mode."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from kiosk.app import build_core
from kiosk.demo_residents import load_demo_residents
from kiosk.settings import load_settings
from kiosk.technician import hash_pin

TECH_PIN = "246810"
TECH_LABEL = "T01-测试技术员"
FAST_N = 2**10  # scrypt cost for tests; the real default is kiosk.technician.DEFAULT_N


def technician_toml(pins: tuple[tuple[str, str], ...] = ((TECH_PIN, TECH_LABEL),), lockout_s: int = 60,
                    taps: int = 5) -> str:
    lines = ", ".join(f'"{hash_pin(pin, who, n=FAST_N)}"' for pin, who in pins)
    return f"[technician]\npin_hashes = [{lines}]\nentry_taps = {taps}\nlockout_s = {lockout_s}\n"


def build_tech_world(qtbot, tmp_path: Path, sandbox_url: str, seeded: Path, extra: str = "",
                     mount_roots: tuple[Path, ...] = ()):  # noqa: ANN001, ANN201
    """A UiWorld like tests/ui/conftest.py's, with technician PINs (and any extra site text)."""
    from tests.ui.conftest import UiWorld, write_site
    from ui.app import KioskUi

    shutil.copytree(seeded, tmp_path / "data", ignore=shutil.ignore_patterns("logs"))
    settings = load_settings(write_site(tmp_path, sandbox_url, technician_toml() + extra), env={})
    core = build_core(settings, start_workers=False, console_log=False, start_sandbox=False)
    core.devices.start()  # type: ignore[union-attr]
    ui = KioskUi(core, kiosk_mode=False)
    ui.tech.mount_roots = mount_roots
    qtbot.addWidget(ui.window)
    ui.window.setGeometry(0, 0, 1920, 1080)
    ui.window.show()
    qtbot.waitExposed(ui.window)
    return UiWorld(core, ui, load_demo_residents())


def close_world(world) -> None:  # noqa: ANN001
    world.ui.close()
    world.core.close()


def open_tech_world(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir: Path) -> Iterator[object]:  # noqa: ANN001
    """Body of each test module's `tech_world` fixture: a world with PINs and a fake USB drive under tmp/media."""
    mounts = tmp_path / "media"
    (mounts / "KIOSK-USB").mkdir(parents=True)
    world = build_tech_world(qtbot, tmp_path, ui_sandbox.base_url, seeded_data_dir, mount_roots=(mounts,))
    try:
        yield world
    finally:
        close_world(world)


def tap_corner(qtbot, window, times: int = 5, corner: QPoint | None = None) -> None:  # noqa: ANN001
    """Tap the top-left corner (over the header title) `times` times, on whatever widget lies there."""
    pt = corner or QPoint(30, 30)
    target = window.childAt(pt) or window
    local = target.mapFrom(window, pt) if target is not window else pt
    for _ in range(times):
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=local)


def type_pin(qtbot, window, pin: str) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QPushButton

    for d in pin:
        qtbot.mouseClick(window.findChild(QPushButton, f"techPinKey_{d}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.findChild(QPushButton, "techPinOk"), Qt.MouseButton.LeftButton)


def enter_technician(qtbot, world, pin: str = TECH_PIN) -> None:  # noqa: ANN001
    window = world.ui.window
    tap_corner(qtbot, window)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech_pin", timeout=3000)
    type_pin(qtbot, window, pin)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech", timeout=5000)
