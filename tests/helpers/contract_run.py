"""Run `schemathesis run` of sandbox/openapi.json against a sandbox, signed through the hooks module.

Shared by tests/integration/platform/test_schemathesis.py (fixed seed, bounded examples) and
bench/bench_contract.py (a longer run). Every check runs (`--checks all`); the config file
tests/helpers/schemathesis.toml adds 410 FEED_REFETCH to the statuses two checks expect, and says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_FILE = PROJECT_ROOT / "sandbox" / "openapi.json"
CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")
HOOKS_MODULE = "tests.helpers.schemathesis_hooks"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@dataclass(frozen=True)
class ContractRun:
    """What one run said: its exit code and output (the failures, if any, are in the output)."""

    returncode: int
    output: str

    @property
    def summary(self) -> str:
        lines = self.output.splitlines()
        start = next((i for i, line in enumerate(lines) if "FAILURES" in line or "ERRORS" in line), len(lines) - 40)
        return "\n".join(line for line in lines[max(start, 0):] if not line.startswith("    curl"))[-6000:]


def run_schemathesis(base_url: str, *, seed: int, max_examples: int, phases: str = "coverage,fuzzing,stateful",
                     extra: tuple[str, ...] = (), timeout: float = 900) -> ContractRun:
    """`schemathesis run` with every check, one worker, the given seed and examples per operation."""
    cmd = [str(SCHEMATHESIS), "--config-file", str(CONFIG_FILE), "run", str(OPENAPI_FILE), "--url", base_url,
           "--checks", "all", "--seed", str(seed), "--max-examples", str(max_examples), "--phases", phases,
           "--workers", "1", "--no-color", "--suppress-health-check", "too_slow",
           "--generation-database", "none", *extra]  # no stored examples: the seed alone decides the run
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "SCHEMATHESIS_HOOKS": HOOKS_MODULE}
    done = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return ContractRun(done.returncode, done.stdout + done.stderr)
