"""The service point's clock: what the kiosk shows and prints is the time where it stands, not the OS zone's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo

from offline_cache.clock import system_clock


class ServicePointClock:
    """Now and today in the service point's zone (settings.service_point.timezone), whatever the system's zone.

    Built once by the composition root (kiosk/app.py) and handed to whoever shows or prints a time;
    `utc_now` (any aware clock) is the only source of the moment, so tests can move it by hand.
    """

    def __init__(self, zone: tzinfo, utc_now: Callable[[], datetime] = system_clock) -> None:
        self.zone = zone
        self._utc_now = utc_now

    def now(self) -> datetime:
        """The current moment as an aware datetime in the service point's zone."""
        return self._utc_now().astimezone(self.zone)

    def today(self) -> date:
        """The calendar date at the service point."""
        return self.now().date()

    def local(self, moment: datetime) -> datetime:
        """An aware moment in the service point's zone; a naive one is taken as already local there."""
        return moment.astimezone(self.zone) if moment.tzinfo is not None else moment
