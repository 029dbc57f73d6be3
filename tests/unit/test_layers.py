"""The import rules of shared/design/architecture.md hold for the whole tree."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT.parent / "shared" / "tools" / "check_layers.py"


def test_layer_rules_hold() -> None:
    assert CHECKER.is_file(), f"{CHECKER} is missing: clone the project with shared/ beside it"
    run = subprocess.run([sys.executable, str(CHECKER), str(ROOT)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
