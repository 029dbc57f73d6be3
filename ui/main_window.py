"""The fullscreen main window: header, page stack with navigation, status bar, optional demo panel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.values import DeviceHealth, DeviceKind, DeviceState
from ui.pages.base import Page
from ui.text import tr
from ui.theme import apply_theme, theme_for
from ui.widgets import Lamp, big_button, label

log = logging.getLogger(__name__)

_LEVEL = {
    DeviceState.ONLINE: "ok", DeviceState.BUSY: "ok", DeviceState.USER_ERROR: "warn",
    DeviceState.MAINTENANCE: "warn", DeviceState.OFFLINE: "bad", DeviceState.NO_DEVICE: "bad",
    DeviceState.HARDWARE_ERROR: "bad", DeviceState.UNKNOWN: "unknown",
}


class StatusItem(QWidget):
    """A lamp, a name and a state text: e.g. ● 打印机：缺纸."""

    def __init__(self, key: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"status_{key}")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 0, 8, 0)
        lay.setSpacing(8)
        self.lamp = Lamp()
        self.text = label(f"status_{key}_text", name, wrap=False)
        # A long fault message must not widen the window; the full text is the accessible name.
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text.setMinimumWidth(160)
        lay.addWidget(self.lamp)
        lay.addWidget(self.text)
        self._name = name

    def set(self, level: str, state_text: str) -> None:
        self.lamp.set_level(level)
        self.text.setText(f"{self._name}：{state_text}")
        self.setAccessibleName(self.text.text())


class MainWindow(QMainWindow):
    """Owns the page stack and navigation; the session logic drives it through go()/end_session()."""

    logout_requested = Signal()
    guide_requested = Signal(object)  # the ServiceItem whose 办事指南 the resident asked for
    elderly_changed = Signal(bool)
    page_entered = Signal(object)  # the Page now shown (voice guidance announces it)
    notice_changed = Signal(str)  # the devices' notice line, e.g. 打印机缺纸，请到柜台 ("" when cleared)
    session_ended = Signal()

    def __init__(self, service_point_name: str, kiosk_id: str, *, now: Callable[[], datetime],
                 kiosk_mode: bool = True) -> None:
        """`now` is the service point's clock (core.clock.now): the header shows its time, not the OS zone's."""
        super().__init__()
        self._now = now
        self.setObjectName("mainWindow")
        self.setWindowTitle(tr("app.title"))
        self.kiosk_mode = kiosk_mode
        self._allow_close = not kiosk_mode
        self._pages: dict[str, Page] = {}
        self._history: list[str] = []
        self._elderly = False
        self._portrait = False
        self.session_active = False
        self.session_generation = 0

        central = QWidget()
        central.setObjectName("central")
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        header = QFrame()
        header.setObjectName("header")
        hl = QHBoxLayout(header)
        self.header_layout = hl
        hl.setContentsMargins(40, 10, 40, 10)
        self.header_title = label("headerTitle", tr("app.title"), wrap=False)
        self.header_place = label("headerPlace", service_point_name, wrap=False)
        self.header_clock = label("headerClock", "", wrap=False)
        # Long names must never widen the window past a portrait screen: these labels may be clipped.
        for lbl in (self.header_title, self.header_place):
            lbl.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        hl.addWidget(self.header_title, 2)
        hl.addSpacing(30)
        hl.addWidget(self.header_place, 3)
        hl.addSpacing(30)  # the service point's name and the clock never touch
        hl.addWidget(self.header_clock)
        root.addWidget(header)

        middle = QHBoxLayout()
        middle.setSpacing(0)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        middle.addWidget(self.stack, 1)
        self.side = QVBoxLayout()
        middle.addLayout(self.side)
        root.addLayout(middle, 1)

        nav = QFrame()
        nav.setObjectName("navBar")
        rows = QVBoxLayout(nav)
        rows.setContentsMargins(30, 8, 30, 8)
        rows.setSpacing(0)
        self.nav_rows = rows
        nl = QHBoxLayout()
        nl.setSpacing(24)
        # A portrait screen has no room for six buttons in a row (返回 首页 办事指南 语音 长辈模式 退出登录):
        # the voice, mode and logout buttons go to a second row (_place_nav).
        self.nav_second_row = QHBoxLayout()
        self.nav_second_row.setSpacing(24)
        rows.addLayout(nl)
        rows.addLayout(self.nav_second_row)
        self.nav_first_row = nl
        self.back_button = big_button("navBack", tr("nav.back"))
        self.home_button = big_button("navHome", tr("nav.home"))
        self.guide_button = big_button("navGuide", tr("nav.guide"))
        self.guide_button.hide()
        self.voice_button = big_button("navVoice", tr("voice.toggle_off"))  # wired by ui/voice.VoiceGuide
        self.elderly_button = big_button("navElderly", tr("nav.elderly_on"))
        self.logout_button = big_button("navLogout", tr("nav.logout"), role="danger")
        self.back_button.clicked.connect(self.back)
        self.home_button.clicked.connect(self.go_home)
        self.guide_button.clicked.connect(self._guide)
        self.elderly_button.clicked.connect(lambda: self.set_elderly(not self._elderly))
        self.logout_button.clicked.connect(self.logout_requested)
        nl.addWidget(self.back_button)
        nl.addWidget(self.home_button)
        nl.addWidget(self.guide_button)
        nl.addStretch(1)
        self.nav_second_row.addStretch(1)
        self._place_nav()
        self.nav = nav
        root.addWidget(nav)

        status = QFrame()
        status.setObjectName("statusBar")
        outer = QVBoxLayout(status)
        outer.setContentsMargins(24, 4, 24, 4)
        outer.setSpacing(4)
        # The lamps say a short state; what a resident must know (printer out of paper, maintenance)
        # is said once, whole, on its own line above them.
        self.status_notice = label("statusNotice", "", role="statusNotice")
        self.status_notice.hide()
        outer.addWidget(self.status_notice)
        sl = QHBoxLayout()
        sl.setSpacing(12)
        outer.addLayout(sl)
        self.status_network = StatusItem("network", tr("status.network"))
        self.status_printer = StatusItem("printer", tr("status.printer"))
        self.status_reader = StatusItem("reader", tr("status.reader"))
        for w in (self.status_network, self.status_printer, self.status_reader):
            sl.addWidget(w, 1)
        self.status_kiosk = label("statusKioskId", kiosk_id, wrap=False)
        sl.addWidget(self.status_kiosk)
        self.status_bar_frame = status
        root.addWidget(status)
        self.setCentralWidget(central)

        self._reader_health: dict[DeviceKind, DeviceHealth] = {}
        self._printer_health: DeviceHealth | None = None
        self.set_network(None)
        self.set_device_health(DeviceHealth(DeviceKind.PRINTER, DeviceState.UNKNOWN, ""))
        self.set_device_health(DeviceHealth(DeviceKind.ID_CARD, DeviceState.UNKNOWN, ""))

        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(15_000)
        self._tick()
        self._apply_theme(only_if_changed=True)

    # ---- pages and navigation ----
    def add_page(self, page: Page) -> None:
        self._pages[page.page_id] = page
        self.stack.addWidget(page)
        page.set_portrait(self._portrait)

    def page(self, page_id: str) -> Page:
        return self._pages[page_id]

    def current_page(self) -> Page:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def close_panels(self) -> None:
        """Close every open choice panel (a question belongs to the page that asked it)."""
        from ui.picker import ChoicePanel

        for panel in self.findChildren(ChoicePanel):
            panel.close_panel()

    def go(self, page_id: str, *, remember: bool = True) -> None:
        page = self._pages[page_id]
        if self.stack.currentWidget() is not page:
            self.close_panels()
        current = self.stack.currentWidget()
        if remember and isinstance(current, Page) and current is not page and current.page_id != "attract":
            self._history.append(current.page_id)
        self.stack.setCurrentWidget(page)
        self.nav.setVisible(page.show_nav)
        self.logout_button.setVisible(self.session_active)
        self.back_button.setEnabled(bool(self._history))
        self.guide_button.setVisible(page.service_item is not None)
        page.on_enter()
        self.page_entered.emit(page)

    def _guide(self) -> None:
        item = self.current_page().service_item
        if item is not None:
            self.guide_requested.emit(item)

    def back(self) -> None:
        if self._history:
            self.go(self._history.pop(), remember=False)
        else:
            self.go_home()

    def go_home(self) -> None:
        self._history.clear()
        self.go("home", remember=False)

    def remove_page(self, page_id: str) -> None:
        page = self._pages.pop(page_id, None)
        if page is not None:
            if self.stack.currentWidget() is page:
                self.stack.setCurrentWidget(self._pages.get("attract", page))
            self.stack.removeWidget(page)
            page.deleteLater()
        self._history = [p for p in self._history if p != page_id]

    def end_session(self) -> None:
        """Wipe every personal page and return to the attract screen (logout, timeout, card out)."""
        self.session_active = False
        self.session_generation += 1  # answers to work started before now no longer land (UiContext.run)
        self.close_panels()
        self.go("attract", remember=False)
        for page in list(self._pages.values()):
            try:
                page.clear_personal()
            except Exception:
                log.exception("clearing page %s failed", page.page_id)
            if page.transient:
                self.remove_page(page.page_id)
        self._history.clear()
        if self._elderly:
            self.set_elderly(False)
        self.session_ended.emit()
        self.go("attract", remember=False)

    # ---- modes ----
    def set_elderly(self, on: bool) -> None:
        self._elderly = on
        self.elderly_button.setText(tr("nav.elderly_off") if on else tr("nav.elderly_on"))
        self.elderly_button.setAccessibleName(self.elderly_button.text())
        self._place_nav()
        self._apply_theme()
        self._tick()
        self.elderly_changed.emit(on)

    def _place_nav(self) -> None:
        """One row of navigation buttons on a wide screen; two rows on a portrait one (six buttons, with
        办事指南 and 语音, do not fit 1080 px; in 长辈模式 not even five)."""
        split = self._portrait
        row = self.nav_second_row if split else self.nav_first_row
        self.nav_rows.setSpacing(12 if split else 0)
        for b in (self.voice_button, self.elderly_button, self.logout_button):
            self.nav_first_row.removeWidget(b)
            self.nav_second_row.removeWidget(b)
            row.addWidget(b)

    @property
    def elderly(self) -> bool:
        return self._elderly

    def _apply_theme(self, only_if_changed: bool = False) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme_for(self._elderly), only_if_changed=only_if_changed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = event.size().height() > event.size().width()
        if portrait != self._portrait:
            self._portrait = portrait
            self.header_title.setVisible(not portrait)  # the service point's name matters more
            self.status_kiosk.setVisible(not portrait)
            self._place_nav()
            self._tick()
            for p in self._pages.values():
                p.set_portrait(portrait)

    @property
    def portrait(self) -> bool:
        return self._portrait

    # ---- status bar ----
    def set_network(self, online: bool | None) -> None:
        if online is None:
            self.status_network.set("unknown", tr("status.unknown"))
        else:
            self.status_network.set("ok" if online else "warn",
                                    tr("status.network_ok") if online else tr("status.network_down"))

    def set_device_health(self, health: DeviceHealth) -> None:
        if health.kind == DeviceKind.PRINTER:
            self._printer_health = health
            self.status_printer.set(_LEVEL[health.state], tr(f"status.{health.state.value}"))
        elif health.kind in (DeviceKind.ID_CARD, DeviceKind.SS_CARD):
            self._reader_health[health.kind] = health
            # one reader item: the worst of the card readers
            worst = max(self._reader_health.values(), key=lambda h: ["ok", "unknown", "warn", "bad"].index(
                _LEVEL[h.state]))
            self.status_reader.set(_LEVEL[worst.state], tr(f"status.{worst.state.value}"))
        else:
            return
        self._show_notice()

    def _show_notice(self) -> None:
        """The devices' own plain messages when something needs attention, each once (maintenance: one notice)."""
        quiet = (DeviceState.ONLINE, DeviceState.UNKNOWN, DeviceState.BUSY)
        healths = [h for h in (self._printer_health, *self._reader_health.values()) if h is not None]
        messages: list[str] = []
        for h in healths:
            if h.state not in quiet and h.message and h.message not in messages:
                messages.append(h.message)
        if any(h.state == DeviceState.MAINTENANCE for h in healths):
            messages = [next(h.message for h in healths if h.state == DeviceState.MAINTENANCE) or tr("status.maintenance")]
        text = tr("status.notice_separator").join(messages)
        if text != self.status_notice.text():
            self.notice_changed.emit(text)
        self.status_notice.setText(text)
        self.status_notice.setAccessibleName(text)
        self.status_notice.setVisible(bool(text))

    def add_side_panel(self, widget: QWidget, toggle_text: str) -> None:
        """A presenter's panel at the side, hidden until the status bar's toggle shows it (demo only)."""
        scroll = QScrollArea()
        scroll.setObjectName("sidePanelScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(widget)
        scroll.setFixedWidth(widget.width() + 30 if widget.width() > 0 else 330)
        scroll.hide()
        self.side.addWidget(scroll)
        self.side_panel = scroll
        toggle = big_button("statusSideToggle", toggle_text)
        toggle.setCheckable(True)
        toggle.toggled.connect(scroll.setVisible)
        self.header_layout.addWidget(toggle)
        self.side_toggle = toggle

    # ---- kiosk behaviour ----
    def allow_close(self) -> None:
        self._allow_close = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._allow_close:
            event.accept()
        else:
            event.ignore()

    def _tick(self) -> None:
        n = self._now()
        # 长辈模式 portrait has no room for the date beside the service point's name: the time stays, the date goes
        key = "header.clock_time" if self._elderly and self._portrait else "header.clock"
        self.header_clock.setText(tr(key, month=n.month, day=n.day, hour=n.hour, minute=n.minute))
