"""The pinyin keyboard embedded in our window: run in a child Python with QT_IM_MODULE set before Qt starts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers.qt_env import run_qt_child

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
        out["locale"] = kb.keyboard_locale()
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
    result = run_qt_child(CHILD)
    assert result["ready"] is True
    assert result["locale"].startswith("zh")
    assert result["candidate"] == "你好"
    assert result["text"] == "你好"


# 招聘零工登记 has two text questions (其他说明, and 所在村 changed from the review): the form makes one
# keyboard and the question shown takes it in; a second keyboard panel took the input engine from the
# first, whose keys then offered no candidate at all.
TWO_QUESTIONS_CHILD = textwrap.dedent("""
    import os, sys
    from tests.helpers.qt_env import configure_offscreen
    configure_offscreen()
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QStackedLayout, QWidget
    app = QApplication(sys.argv[:1])
    from kiosk.forms import load_forms
    from ui.flows.form_page import _keyboard_factory
    from ui.flows.form_steps import QuestionStep
    form = load_forms()["7"]
    texts = [f for f in form.questions if f.kind.value == "text"]
    assert len(texts) >= 2, [f.id for f in texts]
    w = QWidget(); lay = QStackedLayout(w)
    keyboard = _keyboard_factory()
    steps = [QuestionStep(f, [], window=w, elderly=False, portrait=False, keyboard_factory=keyboard)
             for f in texts]
    for s in steps:
        lay.addWidget(s)
    first = steps[0]
    w.setGeometry(0, 0, 1920, 1080); w.show()
    out = {"one_keyboard": len({id(s.keyboard) for s in steps}) == 1}
    def show_first():
        first.attach_keyboard(); lay.setCurrentWidget(first)
        w.activateWindow(); first.edit.setFocus(); QTest.mouseClick(first.edit, Qt.MouseButton.LeftButton)
        QTimer.singleShot(500, type_it)
    def type_it():
        out["under_first"] = first.keyboard.parent() is first
        out["candidate"] = first.keyboard.type_pinyin("nihao")
        QTimer.singleShot(300, done)
    def done():
        out["text"] = first.edit.text()
        print("RESULT", repr(out), flush=True)
        app.quit()
    QTimer.singleShot(300, show_first)
    QTimer.singleShot(15000, app.quit)
    app.exec()
""")


@pytest.mark.timeout(60)
def test_a_form_with_two_text_questions_types_chinese_into_the_one_shown() -> None:
    result = run_qt_child(TWO_QUESTIONS_CHILD)
    assert result == {"one_keyboard": True, "under_first": True, "candidate": "你好", "text": "你好"}


# Two residents, one after the other, at a real form text field: the first spells a rare name
# piecewise (李 + 雨 + 涵, none of them the engine's first guess), which Qt's pinyin engine would
# learn and offer the next resident first. Qt's folders are those prepare_environment sets up.
PRIVACY_CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from tests.helpers.qt_env import configure_offscreen
    configure_offscreen()
    os.environ["XDG_CONFIG_HOME"] = os.environ["TEST_CONFIG_HOME"]
    from ui.app import prepare_environment
    prepare_environment(Path(os.environ["TEST_DATA_DIR"]))
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
    app = QApplication(sys.argv[:1])
    from kiosk.forms import load_forms
    from ui.flows.form_steps import QuestionStep
    from ui.vkb import VirtualKeyboard
    form = load_forms()["7"]
    w = QWidget(); lay = QVBoxLayout(w)
    w.setGeometry(0, 0, 1920, 1080); w.show()
    out = {}
    steps = []
    def new_session():
        if steps:
            old = steps.pop(); lay.removeWidget(old); old.deleteLater()
        step = QuestionStep(form.field("description"), [], window=w, elderly=False, portrait=False,
                            keyboard_factory=VirtualKeyboard)
        lay.addWidget(step); steps.append(step)
        w.activateWindow(); step.edit.setFocus(); QTest.mouseClick(step.edit, Qt.MouseButton.LeftButton)
    def first():
        new_session()
        QTimer.singleShot(500, learn if os.environ["TEST_LEARN"] == "1" else next_resident_types)
    def learn():
        kb = steps[0].keyboard
        out["first_offer"] = kb.type_letters("liyuhan")
        kb.pick(out["first_offer"].index("李"))
        QTimer.singleShot(100, learn2)
    def learn2():
        kb = steps[0].keyboard
        kb.pick(kb.type_letters("").index("雨"))
        QTimer.singleShot(100, learn3)
    def learn3():
        kb = steps[0].keyboard
        kb.pick(kb.type_letters("").index("涵"))
        QTimer.singleShot(200, end_session)
    def end_session():
        out["typed"] = steps[0].edit.text()
        new_session()
        QTimer.singleShot(500, next_resident_types)
    def next_resident_types():
        out["next_offer"] = steps[-1].keyboard.type_letters("liyuhan")[:8]
        print("RESULT", repr(out), flush=True)
        app.quit()
    QTimer.singleShot(300, first)
    QTimer.singleShot(20000, app.quit)
    app.exec()
""")


def _run_privacy_child(config_home: Path, data_dir: Path, learn: bool) -> dict:
    return run_qt_child(PRIVACY_CHILD, TEST_CONFIG_HOME=str(config_home), TEST_DATA_DIR=str(data_dir),
                      TEST_LEARN="1" if learn else "0")


@pytest.mark.timeout(120)
def test_the_pinyin_keyboard_never_offers_one_residents_words_to_the_next(tmp_path: Path) -> None:
    from ui.vkb import USER_DICTIONARY

    config_home, data_dir = tmp_path / "config", tmp_path / "data"
    learned = config_home / USER_DICTIONARY
    learned.parent.mkdir(parents=True)
    learned.write_bytes(b"an older version's learned words")  # must be gone after start-up
    rare = "李雨涵"
    result = _run_privacy_child(config_home, data_dir, learn=True)
    assert result["first_offer"][0] != rare, "the phrase is rare: not the engine's own first guess"
    assert result["typed"] == rare, "the first resident typed it through the keyboard"
    assert result["next_offer"] and rare not in result["next_offer"], "the next resident is not offered it"
    # Nothing on disk: no user dictionary file, and the phrase in no file Qt or the kiosk wrote.
    assert not learned.is_file()
    for path in [p for p in tmp_path.rglob("*") if p.is_file()]:
        body = path.read_bytes()
        assert rare.encode("utf-16-le") not in body and rare.encode("utf-8") not in body, path
    # A restart learns nothing from the first run either.
    again = _run_privacy_child(config_home, data_dir, learn=False)
    assert again["next_offer"] and rare not in again["next_offer"]
