"""Small reusable widgets: big buttons, headings, status lamps, drawn card pictograms, touch scrolling."""

from __future__ import annotations

import atexit
import math
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QScroller, QSizePolicy, QVBoxLayout, QWidget

from ui.text import tr

TOUCH_SCROLL_ANCHOR = "touchScrollAnchor"
READ_ALOUD = "readAloud"  # the property that marks a 朗读 button (ui/voice.py wires it)


def _release_touch_scroll_anchor(anchor: QObject) -> None:
    if shiboken6.isValid(anchor):
        shiboken6.delete(anchor)


def touch_scroll(viewport: QWidget) -> None:
    """Let a finger flick the content of a scroll area's `viewport` (QScroller's touch gesture).

    QScroller.grabGesture registers a new gesture recognizer on every call, under a new gesture type
    number that Qt never hands out again, and PySide6 builds a Python enum class for each new number:
    pages built for every resident session would each leave that behind. Qt's flick recognizer makes
    its gesture per target widget, so one recognizer — registered once, on an anchor object owned by the
    application — serves every viewport; each viewport only grabs that gesture type.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("touch_scroll needs the QApplication (widgets exist only after it)")
    anchor = app.findChild(QObject, TOUCH_SCROLL_ANCHOR, Qt.FindChildOption.FindDirectChildrenOnly)
    if anchor is None:
        anchor = QObject(app)
        anchor.setObjectName(TOUCH_SCROLL_ANCHOR)
        gesture = QScroller.grabGesture(anchor, QScroller.ScrollerGestureType.TouchGesture)
        anchor.setProperty("gestureType", int(gesture))
        # Left to the QApplication's destructor, the anchor's scroller would unregister its recogniser
        # from a gesture manager already gone (a crash at exit): release it first. Python runs exit
        # handlers newest first, so this runs before PySide6 destroys the application.
        atexit.register(_release_touch_scroll_anchor, anchor)
    QScroller.scroller(viewport)  # the flick gesture drives the scroller its target already has
    viewport.grabGesture(Qt.GestureType(int(anchor.property("gestureType"))))
    viewport.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)


def _round_pen(colour: str, width: int) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def big_button(object_name: str, text: str, role: str = "", parent: QWidget | None = None) -> QPushButton:
    """A touch button with a stable objectName and accessible name."""
    b = QPushButton(text, parent)
    b.setObjectName(object_name)
    b.setAccessibleName(text)
    if role:
        b.setProperty("role", role)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return b


def label(object_name: str, text: str, role: str = "", wrap: bool = True, parent: QWidget | None = None) -> QLabel:
    lbl = QLabel(text, parent)
    lbl.setObjectName(object_name)
    lbl.setAccessibleName(text)
    if role:
        lbl.setProperty("role", role)
    lbl.setWordWrap(wrap)
    return lbl


class Lamp(QWidget):
    """A coloured dot: green ok, amber attention, red fault, grey unknown (always paired with text)."""

    COLOURS = {"ok": "#1B7F3B", "warn": "#B36200", "bad": "#B00020", "unknown": "#6B6B6B"}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = "unknown"
        self.setFixedSize(26, 26)

    def set_level(self, level: str) -> None:
        self._level = level if level in self.COLOURS else "unknown"
        self.update()

    def level(self) -> str:
        return self._level

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(self.COLOURS[self._level]))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(self.rect().adjusted(2, 2, -2, -2))


class CardPictogram(QWidget):
    """A drawn picture of what to use: 'id_card', 'ss_card' or 'essc' (phone with a QR code)."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(300, 200)

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(10, 10, -10, -10)
        if self.kind == "essc":
            self._phone(p, r)
        else:
            self._card(p, r)

    def _card(self, p: QPainter, area: QRectF) -> None:
        w = min(area.width(), area.height() * 1.58)
        h = w / 1.58
        r = QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)
        fill = "#DDEBF7" if self.kind == "id_card" else "#FCE4D6"
        p.setPen(QPen(QColor("#0B4F8A"), 5))
        p.setBrush(QColor(fill))
        p.drawRoundedRect(r, 16, 16)
        if self.kind == "id_card":
            # portrait silhouette on the right, text lines on the left
            head = QRectF(r.right() - w * 0.30, r.top() + h * 0.18, w * 0.16, w * 0.16)
            p.setBrush(QColor("#0B4F8A"))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawEllipse(head)
            body = QPainterPath()
            body.addRoundedRect(QRectF(head.left() - w * 0.04, head.bottom() + 4, w * 0.24, h * 0.30), 20, 20)
            p.drawPath(body)
            p.setPen(_round_pen("#0B4F8A", 8))
            for i in range(3):
                y = r.top() + h * (0.30 + 0.2 * i)
                p.drawLine(int(r.left() + w * 0.10), int(y), int(r.left() + w * 0.52), int(y))
        else:
            chip = QRectF(r.left() + w * 0.12, r.top() + h * 0.30, w * 0.22, h * 0.34)
            p.setBrush(QColor("#C9A227"))
            p.setPen(QPen(QColor("#7A5C00"), 3))
            p.drawRoundedRect(chip, 8, 8)
            p.drawLine(QPointF(chip.center().x(), chip.top()), QPointF(chip.center().x(), chip.bottom()))
            p.drawLine(QPointF(chip.left(), chip.center().y()), QPointF(chip.right(), chip.center().y()))
            p.setPen(_round_pen("#B00020", 8))
            p.drawLine(int(r.left() + w * 0.45), int(r.top() + h * 0.4), int(r.right() - w * 0.1), int(r.top() + h * 0.4))
            p.drawLine(int(r.left() + w * 0.45), int(r.top() + h * 0.6), int(r.right() - w * 0.2), int(r.top() + h * 0.6))

    def _phone(self, p: QPainter, area: QRectF) -> None:
        w = min(area.width(), area.height() * 0.55)
        h = w / 0.55
        r = QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)
        p.setPen(QPen(QColor("#1A1A1A"), 5))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRoundedRect(r, 14, 14)
        q = QRectF(r.left() + w * 0.15, r.top() + h * 0.22, w * 0.7, w * 0.7)
        cell = q.width() / 7
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#1A1A1A"))
        pattern = ["1110111", "1010101", "1110111", "0001000", "1110101", "1010011", "1110110"]
        for y, row in enumerate(pattern):
            for x, bit in enumerate(row):
                if bit == "1":
                    p.drawRect(QRectF(q.left() + x * cell, q.top() + y * cell, cell, cell))


