"""One change notification: callbacks told about a new value, each failure logged and not fatal.

Used wherever the core tells others about a change (the live catalogue, the sync worker's network state
and pushed settings). `notify` may run on any thread; listeners are called on that thread, in the order
they subscribed. A listener that must touch widgets hops to the GUI thread itself (a queued Qt signal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class Listeners(Generic[_T]):
    """The subscribers to one kind of change; `what` names it in the log line of a failing listener."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._listeners: list[Callable[[_T], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Callable[[_T], None]) -> Callable[[], None]:
        """Call `listener(value)` on every change; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def notify(self, value: _T) -> None:
        """Tell every listener subscribed now (a failing one is logged with its traceback, the rest still hear)."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(value)
            except Exception:
                log.exception("%s listener failed", self._what)
