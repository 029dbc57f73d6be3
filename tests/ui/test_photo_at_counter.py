"""就业困难人员求职登记 needs a 一寸电子照片 (issue 11 §6): with no camera on the kiosk the form says at its start
that the photo is taken at the counter, instead of silently skipping it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from tests.helpers.forms_ui import Taps, form_page, open_item, wait_state
from tests.ui.conftest import login_with_id_card, running_core, running_world


@pytest.fixture
def world(qtbot, tmp_path, ui_sandbox, seeded_data_dir):
    """A kiosk without a camera (devices.camera = "none"; the demo has the simulated one)."""
    with running_core(tmp_path, ui_sandbox, seeded_data_dir, extra='[devices]\ncamera = "none"\n') as core, \
            running_world(qtbot, core) as w:
        yield w


def test_the_form_says_at_its_start_that_the_photo_is_taken_at_the_counter(qtbot, world) -> None:
    assert not world.core.camera.present
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "S000-08")
    page = wait_state(qtbot, world, "formIntro")
    shown = " ".join(lbl.text() for lbl in page.gate.findChildren(QLabel))
    assert "一寸电子照片" in shown and "柜台拍摄" in shown
    assert world.core.settings.service_point.counter in shown
    taps.tap("formIntroStart")
    qtbot.waitUntil(lambda: form_page(world).state != "formIntro", timeout=3000)
    assert form_page(world).state in ("confirm", "step:category") or form_page(world).state.startswith("step:")
    assert "photo" not in form_page(world).steps  # no photo question without a camera