class TextTile(QPushButton):
    """A big touch tile whose words wrap: a title line and an optional smaller line beneath.

    A plain QPushButton cannot wrap, so long item names were cut off at both ends. Here two word-wrapped
    labels sit inside the button (clicks pass through them) and the tile reports the height its text
    needs for a given width, so a grid gives every tile room for its whole name.
    """

    def __init__(self, object_name: str, title: str, subtitle: str = "", accessible: str = "",
                 parent: QWidget | None = None, *, picture: QWidget | None = None) -> None:
        """`picture`: a drawn pictogram above the words (ui/pictograms.py), for those who read little."""
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("role", "tile")
        self.setAccessibleName(accessible or " ".join(t for t in (title, subtitle) if t))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        sp = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)  # a button's is Fixed
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 14, 20, 14)
        lay.setSpacing(6)
        self._words = (title, subtitle)
        self.title = self._line(f"{object_name}_title", title, "tileTitle")
        self.subtitle = self._line(f"{object_name}_subtitle", subtitle, "tileSubtitle")
        self.subtitle.setVisible(bool(subtitle))
        lay.addStretch(1)
        self.picture = picture
        if picture is not None:
            picture.setParent(self)
            lay.addWidget(picture)
        lay.addWidget(self.title)
        lay.addWidget(self.subtitle)
        lay.addStretch(1)
        self.pressed.connect(lambda: self._set_down_look(True))
        self.released.connect(lambda: self._set_down_look(False))

    def _line(self, name: str, text: str, role: str) -> QLabel:
        lbl = label(name, text, role=role, parent=self)
        lbl.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lbl.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        lbl.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        return lbl

    def _set_down_look(self, down: bool) -> None:
        """Labels do not follow the button's :pressed colours by themselves."""
        for lbl in (self.title, self.subtitle):
            lbl.setProperty("down", down)
            lbl.style().unpolish(lbl)
            lbl.style().polish(lbl)

    def texts(self) -> tuple[str, str]:
        return self._words

    def _balance(self) -> None:
        """Break a name that needs two or more lines into lines of even length (居民补充养老 / 保险参保), not a full
        line and a lone character (居民补充养老保险参 / 保) as Qt's wrapping at any CJK character does."""
        lay = self.layout()
        width = self.width() - (lay.contentsMargins().left() + lay.contentsMargins().right() if lay is not None else 0)
        for lbl, text in zip((self.title, self.subtitle), self._words, strict=True):
            shown = balanced_lines(text, lbl.fontMetrics().horizontalAdvance, width)
            if lbl.text() != shown:
                lbl.setText(shown)

    def resizeEvent(self, e: QResizeEvent) -> None:
        self._balance()
        super().resizeEvent(e)

    def event(self, e: QEvent) -> bool:
        handled = super().event(e)
        if e.type() == QEvent.Type.LayoutRequest:
            self._balance()
            # A label's font changed (长辈模式) or its text: the height this tile needs changed with it,
            # and the grid above caches that height until told.
            self.updateGeometry()
        return handled

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        lay = self.layout()
        need = lay.totalHeightForWidth(width) if lay is not None else 0
        return max(need, self.minimumHeight())

    def sizeHint(self) -> QSize:
        w = max(self.title.sizeHint().width(), self.subtitle.sizeHint().width() if self.subtitle.isVisible() else 0)
        w += 40
        return QSize(w, self.heightForWidth(w))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth() or 200, self.minimumHeight())


