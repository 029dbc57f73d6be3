"""Suite-wide set-up: offscreen Qt at 1920×1080 before any QApplication, and shared fixtures."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.helpers")

from tests.helpers.pcscd import claim_client_socket  # noqa: E402
from tests.helpers.qt_env import configure_offscreen  # noqa: E402

configure_offscreen()
# pcsc-lite reads its socket path once per process: point it at the suite's isolated pcscd first.
claim_client_socket()
# One session-wide isolated pcscd for every test folder that needs it.
pytest_plugins = ["tests.helpers.pcscd", "tests.helpers.postgres"]  # and one private PostgreSQL for the gateway

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session", autouse=True)
def _stop_test_gpg_agents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """gpg starts a gpg-agent per throwaway GnuPG home (deploy and provisioning tests); at the end of the run
    each one under this run's temporary folder is told to stop, so no daemon outlives the suite."""
    yield
    base = str(tmp_path_factory.getbasetemp())
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if not args or not args[0].endswith(b"gpg-agent") or b"--homedir" not in args:
            continue
        home = args[args.index(b"--homedir") + 1].decode(errors="replace")
        if home.startswith(base):
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True, timeout=10,
                           check=False)
