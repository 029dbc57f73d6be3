"""The program's own data files (settings, catalogue, forms, printer profiles) and where they are found.

In a source checkout they sit beside the packages; in the frozen bundle (kiosk.spec, PyInstaller) the
same tree is under the bundle's `_internal/` folder, `sys._MEIPASS`. This is the one place that knows
the difference: every layer may import it (it imports nothing of ours). Files a package keeps next to
its own modules (ui/theme.qss, ui/strings/, offline_cache/migrations/) are found by `__file__`, which
the bundle sets to the same relative place under `sys._MEIPASS`.
"""

from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    """True when running from the PyInstaller bundle (dist/kiosk/kiosk, /opt/village-kiosk/kiosk)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_root() -> Path:
    """The folder holding config/, ui/, offline_cache/: the checkout, or the bundle's `_internal/`."""
    if is_frozen():
        return Path(sys._MEIPASS).resolve()  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent


CONFIG_DIR = resource_root() / "config"
