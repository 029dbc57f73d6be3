"""The frozen bundle (kiosk.spec) built by scripts/package.sh: what it carries, and that it runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from PyInstaller.archive.readers import CArchiveReader

from tests.deploy.conftest import Packaged
from tests.helpers.notify_supervisor import NotifySupervisor

NEVER_BUNDLED = ("sandbox", "tests", "fastapi", "uvicorn", "starlette", "pytest", "_pytest", "hypothesis")


def _archived_modules(executable: Path) -> list[str]:
    """The Python modules in the bundle's archive (PYZ inside the executable), as PyInstaller lists them."""
    pkg = CArchiveReader(str(executable))
    pyz = pkg.open_embedded_archive("PYZ.pyz")
    return list(pyz.toc)


def test_the_bundle_never_carries_the_sandbox_or_the_tests(packaged: Packaged) -> None:
    modules = _archived_modules(packaged.bundle)
    assert {"kiosk.app", "ui.app", "ui.flows.forms", "devices.manager", "offline_cache.db", "config"} <= set(modules)
    banned = [m for m in modules if m.split(".")[0] in NEVER_BUNDLED]
    assert banned == []
    internal = packaged.bundle.parent / "_internal"
    assert not (internal / "tests").exists()
    # Only the demo residents' data file comes from sandbox/, no code.
    assert sorted(p.name for p in (internal / "sandbox").iterdir()) == ["demo_persons.json"]


def test_the_bundle_carries_what_the_app_loads_at_run_time(packaged: Packaged) -> None:
    internal = packaged.bundle.parent / "_internal"
    for rel in ("config/default.toml", "config/demo.toml", "config/printer_profiles.toml",
                "config/catalogue/services.toml", "config/forms/job_seeker.toml", "ui/strings/shell.toml",
                "ui/theme.qss", "ui/vkb_panel.qml", "offline_cache/migrations/env.py",
                "offline_cache/migrations/versions/0001_base.py", "escpos/capabilities.json",
                "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
                "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
                "PySide6/Qt/qml/QtQuick/VirtualKeyboard/Plugins/Pinyin/libqtvkbpinyinplugin.so"):
        assert (internal / rel).is_file(), rel
    # The QML modules the keyboard does not need stay out (packaging/pyinstaller-hooks).
    assert not (internal / "PySide6/Qt/qml/QtWebEngine").exists()
    assert not (internal / "PySide6/Qt/lib/libQt6WebEngineCore.so.6").exists()


def test_the_bundled_kiosk_runs_its_cli(packaged: Packaged, tmp_path: Path) -> None:
    version = subprocess.run([str(packaged.bundle), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == packaged.version, version
    check = subprocess.run([str(packaged.bundle), "check-config"], capture_output=True, text=True, timeout=60,
                           cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("配置有效："), check.stdout
    assert "_internal/config/demo.toml" in check.stdout


def test_the_bundled_kiosk_reports_ready_and_pings_the_service_watchdog(packaged: Packaged, tmp_path: Path) -> None:
    """The bundle under the stand-in for systemd (Type=notify, WatchdogSec): READY=1, then WATCHDOG=1."""
    site = tmp_path / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\ndata_dir = "{tmp_path / "data"}"\n\n'
                    '[platform]\nurl = "http://127.0.0.1:9"\nstart_sandbox = false\n', encoding="utf-8")
    sup = NotifySupervisor([str(packaged.bundle), "--config", str(site), "run"], dict(os.environ), tmp_path,
                           watchdog_sec=3.0).start()
    try:
        ready = sup.wait_for("READY=1", timeout=90)[0]
        sup.wait_for("WATCHDOG=1", pid=ready.pid, after=ready.at, count=3, timeout=20)
        assert not [e for e in sup.snapshot() if e.what in ("watchdog-timeout", "exit", "start-timeout")], sup.describe()
    finally:
        sup.stop()
