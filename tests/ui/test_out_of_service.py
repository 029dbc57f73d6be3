"""暂停服务: when the data folder cannot be used, the kiosk shows who to ask instead of dying.

Started the way the real kiosk starts (ui/launch.py → kiosk/app.py main → build_core): a damaged
kiosk.db here in-process under pytest-qt; a read-only data folder and a full disk for real in a
child process with its own mounts (tests/helpers/small_fs.py), which saves what it showed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication

from tests.helpers.small_fs import mount_namespaces_work, run_on_full_disk, run_on_read_only

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
PHONE = "0352-6000000"  # the demo service point's, from config/default.toml
COUNTER = "玉泉镇便民服务中心一楼人社窗口"


def _site(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\ndata_dir = "{folder / "data"}"\n[platform]\nurl = "http://127.0.0.1:9"\n'
                    "start_sandbox = false\n", encoding="utf-8")
    return site


def _healthy(site: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(site), "sync", "status"], env=ENV,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def _shots_dir(tmp_path: Path) -> Path:
    """Where the screenshots go: $KIOSK_SCREENSHOT_DIR to keep them, else the test's temp folder."""
    folder = Path(os.environ.get("KIOSK_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_damaged_database_shows_the_out_of_service_page(qtbot, qapp, tmp_path: Path, monkeypatch) -> None:
    from ui.launch import main
    from ui.out_of_service import OutOfServiceWindow

    site = _site(tmp_path)
    _healthy(site)
    (tmp_path / "data" / "kiosk.db").write_bytes(os.urandom(8192))
    monkeypatch.setenv("QT_IM_MODULE", "")  # this process's Qt is already up: keep later tests keyboard-free
    style, font = qapp.styleSheet(), qapp.font()
    shots = _shots_dir(tmp_path)
    seen: dict[str, object] = {}

    def look() -> None:
        if QThread.currentThread().loopLevel() == 0:  # events processed before app.exec(): quit() would be lost
            return
        timer.stop()
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, OutOfServiceWindow) and w.isVisible()]
        seen["windows"] = len(windows)
        if windows:
            w = windows[0]
            seen.update(title=w.title.text(), sorry=w.sorry.text(), counter=w.counter.text(), phone=w.phone.text(),
                        place=w.place.text(), tech=w.technician.text(), size=(w.width(), w.height()))
            w.grab().save(str(shots / "out_of_service_landscape.png"))
            w.setFixedSize(1080, 1920)  # the same screen on a portrait kiosk
            w.grab().save(str(shots / "out_of_service_portrait.png"))
        QApplication.exit(0)  # quit() would ask the kiosk-mode window to close, and it refuses

    timer = QTimer()
    timer.setInterval(300)
    timer.timeout.connect(look)
    timer.start()
    try:
        rc = main(["--config", str(site), "run"])  # kiosk mode, as on the real kiosk
    finally:
        qapp.setStyleSheet(style)
        qapp.setFont(font)
    assert rc == 2
    assert seen.get("windows") == 1, "the 暂停服务 page was shown"
    assert seen["title"] == "暂停服务" and seen["size"] == (1920, 1080)
    assert COUNTER in str(seen["counter"]) and PHONE in str(seen["phone"]) and "李家庄" in str(seen["place"])
    assert "已损坏" in str(seen["tech"])


UI_CHILD = textwrap.dedent("""
    import json, sys
    from tests.helpers.qt_env import configure_offscreen
    configure_offscreen()
    from PySide6.QtCore import QThread, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    def look():
        if QThread.currentThread().loopLevel() == 0:
            return
        timer.stop()
        from ui.out_of_service import OutOfServiceWindow
        wins = [w for w in QApplication.topLevelWidgets() if isinstance(w, OutOfServiceWindow) and w.isVisible()]
        out = {"windows": len(wins)}
        if wins:
            w = wins[0]
            out.update(title=w.title.text(), tech=w.technician.text(), phone=w.phone.text())
            w.grab().save(sys.argv[2])
        print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
        app.exit(0)
    timer = QTimer(); timer.setInterval(300); timer.timeout.connect(look); timer.start()
    from ui.launch import main
    print("RC", main(["--config", sys.argv[1], "run"]), flush=True)
""")


def _child_result(run: subprocess.CompletedProcess[str]) -> dict:
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, run.stdout[-1000:] + run.stderr[-3000:]
    assert "RC 2" in run.stdout and "Traceback" not in run.stderr, run.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


needs_mounts = pytest.mark.skipif(not mount_namespaces_work(), reason="needs root and unshare -m (mount namespaces)")


@needs_mounts
def test_a_read_only_data_folder_shows_the_page_with_the_read_only_message(tmp_path: Path) -> None:
    site = _site(tmp_path / "kiosk")
    _healthy(site)
    shot = _shots_dir(tmp_path) / "out_of_service_read_only.png"
    run = run_on_read_only(site.parent / "data", [sys.executable, "-c", UI_CHILD, str(site), str(shot)], env=ENV)
    result = _child_result(run)
    assert result["windows"] == 1 and result["title"] == "暂停服务" and PHONE in result["phone"]
    assert "不能写入" in result["tech"] and "已损坏" not in result["tech"]
    assert shot.stat().st_size > 10_000


@needs_mounts
def test_a_full_disk_shows_the_page_with_the_disk_full_message(tmp_path: Path) -> None:
    site = _site(tmp_path / "kiosk")
    _healthy(site)
    data, seed = site.parent / "data", tmp_path / "seed"
    data.rename(seed)
    shot = _shots_dir(tmp_path) / "out_of_service_disk_full.png"
    run = run_on_full_disk(data, [sys.executable, "-c", UI_CHILD, str(site), str(shot)], seed=seed, env=ENV)
    result = _child_result(run)
    assert result["windows"] == 1 and result["title"] == "暂停服务"
    assert "存储空间已满" in result["tech"] and "已损坏" not in result["tech"]
