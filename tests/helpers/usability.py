"""Measure what a resident sees: smallest text and smallest touch target among visible widgets."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget


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
