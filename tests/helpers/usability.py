"""Measure what a resident sees: smallest text and smallest touch target among visible widgets."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)


@dataclass(frozen=True)
class Finding:
    widget: str
    value: int


def _visible(w: QWidget) -> bool:
    return w.isVisible() and w.width() > 0 and w.height() > 0


def smallest_font(root: QWidget) -> Finding:
    """Smallest pixel font among visible labels, buttons and inputs with text."""
    best = Finding("<none>", 10_000)
    for w in [root, *root.findChildren(QWidget)]:
        if not isinstance(w, QLabel | QAbstractButton | QLineEdit) or not _visible(w):
            continue
        text = w.text() if hasattr(w, "text") else ""
        if not text:
            continue
        w.ensurePolished()
        px = w.font().pixelSize()
        if px <= 0:  # point-sized font: convert at the widget's DPI
            px = round(w.font().pointSizeF() * w.logicalDpiY() / 72)
        if px < best.value:
            best = Finding(f"{w.objectName() or type(w).__name__}:{text[:12]}", px)
    return best


def smallest_target(root: QWidget) -> Finding:
    """Smallest side of any visible enabled button."""
    best = Finding("<none>", 10_000)
    for w in root.findChildren(QAbstractButton):
        if not _visible(w):
            continue
        side = min(w.width(), w.height())
        if side < best.value:
            best = Finding(w.objectName() or w.text(), side)
    return best


def unnamed_interactive(root: QWidget) -> list[str]:
    """Interactive widgets without a stable objectName or an accessible name."""
    missing = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QAbstractButton | QLineEdit) and (not w.objectName() or not w.accessibleName()):
            missing.append(f"{type(w).__name__}:{getattr(w, 'text', lambda: '')()}")
    return missing


def _label_cut(lbl: QLabel) -> str | None:
    text = lbl.text()
    rich = lbl.textFormat() == Qt.TextFormat.RichText or (
        lbl.textFormat() == Qt.TextFormat.AutoText and text.lstrip().startswith("<"))
    if not text or rich:  # rich text lays out differently; none of the pages measured here uses it
        return None
    lbl.ensurePolished()
    fm = lbl.fontMetrics()
    room = lbl.contentsRect().adjusted(lbl.margin(), lbl.margin(), -lbl.margin(), -lbl.margin())
    if lbl.wordWrap():  # wrapped lines always fit the width; what can be cut is the height they need
        need = lbl.heightForWidth(lbl.width())
        if need > lbl.height():
            return f"needs {need} px high for its lines, has {lbl.height()} px"
        return None
    widest = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    if widest > room.width():
        return f"widest line {widest} px, has {room.width()} px"
    return None


def _button_cut(btn: QPushButton) -> str | None:
    text = btn.text()
    if not text:
        return None
    btn.ensurePolished()
    opt = QStyleOptionButton()
    btn.initStyleOption(opt)
    room = btn.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, btn)
    icon = btn.iconSize().width() + 4 if not btn.icon().isNull() else 0
    widest = max(btn.fontMetrics().horizontalAdvance(line) for line in text.split("\n")) + icon
    if widest > room.width():
        return f"widest line {widest} px, has {room.width()} px"
    return None


def cut_off_texts(root: QWidget) -> list[str]:
    """Every visible label or push button whose text does not fit its widget (it would be clipped or elided).

    Measured with the widget's own font (after the style sheet): a plain label or button by its widest
    line against the width it has, a word-wrapped label by the size its wrapped text needs.
    """
    cut = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _visible(w) or not w.isVisibleTo(root.window()):
            continue
        why = _label_cut(w) if isinstance(w, QLabel) else _button_cut(w) if isinstance(w, QPushButton) else None
        if why:
            cut.append(f"{w.objectName() or type(w).__name__} «{w.text()}»: {why}")
    return cut


# What may stand in Latin letters on a Chinese screen: kiosk ids (TZ-YQ-LJZ-01), units, and names that are
# written that way in China too.
LATIN_ALLOWED = frozenset({"TZ", "YQ", "LJZ", "km", "kg", "cm", "mm", "MB", "KB", "GB", "QR", "USB", "PIN", "ID",
                           "IC", "PC", "SC", "SAM", "PSAM", "ESC", "POS", "TCP", "HTTP", "HTTPS", "URL", "IP",
                           "CPU", "PDF", "CA", "UTC", "GB18030", "GBK", "UTF", "APP", "WiFi", "Python", "PySide6", "Qt"})


def _texts_of(w: QWidget) -> list[str]:
    from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QTextEdit

    if isinstance(w, QLabel | QAbstractButton):
        return [w.text()]
    if isinstance(w, QLineEdit):
        return [w.text(), w.placeholderText()]
    if isinstance(w, QPlainTextEdit):
        return [w.toPlainText(), w.placeholderText()]
    if isinstance(w, QTextEdit):
        return [w.toPlainText()]
    if isinstance(w, QAbstractItemView) and w.model() is not None:
        m = w.model()
        return [str(m.index(r, 0).data() or "") for r in range(min(m.rowCount(), 200))]
    return []


def latin_words(root: QWidget) -> list[str]:
    """English (Latin-letter) words a person would read among the visible texts under `root`.

    Not counted: paths and addresses (they contain '/'), codes of one letter or letters and digits
    (A1 driving licence, T01 technician), and widgets marked `verbatim` (a settings file shown as written).
    """
    import re

    found = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _visible(w) or not w.isVisibleTo(root.window()) or w.property("verbatim"):
            continue
        for text in _texts_of(w):
            for word in re.findall(r"[A-Za-z][A-Za-z0-9]*", re.sub(r"\S*/\S*", " ", text)):
                if word not in LATIN_ALLOWED and len(word) > 1 and not re.fullmatch(r"[A-Z]+[0-9]+", word):
                    found.append(f"{w.objectName() or type(w).__name__}: «{word}» in «{text[:60]}»")
    return found
