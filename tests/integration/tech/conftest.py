"""Fixtures for the technician-mode integration tests: a seeded sandbox on 127.0.0.1 and a kiosk core on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import KioskCore, build_core
from kiosk.settings import load_settings
from tests.helpers.sandbox_server import RunningSandbox, threaded_sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with threaded_sandbox(tmp_path_factory.mktemp("tech-sandbox") / "sandbox.db") as running:
        yield running


def write_site(folder: Path, url: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\ndata_dir = "{folder / "data"}"\n\n[platform]\nurl = "{url}"\n'
                    f"connect_timeout_s = 1.0\nstart_sandbox = false\n{extra}", encoding="utf-8")
    return site


@pytest.fixture
def core(tmp_path: Path, sandbox: RunningSandbox) -> Iterator[KioskCore]:
    """A kiosk core (simulated devices started, no worker threads) against the sandbox."""
    settings = load_settings(write_site(tmp_path, sandbox.base_url), env={})
    built = build_core(settings, start_workers=False, console_log=False, start_sandbox=False)
    built.devices.start()  # type: ignore[union-attr]
    try:
        yield built
    finally:
        built.close()
        assert sandbox.platform is not None
        for key in ("maintenance_message", "enabled_services"):
            sandbox.platform.push_setting(built.settings.kiosk_id, key, None)
