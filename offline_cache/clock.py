"""The injectable clock type and the kiosk's local time zone (China, UTC+8, no DST)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

Clock = Callable[[], datetime]
LOCAL_TZ = timezone(timedelta(hours=8), "CST")


def system_clock() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


def local_today(now: datetime) -> date:
    """The calendar date at the kiosk for an aware `now`."""
    return now.astimezone(LOCAL_TZ).date()


def local_month(now: datetime) -> str:
    """'YYYY-MM' at the kiosk for an aware `now` (我的办件 filters by it)."""
    return now.astimezone(LOCAL_TZ).strftime("%Y-%m")
