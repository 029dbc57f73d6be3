"""Suite-wide set-up: offscreen Qt at 1920×1080 before any QApplication, and shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.qt_env import configure_offscreen

configure_offscreen()

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT
