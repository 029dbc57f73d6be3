"""Home: the greeting and one big tile per service group."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from ui.pages.base import Page
from ui.pictograms import Pictogram, picture_for_group
from ui.text import tr
from ui.widgets import TextTile, label


class HomePage(Page):
    """Greets the resident (masked name) and offers the service groups."""

    page_id = "home"
    personal = True
    instruction_key = "voice.home"
    group_chosen = Signal(str)

    def __init__(self, groups: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homePage")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(60, 30, 60, 30)
        lay.setSpacing(30)
        self.greeting = label("homeGreeting", tr("home.greeting_guest"), role="heading")
        lay.addWidget(self.greeting)
        self.notice = label("homeNotice", "", role="hint")
        self.notice.hide()
        lay.addWidget(self.notice)
        self._grid = QGridLayout()
        self._grid.setSpacing(28)
        lay.addLayout(self._grid)
        lay.addStretch(1)
        self.tiles: list[QPushButton] = []
        for gid, title in groups:
            b = TextTile(f"homeGroup_{gid}", title, accessible=title, picture=Pictogram(picture_for_group(title), 96))
            b.clicked.connect(lambda _=False, g=gid: self.group_chosen.emit(g))
            self.tiles.append(b)
        self._portrait = False
        self._columns = 3
        self._place()

    def set_greeting(self, masked_name: str | None) -> None:
        self.greeting.setText(tr("home.greeting", name=masked_name) if masked_name else tr("home.greeting_guest"))
        self.greeting.setAccessibleName(self.greeting.text())

    def set_notice(self, text: str) -> None:
        """A plain note under the greeting, e.g. that the kiosk is serving offline."""
        self.notice.setText(text)
        self.notice.setAccessibleName(text)
        self.notice.setVisible(bool(text))

    def clear_personal(self) -> None:
        self.set_greeting(None)
        self.set_notice("")

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self._place()

    def _place(self) -> None:
        # landscape: two rows at most (seven groups since 单位业务 would need a third row, past the screen in 长辈模式)
        cols = 2 if self._portrait else max(self._columns, -(-len(self.tiles) // 2))
        for t in self.tiles:
            self._grid.removeWidget(t)
        for i, t in enumerate(self.tiles):
            self._grid.addWidget(t, i // cols, i % cols)
        for c in range(4):
            self._grid.setColumnStretch(c, 1 if c < cols else 0)
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignLeft)
