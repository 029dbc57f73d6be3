"""The diagnostics page: who is working, the tabs, 退出维护, and what residents are told meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ui.pages.base import Page
from ui.tech.about_panel import AboutPanel
from ui.tech.config_panel import ConfigPanel
from ui.tech.devices_panel import DevicesPanel
from ui.tech.env import Panel, TechEnv
from ui.tech.faults_panel import FaultsPanel
from ui.tech.logs_panel import LogsPanel
from ui.tech.sync_panel import SyncPanel
from ui.text import tr
from ui.widgets import big_button, label

PANELS: tuple[type[Panel], ...] = (DevicesPanel, SyncPanel, LogsPanel, ConfigPanel, FaultsPanel, AboutPanel)


class TechPage(Page):
    """One page with a tab per screen; built when a technician enters, destroyed when they leave."""

    page_id = "tech"
    show_nav = False
    transient = False

    def __init__(self, env: TechEnv, on_leave: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("techPage")
        self.env = env
        outer = QVBoxLayout(self)
        outer.setContentsMargins(30, 16, 30, 16)
        outer.setSpacing(12)
        top = QHBoxLayout()
        self.title = label("techTitle", tr("tech.title", who=env.who), role="heading")
        top.addWidget(self.title, 1)
        self.leave_button = big_button("techLeave", tr("tech.leave"), role="danger")
        self.leave_button.clicked.connect(on_leave)
        top.addWidget(self.leave_button)
        outer.addLayout(top)
        self.residents = label("techResidentsTold", "", role="hint")
        outer.addWidget(self.residents)
        self._tabs_grid = QGridLayout()
        self._tabs_grid.setSpacing(12)
        self._body = QHBoxLayout()
        self._body.setSpacing(20)
        self.stack = QStackedWidget()
        self.stack.setObjectName("techStack")
        self.panels: dict[str, Panel] = {}
        self.tabs: dict[str, QPushButton] = {}
        for cls in PANELS:
            panel = cls(env)
            self.panels[cls.tab] = panel
            self.stack.addWidget(panel)
            b = big_button(f"techTab_{cls.tab}", tr(f"tech.tab_{cls.tab}"))
            b.clicked.connect(lambda _=False, t=cls.tab: self.show_tab(t))
            self.tabs[cls.tab] = b
        tabs_box = QWidget()
        tabs_box.setObjectName("techTabs")
        tabs_box.setLayout(self._tabs_grid)
        self._tabs_box = tabs_box
        self._portrait = False
        self._main = QVBoxLayout()
        outer.addLayout(self._main, 1)
        self.current = ""
        self.set_portrait(False)

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        for b in self.tabs.values():
            self._tabs_grid.removeWidget(b)
        for i, b in enumerate(self.tabs.values()):
            if portrait:
                self._tabs_grid.addWidget(b, i // 3, i % 3)
            else:
                self._tabs_grid.addWidget(b, i, 0)
        if not portrait:
            self._tabs_grid.setRowStretch(len(self.tabs), 1)
        # re-seat the tab box and the stack side by side (landscape) or stacked (portrait)
        while self._main.count():
            item = self._main.takeAt(0)
            inner = item.layout() if item is not None else None
            if inner is not None:
                while inner.count():
                    inner.takeAt(0)
        box = QVBoxLayout() if portrait else QHBoxLayout()
        box.setSpacing(20)
        box.addWidget(self._tabs_box, 0)
        box.addWidget(self.stack, 1)
        self._main.addLayout(box)
        for p in self.panels.values():
            p.set_portrait(portrait)

    def show_tab(self, tab: str) -> None:
        self.current = tab
        for t, b in self.tabs.items():
            b.setProperty("role", "primary" if t == tab else "")
            b.style().unpolish(b)
            b.style().polish(b)
        panel = self.panels[tab]
        self.stack.setCurrentWidget(panel)
        panel.refresh()

    def set_residents_message(self, message: str | None) -> None:
        text = tr("tech.residents_told", message=message) if message else ""
        self.residents.setText(text)
        self.residents.setAccessibleName(text)
        self.residents.setVisible(bool(text))

    def on_enter(self) -> None:
        if not self.current:
            self.show_tab("devices")
