"""Apply the settings the platform pushes with a heartbeat answer: enabled services and a maintenance message."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiosk.catalogue import Catalogue, CatalogueError, load_catalogue
from kiosk.platform import HeartbeatReply
from kiosk.settings import Settings

if TYPE_CHECKING:
    from kiosk.maintenance.audit import AuditTrail
    from kiosk.technician import MaintenanceHolds

log = logging.getLogger(__name__)

PLATFORM_ACTOR = "platform"
PLATFORM_HOLD = "platform"
CatalogueListener = Callable[[Catalogue], None]


class PushedSettings:
    """The heartbeat settings listener: changes are applied once, audited, and announced to listeners.

    A key the platform stops sending returns to the site's own value (services.enabled from the site
    file; no maintenance). Runs on the sync worker's thread; listeners must hop to their own thread.
    """

    def __init__(self, settings: Settings, catalogue: Catalogue, *, holds: MaintenanceHolds | None = None,
                 audit: AuditTrail | None = None,
                 build_catalogue: Callable[[Sequence[str]], Catalogue] | None = None) -> None:
        self._settings = settings
        self.catalogue = catalogue
        self._enabled: tuple[str, ...] = tuple(settings.enabled_services)
        self._maintenance: str | None = None
        self._holds = holds
        self._audit = audit
        self._build = build_catalogue or (lambda enabled: load_catalogue(
            profile=settings.province_profile, enabled=enabled, disabled_items=settings.disabled_items))
        self._listeners: list[CatalogueListener] = []
        self._lock = threading.Lock()

    def add_catalogue_listener(self, listener: CatalogueListener) -> None:
        """Call `listener(new_catalogue)` whenever the enabled services change."""
        with self._lock:
            self._listeners.append(listener)

    @property
    def maintenance_message(self) -> str | None:
        return self._maintenance

    def __call__(self, reply: HeartbeatReply) -> None:
        with self._lock:
            self._apply_services(reply)
            self._apply_maintenance(reply)

    def _apply_services(self, reply: HeartbeatReply) -> None:
        wanted = reply.enabled_services or tuple(self._settings.enabled_services)
        if wanted == self._enabled:
            return
        try:
            catalogue = self._build(wanted)
        except CatalogueError as exc:
            log.error("pushed enabled_services refused: %s", exc)
            self._record("platform_settings", {"enabled_services": list(wanted), "applied": False,
                                               "error": str(exc)[:300]})
            self._enabled = wanted  # do not retry the same bad list on every heartbeat
            return
        self._enabled = wanted
        self.catalogue = catalogue
        log.info("enabled services now %s (%d items)", ", ".join(wanted), len(catalogue))
        self._record("platform_settings", {"enabled_services": list(wanted), "applied": True,
                                           "items": len(catalogue)})
        for listener in list(self._listeners):
            try:
                listener(catalogue)
            except Exception:
                log.exception("catalogue listener failed")

    def _apply_maintenance(self, reply: HeartbeatReply) -> None:
        message = reply.maintenance_message
        if message == self._maintenance:
            return
        self._maintenance = message
        if self._holds is not None:
            if message:
                self._holds.hold(PLATFORM_HOLD, message)
            else:
                self._holds.release(PLATFORM_HOLD)
        log.info("platform maintenance message %s", "set" if message else "cleared")
        self._record("platform_settings", {"maintenance_message": message})

    def _record(self, action: str, detail: dict[str, Any]) -> None:
        if self._audit is None:
            return
        try:
            self._audit.record(PLATFORM_ACTOR, action, detail)
        except OSError as exc:
            log.error("audit of pushed settings failed: %s", type(exc).__name__)
