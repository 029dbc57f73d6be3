"""Voice guidance and keypad operation on top of the screens (the speech itself is kiosk.speech).

- On entering a screen: its title and its one instruction; errors, device prompts and the idle countdown
  as they appear; the focused control as the keypad moves.
- The tactile keypad arrives as ordinary key events; config/keypad.toml says which key means what.
  上/下/左/右 move the focus in reading order (top to bottom, left to right, a panel's content before the
  next panel); 确认 activates; 返回 goes back (or closes a question or a message); 帮助 repeats the
  instruction — on the attract screen it turns voice and keypad mode on together.
- Keypad mode draws a large focus ring around the focused control (and the current row of a list).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QTextEdit,
    QWidget,
)

from kiosk.speech import SpeechService
from ui.main_window import MainWindow
from ui.pages.base import Page
from ui.text import has, tr
from ui.theme import theme_for
from ui.widgets import READ_ALOUD, speaker_icon

log = logging.getLogger(__name__)

_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
_MODAL_NAMES = ("sessionWarning", "messageOverlay")


# ---- reading order ----
def _bands(widgets: list[QWidget]) -> list[QWidget]:
    """Top to bottom; widgets whose tops are within half a height of a row's first are one row, left to right."""
    rows: list[list[QWidget]] = []
    for w in sorted(widgets, key=lambda w: (w.y(), w.x())):
        if rows and w.y() < rows[-1][0].y() + max(1, rows[-1][0].height()) // 2:
            rows[-1].append(w)
        else:
            rows.append([w])
    return [w for row in rows for w in sorted(row, key=lambda w: w.x())]


def reading_order(root: QWidget, keep: Callable[[QWidget], bool], *,
                  into: Callable[[QWidget], bool] = lambda w: True) -> list[QWidget]:
    """The visible descendants of `root` that `keep` accepts, in reading order (a panel's own order first)."""
    out: list[QWidget] = []
    _visit(root, keep, into, out)  # a module-level function: a nested recursive one would hold `out` in a cycle
    return out


def _visit(w: QWidget, keep: Callable[[QWidget], bool], into: Callable[[QWidget], bool], out: list[QWidget]) -> None:
    kids = [c for c in w.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if c.isVisible() and not c.isWindow()]
    for c in _bands(kids):
        if keep(c):
            out.append(c)
        if into(c):
            _visit(c, keep, into, out)


def focusable(w: QWidget) -> bool:
    return (w.isEnabled() and bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus) and not isinstance(w, QScrollBar)
            and not isinstance(w, QScrollArea) and w.objectName() != "focusRing")


def _not_into_controls(w: QWidget) -> bool:
    return not isinstance(w, QAbstractButton | QAbstractItemView)


def page_title(page: Page) -> str:
    """What a screen is called: its first visible heading, else its service item's name."""
    for lbl in reading_order(page, lambda w: isinstance(w, QLabel) and w.property("role") == "heading",
                             into=_not_into_controls):
        assert isinstance(lbl, QLabel)
        if lbl.text().strip():
            return lbl.text().strip()
    if page.service_item is not None:
        return page.service_item.name
    item = getattr(page, "item", None)
    return str(getattr(item, "name", "")) or tr("app.title")


def describe(w: QWidget) -> str:
    """What to say for a focused control: a list's current row, a button's name."""
    if isinstance(w, QAbstractItemView):
        index = w.currentIndex()
        if index.isValid():
            return str(index.data(Qt.ItemDataRole.AccessibleTextRole) or index.data() or "")
        n = w.model().rowCount() if w.model() is not None else 0
        return tr("voice.list_rows", n=n) if n else tr("voice.list_empty")
    name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
    if isinstance(w, QAbstractButton) and w.isCheckable():
        name = f"{name}，{tr('voice.checked') if w.isChecked() else tr('voice.unchecked')}"
    return name


def page_texts(page: QWidget) -> list[str]:
    """The visible text of a page in reading order: labels, and the rows a list shows."""
    texts: list[str] = []

    def keep(w: QWidget) -> bool:
        return isinstance(w, QLabel | QAbstractItemView)

    for w in reading_order(page, keep, into=_not_into_controls):
        if isinstance(w, QLabel):
            if w.text().strip() and not w.text().startswith("<"):
                texts.append(w.text().strip())
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            view_rect = w.viewport().rect()
            for row in range(w.model().rowCount()):
                index = w.model().index(row, 0)
                if w.visualRect(index).intersects(view_rect):
                    texts.append(str(index.data(Qt.ItemDataRole.AccessibleTextRole) or index.data() or ""))
    return texts


