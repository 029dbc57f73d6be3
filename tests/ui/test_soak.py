"""Many resident sessions in a row keep nothing behind (issue 16 item 5; bench/bench_soak.py measures RSS).

Counts, not memory figures: the machine is shared and RSS is noisy, while a leak shows as objects of
some type that stay alive after every session — e.g. a page's widgets whose C++ side is long deleted.
"""

from __future__ import annotations

import collections
import logging

import pytest

from tests.helpers.soak import SessionDriver, live_counts_by_type, live_qt_wrappers

WARMUP, ROUND = 5, 15


def held_by_pytest() -> int:
    """Log records pytest's own capture handlers keep for the test report (not the kiosk's)."""
    from _pytest.logging import LogCaptureHandler

    return sum(len(h.records) for h in logging.getLogger().handlers if isinstance(h, LogCaptureHandler))


def counts() -> collections.Counter[str]:
    by_type = live_counts_by_type()
    by_type["logging.LogRecord"] -= held_by_pytest()
    return by_type


@pytest.mark.no_qt_log  # pytest-qt would keep every Qt message of the test (the offscreen plugin's size hints)
def test_sessions_in_a_row_keep_no_pages_widgets_or_objects_behind(world) -> None:
    """After a warm-up, two rounds of sessions: no Qt wrapper may stay behind in either; no object type may
    grow by one per session in the second (the first may still see one-off, time-driven allocations)."""
    import gc

    from ui.pages.base import Page

    driver = SessionDriver(world)
    sessions = iter(range(WARMUP + 2 * ROUND))
    for _ in range(WARMUP):
        driver.session(next(sessions))
    wrappers = [live_qt_wrappers()]
    types = [counts()]
    for _ in range(2):
        for _ in range(ROUND):
            driver.session(next(sessions))
        wrappers.append(live_qt_wrappers())
        types.append(counts())
    grown = {t: n - types[1].get(t, 0) for t, n in types[2].items() if n - types[1].get(t, 0) >= ROUND}
    assert all(dead <= wrappers[0][1] for _, dead in wrappers), (
        f"wrappers of deleted Qt objects kept after each round: {wrappers}; types grown by ≥ 1 a session: {grown}")
    assert all(n <= wrappers[0][0] for n, _ in wrappers), f"live Qt wrappers after each round: {wrappers}"
    pages = [o for o in gc.get_objects() if isinstance(o, Page)]
    assert len(pages) <= len(world.ui.window._pages) + 1, "no pages alive besides the stack's (and one on its way)"
    assert not grown, f"object types grown by at least one per session: {grown}"


def test_a_session_leaves_no_qt_objects_to_the_cycle_collector(world) -> None:
    """Pages and their widgets are freed by reference counting when deleted, not by the cycle collector.

    PySide6 keeps ~0.5 KiB of C memory behind for every Qt object whose Python wrapper the cycle
    collector frees (a callback or closure on a child naming its page or list, e.g. a filter's
    on_change or the row delegate's width function); issue 16 item 5 measured it in bench_soak.py.
    """
    import gc

    from PySide6.QtCore import QObject

    driver = SessionDriver(world)
    driver.session(0)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        driver.session(1)
        driver.session(2)
        gc.collect()
        cycled = collections.Counter(type(o).__qualname__ for o in gc.garbage if isinstance(o, QObject))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not cycled, f"Qt objects freed by the cycle collector: {dict(cycled)}"
