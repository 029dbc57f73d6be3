"""A service group: one big tile per item, marked 自助办理 or 柜台办理."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.catalogue import ServiceItem
from ui.pages.base import Page
from ui.text import tr
from ui.widgets import big_button, label


class GroupPage(Page):
    """Items of one catalogue group; counter-only items lead to their guidance, never a dead end."""

    personal = False

    def __init__(self, slug: str, group: str, items: list[ServiceItem], open_item: Callable[[ServiceItem], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_id = f"group_{slug}"
        self.setObjectName(f"groupPage_{slug}")
        self.items = items
        lay = QVBoxLayout(self)
        lay.setContentsMargins(60, 24, 60, 24)
        lay.setSpacing(20)
        lay.addWidget(label(f"groupTitle_{slug}", tr("group.title", group=group), role="heading"))
        scroll = QScrollArea()
        scroll.setObjectName(f"groupScroll_{slug}")
        scroll.setWidgetResizable(True)
        inner = QWidget()
        self._grid = QGridLayout(inner)
        self._grid.setSpacing(24)
        scroll.setWidget(inner)
        lay.addWidget(scroll, 1)
        self.tiles: list[QPushButton] = []
        for item in items:
            badge = tr("group.kiosk_badge") if item.is_kiosk_item else tr("group.counter_badge")
            b = big_button(f"item_{item.id}", f"{item.name}\n（{badge}）", role="tile")
            b.setAccessibleName(f"{item.name} {badge}")
            b.clicked.connect(lambda _=False, it=item: open_item(it))
            self.tiles.append(b)
        self._portrait = False
        self._place()

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self._place()

    def _place(self) -> None:
        cols = 2 if self._portrait else 3
        for t in self.tiles:
            self._grid.removeWidget(t)
        for i, t in enumerate(self.tiles):
            self._grid.addWidget(t, i // cols, i % cols)
