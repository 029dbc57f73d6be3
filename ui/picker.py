"""Choose one value from a list by tapping a big button (towns, categories, code lists) — no typing."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.text import tr
from ui.widgets import TextTile, big_button, label


class ChoicePanel(QFrame):
    """A panel over the window with one button per option, paged; tapping one calls `on_chosen(value)`.

    The currently chosen value (if any) is marked. Paging buttons are always visible when there is more
    than one page (swipe-free). Created per question and deleted when closed.
    """

    def __init__(self, window: QWidget, title: str, options: Sequence[tuple[Hashable, str]],
                 on_chosen: Callable[[Hashable], None], *, current: Hashable | None = None,
                 per_page: int | None = None, columns: int = 3, elderly: bool = False) -> None:
        super().__init__(window)
        self.setObjectName("choicePanel")
        self.setStyleSheet("#choicePanel { background: rgba(0, 0, 0, 150); }")
        self.options = list(options)
        self.on_chosen = on_chosen
        self.current = current
        self.columns = 2 if elderly else columns
        self.per_page = per_page or (6 if elderly else 12)
        self.page = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(80, 60, 80, 60)
        box = QFrame()
        box.setObjectName("cardPanel")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(40, 30, 40, 30)
        lay.setSpacing(20)
        self.title = label("pickerTitle", title, role="heading")
        lay.addWidget(self.title)
        self._grid = QGridLayout()
        self._grid.setSpacing(20)
        lay.addLayout(self._grid)
        lay.addStretch(1)
        nav = QHBoxLayout()
        self.prev = big_button("pickerPrev", tr("picker.prev"))
        self.next = big_button("pickerNext", tr("picker.next"))
        self.page_label = label("pickerPage", "", wrap=False)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cancel = big_button("pickerCancel", tr("picker.cancel"), role="danger")
        self.prev.clicked.connect(lambda: self._turn(-1))
        self.next.clicked.connect(lambda: self._turn(1))
        self.cancel.clicked.connect(self.close_panel)
        for w in (self.prev, self.page_label, self.next):
            nav.addWidget(w)
        nav.addStretch(1)
        nav.addWidget(self.cancel)
        lay.addLayout(nav)
        outer.addWidget(box)
        self.buttons: list[QPushButton] = []
        if current is not None:
            for i, (value, _) in enumerate(self.options):
                if value == current:
                    self.page = i // self.per_page
        self._fill()
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.options) // self.per_page))

    def _fill(self) -> None:
        for b in self.buttons:
            self._grid.removeWidget(b)
            b.deleteLater()
        self.buttons = []
        start = self.page * self.per_page
        for i, (value, text) in enumerate(self.options[start:start + self.per_page]):
            shown = f"✔ {text}" if value == self.current else text
            b = TextTile(f"pickerOption_{start + i}", shown, accessible=text)  # long options wrap, never cut
            b.setProperty("selected", value == self.current)
            b.clicked.connect(lambda _=False, v=value: self._choose(v))
            self._grid.addWidget(b, i // self.columns, i % self.columns)
            self.buttons.append(b)
        many = self.pages > 1
        for w in (self.prev, self.next, self.page_label):
            w.setVisible(many)
        self.prev.setEnabled(self.page > 0)
        self.next.setEnabled(self.page < self.pages - 1)
        self.page_label.setText(tr("picker.page", page=self.page + 1, pages=self.pages))

    def _turn(self, delta: int) -> None:
        self.page = min(max(0, self.page + delta), self.pages - 1)
        self._fill()

    def option_button(self, text: str) -> QPushButton | None:
        """The visible button showing `text` (for tests and tours)."""
        for b in self.buttons:
            if b.accessibleName() == text:
                return b
        return None

    def _choose(self, value: Hashable) -> None:
        self.close_panel()
        self.on_chosen(value)

    def close_panel(self) -> None:
        self.hide()
        self.setParent(None)  # gone from the window's children at once
        self.deleteLater()


def pick(window: QWidget, title: str, options: Sequence[tuple[Hashable, str]],
         on_chosen: Callable[[Hashable], None], **kw: object) -> ChoicePanel:
    """Show a ChoicePanel over `window` (the main window) and return it."""
    elderly = bool(getattr(window, "elderly", False))
    return ChoicePanel(window, title, options, on_chosen, elderly=elderly, **kw)  # type: ignore[arg-type]
