"""What every flow page gets: the services, the bridge to background work, navigation and messages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.catalogue import Catalogue
from kiosk.forms import FormDef
from kiosk.photo import PhotoCamera
from kiosk.platform.errors import PlatformError
from kiosk.services import ResidentServices, ServiceError
from kiosk.settings import Settings
from kiosk.values import DeviceError
from ui.bridge import CoreBridge
from ui.main_window import MainWindow
from ui.overlay import MessageOverlay
from ui.pages.base import Page
from ui.text import tr

log = logging.getLogger(__name__)


def plain_message(exc: BaseException) -> str:
    """The resident-facing text of any error: typed errors carry one; anything else gets a generic line."""
    if isinstance(exc, ServiceError | DeviceError | PlatformError):
        return exc.message
    return tr("errors.unexpected")


@dataclass
class UiContext:
    """Handed to every flow page factory; pages never build services themselves."""

    services: ResidentServices
    bridge: CoreBridge
    window: MainWindow
    settings: Settings
    overlay: MessageOverlay
    forms: Mapping[str, FormDef]  # form definitions by catalogue item id (loaded by the composition root)
    on_activity: Callable[[], None] = lambda: None
    camera: PhotoCamera | None = None  # the photo step's camera (KioskCore.camera); None: no camera at all

    @property
    def catalogue(self) -> Catalogue:
        """The kiosk's catalogue now (one owner in the core; a pushed change is seen here at once)."""
        return self.services.catalogue

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, *, busy: str | None = "") -> None:
        """Run blocking work off the GUI thread; show 请稍候 meanwhile and any failure plainly.

        An answer that arrives after the session ended is dropped: its page may be gone, and the next
        resident must not see the last one's results (or a navigation they did not ask for).
        """
        if busy is not None:
            self.overlay.busy(busy or None)
        generation = self.window.session_generation

        def settled() -> bool:
            """The answer is for this session: take the busy overlay away (False: dropped, session ended)."""
            if generation != self.window.session_generation:
                log.debug("an answer for an ended session was dropped")
                return False
            if busy is not None:
                self.overlay.clear()
            return True

        def done(result: Any) -> None:
            if settled() and on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ServiceError | DeviceError | PlatformError):
                log.error("unexpected failure in background work", exc_info=exc)
            if not settled():
                return
            if on_error is not None:
                on_error(exc)
            else:
                self.overlay.failure(plain_message(exc))

        self.bridge.run(work, done, failed)

    def show(self, page: Page) -> None:
        """Add a page to the stack (once) and go to it; transient pages are dropped at session end."""
        if self.window.stack.indexOf(page) < 0:
            self.window.add_page(page)
        self.window.go(page.page_id)

    def print_document(self, build: Callable[[], object], *, after: Callable[[], None] | None = None) -> None:
        """Print a receipt: 正在打印 → 打印完成 (1 s) or the printer's plain problem (until acknowledged)."""

        def work() -> object:
            return self.services.print_document(build())

        def done(_result: object) -> None:
            self.overlay.success(tr("overlay.printed"))
            if after is not None:
                after()

        def failed(exc: BaseException) -> None:
            self.overlay.failure(tr("overlay.print_failed", message=plain_message(exc)))

        self.run(work, done, failed, busy=tr("overlay.printing"))
