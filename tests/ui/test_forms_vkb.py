"""The pinyin keyboard embedded in our window: run in a child Python with QT_IM_MODULE set before Qt starts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import os, sys
    from tests.helpers.qt_env import configure_offscreen
    configure_offscreen()
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
    app = QApplication(sys.argv[:1])
    from kiosk.forms import load_forms
    from ui.flows.form_steps import QuestionStep
    from ui.vkb import VirtualKeyboard, keyboard_available
    assert keyboard_available()
    form = load_forms()["7"]
    w = QWidget(); lay = QVBoxLayout(w)
    step = QuestionStep(form.field("description"), [], window=w, elderly=False, portrait=False,
                        keyboard_factory=VirtualKeyboard)
    lay.addWidget(step)
    w.setGeometry(0, 0, 1920, 1080); w.show()
    out = {}
    def first():
        w.activateWindow(); step.edit.setFocus(); QTest.mouseClick(step.edit, Qt.MouseButton.LeftButton)
        QTimer.singleShot(500, second)
    def second():
        kb = step.keyboard
        out["ready"] = kb.ready
        out["locale"] = kb.locale()
        out["candidate"] = kb.type_pinyin("nihao")
        QTimer.singleShot(300, third)
    def third():
        out["text"] = step.edit.text()
        print("RESULT", repr(out), flush=True)
        app.quit()
    QTimer.singleShot(300, first)
    QTimer.singleShot(15000, app.quit)
    app.exec()
""")


@pytest.mark.timeout(60)
def test_pinyin_keyboard_types_chinese_into_a_form_text_field() -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=50)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-3000:]
    result = eval(lines[-1][len("RESULT "):])  # our own child's repr of a dict of str/bool
    assert result["ready"] is True
    assert result["locale"].startswith("zh")
    assert result["candidate"] == "你好"
    assert result["text"] == "你好"
