"""The demo's scripted tour: drive the simulators through the main screens and save a screenshot of each."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.demo_residents import load_demo_residents

if TYPE_CHECKING:
    from ui.app import KioskUi

log = logging.getLogger(__name__)


class Tour:
    """A list of (name, action) steps; after each action settles, the window is grabbed to a PNG."""

    SETTLE_MS = 600

    def __init__(self, ui: KioskUi, out: Path) -> None:
        self.ui = ui
        self.out = out
        self.out.mkdir(parents=True, exist_ok=True)
        self.exit_code = 0
        self.written: list[Path] = []
        residents = load_demo_residents()
        panel = getattr(ui, "demo_panel", None)
        first = residents[0] if residents else None
        self.steps: list[tuple[str, Callable[[], None]]] = [("attract", lambda: None)]
        if panel is not None and first is not None:
            self.steps.append(("home-after-id-card", lambda: panel.place_id_card(first)))
        else:
            self.steps.append(("home-browse", ui.browse))
        self.steps += [
            ("home-elderly", lambda: ui.window.set_elderly(True)),
            ("attract-after-logout", ui.logout),
        ]
        self._i = 0

    @property
    def orientation(self) -> str:
        return "portrait" if self.ui.window.height() > self.ui.window.width() else "landscape"

    def start(self) -> None:
        QTimer.singleShot(self.SETTLE_MS, self._next)

    def _next(self) -> None:
        if self._i >= len(self.steps):
            log.info("tour wrote %d screenshots to %s", len(self.written), self.out)
            QApplication.instance().quit()
            return
        name, action = self.steps[self._i]
        try:
            action()
        except Exception:
            log.exception("tour step %s failed", name)
            self.exit_code = 1
        QTimer.singleShot(self.SETTLE_MS, lambda: self._shoot(name))

    def _shoot(self, name: str) -> None:
        path = self.out / f"{self._i + 1:02d}-{name}-{self.orientation}.png"
        if not self.ui.window.grab().save(str(path)):
            log.error("could not write %s", path)
            self.exit_code = 1
        else:
            self.written.append(path)
            print(path, flush=True)
        self._i += 1
        self._next()
