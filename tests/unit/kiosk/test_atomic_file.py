"""The one atomic small-file write (kiosk/atomic_file.py) used for sync state, lock-out and site overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.atomic_file import write_text_atomically


def test_writes_the_text_and_makes_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "state.json"
    write_text_atomically(target, "{\"网络\": 1}")
    assert target.read_text(encoding="utf-8") == "{\"网络\": 1}"
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "site-overrides.toml"
    target.write_text("old = 1\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomically(target, "new = \"\ud800\"\n")  # a lone surrogate cannot be UTF-8: fails mid-write
    assert target.read_text(encoding="utf-8") == "old = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["site-overrides.toml"]

