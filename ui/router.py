"""From a catalogue item to its screen: flows register a page factory per item code."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.catalogue import ItemKind, ServiceItem
from ui.context import UiContext
from ui.pages.base import Page
from ui.text import tr

log = logging.getLogger(__name__)

PageFactory = Callable[[UiContext, ServiceItem], Page]


class Router:
    """Opens the page of a service item; counter-only items always open their guidance page."""

    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self._routes: dict[str, PageFactory] = {}
        self._guidance: PageFactory | None = None

    @staticmethod
    def key(code: str, variant: str | None = None) -> str:
        return f"{code}:{variant}" if variant else code

    def register(self, code: str, factory: PageFactory, *, variant: str | None = None) -> None:
        self._routes[self.key(code, variant)] = factory

    def register_guidance(self, factory: PageFactory) -> None:
        self._guidance = factory

    def factory_for(self, item: ServiceItem) -> PageFactory | None:
        if item.kind == ItemKind.GUIDANCE:
            return self._guidance
        return self._routes.get(self.key(item.code, item.variant)) or self._routes.get(item.code)

    def open(self, item: ServiceItem) -> None:
        """Open the item's page; ask for a card first when it is personal and nobody is logged in."""
        services = self.ctx.services
        if item.login_required and services.session is None:
            self.ctx.overlay.failure(tr("overlay.login_first"))
            return
        if item.restricted_to == "hard_to_employ" and not (services.session and services.session.hard_to_employ):
            self.ctx.overlay.failure(tr("overlay.not_available"))
            return
        factory = self.factory_for(item)
        if factory is None and self._guidance is not None:
            log.warning("no screen for item %s (%s): showing its guidance", item.id, item.code)
            factory = self._guidance
        if factory is None:
            self.ctx.overlay.failure(tr("overlay.not_available"))
            return
        page = factory(self.ctx, item)
        if factory is not self._guidance:
            page.service_item = item  # the navigation bar offers this item's 办事指南
        self.ctx.show(page)

    def open_guidance(self, item: ServiceItem) -> None:
        """The item's 办事指南 (一次性告知): materials, conditions, time limit, procedure, basis, result."""
        if self._guidance is None:
            self.ctx.overlay.failure(tr("overlay.not_available"))
            return
        try:
            page = self.ctx.window.page(f"guidance_{item.id}")
        except KeyError:
            page = self._guidance(self.ctx, item)
        self.ctx.show(page)