_NO_LINE_START = "，。、；：！？）》」』”’"


def balanced_lines(text: str, advance: Callable[[str], int], width: int) -> str:
    """`text` as lines of about equal length that each fit `width` (by `advance`, a font's width of a string),
    in as few lines as the width allows; unchanged when it fits, has latin words (never split) or no width yet.
    No line starts with closing punctuation."""
    if width <= 0 or not text or advance(text) <= width or any(c.isascii() and c.isalnum() for c in text):
        return text
    for lines in range(max(2, math.ceil(advance(text) / width)), len(text) + 1):
        per = math.ceil(len(text) / lines)
        chunks = [text[i:i + per] for i in range(0, len(text), per)]
        for i in range(1, len(chunks)):
            while chunks[i] and chunks[i][0] in _NO_LINE_START:
                chunks[i - 1] += chunks[i][0]
                chunks[i] = chunks[i][1:]
        chunks = [c for c in chunks if c]
        if all(advance(c) <= width for c in chunks):
            return "\n".join(chunks)
    return text


def speaker_icon(colour: str = "#0B4F8A", size: int = 64) -> QIcon:
    """A drawn loudspeaker with sound waves (no image file)."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(colour)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    s = size / 64
    body = QPainterPath()
    body.moveTo(8 * s, 24 * s)
    body.lineTo(20 * s, 24 * s)
    body.lineTo(34 * s, 10 * s)
    body.lineTo(34 * s, 54 * s)
    body.lineTo(20 * s, 40 * s)
    body.lineTo(8 * s, 40 * s)
    body.closeSubpath()
    p.drawPath(body)
    pen = QPen(c, 5 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for r in (10, 20):
        p.drawArc(QRectF(32 * s - r * s, 32 * s - r * s, 2 * r * s, 2 * r * s), -45 * 16, 90 * 16)
    p.end()
    return QIcon(pm)


def read_aloud_button(object_name: str = "readAloud") -> QPushButton:
    """The 🔊 朗读 button of a content page: reads the page's visible text in order (wired by VoiceGuide)."""
    b = big_button(object_name, tr("voice.read_aloud"))
    b.setIcon(speaker_icon())
    b.setIconSize(QSize(40, 40))
    b.setProperty(READ_ALOUD, True)
    return b
