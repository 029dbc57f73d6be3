"""Apply the settings the platform pushes with a heartbeat answer: enabled services and a maintenance message."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiosk.catalogue import Catalogue, CatalogueError
from kiosk.live_catalogue import LiveCatalogue
from kiosk.platform import HeartbeatReply
from kiosk.settings import Settings

if TYPE_CHECKING:
    from kiosk.maintenance.audit import AuditTrail
    from kiosk.technician import MaintenanceHolds

log = logging.getLogger(__name__)

PLATFORM_ACTOR = "platform"
PLATFORM_HOLD = "platform"


class PushedSettings:
    """The heartbeat settings listener: changes are applied once and audited; a new catalogue goes to its owner.

    A key the platform stops sending returns to the site's own value (services.enabled from the site
    file; no maintenance). Runs on the sync worker's thread; the catalogue's subscribers hop to their own.
    `build_catalogue` (from the composition root) loads the catalogue for a list of enabled services.
    """

    def __init__(self, settings: Settings, catalogues: LiveCatalogue, *,
                 build_catalogue: Callable[[Sequence[str]], Catalogue],
                 holds: MaintenanceHolds | None = None, audit: AuditTrail | None = None) -> None:
        self._settings = settings
        self._catalogues = catalogues
        self._enabled: tuple[str, ...] = tuple(settings.enabled_services)
        self._maintenance: str | None = None
        self._holds = holds
        self._audit = audit
        self._build = build_catalogue
        self._lock = threading.Lock()

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
        log.info("enabled services now %s (%d items)", ", ".join(wanted), len(catalogue))
        self._record("platform_settings", {"enabled_services": list(wanted), "applied": True,
                                           "items": len(catalogue)})
        self._catalogues.replace(catalogue)

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
