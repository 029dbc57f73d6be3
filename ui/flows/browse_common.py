"""Building blocks of the find-and-browse screens: filter buttons, keyword chips, a list page and a detail page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalogue import ServiceItem
from kiosk.values import Record
from ui.context import UiContext
from ui.flows.page_parts import print_row
from ui.pages.base import Page
from ui.picker import pick
from ui.qr_widget import QrLabel
from ui.result_list import ResultList, ResultRow
from ui.text import tr
from ui.widgets import big_button, label, read_aloud_button, touch_scroll

log = logging.getLogger(__name__)

Options = Sequence[tuple[Hashable, str]]


def existing_page(ctx: UiContext, page_id: str) -> Page | None:
    """The page already in the stack under `page_id` (pages are reused, not stacked twice)."""
    try:
        return ctx.window.page(page_id)
    except KeyError:
        return None


def days_ago_text(iso: str | None, today: date) -> str:
    """今天发布 / 3 天前发布 / '' (unknown date)."""
    if not iso:
        return ""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return ""
    days = (today - d).days
    if days <= 0:
        return tr("jobs_browse.posted_today")
    return tr("jobs_browse.posted_days", days=days)


def open_record(ctx: UiContext, feed: str, key: str, show: Callable[[Record], None], *,
                gone: Callable[[], None] | None = None) -> None:
    """Read item `key` of `feed` off the GUI thread and hand it to `show`.

    If the item has gone meanwhile (a feed update removed it), say so and call `gone` (a list reloads).
    """

    def shown(rec: Record | None) -> None:
        if rec is None:
            ctx.overlay.failure(tr("jobs_browse.gone"))
            if gone is not None:
                gone()
            return
        show(rec)

    ctx.run(lambda: ctx.services.record(feed, key), shown, busy=None)


def month_day(iso: str | None) -> str:
    """'2025-05-03' → '5月3日'."""
    if not iso:
        return ""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return tr("jobs_browse.month_day", m=d.month, d=d.day)


def place_text(f: Any) -> str:
    """'玉泉镇李家庄村' from a record's town and village."""
    town, village = f.get("town") or "", f.get("village") or ""
    if village and not village.endswith(("街", "村", "社区")):
        village += tr("jobs_browse.village_suffix")
    return f"{town}{village}" or (f.get("county") or "")


# What a list page's fetch returns: rows, total, page size, and optionally whether the total was capped
# (the search counts to a limit: "共 1000 多条").
Fetched = tuple[list[ResultRow], int, int] | tuple[list[ResultRow], int, int, bool]

class FilterButton(QPushButton):
    """A big button showing a filter and its value ('乡镇：玉泉镇'); tapping it opens the tap-to-choose panel.

    Options may arrive later (code tables load off the GUI thread): `set_options`. A chosen value is
    announced by the `changed` signal (connected to `on_change`), not kept as a callback: a callback
    naming the page would tie the page and its buttons in a reference cycle, and PySide6 keeps some
    memory of every Qt object whose wrapper is freed by the cycle collector.
    """

    changed = Signal(object)
    relabelled = Signal()  # the text changed (a longer value may need a wider column)

    def __init__(self, ctx: UiContext, object_name: str, title: str, options: Options,
                 on_change: Callable[[Hashable], None], current: Hashable = None) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.ctx = ctx
        self.title = title
        if not options and current is not None:  # until the code table arrives: 不限 and the preselected value
            options = [(None, tr("jobs_browse.any")), (current, str(current))]
        self._options: list[tuple[Hashable, str]] = list(options)
        self.changed.connect(on_change)
        self.value: Hashable = current
        self.clicked.connect(self.open_picker)
        self.set_value(current, notify=False)

    def options(self) -> list[tuple[Hashable, str]]:
        return list(self._options)

    def set_options(self, options: Options) -> None:
        self._options = list(options)
        if any(v == self.value for v, _ in self._options):
            self.set_value(self.value, notify=False)

    def set_value(self, value: Hashable, *, notify: bool = True, label_text: str | None = None) -> None:
        self.value = value
        if label_text is None:
            label_text = next((text for v, text in self._options if v == value), tr("jobs_browse.any"))
        self.setText(tr("jobs_browse.filter", title=self.title, value=label_text))
        self.setAccessibleName(self.text())
        self.relabelled.emit()
        if notify:
            self.changed.emit(value)

    def open_picker(self) -> None:
        pick(self.ctx.window, tr("jobs_browse.pick_title", title=self.title), self.options(),
             lambda v: self.set_value(v), current=self.value)


