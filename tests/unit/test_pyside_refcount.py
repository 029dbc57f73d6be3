"""Regression: PySide6 6.12.0 drops a reference to None per void call and aborts Python 3.11."""

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_refcount() -> None:
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(3000):
        obj.setObjectName("x")
    after = sys.getrefcount(None)
    # A few references may come and go with the interpreter's own work; thousands may not.
    assert after >= before - 50, f"PySide6 {pyside_version} leaks None references: {before} → {after}"


def test_pinned_pyside_version() -> None:
    assert pyside_version == "6.11.3"
