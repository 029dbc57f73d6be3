"""The shared touch list of results: big painted rows, touch scrolling, visible 上一页/下一页, an empty-state text.

Rows live in a QAbstractListModel and are painted by a delegate (no widget per row). Results arrive a data
page at a time (`show_page`); 上一页/下一页 move one screenful, and at the end of the loaded rows ask the
owner for the next data page (`page_wanted`), so a resident who cannot swipe still reaches every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ui.text import tr
from ui.theme import Theme, theme_for
from ui.widgets import big_button, label, touch_scroll

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
PAD = 18  # inside a row card
GAP = 14  # between row cards


@dataclass(frozen=True)
class ResultRow:
    """One row: a title (with an optional right-hand figure such as pay), plain lines, a highlighted note."""

    key: str
    title: str
    right: str = ""
    lines: tuple[str, ...] = ()
    note: str = ""  # e.g. the reasons of a recommendation, shown in the accent colour

    def spoken(self) -> str:
        return "，".join(p for p in (self.title, self.right, *self.lines, self.note) if p)


class ResultModel(QAbstractListModel):
    """The rows of the current data page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ResultRow] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.spoken()
        if role == ROW_ROLE:
            return row
        return None

    def set_rows(self, rows: Sequence[ResultRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ResultRow]:
        return list(self._rows)

    def row_at(self, i: int) -> ResultRow:
        return self._rows[i]


class RowDelegate(QStyledItemDelegate):
    """Paints a row as a bordered card: title (large, bold) and right figure, lines, note; sizes from the theme."""

    def __init__(self, theme: Callable[[], Theme], width: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._width = width

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        s = self._theme().sizes
        title = QFont()
        title.setFamilies(["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans CJK"])
        title.setPixelSize(s.tile_px)
        title.setBold(True)
        body = QFont(title)
        body.setPixelSize(s.body_px)
        body.setBold(False)
        note = QFont(body)
        note.setBold(True)
        return title, body, note

    def _blocks(self, row: ResultRow, width: int) -> list[tuple[QFont, str, str, int]]:
        """(font, text, colour key, height) per block, wrapped to `width`."""
        title, body, note = self._fonts()
        inner = max(100, width - 2 * PAD - self._chevron_w(body))
        out = []
        right_w = QFontMetrics(title).horizontalAdvance(row.right) + PAD if row.right else 0
        out.append((title, row.title, "text", self._height(title, row.title, inner - right_w)))
        for line in row.lines:
            out.append((body, line, "muted_text", self._height(body, line, inner)))
        if row.note:
            out.append((note, row.note, "primary", self._height(note, row.note, inner)))
        return out

    @staticmethod
    def _chevron_w(font: QFont) -> int:
        return QFontMetrics(font).horizontalAdvance("›") + PAD * 2

    @staticmethod
    def _height(font: QFont, text: str, width: int) -> int:
        fm = QFontMetrics(font)
        rect = fm.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text)
        lines = max(1, round(rect.height() / fm.lineSpacing()))
        return lines * round(font.pixelSize() * 1.35)  # ≥ 1.3 × font size line spacing (MIIT)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        row = index.data(ROW_ROLE)
        width = self._width()
        if not isinstance(row, ResultRow):
            return QSize(width, self._theme().sizes.target_px)
        h = sum(b[3] for b in self._blocks(row, width)) + 2 * PAD + GAP
        return QSize(width, max(h, self._theme().sizes.target_px + GAP))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, ResultRow):
            return
        c = self._theme().colours
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = option.rect.adjusted(2, 2, -2, -GAP)
        pressed = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QPen(QColor(c.border), 3))
        painter.setBrush(QColor(c.pressed_bg if pressed else c.bg))
        painter.drawRoundedRect(card, 14, 14)
        title, body, _note = self._fonts()
        chevron_w = self._chevron_w(body)
        x, y = card.left() + PAD, card.top() + PAD
        inner = card.width() - 2 * PAD - chevron_w
        blocks = self._blocks(row, option.rect.width())
        for i, (font, text, colour, h) in enumerate(blocks):
            painter.setFont(font)
            painter.setPen(QColor(getattr(c, colour)))
            width = inner
            if i == 0 and row.right:
                rw = QFontMetrics(title).horizontalAdvance(row.right)
                painter.setPen(QColor(c.primary))
                painter.drawText(QRect(x + inner - rw, y, rw, h), int(Qt.AlignmentFlag.AlignRight), row.right)
                painter.setPen(QColor(c.text))
                width = inner - rw - PAD
            painter.drawText(QRect(x, y, width, h), int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), text)
            y += h
        painter.setFont(title)
        painter.setPen(QColor(c.primary))
        painter.drawText(QRect(card.right() - chevron_w, card.top(), chevron_w, card.height()),
                         int(Qt.AlignmentFlag.AlignCenter), "›")
        painter.restore()


