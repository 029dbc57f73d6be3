"""The service point's clock: Shanghai time (or the site's zone) whatever the system's zone (issue 16 item 7)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from devices.printer.document import KeyValue
from kiosk.clock import ServicePointClock
from kiosk.receipts import TEXT, header, time_text
from kiosk.settings import load_settings
from tests.helpers.clocks import FakeClock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_now_and_today_are_the_service_points_even_when_utc_is_still_on_yesterday() -> None:
    utc = FakeClock(datetime(2026, 12, 4, 21, 17, tzinfo=UTC))  # 05:17 on 5 December in China
    clock = ServicePointClock(SHANGHAI, utc)
    assert clock.now().strftime("%Y-%m-%d %H:%M") == "2026-12-05 05:17"
    assert clock.now().utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert str(clock.today()) == "2026-12-05"


def test_local_turns_aware_moments_into_the_zone_and_keeps_naive_ones() -> None:
    clock = ServicePointClock(ZoneInfo("Asia/Urumqi"))  # a site may say otherwise: UTC+6
    assert clock.local(datetime(2026, 12, 4, 21, 17, tzinfo=UTC)).strftime("%H:%M") == "03:17"
    assert clock.local(datetime(2026, 12, 4, 21, 17)).strftime("%H:%M") == "21:17"


def test_the_receipt_header_prints_the_service_points_time_for_an_aware_moment() -> None:
    settings = load_settings(env={})
    moment = datetime(2026, 12, 4, 21, 17, tzinfo=UTC)
    assert time_text(settings, moment) == "2026-12-05 05:17"
    pairs = {e.label: e.value for e in header(settings, "回执", moment) if isinstance(e, KeyValue)}
    assert pairs[TEXT["time"]] == "2026-12-05 05:17"
