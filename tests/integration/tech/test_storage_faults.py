"""A full disk, a read-only data folder and a damaged database, for real: each named as what it is.

The full disk is a tiny tmpfs filled to the last byte and the read-only folder a read-only bind
mount, both in a private mount namespace (tests/helpers/small_fs.py); the damaged database is a
kiosk.db overwritten with noise. The kiosk's commands say which fault it is and exit 2, never with
a traceback; the technician PIN still opens the entry on a full disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers.small_fs import mount_namespaces_work, run_on_full_disk, run_on_read_only
from tests.integration.tech.conftest import write_site

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
KIOSK = [sys.executable, "-m", "kiosk"]
needs_mounts = pytest.mark.skipif(not mount_namespaces_work(), reason="needs root and unshare -m (mount namespaces)")

FULL, READ_ONLY, DAMAGED = "存储空间已满", "不能写入", "已损坏"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site whose data folder holds a healthy kiosk.db and key (made by a first run)."""
    path = write_site(tmp_path / "site", "http://127.0.0.1:9")
    first = subprocess.run([*KIOSK, "--config", str(path), "sync", "status"], env=ENV, capture_output=True,
                           text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    return path


def _says_only(run: subprocess.CompletedProcess[str], fault: str) -> None:
    assert run.returncode == 2, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr[-2000:]
    assert "暂停服务：本机" in run.stderr and fault in run.stderr, run.stderr[-2000:]
    for other in {FULL, READ_ONLY, DAMAGED} - {fault}:
        assert other not in run.stderr, f"a {fault} fault was reported as {other}"


@needs_mounts
@pytest.mark.parametrize("command", [["sync", "status"], ["sync", "run"], ["check-config"]])
def test_a_read_only_data_folder_is_named_as_such(site: Path, command: list[str]) -> None:
    args = [*KIOSK, "--config", str(site), *command] if command != ["check-config"] else [
        *KIOSK, "check-config", str(site)]
    _says_only(run_on_read_only(site.parent / "data", args, env=ENV), READ_ONLY)


@needs_mounts
@pytest.mark.parametrize("command", [["sync", "status"], ["sync", "run"], ["check-config"]])
def test_a_full_disk_is_named_as_such(site: Path, tmp_path: Path, command: list[str]) -> None:
    data = site.parent / "data"
    seed = tmp_path / "seed"
    data.rename(seed)  # the healthy folder is copied onto the tiny disk, which is then filled
    args = [*KIOSK, "--config", str(site), *command] if command != ["check-config"] else [
        *KIOSK, "check-config", str(site)]
    _says_only(run_on_full_disk(data, args, seed=seed, env=ENV), FULL)


@needs_mounts
def test_a_fresh_kiosk_on_a_full_disk_is_named_as_such(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", "http://127.0.0.1:9")
    run = run_on_full_disk(site.parent / "data", [*KIOSK, "--config", str(site), "sync", "status"], env=ENV,
                           size_kb=256)
    _says_only(run, FULL)


@pytest.mark.parametrize("command", [["sync", "status"], ["check-config"]])
def test_a_damaged_database_is_named_as_such(site: Path, command: list[str]) -> None:
    db = site.parent / "data" / "kiosk.db"
    db.write_bytes(os.urandom(8192))
    args = [*KIOSK, "--config", str(site), *command] if command != ["check-config"] else [
        *KIOSK, "check-config", str(site)]
    run = subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=60)
    _says_only(run, DAMAGED)


LOCKOUT_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from kiosk.technician import EntryLocked, Lockout, TechnicianGate, WrongPin, hash_pin
    folder = Path(sys.argv[1])
    gate = TechnicianGate([hash_pin("246810", "T01", n=2**8)], Lockout(folder / "technician_lockout.json", 300))
    out = {"right": gate.verify("246810"), "saved": not gate.lockout.save_failed, "wrong": []}
    for _ in range(5):
        try:
            gate.verify("000000")
        except WrongPin as exc:
            out["wrong"].append(exc.left)
        except EntryLocked:
            out["wrong"].append("locked")
    try:
        gate.verify("246810")
    except EntryLocked:
        out["locked_after"] = True
    print("RESULT " + json.dumps(out), flush=True)
""")


@needs_mounts
def test_on_a_full_disk_the_right_pin_opens_and_wrong_pins_still_count(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    run = run_on_full_disk(folder, [sys.executable, "-c", LOCKOUT_CHILD, str(folder)], env=ENV, size_kb=64)
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, run.stderr[-3000:]
    import json

    result = json.loads(lines[-1][len("RESULT "):])
    assert result["right"] == "T01" and result["saved"] is False, "the disk really was full"
    assert result["wrong"] == [4, 3, 2, 1, "locked"]
    assert result.get("locked_after") is True
    assert "No space left" not in run.stderr or "not saved" in run.stderr
