"""No English on a Chinese screen: every page a resident or technician sees, scanned for Latin words (issue 16 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.helpers.tech_ui import enter_technician, open_tech_world
from tests.helpers.usability import latin_words
from tests.ui.conftest import login_with_id_card


def test_resident_pages_show_no_english_words(qtbot, world) -> None:
    window = world.ui.window
    found = [f"attract: {w}" for w in latin_words(window)]
    login_with_id_card(qtbot, world)
    found += [f"home: {w}" for w in latin_words(window)]
    for slug in world.ui.group_pages:
        window.go(f"group_{slug}", remember=False)
        qtbot.wait(20)
        found += [f"group {slug}: {w}" for w in latin_words(window)]
    for item in world.core.catalogue:
        window.go("home", remember=False)
        world.ui.router.open(item)
        qtbot.wait(150)  # background queries answer; their texts are part of the page
        found += [f"item {item.id} {item.name}: {w}" for w in latin_words(window)]
    assert not found, "\n".join(found)


@pytest.fixture
def tech_world(qtbot, tmp_path: Path, ui_sandbox, seeded_data_dir: Path):  # noqa: ANN001, ANN201
    yield from open_tech_world(qtbot, tmp_path, ui_sandbox, seeded_data_dir)


def test_technician_screens_show_no_english_words(qtbot, tech_world) -> None:
    window = tech_world.ui.window
    enter_technician(qtbot, tech_world)
    page = window.current_page()
    found = []
    for tab in page.panels:
        qtbot.mouseClick(window.findChild(QPushButton, f"techTab_{tab}"), Qt.MouseButton.LeftButton)
        qtbot.wait(300)
        found += [f"tab {tab}: {w}" for w in latin_words(window)]
    assert not found, "\n".join(found)
