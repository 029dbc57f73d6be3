"""Start the Qt application on a built core: environment, window, session wiring, demo tour."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from kiosk.app import KioskCore
from kiosk.session import ResidentSession
from kiosk.settings import Settings
from kiosk.values import CardFailed, CardInserted, CardRemoved, HealthChanged, IdentityRead, QrScanned
from ui.text import tr

if TYPE_CHECKING:
    from ui.run_status import RunStatusWatch

log = logging.getLogger(__name__)


def prepare_environment(data_dir: Path) -> None:
    """Set what Qt reads at start-up; must run before the QApplication exists.

    When the data folder cannot be written (full or read-only disk: the 暂停服务 case) Qt's folders go
    to a fresh temporary folder instead, so the screen still comes up.
    """
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")
    from ui.vkb import block_user_dictionary

    try:
        _qt_folders(data_dir / "qt")
        block_user_dictionary(Path(os.environ["XDG_CONFIG_HOME"]))
    except OSError as exc:
        log.error("Qt folders under the data folder unusable (%s); using a temporary folder", exc.strerror)
        import tempfile

        _qt_folders(Path(tempfile.mkdtemp(prefix="kiosk-qt-")), force=True)
        block_user_dictionary(Path(os.environ["XDG_CONFIG_HOME"]))


def _qt_folders(qt_home: Path, *, force: bool = False) -> None:
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_RUNTIME_DIR", "run")):
        d = qt_home / sub
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        if force:
            os.environ[var] = str(d)
        else:
            os.environ.setdefault(var, str(d))


# Stable objectNames for the catalogue's groups (the names themselves are catalogue data).
GROUP_SLUGS = {
    "我要找工作": "find_work", "我要学技能": "learn_skills", "我要办社保": "social_insurance",
    "我要办社保卡": "ss_card", "就业见习": "internship", "单位业务": "employer", "我的办件": "my_cases",
}


def service_groups(groups: tuple[str, ...] | list[str] | None = None) -> list[tuple[str, str]]:
    """(slug, title) of the home screen's groups, in the catalogue's order."""
    if groups is None:
        groups = list(GROUP_SLUGS)
    return [(GROUP_SLUGS.get(g, f"group{i}"), g) for i, g in enumerate(groups)]


class KioskUi:
    """Builds the window, pages and flows on a core and connects device events to the resident session."""

    def __init__(self, core: KioskCore, *, kiosk_mode: bool) -> None:
        from ui.bridge import CoreBridge
        from ui.context import UiContext
        from ui.main_window import MainWindow
        from ui.overlay import MessageOverlay
        from ui.pages.attract import AttractPage
        from ui.pages.group import GroupPage
        from ui.pages.home import HomePage
        from ui.router import Router

        self.core = core
        s = core.settings
        self.services = core.services
        self.bridge = CoreBridge()
        self.window = MainWindow(s.service_point.name, s.kiosk_id, now=core.clock.now, kiosk_mode=kiosk_mode)
        self.overlay = MessageOverlay(self.window)
        self.ctx = UiContext(services=core.services, bridge=self.bridge, window=self.window,
                             settings=s, overlay=self.overlay, forms=core.forms, camera=core.camera)
        self.router = Router(self.ctx)
        from ui.session_watch import SessionWatch, policy_from_settings

        # Idle warning with a countdown, limited extensions, a maximum length: all end like logout.
        self.watch = SessionWatch(self.window, policy_from_settings(s), self.logout)
        from ui.flows import cases, forms, guidance, jobs, records

        for flow in (guidance, jobs, forms, records, cases):  # each registers its pages with the router
            flow.register(self.router)
        self.attract = AttractPage(s.service_point.name)
        groups = service_groups(core.catalogue.groups())
        self.home = HomePage(groups)
        for page in (self.attract, self.home):
            self.window.add_page(page)
        from ui.pages.card_holder import CardHolderPage

        # A 3rd-generation social security card that hides its holder: PIN, then the platform names them.
        self.card_holder = CardHolderPage(self.ctx)
        self.window.add_page(self.card_holder)
        self.card_holder.logged_in.connect(self._greet)
        self.card_holder.cancelled.connect(self.logout)
        from ui.pages.staff import StaffPage

        # 全程代理: a worker logs in (platform-verified), then the resident confirms with their own card.
        self.staff_page = StaffPage(self.ctx)
        self.window.add_page(self.staff_page)
        self.staff_page.cancelled.connect(self.logout)
        self.staff_page.staff_logged_in.connect(self._staff_logged_in)
        self.attract.staff_requested.connect(self.assist)
        from PySide6.QtCore import QTimer

        self.staff_timer = QTimer(self.window)  # the worker's own timeout (timeouts.staff_session_s)
        self.staff_timer.setInterval(1000)
        self.staff_timer.timeout.connect(self._check_staff_time)
        self.group_pages: dict[str, GroupPage] = {}
        for slug, group in groups:
            group_page = GroupPage(slug, group, list(core.catalogue.items_in(group)), self.router.open)
            self.group_pages[slug] = group_page
            self.window.elderly_changed.connect(group_page.set_elderly)
            self.window.add_page(group_page)
        self.home.group_chosen.connect(lambda slug: self.window.go(f"group_{slug}"))
        self.attract.browse_requested.connect(self.browse)
        self.window.logout_requested.connect(self.logout)
        self.window.guide_requested.connect(self.router.open_guidance)
        self.window.go("attract", remember=False)
        self.bridge.device_event.connect(self.on_device_event)
        self.bridge.network_changed.connect(self.window.set_network)
        sync = core.sync
        sync.add_network_listener(lambda state: self.bridge.network_sink(state.value == "online"))
        if sync.network_state is not None:  # the worker may have learnt it before we listened
            self.window.set_network(sync.network_state.value == "online")
        devices = core.devices
        self._unsubscribe: Callable[[], None] | None = None
        if devices is not None:
            if s.demo and devices.simulators:
                from kiosk.demo_residents import load_demo_residents
                from ui.demo_panel import DemoPanel

                self.demo_panel = DemoPanel(devices.simulators, load_demo_residents(today=core.clock.today()))
                self.window.add_side_panel(self.demo_panel, tr("demo.panel_title"))
        from kiosk.keypad_bindings import load_key_bindings
        from ui.voice import VoiceGuide

        # Voice guidance and the tactile keypad; before the QR wedge, so a keyboard scanner's keys reach the
        # wedge first (the newest application event filter sees events first).
        self.voice: VoiceGuide | None = None
        if core.speech is not None:
            self.voice = VoiceGuide(self.window, core.speech, load_key_bindings(), toggles=[self.attract.voice_button])
            self.overlay.shown.connect(self.voice.say_error)
            self.watch.countdown.connect(self.voice.countdown)
            if core.speech.enabled:  # speech.on_by_default: the first screen is heard too
                self.voice.announce(self.window.current_page())
        from ui.qr_wedge import install as install_qr_wedge

        # qr_scanner = "keyboard": scanner keystrokes are caught before any field and become scans.
        self.qr_wedge = install_qr_wedge(core.keyboard_wedge, self.window)
        from ui.tech import install as install_technician  # technician mode: hidden corner entry (ui/tech)

        self.tech = install_technician(self)
        if devices is not None:
            # Last, when every screen is ready: the manager first replays each device's health and the
            # card already lying on a reader (e.g. after a restart), then reports every change.
            self._unsubscribe = devices.subscribe(self.bridge.device_sink)

    # ---- resident session ----
    def on_device_event(self, event: object) -> None:
        tech = getattr(self, "tech", None)
        if tech is not None and tech.intercepts(event):  # a technician is testing the readers
            return
        if isinstance(event, HealthChanged):
            self.window.set_device_health(event.health)
            self.attract.set_maintenance(event.health.state.value == "maintenance")
        elif isinstance(event, CardInserted):
            self._card_login(event.identity)
        elif isinstance(event, QrScanned):
            self._essc_login(event.token)
        elif isinstance(event, CardRemoved):
            session = self.services.session
            if session is not None and event.source == "ss_card" and session.login_method == "ss_card":
                self.logout()
            elif session is None and event.source == "ss_card" and self.window.current_page() is self.card_holder:
                self.card_holder.card_removed()  # at the PIN pad: back to the start; offline: the ID-card offer stays
        elif isinstance(event, CardFailed):
            log.info("card read failed on %s: %s", event.source, event.error.detail or event.error.message)
            if self.services.session is None:
                self.overlay.failure(event.error.message)

    def _card_login(self, identity: IdentityRead) -> None:
        if self.services.session is not None:
            log.info("a card was presented during a session; ignored")
            return
        if self.window.current_page() is self.staff_page and self.staff_page.waiting_for_staff:
            log.info("a resident card before the worker logged in; ignored")  # the worker logs in first
            return
        if identity.partial and identity.source == "ss_card":  # the card hides its holder (no PSAM here)
            self.watch.start()  # a resident who walks away from the PIN pad also returns the kiosk to attract
            self.card_holder.begin(identity)
            return
        self.ctx.run(lambda: self.services.begin_card_session(identity), self._greet, busy=None)

    def _essc_login(self, token: str) -> None:
        if self.window.current_page() is self.staff_page and self.staff_page.waiting_for_staff:
            self.staff_page.login_with_essc(token)  # the worker's own e-SSC
            return
        if self.services.session is not None:
            log.info("an e-SSC code was scanned during a session; ignored")
            return
        self.ctx.run(lambda: self.services.login_essc(token), self._greet, busy="")

    def _greet(self, session: ResidentSession) -> None:
        self.window.session_active = True
        self.watch.start()
        self.home.set_greeting(session.masked_name)
        self.home.set_notice(self._with_staff(session.notice, session))
        self.window.go_home()
        if session.platform_token is None:
            self.ctx.run(self.services.connect_session, self._connected, self._connect_failed, busy=None)

    def _connected(self, session: ResidentSession | None) -> None:
        if session is not None and self.window.session_active:
            self.home.set_notice(self._with_staff(session.notice, session))

    def _connect_failed(self, exc: BaseException) -> None:
        from ui.context import plain_message

        self.logout()
        self.overlay.failure(plain_message(exc))

    # ---- 全程代理 ----
    def assist(self) -> None:
        """From the attract screen: a worker will handle matters on a resident's behalf."""
        self.watch.start()  # a worker who walks away also returns the kiosk to the attract screen
        self.staff_page.begin()
        self.window.go("staff")

    def _staff_logged_in(self, _staff: object) -> None:
        self.staff_timer.start()

    def _with_staff(self, notice: str, session: ResidentSession) -> str:
        staff = self.services.staff if self.services is not None else None
        if staff is None:
            return notice
        line = tr("staff.banner", staff=staff.masked_name, staff_no=staff.staff_no, resident=session.masked_name)
        return f"{line}\n{notice}" if notice else line

    def _check_staff_time(self) -> None:
        services = self.services
        left = services.staff_seconds_left() if services is not None else None
        if services is None or left is None:
            self.staff_timer.stop()
        elif left <= 0:
            minutes = max(1, round(self.core.settings.timeouts.staff_session_s / 60))
            services.end_staff("timeout")
            self.logout()
            self.overlay.failure(tr("staff.timed_out", minutes=minutes))

    def browse(self) -> None:
        self.window.session_active = False
        self.watch.start()  # a guest who walks away also returns the kiosk to the attract screen
        self.home.set_greeting(None)
        self.home.set_notice("")
        self.window.go_home()

    def logout(self) -> None:
        self.watch.stop()
        self.staff_timer.stop()
        self.services.logout()
        self.overlay.clear()
        self.window.end_session()

    def on_unexpected(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """Any exception nobody handled: log it (masked), end the session, say so plainly — never a traceback."""
        log.error("unexpected error: %s", "".join(traceback.format_exception(exc_type, exc, tb)))
        try:
            self.logout()
            self.overlay.failure(tr("errors.unexpected"))
        except Exception:
            log.exception("could not return to the attract screen")

    def close(self) -> None:
        self.watch.stop()
        if self.voice is not None:
            self.voice.close()
        if self.qr_wedge is not None:
            self.qr_wedge.uninstall()
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.bridge.shutdown()
        self.window.allow_close()
        self.window.close()


def _show(window: object, kiosk_mode: bool) -> None:
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen().geometry()
    # Without a window manager showFullScreen() keeps the natural size, and nothing stops the layout
    # from growing past the screen: pin the window to the screen's size first.
    window.setGeometry(screen)  # type: ignore[attr-defined]
    window.setFixedSize(screen.size())  # type: ignore[attr-defined]
    if kiosk_mode:
        window.showFullScreen()  # type: ignore[attr-defined]
    else:
        window.show()  # type: ignore[attr-defined]


def run_out_of_service(settings: Settings, technician_message: str, args: argparse.Namespace) -> int:
    """Show the 暂停服务 screen until quit (the kiosk cannot serve; the reason is already logged)."""
    prepare_environment(settings.data_dir)
    from PySide6.QtWidgets import QApplication

    from ui.kiosk_guard import KioskGuard
    from ui.out_of_service import OutOfServiceWindow
    from ui.theme import ELDERLY, apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app, ELDERLY)  # the largest, plainest text: whoever comes must understand at once
    kiosk_mode = not args.windowed
    window = OutOfServiceWindow(settings.service_point, technician_message, kiosk_mode=kiosk_mode)
    guard = KioskGuard(app)
    if kiosk_mode:
        app.installEventFilter(guard)
    _show(window, kiosk_mode)
    rc = app.exec()
    window.allow_close()
    window.close()
    return rc


