"""Scaffolding the content pages share: the personal page frame, a paged column of big rows, a 打印 row."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kiosk.catalogue import ServiceItem
from ui.context import UiContext
from ui.pages.base import Page
from ui.text import tr
from ui.widgets import big_button, label, touch_scroll


def clear_layout(layout: QLayout) -> None:
    """Take every widget out of `layout` and delete it."""
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget() if item is not None else None
        if w is not None:
            w.hide()
            w.deleteLater()


def add_note(host: QVBoxLayout, object_name: str, text: str) -> None:
    """A plain sentence in place of rows (nothing found), shown at once."""
    note = label(object_name, text, role="guidance")
    host.addWidget(note)
    note.show()


def print_row(object_name: str, text: str, on_print: Callable[[], None]) -> tuple[QHBoxLayout, QPushButton]:
    """The big primary 打印 button at the right of its own row."""
    row = QHBoxLayout()
    row.addStretch(1)
    button = big_button(object_name, text, role="primary")
    button.clicked.connect(on_print)
    row.addWidget(button)
    return row, button


def buttons_row(spacing: int, *buttons: QPushButton) -> QHBoxLayout:
    """Buttons side by side from the left, `spacing` apart."""
    row = QHBoxLayout()
    row.setSpacing(spacing)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class PersonalPage(Page):
    """The frame of a page showing the resident's own data: a heading over a stack of states.

    page_id f"{prefix}_{item.id}", objectName f"{prefix}Page"; the heading and the stack are named
    f"{names}Title" and f"{names}States". Answers from background work go through `_guard`, so none lands after the page is gone, after
    logout, or after `clear_personal` bumped `_generation`.
    """

    personal = True
    transient = True

    def __init__(self, ctx: UiContext, item: ServiceItem, prefix: str, *, names: str, heading: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.item = item
        self.page_id = f"{prefix}_{item.id}"
        self.setObjectName(f"{prefix}Page")
        self._generation = 0  # bumped when the page forgets everything: late answers are dropped
        self._portrait = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(60, 20, 60, 20)
        lay.setSpacing(14)
        self.heading = label(f"{names}Title", heading, role="heading")
        lay.addWidget(self.heading)
        self.states = QStackedWidget()
        self.states.setObjectName(f"{names}States")
        lay.addWidget(self.states, 1)

    def _guard(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a callback so it does nothing once the page is gone or has forgotten this request."""
        generation = self._generation

        def call(value: Any) -> None:
            if not isValid(self) or generation != self._generation or self.ctx.services.session is None:
                return
            fn(value)

        return call


class ScrollPager(QObject):
    """Page through a scroll area with big 上一页/下一页 buttons (no swiping needed), a screenful at a time.

    A page turn lands on the start of a row, so a row is never read half; "第 x / y 页" follows the
    scroll position, which also moves by touch scrolling.
    """

    def __init__(self, scroll: QScrollArea, prev: QPushButton, nxt: QPushButton, page_label: QLabel,
                 page_text: Callable[[int, int], str]) -> None:
        super().__init__(scroll)
        self.scroll_area = scroll
        self.prev, self.next, self.page_label = prev, nxt, page_label
        self._page_text = page_text
        self.rows: list[QWidget] = []
        bar = scroll.verticalScrollBar()
        bar.valueChanged.connect(self.update)
        bar.rangeChanged.connect(self.update)
        prev.clicked.connect(lambda: self.turn(-1))
        nxt.clicked.connect(lambda: self.turn(1))

    @classmethod
    def with_buttons(cls, scroll: QScrollArea, prefix: str, strings_section: str) -> ScrollPager:
        """A pager with its own buttons f"{prefix}Prev"/f"{prefix}Next" and label f"{prefix}Page"."""
        prev = big_button(f"{prefix}Prev", tr(f"{strings_section}.prev"))
        nxt = big_button(f"{prefix}Next", tr(f"{strings_section}.next"))
        page_label = label(f"{prefix}Page", "", wrap=False)
        return cls(scroll, prev, nxt, page_label,
                   lambda page, pages: tr(f"{strings_section}.page", page=page, pages=pages))

    def fill(self, host: QVBoxLayout, rows: Sequence[QWidget], empty_name: str, empty_text: str) -> None:
        """Put `rows` in `host` in place of what was there (a sentence when there are none); back to page 1."""
        clear_layout(host)
        if not rows:
            add_note(host, empty_name, empty_text)
        for row in rows:
            host.addWidget(row)
            row.show()  # now, not on the next event loop turn (a layout shows new children queued)
        self.rows = list(rows)
        self.top()

    def add_to(self, bar: QHBoxLayout) -> None:
        """Put 上一页, 第 x / y 页 and 下一页 into `bar`, in that order."""
        for w in (self.prev, self.page_label, self.next):
            bar.addWidget(w)

    def _height(self) -> int:
        return max(1, self.scroll_area.viewport().height())

    @property
    def pages(self) -> int:
        bar = self.scroll_area.verticalScrollBar()
        return 1 if bar.maximum() <= 0 else 1 + math.ceil(bar.maximum() / self._height())

    @property
    def page(self) -> int:
        """The page shown now, from 1."""
        bar = self.scroll_area.verticalScrollBar()
        if bar.maximum() > 0 and bar.value() >= bar.maximum():
            return self.pages
        return min(self.pages, math.ceil(bar.value() / self._height()) + 1)

    def turn(self, delta: int) -> None:
        bar = self.scroll_area.verticalScrollBar()
        top, h = bar.value(), self._height()
        if delta > 0:
            # the first row not wholly on screen comes to the top
            target = next((r.y() for r in self.rows if r.y() > top and r.y() + r.height() > top + h), top + h)
        else:
            target = max(0, top - h)
            target = next((r.y() for r in self.rows if r.y() >= target), target)
            target = target if target < top else max(0, top - h)
        bar.setValue(min(bar.maximum(), max(0, target)))
        self.update()

    def top(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(0)
        self.update()

    def update(self) -> None:
        if not isValid(self.page_label):
            return
        pages, page = self.pages, self.page
        for w in (self.prev, self.next, self.page_label):
            w.setVisible(pages > 1)
        bar = self.scroll_area.verticalScrollBar()
        self.prev.setEnabled(bar.value() > 0)
        self.next.setEnabled(bar.value() < bar.maximum())
        text = self._page_text(page, pages)
        self.page_label.setText(text)
        self.page_label.setAccessibleName(text)


def rows_scroll(prefix: str) -> tuple[QScrollArea, QVBoxLayout]:
    """A touch-scrolling area f"{prefix}Scroll" holding a column f"{prefix}Rows"; returns it and the rows' layout."""
    scroll = QScrollArea()
    scroll.setObjectName(f"{prefix}Scroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    touch_scroll(scroll.viewport())
    inner = QWidget()
    inner.setObjectName(f"{prefix}Rows")
    column = QVBoxLayout(inner)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(14)
    rows_host = QVBoxLayout()
    column.addLayout(rows_host)
    column.addStretch(1)
    scroll.setWidget(inner)
    return scroll, rows_host
