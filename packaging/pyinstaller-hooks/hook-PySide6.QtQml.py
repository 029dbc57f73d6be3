"""PyInstaller hook override for PySide6.QtQml: collect only the QML modules the kiosk loads.

PyInstaller's own hook collects every QML module PySide6 ships (WebEngine, Quick3D, Charts, ...) and,
through their plugins, hundreds of MB of Qt libraries. The kiosk's only QML is ui/vkb_panel.qml: the
Qt Virtual Keyboard (with its pinyin plugin, whose dictionary is compiled into the plugin) and what
its QML imports (QtQuick, Layouts, Window, QtMultimedia for key sounds, Qt.labs.folderlistmodel).
A user hook (kiosk.spec's hookspath) takes priority over the built-in one.
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies, pyside6_library_info

# QML module folders (relative to Qt/qml) that are kept, each with everything below it, except
# those listed in QML_SKIP. Checked by running the bundle (tests/deploy), not by listing it.
QML_KEEP = (
    "QtQml",
    "QtQuick",
    "QtMultimedia",
    "Qt/labs/folderlistmodel",
)
QML_SKIP = (
    "QtQuick/Controls",
    "QtQuick/Dialogs",
    "QtQuick/Pdf",
    "QtQuick/Particles",
    "QtQuick/Scene2D",
    "QtQuick/Scene3D",
    "QtQuick/VectorImage",
    "QtQuick/Timeline",
    "QtQuick/tooling",
    "QtQuick/LocalStorage",
    "QtQuick/NativeStyle",
    "QtQuick/Effects",
    "QtQuick/Shapes",
    "QtQuick/Templates",
)


def _wanted(dest: str) -> bool:
    marker = "/qml/"
    if marker not in dest + "/":
        return True
    rel = (dest + "/").split(marker, 1)[1].rstrip("/")
    if rel == "":
        return True  # builtins.qmltypes, jsroot.qmltypes
    if any(rel == s or rel.startswith(s + "/") for s in QML_SKIP):
        return False
    return any(rel == k or rel.startswith(k + "/") for k in QML_KEEP)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
qml_binaries, qml_datas = pyside6_library_info.collect_qtqml_files()
binaries += [(src, dest) for src, dest in qml_binaries if _wanted(dest)]
datas += [(src, dest) for src, dest in qml_datas if _wanted(dest)]