class _TouchListView(QListView):
    """A list view that re-lays its rows out when the theme (font size) or its width changes."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.doItemsLayout()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.doItemsLayout()


def row_width_of(view: QListView) -> int:
    """The width a row card is laid out to in `view`."""
    return max(300, view.viewport().width() - 4)


class ResultList(QWidget):
    """Touch list + 上一页/下一页 + position text + empty-state text. `name` prefixes every objectName."""

    row_chosen = Signal(str)  # the row's key
    page_wanted = Signal(int)  # a 1-based data page the owner should load and hand to show_page

    def __init__(self, name: str, *, elderly: Callable[[], bool] = lambda: False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._elderly = elderly
        self.page = 1
        self.pages = 1
        self.page_size = 20
        self.total = 0
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        self.model = ResultModel(self)
        self.view = _TouchListView()
        self.view.setObjectName(f"{name}List")
        self.view.setAccessibleName(tr("jobs_list.accessible"))
        self.view.setModel(self.model)
        # The closures name the view and the `elderly` callable, never this widget: see row_width_of.
        view = self.view
        self.delegate = RowDelegate(lambda: theme_for(elderly()), lambda: row_width_of(view), self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setUniformItemSizes(False)
        self.view.setFrameShape(QListView.Shape.NoFrame)
        self.view.clicked.connect(self._clicked)
        touch_scroll(self.view.viewport())
        lay.addWidget(self.view, 1)
        self.empty = label(f"{name}Empty", "", role="heading")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        lay.addWidget(self.empty, 1)
        nav = QHBoxLayout()
        nav.setSpacing(24)
        self.prev = big_button(f"{name}Prev", tr("jobs_list.prev"))
        self.next = big_button(f"{name}Next", tr("jobs_list.next"))
        self.position = label(f"{name}Position", "", wrap=False)
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev.clicked.connect(self.previous_screen)
        self.next.clicked.connect(self.next_screen)
        nav.addWidget(self.prev)
        nav.addWidget(self.position, 1)
        nav.addWidget(self.next)
        lay.addLayout(nav)
        self._pending_end = False
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._update_nav())
        self.view.verticalScrollBar().rangeChanged.connect(lambda _a, _b: self._update_nav())

    # ---- content ----
    def show_page(self, rows: Sequence[ResultRow], *, page: int = 1, page_size: int | None = None,
                  total: int | None = None, empty_text: str = "", at_end: bool = False,
                  total_capped: bool = False) -> None:
        """Show one data page of rows; `at_end` scrolls to its last screen (when paging backwards).

        `total_capped`: more rows match than were counted; `total` is the counted part ("共 200 多条") and
        下一页 stays on at its last page."""
        self.page = page
        if page_size is not None:
            self.page_size = page_size
        self.total = len(rows) if total is None else total
        self.total_capped = total_capped
        self.pages = max(1, -(-self.total // max(1, self.page_size)))
        self.model.set_rows(rows)
        has_rows = bool(rows)
        self.view.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        if not has_rows:
            self.empty.setText(empty_text or tr("jobs_list.empty"))
            self.empty.setAccessibleName(self.empty.text())
        self.view.doItemsLayout()
        if at_end:
            self.view.scrollToBottom()
        else:
            self.view.scrollToTop()
        self._update_nav()
        QTimer.singleShot(0, self, self._update_nav)  # once the rows are laid out (cancelled if deleted)

    def clear(self) -> None:
        self.model.set_rows([])
        self.total = 0
        self.total_capped = False
        self.page = self.pages = 1
        self.position.setText("")
        self._update_nav()

    def rows(self) -> list[ResultRow]:
        return self.model.rows()

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.row_chosen.emit(self.model.row_at(index.row()).key)

    def row_rect(self, i: int) -> QRect:
        """Where row `i` is in the view's viewport (for tests and tours)."""
        return self.view.visualRect(self.model.index(i, 0))

    # ---- moving a screenful ----
    def _visible_range(self) -> tuple[int, int]:
        """First and last row at least partly visible (-1, -1 when empty)."""
        n = self.model.rowCount()
        if n == 0:
            return -1, -1
        vp = self.view.viewport().rect()
        first = self.view.indexAt(QPoint(10, 1)).row()
        last = self.view.indexAt(QPoint(10, vp.height() - GAP - 1)).row()
        first = 0 if first < 0 else first
        last = n - 1 if last < 0 else last
        return first, last

    def _at_top(self) -> bool:
        return self.view.verticalScrollBar().value() <= self.view.verticalScrollBar().minimum()

    def _at_bottom(self) -> bool:
        return self.view.verticalScrollBar().value() >= self.view.verticalScrollBar().maximum()

    def next_screen(self) -> None:
        """Scroll one screenful down; at the bottom of this data page, ask for the next one."""
        if not self._at_bottom():
            _first, last = self._visible_range()
            bar = self.view.verticalScrollBar()
            rect = self.row_rect(last)
            # the last row shown partly becomes the top row; a fully shown last row is followed by the next
            target = last if rect.bottom() > self.view.viewport().height() - GAP else last + 1
            target = min(target, self.model.rowCount() - 1)
            before = bar.value()
            self.view.scrollTo(self.model.index(target, 0), QAbstractItemView.ScrollHint.PositionAtTop)
            if bar.value() == before:
                bar.setValue(bar.maximum())
        elif self.page < self.pages or self.total_capped:  # a capped total: more rows beyond the counted part
            self.page_wanted.emit(self.page + 1)
        self._update_nav()

    def previous_screen(self) -> None:
        """Scroll one screenful up; at the top of this data page, ask for the previous one (shown at its end)."""
        if not self._at_top():
            bar = self.view.verticalScrollBar()
            bar.setValue(max(bar.minimum(), bar.value() - self.view.viewport().height() + GAP))
            first, _last = self._visible_range()
            if first >= 0 and self.row_rect(first).top() < 0 and bar.value() > bar.minimum():
                self.view.scrollTo(self.model.index(first, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        elif self.page > 1:
            self.page_wanted.emit(self.page - 1)
        self._update_nav()

    def _update_nav(self) -> None:
        n = self.model.rowCount()
        if n == 0:
            self.position.setText("")
            for b in (self.prev, self.next):
                b.setEnabled(False)
            return
        first, last = self._visible_range()
        offset = (self.page - 1) * self.page_size
        self.position.setText(tr("jobs_list.position_more" if self.total_capped else "jobs_list.position",
                                 first=offset + first + 1, last=offset + last + 1, total=self.total))
        self.position.setAccessibleName(self.position.text())
        self.prev.setEnabled(not self._at_top() or self.page > 1)
        self.next.setEnabled(not self._at_bottom() or self.page < self.pages or self.total_capped)
