"""The crash harness at length: SIGKILL a syncing kiosk N times at random moments; prints lost and duplicated counts.

Usage: python bench/bench_crash.py [--rounds 500] [--per-round 4] [--seed 1]
Exit 0 only when nothing was lost or duplicated and nothing is left unfinished.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.crash_harness import run_crash_rounds  # noqa: E402
from tests.helpers.sandbox_server import subprocess_sandbox  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--per-round", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, subprocess_sandbox(Path(tmp) / "sandbox.db") as sandbox:
        stats = run_crash_rounds(Path(tmp), sandbox.base_url, sandbox.db_path, rounds=args.rounds,
                                 per_round=args.per_round, seed=args.seed, log=lambda _s: None)
    print(stats.summary())
    print(f"seconds per round: {stats.seconds / max(1, stats.rounds):.3f}")
    bad = stats.lost or stats.duplicated or stats.orphans or stats.unfinished or stats.mismatched
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
