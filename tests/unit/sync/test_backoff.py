"""Exponential backoff with jitter: grows, stays inside its bounds, is capped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.sync import Backoff


def test_delay_doubles_until_the_cap() -> None:
    b = Backoff(base_s=5, factor=2, max_s=60, jitter=0.0)
    assert [b.delay(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


@given(failures=st.integers(1, 200), r=st.floats(0, 1), jitter=st.floats(0, 1))
def test_jittered_delay_is_inside_the_bounds(failures: int, r: float, jitter: float) -> None:
    b = Backoff(base_s=5, factor=2, max_s=300, jitter=jitter, random=lambda: r)
    low, high = b.bounds(failures)
    assert 0 <= low <= b.delay(failures) <= high <= 300


def test_jitter_spreads_delays_between_kiosks() -> None:
    assert Backoff(jitter=0.5, random=lambda: 0.0).delay(3) == 20
    assert Backoff(jitter=0.5, random=lambda: 1.0).delay(3) == 10
