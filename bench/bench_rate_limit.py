"""What the per-kiosk rate count adds to a signed request's database work, on a private PostgreSQL.

Every signed request stores its nonce (replay protection); since the rate limits it also counts one hit on
the kiosk's window in the same transaction. This times remember_nonce for N requests spread over K kiosks
with the count (as shipped) and, as the baseline in the same run, with the count switched off (a platform
whose count_hit does no SQL). The ratio is what the rate limit costs on that path.

Usage: python bench/bench_rate_limit.py [--requests 4000] [--kiosks 500] [--rounds 3]
The machine is shared with other work: say so next to any number this prints.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.db import make_engine  # noqa: E402
from sandbox.fleet_settings import RateLimit  # noqa: E402
from sandbox.service import Platform  # noqa: E402
from tests.helpers.postgres import PostgresCluster  # noqa: E402


class Uncounted(Platform):
    """The baseline: the same nonce transaction without the rate count."""

    def count_hit(self, s: Any, key: str, rule: RateLimit, now: float) -> int:
        return 0


def run(platform: Platform, kiosks: list[str], n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        platform.remember_nonce(kiosks[i % len(kiosks)], uuid.uuid4().hex, 0)
        times.append(time.perf_counter() - started)
    return times


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    cluster = PostgresCluster().start()
    try:
        url = cluster.create_database("rate")
        counted = Platform(make_engine(db_path=url))
        uncounted = Uncounted(make_engine(db_path=url), migrate=False)
        kiosks = [f"RL-{i:05d}" for i in range(args.kiosks)]
        for k in kiosks:
            counted.add_kiosk(k, "0" * 64)
        run(counted, kiosks, 200)  # warm both connection pools
        run(uncounted, kiosks, 200)
        medians = {"counted": [], "baseline": []}
        p95s = {"counted": [], "baseline": []}
        for _ in range(args.rounds):  # interleaved, so drift in the machine's load falls on both
            for name, platform in (("baseline", uncounted), ("counted", counted)):
                t = run(platform, kiosks, args.requests)
                medians[name].append(statistics.median(t) * 1000)
                p95s[name].append(p(t, 0.95))
        m_c, m_b = statistics.median(medians["counted"]), statistics.median(medians["baseline"])
        p_c, p_b = statistics.median(p95s["counted"]), statistics.median(p95s["baseline"])
        print(f"nonce transaction, {args.requests} requests × {args.rounds} rounds over {args.kiosks} kiosks (PostgreSQL):")
        print(f"  baseline (no rate count): p50 {m_b:.3f} ms, p95 {p_b:.3f} ms")
        print(f"  with the rate count:      p50 {m_c:.3f} ms, p95 {p_c:.3f} ms")
        print(f"  ratio p50 {m_c / m_b:.2f}×, p95 {p_c / p_b:.2f}×")
        counted.engine.dispose()
        uncounted.engine.dispose()
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