class BrowsePage(Page):
    """A list page: heading, filters (a column at the left in landscape, on top in portrait), result list.

    Subclasses give `fetch(state, page)` (runs off the GUI thread: no widgets there) returning
    (rows, total, page_size[, total_capped]), `query_state()` (a snapshot of the filters, taken on the GUI thread)
    and `open_row(key)`.
    """

    transient = True
    instruction_key = "voice.browse"

    def __init__(self, ctx: UiContext, item: ServiceItem, prefix: str, heading: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.item = item
        self.prefix = prefix
        self.page_id = f"{prefix}_{item.id}"
        self.setObjectName(f"{prefix}Page")
        self._seq = 0
        self._loaded_for: object = object()  # never equal to a session key: load on the first visit
        self._portrait = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 16, 40, 12)
        outer.setSpacing(12)
        top = QHBoxLayout()
        self.heading = label(f"{prefix}Heading", heading or item.name, role="heading", wrap=False)
        top.addWidget(self.heading)
        top.addStretch(1)
        self.count = label(f"{prefix}Count", "", role="hint", wrap=False)
        top.addWidget(self.count)
        outer.addLayout(top)
        self.notice = label(f"{prefix}Notice", "", role="hint")
        self.notice.hide()
        outer.addWidget(self.notice)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(28)
        outer.addLayout(self.body, 1)
        self.side = QScrollArea()  # scrolls only when the filters do not fit (长辈模式, small screens)
        self.side.setObjectName(f"{prefix}Filters")
        self.side.setWidgetResizable(True)
        self.side.setFrameShape(QScrollArea.Shape.NoFrame)
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        touch_scroll(self.side.viewport())
        self.side_inner = QWidget()
        self.side_lay = QVBoxLayout(self.side_inner)
        self.side_lay.setContentsMargins(0, 0, 0, 0)
        self.side_lay.setSpacing(14)
        self.filter_grid = QGridLayout()
        self.filter_grid.setSpacing(14)
        self.side_lay.addLayout(self.filter_grid)
        self.chip_title = label(f"{prefix}ChipTitle", tr("jobs_browse.chips_title"), role="hint")
        self.chip_title.hide()
        self.side_lay.addWidget(self.chip_title)
        self.chip_grid = QGridLayout()
        self.chip_grid.setSpacing(12)
        self.side_lay.addLayout(self.chip_grid)
        self.side_lay.addStretch(1)
        self.side.setWidget(self.side_inner)
        self.body.addWidget(self.side)
        self.results = ResultList(f"{prefix}Results", elderly=lambda: ctx.window.elderly)
        self.results.row_chosen.connect(self.open_row)
        self.results.page_wanted.connect(lambda p: self.load(p, at_end=p < self.results.page))
        self.body.addWidget(self.results, 1)
        self.filters: list[FilterButton] = []
        self.chips: list[QPushButton] = []
        self.keyword = ""
        # A bound method, not a lambda: Qt drops the connection when this page is deleted, while a lambda
        # would keep the page's Python side (and all it holds) alive in the window for good.
        ctx.window.elderly_changed.connect(self._elderly_changed)

    # ---- filters and chips ----
    def add_filter(self, key: str, title: str, options: Options = (), current: Hashable = None,
                   on_change: Callable[[Hashable], None] | None = None) -> FilterButton:
        """A filter button named f"{prefix}{key}"; a change reloads the results unless `on_change` is given."""
        b = FilterButton(self.ctx, f"{self.prefix}{key}", title, options, on_change or self._filter_changed,
                         current)
        self.filters.append(b)
        b.relabelled.connect(self._place)  # a value set later (e.g. from a registration) may be longer
        self._place()
        return b

    def add_chips(self, words: Sequence[str]) -> None:
        self.chip_title.show()
        for i, word in enumerate(words):
            b = big_button(f"{self.prefix}Chip{i}", word)
            b.setProperty("word", word)
            b.clicked.connect(lambda _=False, w=word: self.toggle_keyword(w))
            self.chips.append(b)
        self._place()

    def toggle_keyword(self, word: str) -> None:
        self.keyword = "" if self.keyword == word else word
        self._mark_chips()
        self.reload()

    def _mark_chips(self) -> None:
        for b in self.chips:
            word = b.property("word")
            on = word == self.keyword
            b.setText(f"✔{word}" if on else word)
            b.setAccessibleName(tr("jobs_browse.chip_on", word=word) if on else word)
            b.setProperty("role", "primary" if on else "")
            b.style().unpolish(b)
            b.style().polish(b)

    def _filter_changed(self, _value: Hashable) -> None:
        self.reload()

    def _elderly_changed(self, _on: bool) -> None:
        self._place()

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self._place()

    def _place(self) -> None:
        elderly = self.ctx.window.elderly
        fcols = self._filter_columns((2 if elderly else 3) if self._portrait else 1)
        for b in self.filters:
            self.filter_grid.removeWidget(b)
        for i, b in enumerate(self.filters):
            self.filter_grid.addWidget(b, i // fcols, i % fcols)
        ccols = 4 if self._portrait or not elderly else 3
        for chip in self.chips:
            self.chip_grid.removeWidget(chip)
        for i, chip in enumerate(self.chips):
            self.chip_grid.addWidget(chip, i // ccols, i % ccols)
        self.side.setVisible(bool(self.filters or self.chips))
        self._fit_side()
        QTimer.singleShot(0, self, self._refit)  # again once the theme's sizes are applied (cancelled if deleted)

    def _filter_columns(self, most: int) -> int:
        """Portrait: as many filter columns as allowed whose widest button still fits whole (nothing cut off)."""
        if most <= 1 or not self.filters:
            return most
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        room = self.width() - (margins.left() + margins.right() if margins is not None else 0)
        widest = max(b.sizeHint().width() for b in self.filters)
        spacing = self.filter_grid.spacing()
        while most > 1 and most * widest + (most - 1) * spacing > room:
            most -= 1
        return most

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._portrait and len(self.filters) > 1:
            self._refit()  # the columns depend on the width the page now has

    def _refit(self) -> None:
        if self._portrait and self.filters:
            elderly = self.ctx.window.elderly
            columns = self._filter_columns(2 if elderly else 3)
            placed = 1
            for b in self.filters:
                position: Any = self.filter_grid.getItemPosition(self.filter_grid.indexOf(b))  # (row, column, …)
                placed = max(placed, int(position[1]) + 1)
            if columns != placed and len(self.filters) > 1:
                for b in self.filters:
                    self.filter_grid.removeWidget(b)
                for i, b in enumerate(self.filters):
                    self.filter_grid.addWidget(b, i // columns, i % columns)
        self._fit_side()

    def _fit_side(self) -> None:
        """Landscape: the filter column is as wide as its buttons; portrait: as tall as they are (no scrolling)."""
        self.side_inner.adjustSize()
        hint = self.side_inner.sizeHint()
        if self._portrait:
            self.side.setMinimumWidth(0)
            self.side.setMaximumWidth(16_777_215)
            self.side.setFixedHeight(hint.height() + 4)
        else:
            self.side.setMinimumHeight(0)
            self.side.setMaximumHeight(16_777_215)
            self.side.setFixedWidth(hint.width() + self.side.verticalScrollBar().sizeHint().width() + 8)

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setAccessibleName(text)
        self.notice.setVisible(bool(text))

    # ---- loading ----
    def session_key(self) -> object:
        """What the shown results depend on besides the filters (e.g. who is logged in)."""
        s = self.ctx.services.session
        return None if s is None else (s.person_key, s.hard_to_employ)

    def on_enter(self) -> None:
        if self._loaded_for != self.session_key():
            self.reload()

    def reload(self) -> None:
        self.load(1)

    def query_state(self) -> dict[str, Any]:
        """The filters as plain values, read on the GUI thread."""
        return {f.objectName().removeprefix(self.prefix): f.value for f in self.filters} | {"keyword": self.keyword}

    def fetch(self, state: dict[str, Any], page: int) -> Fetched:
        raise NotImplementedError

    def empty_text(self) -> str:
        return tr("jobs_browse.none_found")

    def load(self, page: int, at_end: bool = False) -> None:
        self._seq += 1
        seq = self._seq
        state = self.query_state()
        self._loaded_for = self.session_key()

        def done(result: Fetched) -> None:
            if seq != self._seq:
                return  # a newer query was asked for meanwhile
            rows, total, page_size = result[:3]
            capped = len(result) > 3 and bool(result[3])
            self.results.show_page(rows, page=page, page_size=page_size, total=total, empty_text=self.empty_text(),
                                   at_end=at_end, total_capped=capped)
            self.count.setText(tr("jobs_browse.count_more" if capped else "jobs_browse.count", total=total)
                               if total else "")
            self.count.setAccessibleName(self.count.text())

        self.ctx.run(lambda: self.fetch(state, page), done, busy=None)

    def open_row(self, key: str) -> None:
        raise NotImplementedError

    def clear_personal(self) -> None:
        self.results.clear()
        self._loaded_for = object()  # reload on the next visit


class DetailPage(Page):
    """One item in full: title, highlighted figure, labelled fields, text, a QR code for the phone, 打印."""

    transient = True
    instruction_key = "voice.detail"

    def __init__(self, ctx: UiContext, page_id: str, prefix: str, qr_caption: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.page_id = page_id
        self.prefix = prefix
        self.setObjectName(f"{prefix}Page")
        self._build: Callable[[], object] | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(50, 16, 50, 12)
        outer.setSpacing(12)
        self.title = label(f"{prefix}Title", "", role="heading")
        outer.addWidget(self.title)
        self.highlight = label(f"{prefix}Highlight", "", role="guidance")
        outer.addWidget(self.highlight)
        self.main = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.main.setSpacing(40)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName(f"{prefix}Scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        touch_scroll(self.scroll_area.viewport())
        self.inner = QWidget()
        self.fields = QGridLayout(self.inner)
        self.fields.setHorizontalSpacing(24)
        self.fields.setVerticalSpacing(14)
        self.fields.setColumnStretch(1, 1)
        self.scroll_area.setWidget(self.inner)
        self.main.addWidget(self.scroll_area, 1)
        self.qr_box = QWidget()
        qr_lay = QVBoxLayout(self.qr_box)
        qr_lay.setContentsMargins(0, 0, 0, 0)
        self.qr = QrLabel(f"{prefix}Qr", qr_caption, side=300)
        self.qr_caption = label(f"{prefix}QrCaption", qr_caption, role="hint", wrap=False)
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        qr_lay.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_lay.addWidget(self.qr_caption, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_lay.addStretch(1)
        self.main.addWidget(self.qr_box)
        outer.addLayout(self.main, 1)
        actions, self.print_button = print_row(f"{prefix}Print", tr("jobs_browse.print"), self.print_it)
        self.read_button = read_aloud_button(f"{prefix}ReadAloud")
        actions.insertWidget(0, self.read_button)
        outer.addLayout(actions)
        self._labels: list[QLabel] = []

    def show_item(self, title: str, highlight: str, fields: Sequence[tuple[str, str]], *, text: str = "",
                  qr_payload: str = "", build: Callable[[], object] | None = None) -> None:
        """Fill the page; `build` composes the receipt (called off the GUI thread when printing)."""
        self.title.setText(title)
        self.title.setAccessibleName(title)
        self.highlight.setText(highlight)
        self.highlight.setAccessibleName(highlight)
        self.highlight.setVisible(bool(highlight))
        for lbl in self._labels:
            self.fields.removeWidget(lbl)
            lbl.deleteLater()
        self._labels = []
        row = 0
        for i, (key, value) in enumerate((k, v) for k, v in fields if v):
            k = label(f"{self.prefix}Key{i}", key, role="hint", wrap=False)
            k.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            v = label(f"{self.prefix}Value{i}", value)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.fields.addWidget(k, row, 0)
            self.fields.addWidget(v, row, 1)
            self._labels += [k, v]
            row += 1
        if text:
            t = label(f"{self.prefix}Text", text)
            self.fields.addWidget(t, row, 0, 1, 2)
            self._labels.append(t)
            row += 1
        self.fields.setRowStretch(row, 1)
        self.qr.set_payload(qr_payload)
        self.qr_box.setVisible(bool(qr_payload))
        self._build = build
        self.print_button.setVisible(build is not None)
        self.scroll_area.verticalScrollBar().setValue(0)

    def field_texts(self) -> list[str]:
        return [lbl.text() for lbl in self._labels]

    def print_it(self) -> None:
        if self._build is not None:
            self.ctx.print_document(self._build)

    def set_portrait(self, portrait: bool) -> None:
        self.main.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def clear_personal(self) -> None:
        self.show_item("", "", [])


