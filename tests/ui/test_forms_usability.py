"""Every screen of every form meets the usability numbers in normal and 长辈模式, landscape and portrait."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from tests.ui.conftest import login_with_id_card
from ui.flows.forms import open_form

pytestmark = pytest.mark.timeout(240)

MODES = {  # (elderly, portrait) → (min text px, min target px)
    "normal-landscape": (False, False, 28, 60),
    "elderly-landscape": (True, False, 40, 80),
    "normal-portrait": (False, True, 28, 60),
    "elderly-portrait": (True, True, 40, 80),
}
SHOTS = os.environ.get("FORMS_SHOTS")  # a folder: also save a PNG of each screen to look at


def _screens(page):
    """Go to each screen of a form page in turn, yielding its name."""
    if page.gate is not None:
        page.stack.setCurrentWidget(page.gate)
        yield page.gate.objectName()
    if page.confirm is not None:
        page.stack.setCurrentWidget(page.confirm)
        yield "confirm"
        page.confirmed = True
    for i, f in enumerate(page.form.steps):
        page._go_step(i)
        yield f"step_{f.id}"
    page.show_review()
    yield "review"


@pytest.mark.parametrize("mode", list(MODES))
def test_every_form_screen_meets_the_usability_numbers(qtbot, world, mode: str) -> None:
    elderly, portrait, min_px, min_target = MODES[mode]
    login_with_id_card(qtbot, world, 0)
    window = world.ui.window
    panel = getattr(world.ui, "demo_panel", None)
    if panel is not None:  # the presenter's panel is not part of the resident's screen (and is very tall)
        panel.hide()
        qtbot.wait(20)
        window.layout().activate()
    window.set_elderly(elderly)
    qtbot.wait(20)
    window.layout().activate()
    window.setGeometry(0, 0, *((1080, 1920) if portrait else (1920, 1080)))
    problems = []
    for item_id in world.core.forms:
        item = world.core.catalogue.item(item_id)
        open_form(world.ui.ctx, item)
        qtbot.waitUntil(lambda: window.current_page().state != "loading", timeout=5000)
        page = window.current_page()
        for screen in _screens(page):
            qtbot.wait(1)
            font, target = smallest_font(window), smallest_target(window)
            # the page must fit what the header, navigation and status bar leave of the screen
            room = (1920 if portrait else 1080) - (window.height() - window.stack.height())
            need = page.minimumSizeHint().height()
            if need > room:
                problems.append(f"{item_id}/{screen}: needs {need} px, the screen leaves {room} px")
            if font.value < min_px or target.value < min_target:
                problems.append(f"{item_id}/{screen}: font {font} target {target}")
            missing = unnamed_interactive(page)
            if missing:
                problems.append(f"{item_id}/{screen}: unnamed {missing}")
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                window.grab().save(str(Path(SHOTS) / f"{mode}_{item_id}_{screen}.png"))
    assert not problems, "\n".join(problems)
