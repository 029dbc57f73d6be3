"""The sync bench scripts still run (tiny sizes, no timing assertions) so they do not rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.parametrize(("script", "args", "expect"), [
    ("bench_outbox_drain.py", ["--n", "5"], "ratio"),
    ("bench_crash.py", ["--rounds", "4", "--per-round", "2"], "lost=0 duplicated=0"),
])
def test_bench_script_runs_small(script: str, args: list[str], expect: str) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout
