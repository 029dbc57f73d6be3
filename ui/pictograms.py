"""Pictures for words on the home and group tiles, drawn with QPainter like the attract screen's cards.

Which picture a tile gets is data (config/pictograms.toml, read by kiosk/pictograms.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.pictograms import picture_for_group, picture_for_item

__all__ = ["DRAW", "Pictogram", "picture_for_group", "picture_for_item"]
INK = "#0B4F8A"
ACCENT = "#C25E00"
FILL = "#DDEBF7"


class Pictogram(QWidget):
    """One drawn picture (see DRAW for the names); takes no input, so the tile under it gets the tap."""

    def __init__(self, kind: str, height: int = 80, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind if kind in DRAW else "document"
        self.setObjectName(f"pictogram_{self.kind}")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFixedHeight(height)
        self.setMinimumWidth(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(self.height(), self.height())

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 4
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        DRAW[self.kind](p, box)


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _w(b: QRectF) -> float:
    return max(3.0, b.width() / 16)


def _briefcase(p: QPainter, b: QRectF) -> None:
    body = QRectF(b.left() + b.width() * 0.08, b.top() + b.height() * 0.3, b.width() * 0.84, b.height() * 0.58)
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    p.drawRoundedRect(body, 8, 8)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(b.center().x() - b.width() * 0.16, b.top() + b.height() * 0.14, b.width() * 0.32,
                             b.height() * 0.18), 5, 5)
    p.drawLine(QPointF(body.left(), body.top() + body.height() * 0.4), QPointF(body.right(), body.top() + body.height() * 0.4))
    p.setPen(_pen(ACCENT, _w(b)))
    p.drawLine(QPointF(b.center().x(), body.top() + body.height() * 0.3), QPointF(b.center().x(), body.top() + body.height() * 0.55))


def _toolbox(p: QPainter, b: QRectF) -> None:
    # a spanner over a box: learning a trade
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    p.drawRoundedRect(QRectF(b.left() + b.width() * 0.1, b.top() + b.height() * 0.5, b.width() * 0.8, b.height() * 0.38), 6, 6)
    p.setPen(_pen(ACCENT, _w(b) * 1.4))
    p.drawLine(QPointF(b.left() + b.width() * 0.3, b.top() + b.height() * 0.44), QPointF(b.left() + b.width() * 0.72, b.top() + b.height() * 0.12))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(_pen(ACCENT, _w(b)))
    p.drawEllipse(QPointF(b.left() + b.width() * 0.75, b.top() + b.height() * 0.12), b.width() * 0.1, b.width() * 0.1)


def _shield(p: QPainter, b: QRectF) -> None:
    path = QPainterPath()
    cx = b.center().x()
    path.moveTo(cx, b.top() + b.height() * 0.06)
    path.lineTo(b.left() + b.width() * 0.86, b.top() + b.height() * 0.2)
    path.quadTo(b.left() + b.width() * 0.84, b.top() + b.height() * 0.74, cx, b.bottom() - b.height() * 0.04)
    path.quadTo(b.left() + b.width() * 0.16, b.top() + b.height() * 0.74, b.left() + b.width() * 0.14, b.top() + b.height() * 0.2)
    path.closeSubpath()
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    p.drawPath(path)
    p.setPen(_pen(ACCENT, _w(b) * 1.3))
    p.drawLine(QPointF(cx, b.top() + b.height() * 0.3), QPointF(cx, b.top() + b.height() * 0.66))
    p.drawLine(QPointF(cx - b.width() * 0.17, b.top() + b.height() * 0.48), QPointF(cx + b.width() * 0.17, b.top() + b.height() * 0.48))


def _card(p: QPainter, b: QRectF) -> None:
    r = QRectF(b.left() + b.width() * 0.04, b.top() + b.height() * 0.2, b.width() * 0.92, b.height() * 0.6)
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor("#FCE4D6"))
    p.drawRoundedRect(r, 8, 8)
    p.setBrush(QColor("#C9A227"))
    p.setPen(_pen("#7A5C00", _w(b) / 2))
    p.drawRoundedRect(QRectF(r.left() + r.width() * 0.1, r.top() + r.height() * 0.3, r.width() * 0.24, r.height() * 0.36), 4, 4)
    p.setPen(_pen("#B00020", _w(b)))
    p.drawLine(QPointF(r.left() + r.width() * 0.46, r.top() + r.height() * 0.38), QPointF(r.right() - r.width() * 0.1, r.top() + r.height() * 0.38))
    p.drawLine(QPointF(r.left() + r.width() * 0.46, r.top() + r.height() * 0.62), QPointF(r.right() - r.width() * 0.22, r.top() + r.height() * 0.62))


def _cap(p: QPainter, b: QRectF) -> None:
    cx = b.center().x()
    top = QPainterPath()
    top.moveTo(b.left() + b.width() * 0.04, b.top() + b.height() * 0.38)
    top.lineTo(cx, b.top() + b.height() * 0.18)
    top.lineTo(b.right() - b.width() * 0.04, b.top() + b.height() * 0.38)
    top.lineTo(cx, b.top() + b.height() * 0.58)
    top.closeSubpath()
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(INK))
    p.drawPath(top)
    p.setBrush(QColor(FILL))
    p.drawRoundedRect(QRectF(cx - b.width() * 0.24, b.top() + b.height() * 0.5, b.width() * 0.48, b.height() * 0.26), 6, 6)
    p.setPen(_pen(ACCENT, _w(b)))
    p.drawLine(QPointF(b.right() - b.width() * 0.14, b.top() + b.height() * 0.42), QPointF(b.right() - b.width() * 0.14, b.top() + b.height() * 0.78))


def _folder(p: QPainter, b: QRectF) -> None:
    path = QPainterPath()
    path.moveTo(b.left() + b.width() * 0.06, b.top() + b.height() * 0.2)
    path.lineTo(b.left() + b.width() * 0.4, b.top() + b.height() * 0.2)
    path.lineTo(b.left() + b.width() * 0.48, b.top() + b.height() * 0.3)
    path.lineTo(b.right() - b.width() * 0.06, b.top() + b.height() * 0.3)
    path.lineTo(b.right() - b.width() * 0.06, b.bottom() - b.height() * 0.14)
    path.lineTo(b.left() + b.width() * 0.06, b.bottom() - b.height() * 0.14)
    path.closeSubpath()
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    p.drawPath(path)
    p.setPen(_pen(ACCENT, _w(b) * 1.2))  # a tick: something done
    p.drawPolyline([QPointF(b.left() + b.width() * 0.34, b.top() + b.height() * 0.56),
                    QPointF(b.left() + b.width() * 0.46, b.top() + b.height() * 0.68),
                    QPointF(b.left() + b.width() * 0.68, b.top() + b.height() * 0.44)])


def _person(p: QPainter, cx: float, top: float, size: float, colour: str) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(QPointF(cx, top + size * 0.18), size * 0.16, size * 0.16)
    p.drawRoundedRect(QRectF(cx - size * 0.26, top + size * 0.4, size * 0.52, size * 0.5), size * 0.2, size * 0.2)


def _people(p: QPainter, b: QRectF) -> None:
    s = b.width() * 0.62
    _person(p, b.left() + b.width() * 0.3, b.top() + b.height() * 0.12, s, INK)
    _person(p, b.left() + b.width() * 0.7, b.top() + b.height() * 0.12, s, ACCENT)


def _document(p: QPainter, b: QRectF) -> None:
    r = QRectF(b.left() + b.width() * 0.2, b.top() + b.height() * 0.06, b.width() * 0.6, b.height() * 0.86)
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor("#FFFFFF"))
    p.drawRoundedRect(r, 6, 6)
    for i in range(4):
        y = r.top() + r.height() * (0.22 + 0.18 * i)
        p.drawLine(QPointF(r.left() + r.width() * 0.18, y), QPointF(r.right() - r.width() * (0.18 if i < 3 else 0.4), y))


def _pension(p: QPainter, b: QRectF) -> None:
    # an older person with a walking stick
    s = b.width() * 0.78
    _person(p, b.left() + b.width() * 0.42, b.top() + b.height() * 0.06, s, INK)
    p.setPen(_pen(ACCENT, _w(b) * 1.2))
    p.drawLine(QPointF(b.left() + b.width() * 0.78, b.top() + b.height() * 0.5), QPointF(b.left() + b.width() * 0.78, b.bottom() - b.height() * 0.04))
    p.drawArc(QRectF(b.left() + b.width() * 0.66, b.top() + b.height() * 0.42, b.width() * 0.24, b.height() * 0.16), 0, 180 * 16)


def _medical(p: QPainter, b: QRectF) -> None:
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    p.drawRoundedRect(b.adjusted(b.width() * 0.1, b.height() * 0.1, -b.width() * 0.1, -b.height() * 0.1), 10, 10)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#B00020"))
    c = b.center()
    arm, thick = b.width() * 0.28, b.width() * 0.12
    p.drawRect(QRectF(c.x() - thick, c.y() - arm, 2 * thick, 2 * arm))
    p.drawRect(QRectF(c.x() - arm, c.y() - thick, 2 * arm, 2 * thick))


def _umbrella(p: QPainter, b: QRectF) -> None:
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    canopy = QRectF(b.left() + b.width() * 0.06, b.top() + b.height() * 0.1, b.width() * 0.88, b.height() * 0.7)
    p.drawChord(canopy, 0, 180 * 16)
    cx = b.center().x()
    p.setPen(_pen(ACCENT, _w(b)))
    p.drawLine(QPointF(cx, canopy.center().y()), QPointF(cx, b.bottom() - b.height() * 0.16))
    p.drawArc(QRectF(cx - b.width() * 0.14, b.bottom() - b.height() * 0.26, b.width() * 0.14, b.height() * 0.2), 180 * 16, 180 * 16)


def _coin(p: QPainter, b: QRectF) -> None:
    p.setPen(_pen("#7A5C00", _w(b)))
    p.setBrush(QColor("#F2D16B"))
    p.drawEllipse(b.adjusted(b.width() * 0.12, b.height() * 0.12, -b.width() * 0.12, -b.height() * 0.12))
    c = b.center()
    p.setPen(_pen("#7A5C00", _w(b)))
    p.drawPolyline([QPointF(c.x() - b.width() * 0.15, c.y() - b.height() * 0.2), QPointF(c.x(), c.y()),
                    QPointF(c.x() + b.width() * 0.15, c.y() - b.height() * 0.2)])
    p.drawLine(QPointF(c.x(), c.y()), QPointF(c.x(), c.y() + b.height() * 0.22))
    p.drawLine(QPointF(c.x() - b.width() * 0.13, c.y() + b.height() * 0.06), QPointF(c.x() + b.width() * 0.13, c.y() + b.height() * 0.06))


def _house(p: QPainter, b: QRectF) -> None:
    roof = QPainterPath()
    roof.moveTo(b.left() + b.width() * 0.06, b.top() + b.height() * 0.46)
    roof.lineTo(b.center().x(), b.top() + b.height() * 0.1)
    roof.lineTo(b.right() - b.width() * 0.06, b.top() + b.height() * 0.46)
    p.setPen(_pen(ACCENT, _w(b) * 1.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(roof)
    p.setPen(_pen(INK, _w(b)))
    p.setBrush(QColor(FILL))
    p.drawRect(QRectF(b.left() + b.width() * 0.18, b.top() + b.height() * 0.44, b.width() * 0.64, b.height() * 0.46))
    p.setBrush(QColor(INK))
    p.drawRect(QRectF(b.center().x() - b.width() * 0.08, b.top() + b.height() * 0.62, b.width() * 0.16, b.height() * 0.28))


DRAW: dict[str, Callable[[QPainter, QRectF], None]] = {
    "briefcase": _briefcase, "toolbox": _toolbox, "shield": _shield, "card": _card, "cap": _cap,
    "folder": _folder, "people": _people, "document": _document, "pension": _pension, "medical": _medical,
    "umbrella": _umbrella, "coin": _coin, "house": _house,
}
