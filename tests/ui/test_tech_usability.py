"""Every technician screen meets the kiosk's size and naming rules, landscape and portrait, normal and 长辈模式."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.tech_ui import open_tech_world, tap_corner
from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive

SHOTS = os.environ.get("TECH_SHOTS")  # a folder: save a PNG of each screen there (for looking at them)
TABS = ("devices", "sync", "logs", "config", "faults", "about")

@pytest.fixture
def tech_world(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir: Path):  # noqa: ANN001, ANN201
    yield from open_tech_world(qtbot, tmp_path, ui_sandbox, seeded_data_dir)


def _check(window, qtbot, name: str, elderly: bool) -> None:  # noqa: ANN001
    qtbot.wait(50)
    page = window.current_page()
    font, target = smallest_font(page), smallest_target(page)
    assert font.value >= (40 if elderly else 28), (name, font)
    assert target.value >= (80 if elderly else 60), (name, target)
    assert unnamed_interactive(page) == [], name
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("portrait", [False, True])
@pytest.mark.parametrize("elderly", [False, True])
def test_pin_pad_and_every_tab_are_big_and_named(qtbot, tech_world, portrait, elderly) -> None:
    world = tech_world
    window = world.ui.window
    if portrait:
        window.setGeometry(0, 0, 1080, 1920)
    window.set_elderly(elderly)
    suffix = f"{'portrait' if portrait else 'landscape'}_{'elderly' if elderly else 'normal'}"
    tap_corner(qtbot, window)
    qtbot.waitUntil(lambda: window.current_page().page_id == "tech_pin", timeout=3000)
    _check(window, qtbot, f"pin_{suffix}", elderly)
    enter_technician_from_pad(qtbot, world)
    page = window.current_page()
    for tab in TABS:
        page.show_tab(tab)
        qtbot.wait(300)  # background refreshes land
        _check(window, qtbot, f"{tab}_{suffix}", elderly)


def enter_technician_from_pad(qtbot, world) -> None:  # noqa: ANN001
    from tests.helpers.tech_ui import TECH_PIN, type_pin

    type_pin(qtbot, world.ui.window, TECH_PIN)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "tech", timeout=5000)
