"""The running kiosk's one catalogue: owned by the core, replaced when the platform switches services.

The composition root (kiosk/app.py) loads the catalogue and hands this owner to everyone who needs it:
the resident services read `current`; the screens subscribe and redraw their tiles. Nobody keeps a
copy, so a pushed change cannot leave one part of the kiosk on the old list.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.catalogue import Catalogue
from kiosk.listeners import Listeners

CatalogueListener = Callable[[Catalogue], None]


class LiveCatalogue:
    """The current catalogue and one change notification.

    `replace` may run on any thread (the sync worker's, for a heartbeat); listeners are called on that
    thread, in the order they subscribed, after `current` already gives the new catalogue. A listener
    that must touch widgets hops to the GUI thread itself (a queued Qt signal).
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self._current = catalogue
        self._listeners: Listeners[Catalogue] = Listeners("catalogue")

    @property
    def current(self) -> Catalogue:
        return self._current

    def subscribe(self, listener: CatalogueListener) -> Callable[[], None]:
        """Call `listener(new_catalogue)` on every change; returns the function that unsubscribes it."""
        return self._listeners.subscribe(listener)

    def replace(self, catalogue: Catalogue) -> None:
        """Make `catalogue` the current one and tell every listener (a failing listener is logged, not fatal)."""
        self._current = catalogue
        self._listeners.notify(catalogue)
