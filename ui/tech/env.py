"""What every technician panel gets: the core, the UI context, who is working, the audit hook."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.app import KioskCore
from kiosk.values import DeviceKind
from ui.context import UiContext
from ui.widgets import big_button, label

log = logging.getLogger(__name__)


@dataclass
class TechEnv:
    """Handed to each panel; `audit(action, detail)` records what the technician did."""

    core: KioskCore
    ctx: UiContext
    who: str
    audit: Callable[[str, dict[str, Any]], None]
    now: Callable[[], datetime]  # the service point's clock (core.clock.now)
    last_errors: dict[DeviceKind, str] = field(default_factory=dict)
    mount_roots: Sequence[Path] = ()


class Panel(QWidget):
    """One tab of the diagnostics page; content scrolls, `refresh()` runs each time the tab is shown."""

    tab = "panel"

    def __init__(self, env: TechEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName(f"techScroll_{self.tab}")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(30, 20, 30, 20)
        self.body.setSpacing(18)
        self.scroll_area.setWidget(inner)
        outer.addWidget(self.scroll_area)

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, **kw: Any) -> None:
        """ctx.run, except that work finishing while the UI closes is dropped with a log line."""
        try:
            self.env.ctx.run(work, on_done, on_error, **kw)
        except RuntimeError as exc:  # the bridge's pool is shut down: the kiosk is closing
            log.info("technician panel %s: work not started (%s)", self.tab, exc)

    def add_heading_with_refresh(self, name: str, text: str, button_name: str, button_text: str,
                                 role: str = "heading") -> QPushButton:
        """A heading row with the panel's refresh button at its right (`self.refresh_button`)."""
        row = QHBoxLayout()
        row.addWidget(label(name, text, role=role), 1)
        self.refresh_button = big_button(button_name, button_text)
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.refresh_button)
        self.body.addLayout(row)
        return self.refresh_button

    def refresh(self) -> None:
        """Reload what the panel shows (off the GUI thread where it blocks)."""

    def set_portrait(self, portrait: bool) -> None:
        """Re-flow for a portrait screen."""
