"""Suite-wide set-up: offscreen Qt at 1920×1080 before any QApplication, and shared fixtures."""

from __future__ import annotations

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