class FocusRing(QWidget):
    """A thick ring drawn over the window around the focused control (keypad mode); never takes input."""

    WIDTH = 8

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.elderly = False
        self.hide()

    def around(self, rect: QRect) -> None:
        pad = self.WIDTH + 4
        window = self.parentWidget()
        bounds = window.rect() if window is not None else rect.adjusted(-pad, -pad, pad, pad)
        self.setGeometry(rect.adjusted(-pad, -pad, pad, pad).intersected(bounds))
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(self.WIDTH / 2, self.WIDTH / 2, -self.WIDTH / 2, -self.WIDTH / 2)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(theme_for(self.elderly).colours.focus), self.WIDTH))
        p.drawRoundedRect(r, 16, 16)
        p.setPen(QPen(QColor("#FFFFFF"), 2))  # a light inner edge: the ring shows on dark buttons too
        inner = r.adjusted(self.WIDTH / 2 + 1, self.WIDTH / 2 + 1, -self.WIDTH / 2 - 1, -self.WIDTH / 2 - 1)
        p.drawRoundedRect(inner, 12, 12)


class VoiceGuide(QObject):
    """Speaks the screens and runs them from the keypad; one per main window (built by KioskUi)."""

    def __init__(self, window: MainWindow, speech: SpeechService, bindings: dict[str, str], *,
                 toggles: Iterable[QPushButton] = (), attract_id: str = "attract") -> None:
        super().__init__(window)
        self.setObjectName("voiceGuide")
        self.window = window
        self.speech = speech
        self.bindings = bindings
        self.attract_id = attract_id
        self.keypad_mode = False
        self._voice_by_elderly = False
        self._announcing = False
        self._entering = False
        self._last_countdown = -1
        self.ring = FocusRing(window)
        self.toggles = [window.voice_button, *toggles]
        for b in self.toggles:
            b.setIcon(speaker_icon())
            b.setIconSize(QSize(40, 40))
            b.clicked.connect(self.toggle_voice)
        speech.set_lookup(lambda key: tr(key) if has(key) else None)
        window.page_entered.connect(self._page_entered)
        window.notice_changed.connect(self._notice)
        window.session_ended.connect(self.reset)
        window.elderly_changed.connect(self._elderly)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.focusChanged.connect(self._focus_changed)
        self._show_state()

    # ---- the switch ----
    @property
    def voice_on(self) -> bool:
        return self.speech.enabled

    def set_voice(self, on: bool) -> None:
        self.speech.set_enabled(on)
        self._show_state()

    def toggle_voice(self) -> None:
        on = not self.speech.enabled
        self._voice_by_elderly = False
        self.set_voice(on)
        if on:
            self.speech.say("voice.turned_on")
            self.announce(self.window.current_page(), interrupt=False)
        else:
            self.speech.say("voice.turned_off", force=True)

    def set_keypad_mode(self, on: bool) -> None:
        self.keypad_mode = on
        self._place_ring()

    def reset(self) -> None:
        """The session ended: voice back to the site's default, keypad mode off."""
        self._voice_by_elderly = False
        self.set_voice(self.speech.default_on)
        self.set_keypad_mode(False)

    def _elderly(self, on: bool) -> None:
        self.ring.elderly = on
        if on and self.speech.on_in_elderly_mode and not self.speech.enabled:
            self._voice_by_elderly = True
            self.set_voice(True)
            self.speech.say("voice.turned_on")
        elif not on and self._voice_by_elderly:
            self._voice_by_elderly = False
            self.set_voice(self.speech.default_on)

    def _show_state(self) -> None:
        text = tr("voice.toggle_on") if self.speech.enabled else tr("voice.toggle_off")
        for b in self.toggles:
            b.setText(text)
            b.setAccessibleName(text)

    # ---- what is said ----
    def announce(self, page: Page, *, interrupt: bool = True) -> None:
        """The screen's title, then its one instruction."""
        self.speech.say(page_title(page), interrupt=interrupt)
        key = page.instruction_key
        if key and has(key):
            self.speech.say(key, interrupt=False)

    def _page_entered(self, page: Page) -> None:
        self._last_countdown = -1
        self._wire_read_aloud(page)
        self.announce(page)
        # Qt moved the focus onto the new page before it was announced: say the focus after the title
        self._entering = True
        QTimer.singleShot(0, self, lambda: self._entered(page))

    def _entered(self, page: Page) -> None:
        self._entering = False
        if self.window.current_page() is not page:
            return
        if self.keypad_mode:
            self._focus_first(page, say=False)
            focus = QApplication.focusWidget()
            if focus is not None and page.isAncestorOf(focus):
                self.speech.say(describe(focus), interrupt=False)
        self._place_ring()

    def focus_first(self, page: Page) -> None:
        """The first control of `page` in reading order gets the focus (and is said)."""
        self._focus_first(page)

    def focus_widget(self, w: QWidget) -> None:
        """Put the keypad focus on `w` (a list: on its first row)."""
        self._set_focus(w)

    def _focus_first(self, page: Page, *, say: bool = True) -> None:
        """The first control of the page in reading order gets the focus."""
        if self.window.current_page() is not page:
            return
        items = [w for w in self.focusables() if page.isAncestorOf(w)]
        if items:
            self._announcing = not say
            try:
                self._set_focus(items[0])
            finally:
                self._announcing = False

    def say_error(self, kind: str, text: str) -> None:
        """A message over the screen: failures cut in; success and 请稍候 queue."""
        if kind == "failure":
            self.speech.say(text, interrupt=True)
        elif text:
            self.speech.say(text, interrupt=False)

    def _notice(self, text: str) -> None:
        if text:
            self.speech.say(text, interrupt=False)  # e.g. 打印机缺纸，请到柜台

    def countdown(self, text: str, seconds: int) -> None:
        """The idle warning: said when it appears, every ten seconds, and each of the last five."""
        first = self._last_countdown < 0 or seconds > self._last_countdown
        self._last_countdown = seconds
        if first or seconds % 10 == 0 or seconds <= 5:
            self.speech.say(text, interrupt=True)

    def read_aloud(self, page: QWidget) -> None:
        """朗读: the page's visible text in reading order (even with voice off: the resident asked)."""
        first = True
        for text in page_texts(page):
            self.speech.say(text, interrupt=first, force=True)
            first = False

    def _wire_read_aloud(self, page: Page) -> None:
        for b in page.findChildren(QPushButton):
            if b.property(READ_ALOUD) and not b.property("readAloudWired"):
                b.setProperty("readAloudWired", True)
                # a bound method, not a lambda naming the page: the page would hold itself in a cycle
                b.clicked.connect(self._read_aloud_clicked)

    def _read_aloud_clicked(self) -> None:
        button = self.sender()
        w = button.parentWidget() if isinstance(button, QWidget) else None
        while w is not None and not isinstance(w, Page):
            w = w.parentWidget()
        if w is not None:
            self.read_aloud(w)

    # ---- focus ----
    def scope(self) -> list[QWidget]:
        """Where the keypad moves: an open message, warning or question; else the page and the navigation bar."""
        for name in _MODAL_NAMES:
            w = self.window.findChild(QWidget, name)
            if w is not None and w.isVisible():
                return [w]
        from ui.picker import ChoicePanel

        panels = [p for p in self.window.findChildren(ChoicePanel) if p.isVisible()]
        if panels:
            return [panels[-1]]
        roots: list[QWidget] = [self.window.current_page()]
        if self.window.nav.isVisible():
            roots.append(self.window.nav)
        return roots

    def focusables(self) -> list[QWidget]:
        out: list[QWidget] = []
        for root in self.scope():
            out += reading_order(root, focusable, into=_not_into_controls)
        return out

    def _set_focus(self, w: QWidget) -> None:
        parent = w.parentWidget()
        while parent is not None:
            inner = parent.widget() if isinstance(parent, QScrollArea) else None
            if isinstance(parent, QScrollArea) and inner is not None and inner.isAncestorOf(w):
                parent.ensureWidgetVisible(w, 20, 20)
            parent = parent.parentWidget()
        if isinstance(w, QAbstractItemView) and not w.currentIndex().isValid() and w.model() is not None \
                and w.model().rowCount():
            w.setCurrentIndex(w.model().index(0, 0))
        w.setFocus(Qt.FocusReason.TabFocusReason)
        self._place_ring()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new.window() is not self.window:
            return
        self._place_ring()
        if self._announcing or not (self.keypad_mode or self.speech.enabled):
            return
        QTimer.singleShot(0, self, lambda: self._say_focus(new))

    def _say_focus(self, w: QWidget) -> None:
        """Say the focused control, unless a page is being announced (it says its focus after the title)."""
        if self._entering or QApplication.focusWidget() is not w:
            return
        text = describe(w)
        if text:
            self.speech.say(text)

    def _place_ring(self) -> None:
        w = QApplication.focusWidget()
        if not self.keypad_mode or w is None or w.window() is not self.window or not w.isVisible():
            self.ring.hide()
            return
        if isinstance(w, QAbstractItemView) and w.currentIndex().isValid():
            rect = w.visualRect(w.currentIndex()).intersected(w.viewport().rect())
            top_left = w.viewport().mapTo(self.window, rect.topLeft())
            self.ring.around(QRect(top_left, rect.size()))
        else:
            self.ring.around(QRect(w.mapTo(self.window, w.rect().topLeft()), w.size()))

    # ---- keys ----
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        try:
            name = Qt.Key(event.key()).name.removeprefix("Key_")
        except ValueError:
            return False
        action = self.bindings.get(name)
        if action is None:
            return False
        focus = QApplication.focusWidget()
        if isinstance(focus, _TEXT_INPUTS) and action in ("left", "right", "confirm"):
            return False  # the cursor in a text field, Enter to submit it
        self.handle(action)
        return True

    def handle(self, action: str) -> None:
        """One keypad action: up, down, left, right, confirm, back, help, voice."""
        page = self.window.current_page()
        if action == "help" and page.page_id == self.attract_id:
            self.set_keypad_mode(True)
            if not self.speech.enabled:
                self.set_voice(True)
            self.speech.say("voice.turned_on")
            self.announce(page, interrupt=False)
            self._focus_first(page)
            return
        if action == "voice":
            self.toggle_voice()
            return
        if not self.keypad_mode:
            self.set_keypad_mode(True)
        if action in ("up", "down", "left", "right"):
            self.move(action)
        elif action == "confirm":
            self.confirm()
        elif action == "back":
            self.back()
        elif action == "help":
            self.announce(page)
            focus = QApplication.focusWidget()
            if focus is not None and focus.window() is self.window:
                self.speech.say(describe(focus), interrupt=False)

    def move(self, action: str) -> None:
        focus = QApplication.focusWidget()
        forward = action in ("down", "right")
        if isinstance(focus, QAbstractItemView) and action in ("up", "down") and focus.model() is not None:
            row = focus.currentIndex().row() if focus.currentIndex().isValid() else -1
            nxt = row + (1 if forward else -1)
            if 0 <= nxt < focus.model().rowCount():
                index = focus.model().index(nxt, 0)
                focus.setCurrentIndex(index)
                focus.scrollTo(index)
                self._place_ring()
                self.speech.say(describe(focus))
                return
        items = self.focusables()
        if not items:
            return
        if focus in items:
            i = (items.index(focus) + (1 if forward else -1)) % len(items)
        else:
            i = 0 if forward else len(items) - 1
        target = items[i]
        if isinstance(target, QAbstractItemView) and target.model() is not None and target.model().rowCount():
            target.setCurrentIndex(target.model().index(0 if forward else target.model().rowCount() - 1, 0))
        self._set_focus(target)

    def confirm(self) -> None:
        focus = QApplication.focusWidget()
        if focus is None or focus.window() is not self.window or focus not in self.focusables():
            self.move("down")
            return
        if isinstance(focus, QAbstractButton):
            if focus.isEnabled():
                focus.click()
        elif isinstance(focus, QAbstractItemView):
            index = focus.currentIndex()
            if index.isValid():
                focus.clicked.emit(index)

    def back(self) -> None:
        for name in _MODAL_NAMES:
            w = self.window.findChild(QWidget, name)
            if w is not None and w.isVisible():
                ok = w.findChild(QPushButton, "overlayOk")
                if ok is not None and ok.isVisible():
                    ok.click()
                return
        from ui.picker import ChoicePanel

        panels = [p for p in self.window.findChildren(ChoicePanel) if p.isVisible()]
        if panels:
            panels[-1].close_panel()
            return
        if self.window.nav.isVisible():
            self.window.back()

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
