"""The contract, longer: schemathesis against a fresh sandbox with many more examples than the test suite.

Usage: python bench/bench_contract.py [--examples 100] [--seed N] [--phases coverage,fuzzing,stateful]

Prints schemathesis' summary and exits non-zero on any failure (same checks, hooks and config as
tests/integration/platform/test_schemathesis.py, which uses a fixed seed and 10 examples per operation).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.contract_run import run_schemathesis  # noqa: E402
from tests.helpers.sandbox_server import subprocess_sandbox  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation (default 100)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--phases", default="coverage,fuzzing,stateful")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    with tempfile.TemporaryDirectory(prefix="bench-contract-") as tmp, subprocess_sandbox(Path(tmp) / "s.db") as sb:
        started = time.monotonic()
        run = run_schemathesis(sb.base_url, seed=seed, max_examples=args.examples, phases=args.phases, timeout=3600)
        elapsed = time.monotonic() - started
    print(run.summary)
    print(f"seed {seed}, {args.examples} examples per operation, {elapsed:.0f} s: "
          f"{'0 failures' if run.returncode == 0 else 'FAILURES (see above)'}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
