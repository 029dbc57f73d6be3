"""What every page of the page stack offers the main window."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.catalogue import ServiceItem


class Page(QWidget):
    """A screen in the stack. `personal` pages are wiped and left when the resident session ends."""

    page_id = "page"
    personal = False
    show_nav = True
    transient = False  # built on demand (details, forms); removed from the stack when the session ends
    idle_warning_s: float | None = None  # a longer idle time for pages with forms; None: the default
    service_item: ServiceItem | None = None  # set by the router on an item's page: its 办事指南 is one tap away
    instruction_key: str | None = "voice.instruction"  # the one instruction said after the title (ui/voice.py)

    def on_enter(self) -> None:
        """Called each time the page becomes current."""

    def clear_personal(self) -> None:
        """Forget everything personal this page shows or holds."""

    def set_portrait(self, portrait: bool) -> None:
        """Re-flow for a portrait (1080×1920) or landscape (1920×1080) screen."""
