"""Usability numbers on every find-and-browse page (lists and details), in both modes and both orientations."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.helpers.usability import smallest_font, smallest_target, unnamed_interactive
from tests.ui.test_jobs import logged_in, open_item
from ui.picker import ChoicePanel

# (group slug, item id, detail page id or None when the list has no detail to check)
PAGES = (
    ("find_work", "3", "jobs_detail_fixed_jobs"), ("find_work", "6", "jobs_detail_gig_jobs"),
    ("find_work", "2", None), ("find_work", "5", None), ("find_work", "8", "jobs_detail_gig_seekers"),
    ("find_work", "9", None), ("find_work", "14", "jobs_detail_job_fairs"), ("find_work", "S000-09", None),
    ("find_work", "12", "jobs_detail_policies"), ("find_work", "15", "jobs_detail_archives"),
    ("internship", "S002-01", "jobs_detail_internships"),
)


ASKS = {"2", "5", "8"}  # for resident 2 (no job-seeker registration on this kiosk) these ask two questions


def check(page, elderly: bool) -> None:
    min_font, min_target = (40, 80) if elderly else (28, 60)
    font = smallest_font(page)
    target = smallest_target(page)
    assert font.value >= min_font, f"{page.page_id}: {font}"
    assert target.value >= min_target, f"{page.page_id}: {target}"
    assert unnamed_interactive(page) == [], page.page_id
    results = getattr(page, "results", None)
    if results is not None and results.rows():
        title, body, note = results.delegate._fonts()
        assert min(title.pixelSize(), body.pixelSize(), note.pixelSize()) >= min_font, page.page_id
        row = results.row_rect(0)
        assert row.height() >= min_target and row.width() > 0, page.page_id
        assert results.prev.isVisible() and results.next.isVisible(), "paging buttons are always there"


def close_pickers(window) -> None:
    for panel in window.findChildren(ChoicePanel):
        if panel.isVisible():
            panel.close_panel()


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
@pytest.mark.parametrize("portrait", [False, True], ids=["landscape", "portrait"])
def test_every_browse_page_meets_the_usability_numbers(qtbot, world, elderly: bool, portrait: bool) -> None:
    taps = logged_in(qtbot, world, 2)  # 就业困难人员: every item opens, including S000-09
    window = taps.window
    window.set_elderly(elderly)
    if portrait:
        window.setGeometry(0, 0, 1080, 1920)
        qtbot.waitUntil(lambda: window.portrait, timeout=3000)
    for group, item_id, detail_id in PAGES:
        page = open_item(taps, group, item_id)
        if item_id in ASKS:  # recommendation pages open their first question at once
            qtbot.waitUntil(lambda: any(p.isVisible() for p in window.findChildren(ChoicePanel)), timeout=5000)
            close_pickers(window)
        qtbot.waitUntil(lambda p=page: bool(p.results.rows()), timeout=5000)
        check(page, elderly)
        if detail_id is None:
            continue
        qtbot.mouseClick(page.results.view.viewport(), Qt.MouseButton.LeftButton, pos=page.results.row_rect(0).center())
        qtbot.waitUntil(lambda d=detail_id: window.current_page().page_id == d, timeout=5000)
        detail = window.current_page()
        check(detail, elderly)
        assert detail.print_button.isVisible()
        qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
        assert window.current_page() is page, "返回 goes back to the list"
