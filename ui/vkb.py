"""The pinyin on-screen keyboard (Qt Virtual Keyboard) embedded in our window, for the rare free text."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QMetaObject, Qt, QUrl
from PySide6.QtWidgets import QSizePolicy, QWidget

log = logging.getLogger(__name__)

QML_FILE = Path(__file__).with_name("vkb_panel.qml")
IM_MODULE = "qtvirtualkeyboard"
# Where Qt's pinyin engine keeps the words it learns (under QStandardPaths' ConfigLocation, i.e.
# $XDG_CONFIG_HOME): what one resident typed would be the next resident's first suggestion.
USER_DICTIONARY = Path("qtvirtualkeyboard") / "pinyin" / "usr_dict.dat"
# Qt's pinyin input method closes its user dictionary while the focused field says "sensitive data".
PRIVATE_HINTS = Qt.InputMethodHint.ImhSensitiveData


def keep_private(field: QWidget) -> None:
    """Mark a text field so the pinyin keyboard learns nothing from what is typed into it."""
    field.setInputMethodHints(field.inputMethodHints() | PRIVATE_HINTS)


def block_user_dictionary(config_home: Path) -> Path:
    """Remove a learned pinyin dictionary and put a folder in its place, so none can be written again.

    A second guard beside `keep_private`: with a folder where the file would be, the engine's user
    dictionary fails to open and the pinyin keyboard runs on its system dictionary alone. Must run
    before the keyboard first loads (ui/app.py prepare_environment).
    """
    path = config_home / USER_DICTIONARY
    if path.is_file() or path.is_symlink():
        path.unlink()
        log.info("removed a learned pinyin user dictionary")
    path.mkdir(parents=True, exist_ok=True, mode=0o500)
    return path


def keyboard_available() -> bool:
    """True when the application was started with the virtual keyboard input method (ui/app.py sets it)."""
    return os.environ.get("QT_IM_MODULE") == IM_MODULE


class VirtualKeyboard(QWidget):
    """A QQuickWidget holding the InputPanel; it types into whichever text field has focus.

    Created only when `keyboard_available()`: without the input method the panel would show keys that
    type nowhere.
    """

    def __init__(self, parent: QWidget | None = None, *, height: int = 420) -> None:
        super().__init__(parent)
        from PySide6.QtQuickWidgets import QQuickWidget  # imported late: QtQuick loads only when needed
        from PySide6.QtWidgets import QVBoxLayout

        self.setObjectName("virtualKeyboard")
        self.setAccessibleName("拼音键盘")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.view = QQuickWidget(self)
        self.view.setObjectName("virtualKeyboardView")
        self.view.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        self.view.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text field keeps the focus
        self.view.setSource(QUrl.fromLocalFile(str(QML_FILE)))
        self.view.setFixedHeight(height)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lay.addWidget(self.view)
        if self.view.status() != QQuickWidget.Status.Ready:
            log.error("virtual keyboard did not load: %s", [e.toString() for e in self.view.errors()])

    @property
    def ready(self) -> bool:
        from PySide6.QtQuickWidgets import QQuickWidget

        return self.view.status() == QQuickWidget.Status.Ready and self.view.rootObject() is not None

    def _call(self, method: str, *args: object) -> object:
        from PySide6.QtCore import Q_ARG, Q_RETURN_ARG

        root = self.view.rootObject()
        if root is None:
            return None
        q_args = [Q_ARG("QVariant", a) for a in args]
        return QMetaObject.invokeMethod(root, method, Q_RETURN_ARG("QVariant"), *q_args)

    def type_pinyin(self, letters: str) -> str:
        """Type latin letters as key clicks and pick the first candidate; returns that candidate."""
        return str(self._call("typeAndPick", letters) or "")

    def type_letters(self, letters: str) -> list[str]:
        """Type latin letters as key clicks (nothing picked); returns the candidates offered, best first."""
        return _split(self._call("typeLetters", letters))

    def type_keys(self, text: str) -> list[str]:
        """Press keys as a finger would (letters, digits, '-'); returns the candidates offered, best first."""
        return _split(self._call("typeKeys", text))

    def pick(self, index: int) -> list[str]:
        """Pick candidate `index`; returns the candidates offered next (the rest of the spelling, if any)."""
        return _split(self._call("pickCandidate", index))

    def keyboard_locale(self) -> str:
        return str(self._call("locale") or "")


def _split(joined: object) -> list[str]:
    text = str(joined or "")
    return text.split("\n") if text else []
