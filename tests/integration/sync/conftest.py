"""Fixtures for the sync integration tests: a seeded sandbox on a random 127.0.0.1 port, site files, clients."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.platform import PlatformClient
from tests.helpers.sandbox_server import (
    DEMO_KIOSK_ID,
    PROJECT_ROOT,
    RunningSandbox,
    demo_secret,
    threaded_sandbox,
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sandbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """One seeded sandbox per module and store (SQLite, the gateway's PostgreSQL), in a thread of the test process."""
    if request.param == "postgresql":
        database: Path | str = request.getfixturevalue("postgres").create_database()
    else:
        database = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    with threaded_sandbox(database) as running:  # type: ignore[arg-type]
        yield running


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[PlatformClient]:
    c = PlatformClient(sandbox.base_url, DEMO_KIOSK_ID, demo_secret(), connect_timeout=1, read_timeout=10)
    yield c
    c.close()


def write_site(folder: Path, url: str, *, start_sandbox: bool = False, platform_extra: str = "") -> Path:
    """A site settings file: data in `folder/data`, the platform at `url` (more [platform] lines in platform_extra)."""
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\ndata_dir = "{folder / "data"}"\n\n[platform]\nurl = "{url}"\n'
                    f"connect_timeout_s = 1.0\nstart_sandbox = {'true' if start_sandbox else 'false'}\n"
                    + platform_extra, encoding="utf-8")
    return site


def run_kiosk(site: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """`python -m kiosk --config SITE ARGS…` as a technician would run it."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "kiosk", "--config", str(site), *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
