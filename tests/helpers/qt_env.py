"""Offscreen Qt at 1920×1080 (or portrait), with Qt's config/cache folders in a temp dir."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

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
