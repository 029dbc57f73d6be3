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



def test_the_file_is_private_unless_a_mode_is_asked_for(tmp_path: Path) -> None:
    """The same write serves `kiosk update`'s status files (0644, read by the kiosk user) and JSON state."""
    private, shared = tmp_path / "state.json", tmp_path / "health.json"
    write_text_atomically(private, "{}")
    write_text_atomically(shared, "{}", mode=0o644, owner_of=tmp_path)
    assert private.stat().st_mode & 0o777 == 0o600
    assert shared.stat().st_mode & 0o777 == 0o644
    assert (shared.stat().st_uid, shared.stat().st_gid) == (tmp_path.stat().st_uid, tmp_path.stat().st_gid)
