"""Exponential backoff with jitter (randomness injected), for one item or for the whole platform."""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """delay(n) for the n-th consecutive failure: base·factor^(n-1), capped, minus up to `jitter` of it at random.

    The jitter spreads retries of many kiosks coming back online at once; the delay stays within
    [(1 - jitter)·d, d] where d is the capped exponential value.
    """

    base_s: float = 5.0
    factor: float = 2.0
    max_s: float = 1800.0
    jitter: float = 0.5
    random: Callable[[], float] = field(default=_random.random, compare=False, repr=False)

    def bounds(self, failures: int) -> tuple[float, float]:
        """(shortest, longest) delay after `failures` consecutive failures (failures ≥ 1)."""
        n = max(1, failures)
        ceiling = min(self.max_s, self.base_s * self.factor ** min(n - 1, 64))
        return ceiling * (1.0 - self.jitter), ceiling

    def delay(self, failures: int) -> float:
        """Seconds to wait after `failures` consecutive failures."""
        low, high = self.bounds(failures)
        return max(low, high - (high - low) * min(max(self.random(), 0.0), 1.0))
