"""The header clock shows the service point's time whatever the system's zone (issue 16 item 7)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def header_text(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


@pytest.fixture(params=["UTC", "America/New_York"])
def system_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The process runs as on a machine whose system zone is `param` (TZ, applied with tzset)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_the_header_clock_shows_shanghai_time_on_a_machine_set_to_another_zone(system_zone: str, world) -> None:
    before = datetime.now(SHANGHAI)
    world.ui.window._tick()  # what the 15-second timer does
    after = datetime.now(SHANGHAI)
    shown = world.ui.window.header_clock.text()
    assert shown in {header_text(before), header_text(after)}
    assert shown != header_text(datetime.now().astimezone())  # the system's own time is hours off
