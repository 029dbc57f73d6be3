"""The composition root: database, platform client and sync worker built in order; the demo sandbox as a child process."""

from __future__ import annotations

import argparse
import dataclasses
import os
import stat
import threading
from pathlib import Path

import pytest

from kiosk.app import KioskCore, build_core, build_headless_core, main
from kiosk.sandbox_process import SandboxStartError, is_serving
from kiosk.settings import load_settings
from tests.helpers.ports import free_port
from tests.helpers.sandbox_server import RunningSandbox
from tests.integration.sync.conftest import write_site

pytestmark = pytest.mark.integration


def test_build_core_without_workers_starts_no_thread_and_closes_in_order(sandbox: RunningSandbox,
                                                                         tmp_path: Path) -> None:
    settings = load_settings(write_site(tmp_path, sandbox.base_url), env={})
    before = {t.ident for t in threading.enumerate()}
    core = build_core(settings, start_workers=False, console_log=False)
    try:
        assert {t.ident for t in threading.enumerate()} == before
        assert (settings.data_dir / "kiosk.db").exists() and core.sync is not None and not core.sync.running
        assert core.platform.base_url == sandbox.base_url and core.sandbox is None
        assert core.sync.run_once().push.unreachable is False  # the built pieces work together
    finally:
        order = [getattr(c, "__self__", None) for c in core.closers]
        core.close()
    assert order == [core.database, core.devices, core.platform, core.sync, core.speech]  # popped newest first


def test_the_core_is_frozen_and_every_part_is_there(sandbox: RunningSandbox, tmp_path: Path) -> None:
    settings = load_settings(write_site(tmp_path, sandbox.base_url), env={})
    core = build_core(settings, start_workers=False, console_log=False)
    try:
        with pytest.raises(dataclasses.FrozenInstanceError):
            core.services = None  # type: ignore[misc]  # only the composition root builds the core
        for part in ("database", "devices", "platform", "sync", "services", "audit", "maintenance", "pushed"):
            assert getattr(core, part) is not None, part
        assert core.forms and set(core.forms) <= {item.id for item in core.catalogue}
        assert core.services.catalogue is core.catalogue is core.catalogues.current  # one owner, no copies
    finally:
        core.close()


def test_the_headless_core_has_a_database_and_starts_nothing(tmp_path: Path) -> None:
    settings = load_settings(write_site(tmp_path, "http://127.0.0.1:9"), env={})
    before = {t.ident for t in threading.enumerate()}
    core = build_headless_core(settings)
    try:
        assert {t.ident for t in threading.enumerate()} == before
        assert core.database.revision() and not hasattr(core, "devices")
    finally:
        core.close()
    assert core.closers == []


def test_demo_mode_starts_the_sandbox_as_a_child_and_stops_it_on_close(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    settings = load_settings(write_site(tmp_path, url, start_sandbox=True), env={})
    core = build_core(settings, start_workers=False, console_log=False)
    try:
        assert core.sandbox is not None and not core.sandbox.reused and is_serving(url)
        assert (settings.data_dir / "sandbox.db").exists()
        assert core.sync.run_once().all_feeds_pulled  # demo data arrives from the child sandbox
        assert core.closers[0] == core.sandbox.stop  # stopped last
    finally:
        core.close()
    assert not is_serving(url)


def test_demo_mode_reuses_a_sandbox_already_serving(sandbox: RunningSandbox, tmp_path: Path) -> None:
    settings = load_settings(write_site(tmp_path, sandbox.base_url, start_sandbox=True), env={})
    core = build_core(settings, start_workers=False, console_log=False)
    try:
        assert core.sandbox is not None and core.sandbox.reused and core.sandbox.pid is None
    finally:
        core.close()
    assert is_serving(sandbox.base_url)  # not ours to stop


def test_the_demo_sandbox_only_ever_runs_on_the_loopback(tmp_path: Path) -> None:
    settings = load_settings(write_site(tmp_path, "https://10.0.0.5:8765", start_sandbox=True), env={})
    with pytest.raises(SandboxStartError):
        build_core(settings, start_workers=False, console_log=False)


def test_the_kiosk_keeps_its_data_folder_private_and_tightens_what_an_older_release_left(
        sandbox: RunningSandbox, tmp_path: Path) -> None:
    site = write_site(tmp_path, sandbox.base_url)
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "kiosk.log.1").write_text("an older release's log", encoding="utf-8")
    for path, mode in ((data / "logs" / "kiosk.log.1", 0o644), (data / "logs", 0o755), (data, 0o755)):
        path.chmod(mode)
    modes: dict[str, int] = {}

    def run_ui(core: KioskCore, _args: argparse.Namespace) -> int:
        assert core.database is not None
        core.database.outbox.submit("job_seeker_registration", "求职登记", "p", {"n": 1})  # WAL written
        modes.update({str(p.relative_to(tmp_path)): stat.S_IMODE(p.lstat().st_mode)
                      for p in (data, *data.rglob("*")) if not p.is_symlink()})
        return 0

    old = os.umask(0o022)  # a careless installer's shell
    try:
        assert main(["--config", str(site), "run"], run_ui=run_ui) == 0
    finally:
        os.umask(old)
    assert {"data/kiosk.db", "data/kiosk.db-wal", "data/outbox.key", "data/logs/kiosk.log",
            "data/logs/kiosk.log.1"} <= set(modes)
    folders = {name for name in modes if (tmp_path / name).is_dir()}
    assert {name: m for name, m in modes.items() if name in folders} == dict.fromkeys(folders, 0o700)
    assert {name: m for name, m in modes.items() if name not in folders} == dict.fromkeys(set(modes) - folders, 0o600)
