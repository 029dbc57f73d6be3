"""Technician diagnostics mode, 问题反映 and the maintenance screens; `install` hooks it into the KioskUi."""

from __future__ import annotations

from typing import Any

from ui.tech.mode import TechnicianMode


def install(kiosk_ui: Any, **kw: Any) -> TechnicianMode:
    """Add the hidden corner entry, the PIN page and the pushed-settings hooks to a built KioskUi."""
    return TechnicianMode(kiosk_ui, **kw)


__all__ = ["TechnicianMode", "install"]
