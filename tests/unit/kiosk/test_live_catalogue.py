"""LiveCatalogue: the running kiosk's one catalogue and its one change notification."""

from __future__ import annotations

import logging

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.live_catalogue import LiveCatalogue


@pytest.fixture(scope="module")
def full():
    return load_catalogue()


@pytest.fixture(scope="module")
def narrow():
    return load_catalogue(enabled=["我要找工作"])


def test_replace_changes_current_before_telling_subscribers_in_order(full, narrow) -> None:
    live = LiveCatalogue(full)
    seen: list[tuple[str, int, bool]] = []
    live.subscribe(lambda c: seen.append(("a", len(c), live.current is c)))
    live.subscribe(lambda c: seen.append(("b", len(c), live.current is c)))
    assert live.current is full
    live.replace(narrow)
    assert live.current is narrow
    assert seen == [("a", len(narrow), True), ("b", len(narrow), True)]


def test_a_failing_subscriber_is_logged_and_does_not_stop_the_others(full, narrow, caplog) -> None:
    live = LiveCatalogue(full)
    seen = []

    def broken(_c: object) -> None:
        raise RuntimeError("widget gone")

    live.subscribe(broken)
    live.subscribe(seen.append)
    with caplog.at_level(logging.ERROR, logger="kiosk.live_catalogue"):
        live.replace(narrow)
    assert seen == [narrow] and live.current is narrow
    assert "catalogue listener failed" in caplog.text


def test_unsubscribed_listeners_hear_nothing_more(full, narrow) -> None:
    live = LiveCatalogue(full)
    seen = []
    unsubscribe = live.subscribe(seen.append)
    unsubscribe()
    unsubscribe()  # twice is harmless
    live.replace(narrow)
    assert seen == []