def run_ui(core: KioskCore, args: argparse.Namespace) -> int:
    """Run the kiosk UI until quit; `tour` walks the screens and writes screenshots instead."""
    prepare_environment(core.settings.data_dir)
    from PySide6.QtWidgets import QApplication

    from ui.kiosk_guard import KioskGuard
    from ui.theme import cjk_font_available

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if not cjk_font_available():
        log.error("no CJK font installed: Chinese will render as boxes (install fonts-noto-cjk)")
    kiosk_mode = not args.windowed and args.command != "tour"
    ui = KioskUi(core, kiosk_mode=kiosk_mode)
    guard = KioskGuard(app)
    if kiosk_mode:
        app.installEventFilter(guard)

    sys.excepthook = ui.on_unexpected
    _show(ui.window, kiosk_mode)
    from ui.watchdog import install as install_watchdog

    # READY=1 / WATCHDOG=1 to systemd (village-kiosk.service) from the GUI event loop; idle outside it.
    heartbeat = install_watchdog(ui.window)
    run_watch = _watch_run_status(ui)
    if args.command == "tour":
        from ui.tour import Tour

        tour = Tour(ui, args.out)
        tour.start()
        rc = app.exec()
        heartbeat.stop()
        run_watch.stop()
        ui.close()
        return rc or tour.exit_code
    rc = app.exec()
    heartbeat.stop()
    run_watch.stop()
    ui.close()
    return rc


def _watch_run_status(ui: KioskUi) -> RunStatusWatch:
    """health.json and session.json for `kiosk update` (only with the session unit's status folder)."""
    status = ui.core.run_status
    from ui.run_status import RunStatusWatch

    devices = ui.core.devices

    def device_health() -> dict[str, str]:
        return {str(kind): str(h.state) for kind, h in devices.device_health().items()}

    return RunStatusWatch(status, ui.window, in_use=lambda: ui.window.current_page() is not ui.attract,
                          device_health=device_health, parent=ui.window).start()
