"""A service group: one big tile per item, the kiosk's own items first, counter items in their own section."""

from __future__ import annotations

from collections.abc import Callable, Container

from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.catalogue import ServiceItem
from ui.pages.base import Page
from ui.pictograms import Pictogram, picture_for_item
from ui.text import tr
from ui.widgets import TextTile, label


class GroupPage(Page):
    """Items of one catalogue group; counter-only items lead to their guidance, never a dead end.

    Each tile shows the item's plain short name big and the official name smaller beneath, wrapped
    onto as many lines as the width needs. Items done here come first; items done at the counter
    follow under their own heading (柜台办理), so a resident knows before tapping where it is done.
    """

    personal = False
    instruction_key = "voice.group"

    def __init__(self, slug: str, group: str, items: list[ServiceItem], open_item: Callable[[ServiceItem], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_id = f"group_{slug}"
        self.setObjectName(f"groupPage_{slug}")
        # display order: kiosk items, then counter items, each in the catalogue's order
        self.items = [i for i in items if i.is_kiosk_item] + [i for i in items if not i.is_kiosk_item]
        lay = QVBoxLayout(self)
        lay.setContentsMargins(60, 24, 60, 24)
        lay.setSpacing(20)
        lay.addWidget(label(f"groupTitle_{slug}", tr("group.title", group=group), role="heading"))
        scroll = QScrollArea()
        scroll.setObjectName(f"groupScroll_{slug}")
        scroll.setWidgetResizable(True)
        inner = QWidget()
        inner.setObjectName(f"groupInner_{slug}")
        self._grid = QGridLayout(inner)
        self._grid.setSpacing(24)
        scroll.setWidget(inner)
        lay.addWidget(scroll, 1)
        self.kiosk_heading = label(f"groupKioskSection_{slug}", tr("group.kiosk_section"), role="section")
        self.counter_heading = label(f"groupCounterSection_{slug}", tr("group.counter_section"), role="section")
        self.tiles: list[TextTile] = []
        for item in self.items:
            badge = tr("group.kiosk_badge") if item.is_kiosk_item else tr("group.counter_badge")
            official = item.name if item.short_name and item.short_name != item.name else ""
            t = TextTile(f"item_{item.id}", item.display_name, official,
                         accessible=" ".join(x for x in (item.display_name, official, badge) if x),
                         picture=Pictogram(picture_for_item(item.name, group), 64))
            t.clicked.connect(lambda _=False, it=item: open_item(it))
            self.tiles.append(t)
        self._shown: set[str] = {i.id for i in self.items}
        self._portrait = False
        self._elderly = False
        self._place()

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self._place()

    def set_elderly(self, on: bool) -> None:
        """长辈模式: in portrait one tile a row, so each name reads on one or two lines, not split in three."""
        self._elderly = on
        self._place()

    def show_only(self, item_ids: Container[str]) -> int:
        """Show the tiles of the items still offered (the platform may switch some off); how many remain."""
        self._shown = {i.id for i in self.items if i.id in item_ids}
        self._place()
        return len(self._shown)

    def _place(self) -> None:
        cols = (1 if self._elderly else 2) if self._portrait else 3
        while self._grid.count():
            self._grid.takeAt(0)
        for r in range(self._grid.rowCount()):
            self._grid.setRowStretch(r, 0)
        for c in range(3):
            self._grid.setColumnStretch(c, 1 if c < cols else 0)
        shown = [(i, t) for i, t in zip(self.items, self.tiles, strict=True) if i.id in self._shown]
        kiosk = [t for i, t in shown if i.is_kiosk_item]
        counter = [t for i, t in shown if not i.is_kiosk_item]
        for t in self.tiles:
            t.setVisible(any(t is s for _, s in shown))
        row = self._section(0, cols, self.kiosk_heading if counter else None, kiosk)
        row = self._section(row, cols, self.counter_heading, counter)
        self._grid.setRowStretch(row, 1)  # spare height stays below the tiles instead of stretching them

    def _section(self, row: int, cols: int, heading: QLabel | None, tiles: list[TextTile]) -> int:
        if heading is not None:
            heading.setVisible(bool(tiles))
        if not tiles:
            return row
        if heading is not None:
            self._grid.addWidget(heading, row, 0, 1, cols)
            row += 1
        for i, t in enumerate(tiles):
            self._grid.addWidget(t, row + i // cols, i % cols)
        return row + (len(tiles) + cols - 1) // cols
