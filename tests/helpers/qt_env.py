"""Offscreen Qt at 1920×1080 (or portrait), with Qt's config/cache folders in a temp dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)


def screen_config(path: Path, size: tuple[int, int] = LANDSCAPE) -> Path:
    """Write an offscreen-platform screen description (96 dpi, dpr 1) and return its path."""
    w, h = size
    path.write_text(
        json.dumps(
            {"screens": [{"name": "kiosk", "x": 0, "y": 0, "width": w, "height": h,
                          "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
        )
    )
    return path


def configure_offscreen(size: tuple[int, int] = LANDSCAPE) -> Path:
    """Set the environment for offscreen Qt before any QApplication exists; returns the temp home."""
    home = Path(tempfile.mkdtemp(prefix="kiosk-qt-"))
    cfg = screen_config(home / "screen.json", size)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={cfg}"
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_RUNTIME_DIR", "run")):
        d = home / sub
        d.mkdir(mode=0o700, exist_ok=True)
        os.environ[var] = str(d)
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    return home


def run_qt_child(script: str, **env_extra: str) -> dict:
    """Run a child Python (Qt set up there before QApplication, e.g. with the virtual keyboard's input method);
    its last RESULT line, a dict it printed."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env_extra}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("QT_IM_MODULE", None)  # each child sets it (or prepare_environment does), as the real start-up
    proc = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=50)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-3000:]
    return eval(lines[-1][len("RESULT "):])  # our own child's repr of a dict of str/bool/list
