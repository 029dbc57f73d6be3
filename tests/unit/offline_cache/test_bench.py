"""The bench scripts still run (tiny sizes, no timing assertions) so they do not rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("script", ["bench_search.py", "bench_ingest.py"])
def test_bench_script_runs_small(script: str) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--rows", "300"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "ratio" in done.stdout
