"""Technician mode: hidden entry → PIN → diagnostics while the devices are held in maintenance → back to attract."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk.catalogue import Catalogue
from kiosk.maintenance.logs import MOUNT_ROOTS
from kiosk.technician import (
    LOCKOUT_FILE,
    EntryLocked,
    Lockout,
    LockoutState,
    PinHashInvalid,
    TechnicianError,
    TechnicianGate,
    WrongPin,
)
from kiosk.values import (
    CardFailed,
    CardInserted,
    CardRemoved,
    DeviceKind,
    DeviceState,
    HealthChanged,
    QrScanned,
)
from ui.tech.entry import CornerTaps
from ui.tech.env import TechEnv
from ui.tech.pin_page import TechPinPage
from ui.tech.tech_page import TechPage
from ui.text import tr

if TYPE_CHECKING:
    from ui.app import KioskUi

log = logging.getLogger(__name__)

HOLD = "technician"
UNKNOWN_ACTOR = "unknown"
IDLE_LEAVE_S = 15 * 60
ENTRY_WINDOW_S = 3.0
_SOURCE_KIND = {"id_card": DeviceKind.ID_CARD, "ss_card": DeviceKind.SS_CARD, "essc": DeviceKind.QR_SCANNER}
_CARD_EVENTS = (CardInserted, CardRemoved, CardFailed, QrScanned)


class TechnicianMode(QObject):
    """Owns the entry detector, the PIN page and (while someone works) the diagnostics page."""

    _catalogue_changed = Signal(object)

    def __init__(self, kiosk_ui: KioskUi, *, clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic, mount_roots: Sequence[Path] = MOUNT_ROOTS,
                 idle_leave_s: float = IDLE_LEAVE_S, corner: str = "top_left",
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__(kiosk_ui.window)
        self.ui = kiosk_ui
        self.core = kiosk_ui.core
        settings = self.core.settings
        self.window = kiosk_ui.window
        self.mount_roots = tuple(mount_roots)
        self._monotonic = monotonic
        self._now = now or self.core.clock.now  # the service point's time, not the system zone's
        self.who: str | None = None
        self.page: TechPage | None = None
        self.last_errors: dict[DeviceKind, str] = {}
        self.gate: TechnicianGate | None = None
        self.gate_problem = ""
        lockout = Lockout(settings.data_dir / LOCKOUT_FILE, settings.technician_lockout_s, clock=clock)
        try:
            self.gate = TechnicianGate(settings.technician_pin_hashes, lockout, on_lockout=self._audit_lockout)
        except PinHashInvalid as exc:
            log.error("technician PINs unusable: %s", exc.message)
            self.gate_problem = tr("tech_pin.config_broken")
        self.pin_page = TechPinPage(self._verify, self.cancel)
        self.window.add_page(self.pin_page)
        self.detector = CornerTaps(self.window, taps=settings.technician_entry_taps, within_s=ENTRY_WINDOW_S,
                                   corner=corner, clock=monotonic, on_activity=self._activity)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.detector)
        self.detector.triggered.connect(self.open_pin)
        self.idle_leave_s = idle_leave_s
        self._last_activity = monotonic()
        self._idle = QTimer(self)
        self._idle.setInterval(10_000)
        self._idle.timeout.connect(self._check_idle)
        # Connected after KioskUi's own handler, so this runs second (the maintenance text wins).
        kiosk_ui.bridge.device_event.connect(self._on_device_event)
        self._catalogue_changed.connect(self._apply_catalogue)
        # From the sync thread: the queued signal brings it to this one; a core outliving this UI forgets it.
        unsubscribe = self.core.catalogues.subscribe(self._catalogue_changed.emit)
        self.destroyed.connect(lambda *_: unsubscribe())

    # ---- state ----
    @property
    def active(self) -> bool:
        return self.who is not None

    def intercepts(self, event: object) -> bool:
        """True when the resident session must not see this device event (a technician is testing readers)."""
        if not isinstance(event, _CARD_EVENTS):
            return False
        if self.active or self.window.current_page().page_id == "tech_pin":
            return True
        # The platform put the kiosk in maintenance: no new resident sessions (a running one may end normally).
        held = self.core.maintenance
        return bool(held.active and isinstance(event, CardInserted | QrScanned)
                    and self.ui.services.session is None)

    # ---- entry ----
    def open_pin(self) -> None:
        """The corner was tapped: show the PIN pad (only between residents, never over a resident's data)."""
        if self.active or self.ui.services.session is not None:
            return
        if self.window.current_page().page_id not in ("attract", "home"):
            return
        self.pin_page.reset()
        self.window.go("tech_pin", remember=False)
        self._locked_check()

    def _locked_check(self) -> None:
        if self.gate is None:
            self.pin_page.set_locked(self.gate_problem)
            return
        if not self.gate.configured:
            self.pin_page.set_locked(tr("tech_pin.not_configured"))
            return
        try:
            self.gate.check_open()
        except EntryLocked as exc:
            self.pin_page.set_locked(exc.message)

    def cancel(self) -> None:
        self.pin_page.reset()
        self.ui.logout()

    def _verify(self, pin: str) -> None:
        gate = self.gate
        if gate is None:
            self.pin_page.set_locked(self.gate_problem)
            return
        self.ui.ctx.run(lambda: gate.verify(pin), self.enter, self._refused, busy=None)

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, EntryLocked):  # a new lockout was audited by the gate (_audit_lockout)
            self.pin_page.set_locked(exc.message)
        elif isinstance(exc, WrongPin):
            self.pin_page.show_wrong(exc.message)
            self._audit(UNKNOWN_ACTOR, "pin_wrong", {"left": exc.left})
        elif isinstance(exc, TechnicianError):
            self.pin_page.set_locked(exc.message)
        else:
            log.error("technician PIN check failed: %s", type(exc).__name__)
            self.pin_page.show_wrong(tr("errors.unexpected"))

    def enter(self, who: str) -> None:
        """The PIN was right: hold the devices, open the diagnostics page."""
        self.who = who
        self.pin_page.reset()
        held = self.core.maintenance
        if held is not None:
            held.hold(HOLD)
        self._audit(who, "enter", {})
        env = TechEnv(core=self.core, ctx=self.ui.ctx, who=who, audit=lambda a, d: self._audit(who, a, d),
                      last_errors=self.last_errors, mount_roots=self.mount_roots, now=self._now)
        self.page = TechPage(env, self.leave)
        self.window.add_page(self.page)
        self.page.set_residents_message(held.message if held is not None else None)
        self.window.go("tech", remember=False)
        self._last_activity = self._monotonic()
        self._idle.start()

    def leave(self, reason: str = "button") -> None:
        """Back to the attract screen; the devices are released (unless the platform still holds them)."""
        if self.who is None:
            return
        who, self.who = self.who, None
        self._idle.stop()
        self._audit(who, "leave", {"reason": reason})
        held = self.core.maintenance
        if held is not None:
            held.release(HOLD)
        page, self.page = self.page, None
        self.ui.logout()
        if page is not None:
            self.window.remove_page(page.page_id)
        if reason == "idle":
            log.info("technician mode left after %d s idle", int(self.idle_leave_s))

    def _activity(self) -> None:
        self._last_activity = self._monotonic()

    def _check_idle(self) -> None:
        if self.active and self._monotonic() - self._last_activity >= self.idle_leave_s:
            self.leave("idle")

    # ---- events ----
    def _on_device_event(self, event: object) -> None:
        if isinstance(event, HealthChanged):
            h = event.health
            if h.state == DeviceState.MAINTENANCE:
                self.ui.attract.set_maintenance(True, h.message)
                if self.page is not None:
                    self.page.set_residents_message(h.message)
            elif not h.usable and h.state != DeviceState.UNKNOWN:
                self.last_errors[h.kind] = f"{self._now():%m-%d %H:%M} {h.message}" + (f"（{h.detail}）" if h.detail else "")
        elif isinstance(event, CardFailed):
            kind = _SOURCE_KIND.get(event.source)
            if kind is not None:
                self.last_errors[kind] = f"{self._now():%m-%d %H:%M} {event.error.message}"

    def _apply_catalogue(self, catalogue: Catalogue) -> None:
        """Services the platform switched on or off: tiles follow at once (the core already swapped the catalogue)."""
        home_tiles = list(self.ui.home.tiles)
        for index, page in enumerate(self.ui.group_pages.values()):
            visible = page.show_only(catalogue)
            if index < len(home_tiles):
                home_tiles[index].setVisible(visible > 0)

    # ---- audit ----
    def _audit_lockout(self, state: LockoutState) -> None:
        """Every lockout in the trail: how long, the how-many-th today, wrong PINs today (runs on the worker)."""
        self._audit(UNKNOWN_ACTOR, "locked", {"until": int(state.locked_until or 0), "lock_s": int(state.lock_s),
                                              "lockout": state.lockouts, "failures_today": state.day_failures})

    def _audit(self, who: str, action: str, detail: dict[str, Any]) -> None:
        try:
            self.core.audit.record(who, action, detail)
        except OSError as exc:
            log.error("audit entry %s not written: %s", action, type(exc).__name__)
