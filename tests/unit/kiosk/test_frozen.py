"""Running from the frozen bundle (PyInstaller sets sys.frozen and sys._MEIPASS): where files are found."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from config import is_frozen, resource_root
from kiosk.sandbox_process import SandboxProcess, SandboxStartError
from tests.helpers.ports import dead_url


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


def test_the_checkout_is_the_resource_root_from_source() -> None:
    assert not is_frozen()
    assert (resource_root() / "config" / "default.toml").is_file()


def test_the_bundle_folder_is_the_resource_root_when_frozen(frozen: Path) -> None:
    assert is_frozen()
    assert resource_root() == frozen.resolve()


def test_the_bundle_refuses_to_start_a_demo_sandbox_it_does_not_carry(frozen: Path) -> None:
    with pytest.raises(SandboxStartError, match="不含演示平台"):
        SandboxProcess(dead_url(), frozen / "sandbox.db").start()
