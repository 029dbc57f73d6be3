"""A datetime clock tests move by hand, and deterministic idempotency keys, for offline cache and sync tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

START = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 at the kiosk (UTC+8)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def key_factory() -> Callable[[], str]:
    """uuid4-shaped keys 00000000-0000-4000-8000-000000000001, …2, … in order."""
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"
