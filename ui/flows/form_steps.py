"""The screens inside a form: one question per screen, the own-confirmation screen, the review and the result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms import FieldDef, FieldKind, Option, is_empty
from ui.keypad import Keypad
from ui.picker import pick
from ui.text import tr
from ui.vkb import keep_private
from ui.widgets import big_button, label

INLINE_OPTIONS = 9  # more options than this open the paged picker instead of buttons on the screen


def set_role(button: QPushButton, role: str) -> None:
    """Change a button's theme role and re-apply the stylesheet to it."""
    button.setProperty("role", role)
    button.style().unpolish(button)
    button.style().polish(button)


def _no_margins(lay: QBoxLayout | QGridLayout) -> None:
    lay.setContentsMargins(0, 0, 0, 0)


class QuestionStep(QWidget):
    """One question: the question text, a hint, the answer widget, what to do when wrong, 上一步/下一步.

    Emits `answered(value)` when the resident moves on; the page validates and decides where to go.
    """

    answered = Signal(object)
    back_requested = Signal()

    def __init__(self, f: FieldDef, options: Sequence[Option], *, window: QWidget, elderly: bool,
                 portrait: bool, keyboard_factory: Callable[[], QWidget | None] | None = None) -> None:
        super().__init__()
        self.field = f
        self.options = list(options)
        self.main_window = window
        self.elderly = elderly
        self.portrait = portrait
        self.value: Any = None
        self.setObjectName(f"formStep_{f.id}")
        outer = QVBoxLayout(self)
        _no_margins(outer)
        outer.setSpacing(14)
        self.step_label = label(f"formStepNo_{f.id}", "", role="hint", wrap=False)
        self.question = label(f"formQuestion_{f.id}", f.label, role="heading")
        self.hint = label(f"formHint_{f.id}", f.hint, role="hint")
        self.hint.setVisible(bool(f.hint))
        self.error = label(f"formError_{f.id}", "", role="error")
        self.error.setVisible(False)
        self.prev = big_button(f"formPrev_{f.id}", tr("forms.prev"))
        self.next = big_button(f"formNext_{f.id}", tr("forms.next"), role="primary")
        self.prev.clicked.connect(self.back_requested)
        self.next.clicked.connect(self._next)
        self.nav_widget = QWidget()
        self.nav_widget.setObjectName(f"formNav_{f.id}")
        nav = QHBoxLayout(self.nav_widget)
        _no_margins(nav)
        nav.setSpacing(24)
        nav.addWidget(self.prev)
        nav.addStretch(1)
        nav.addWidget(self.next)

        self.text_side = QVBoxLayout()
        self.text_side.setSpacing(14)
        for w in (self.step_label, self.question, self.hint, self.error):
            self.text_side.addWidget(w)
        self.answer_box = QVBoxLayout()
        self.answer_box.setSpacing(14)
        self.preview = label(f"formPreview_{f.id}", "", role="guidance")  # what the answers would publish
        self.preview.setVisible(False)
        self.answer_box.addWidget(self.preview)
        self.keypad: Keypad | None = None
        self.edit: QLineEdit | None = None
        self.option_buttons: list[QPushButton] = []
        self.value_label: QLabel | None = None
        self.change_button: QPushButton | None = None
        self.keyboard: QWidget | None = None  # the form's one pinyin keyboard while this question shows it
        self._build_answer(keyboard_factory)
        # landscape: the question and 上一步/下一步 on the left, the answer on the right;
        # portrait: question, answer, then 上一步/下一步 at the bottom
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.setSpacing(40)
        self.left = QVBoxLayout()
        self.left.setSpacing(14)
        self.left.addLayout(self.text_side)
        self.left.addStretch(1)
        self.body.addLayout(self.left, 1)
        self.body.addLayout(self.answer_box, 1)
        outer.addLayout(self.body, 1)
        self.outer = outer
        self._nav_in_left: bool | None = None
        self.set_portrait(portrait)

    def attach_keyboard(self) -> None:
        """Take the form's one pinyin keyboard in, under this question's text field (no-op otherwise)."""
        if self.keyboard is None or self.edit is None or self.keyboard.parent() is self:
            return
        self.answer_box.insertWidget(self.answer_box.indexOf(self.edit) + 1, self.keyboard)
        self.keyboard.show()

    def set_preview(self, text: str) -> None:
        """Show (or, with "", hide) what the answers would publish."""
        self.preview.setText(text)
        self.preview.setAccessibleName(text)
        self.preview.setVisible(bool(text))

    # ---- answer widgets ----
    def _build_answer(self, keyboard_factory: Callable[[], QWidget | None] | None) -> None:
        f = self.field
        if f.kind in (FieldKind.CHOICE, FieldKind.CODE) and len(self.options) <= INLINE_OPTIONS:
            self.grid = QGridLayout()
            self.grid.setSpacing(16)
            for i, o in enumerate(self.options):
                b = big_button(f"formOption_{f.id}_{i}", o.label)
                b.clicked.connect(lambda _=False, v=o.value: self._choose(v))
                self.option_buttons.append(b)
            self._place_options()
            self.answer_box.addLayout(self.grid)
            self.answer_box.addStretch(1)
        elif f.kind is FieldKind.CODE:
            self.value_label = label(f"formValue_{f.id}", "", role="guidance")
            self.change_button = big_button(f"formChange_{f.id}", tr("forms.choose"))
            self.change_button.clicked.connect(self._open_picker)
            self.answer_box.addWidget(self.value_label)
            self.answer_box.addWidget(self.change_button)
            self.answer_box.addStretch(1)
        elif f.keypad:
            self.keypad = Keypad(f.kind.value, max_length=f.max_length, unit=f.unit, name=f"keypad_{f.id}")
            self.keypad.changed.connect(self._typed)
            self.answer_box.addWidget(self.keypad)
        else:  # free text
            self.edit = QLineEdit()
            self.edit.setObjectName(f"formText_{f.id}")
            self.edit.setAccessibleName(f.review_label)
            self.edit.setPlaceholderText(tr("forms.text_placeholder"))
            if f.max_length:
                self.edit.setMaxLength(f.max_length)
            self.edit.setMinimumHeight(80)
            keep_private(self.edit)  # the pinyin keyboard must not learn a resident's words
            self.edit.textChanged.connect(self._typed)
            self.edit.returnPressed.connect(self._next)
            self.answer_box.addWidget(self.edit)
            keyboard = keyboard_factory() if keyboard_factory else None
            if keyboard is not None:
                self.answer_box.addWidget(keyboard)
                self.keyboard = keyboard
            else:
                self.answer_box.addWidget(label(f"formNoKeyboard_{f.id}", tr("forms.no_keyboard"), role="hint"))
            self.answer_box.addStretch(1)

    def _columns(self) -> int:
        longest = max((len(o.label) for o in self.options), default=4)
        px = 42 if self.elderly else 30
        room = 1080 if not self.portrait else 960  # the answer side of the screen, in px
        for cols in (3, 2):
            if longest * px + 70 <= room / cols - 16 and len(self.options) > cols:
                return cols
        return 2 if longest * px + 70 <= room / 2 - 16 else 1

    def _place_options(self) -> None:
        cols = self._columns()
        for b in self.option_buttons:
            self.grid.removeWidget(b)
        for i, b in enumerate(self.option_buttons):
            self.grid.addWidget(b, i // cols, i % cols)

    def set_portrait(self, portrait: bool) -> None:
        self.portrait = portrait
        side = not portrait
        self.body.setDirection(QBoxLayout.Direction.LeftToRight if side else QBoxLayout.Direction.TopToBottom)
        self.body.setStretch(0, 2 if side else 0)
        self.body.setStretch(1, 3 if side else 1)
        if self._nav_in_left is not side:
            if self._nav_in_left is True:
                self.left.removeWidget(self.nav_widget)
            elif self._nav_in_left is False:
                self.outer.removeWidget(self.nav_widget)
            (self.left if side else self.outer).addWidget(self.nav_widget)
            self._nav_in_left = side
        if self.option_buttons:
            self._place_options()

    # ---- value ----
    def set_value(self, value: Any) -> None:
        """Show an existing answer (default, prefill, or from a 修改)."""
        self.value = value
        self.error.setVisible(False)
        if self.keypad is not None:
            self.keypad.set_value(value)
        elif self.edit is not None:
            self.edit.blockSignals(True)
            self.edit.setText("" if value is None else str(value))
            self.edit.blockSignals(False)
        self._refresh()

    def _refresh(self) -> None:
        for b, o in zip(self.option_buttons, self.options if self.option_buttons else [], strict=True):
            chosen = o.value == self.value and not is_empty(self.value)
            b.setText(f"✔ {o.label}" if chosen else o.label)
            set_role(b, "primary" if chosen else "")
        if self.value_label is not None:
            text = next((o.label for o in self.options if o.value == self.value), "")
            self.value_label.setText(text or tr("forms.choose"))
            self.value_label.setAccessibleName(self.value_label.text())
            assert self.change_button is not None
            self.change_button.setText(tr("forms.change") if text else tr("forms.choose"))
            self.change_button.setAccessibleName(self.change_button.text())
        empty = is_empty(self.value)
        self.next.setText(tr("forms.skip") if empty and not self.field.required else tr("forms.next"))
        self.next.setAccessibleName(self.next.text())

    def set_step(self, n: int, total: int, *, to_review: bool) -> None:
        self.step_label.setText(tr("forms.step", n=n, total=total))
        self.prev.setVisible(n > 1)
        if to_review:
            self.next.setText(tr("forms.to_review"))
            self.next.setAccessibleName(self.next.text())
        else:
            self._refresh()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.setVisible(True)

    def _typed(self, text: str) -> None:
        self.value = text
        self.error.setVisible(False)
        self._refresh()

    def _choose(self, value: Any) -> None:
        self.value = value
        self._refresh()
        self.answered.emit(value)  # one tap answers and moves on

    def _open_picker(self) -> None:
        def chosen(value: Any) -> None:
            self._choose(value)

        pick(self.main_window, self.field.label, [(o.value, o.label) for o in self.options], chosen, current=self.value)

    def _next(self) -> None:
        self.answered.emit(self.value)

    def clear(self) -> None:
        self.value = None
        if self.keypad is not None:
            self.keypad.clear()
        if self.edit is not None:
            self.edit.clear()
        self.error.clear()


def scroll_buttons(scroll: QScrollArea, prefix: str) -> list[QPushButton]:
    """▲ 上翻 / ▼ 下翻 buttons for a scroll area (swiping also works, but needs no knowing)."""
    out = []
    for name, text, sign in ((f"{prefix}Up", tr("forms.page_up"), -1), (f"{prefix}Down", tr("forms.page_down"), 1)):
        b = big_button(name, text)
        bar = scroll.verticalScrollBar()
        b.clicked.connect(lambda _=False, s=sign, bar=bar: bar.setValue(bar.value() + s * bar.pageStep()))
        out.append(b)
    return out


class ConfirmStep(QWidget):
    """The text to read in full, a big 本人确认 toggle (never pre-checked) and 确认 (disabled until toggled)."""

    confirmed = Signal()

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.setObjectName("formConfirmStep")
        lay = QVBoxLayout(self)
        _no_margins(lay)
        lay.setSpacing(14)
        lay.addWidget(label("formConfirmTitle", title, role="heading"))
        scroll = QScrollArea()
        scroll.setObjectName("formConfirmScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        il = QVBoxLayout(inner)
        for i, para in enumerate(p for p in text.split("\n") if p.strip()):
            il.addWidget(label(f"formConfirmText{i}", para))
        il.addStretch(1)
        scroll.setWidget(inner)
        scroll.setMinimumHeight(120)
        lay.addWidget(scroll, 1)
        self.toggle = big_button("formConfirmToggle", tr("forms_confirm.toggle_off"))
        self.toggle.setAccessibleName(tr("forms_confirm.toggle_name"))
        self.toggle.setCheckable(True)
        self.toggle.setChecked(False)
        self.toggle.toggled.connect(self._toggled)
        lay.addWidget(self.toggle)
        self.must = label("formConfirmMust", tr("forms_confirm.must_confirm"), role="hint")
        lay.addWidget(self.must)
        row = QHBoxLayout()
        for b in scroll_buttons(scroll, "formConfirmScroll"):
            row.addWidget(b)
        row.addStretch(1)
        self.cont = big_button("formConfirmContinue", tr("forms_confirm.continue"), role="primary")
        self.cont.setEnabled(False)
        self.cont.clicked.connect(self._continue)
        row.addWidget(self.cont)
        lay.addLayout(row)

    def _toggled(self, on: bool) -> None:
        self.toggle.setText(tr("forms_confirm.toggle_on") if on else tr("forms_confirm.toggle_off"))
        set_role(self.toggle, "primary" if on else "")
        self.cont.setEnabled(on)
        self.must.setVisible(not on)

    def _continue(self) -> None:
        if self.toggle.isChecked():
            self.confirmed.emit()


class MessageStep(QWidget):
    """A gate or a plain explanation: heading, lines, optional action buttons."""

    def __init__(self, name: str, title: str, lines: Sequence[str],
                 actions: Sequence[tuple[str, str, str, Callable[[], None]]] = ()) -> None:
        super().__init__()
        self.setObjectName(name)
        lay = QVBoxLayout(self)
        _no_margins(lay)
        lay.setSpacing(18)
        self.title = label(f"{name}Title", title, role="heading")
        lay.addWidget(self.title)
        self.lines = []
        for i, line in enumerate(lines):
            lbl = label(f"{name}Line{i}", line)
            self.lines.append(lbl)
            lay.addWidget(lbl)
        self.buttons: dict[str, QPushButton] = {}
        for obj, text, role, slot in actions:
            b = big_button(obj, text, role=role)
            b.clicked.connect(slot)
            self.buttons[obj] = b
            lay.addWidget(b)
        lay.addStretch(1)

    def text(self) -> str:
        return "\n".join([self.title.text(), *(lbl.text() for lbl in self.lines)])
