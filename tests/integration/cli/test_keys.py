"""`kiosk keys rotate` killed half-way and run again, and the stop on a lost key, as a technician runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.settings import load_settings
from offline_cache import Database, open_database
from tests.integration.sync.conftest import run_kiosk, write_site

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ID_NUMBER = "140222197503150011"
ROWS = 1500  # 15 batches: the kill lands half-way
REJECTED = 3


def open_kiosk_db(site: Path) -> Database:
    settings = load_settings(site, env={})
    return open_database(settings.data_dir / "kiosk.db", backup_dir=settings.data_dir / "backups",
                         data_dir=settings.data_dir)


def fill(site: Path) -> list[str]:
    db = open_kiosk_db(site)
    try:
        person = db.person_key(ID_NUMBER)
        keys = [db.outbox.submit("job_seeker_registration", "求职登记", person, {"id_number": ID_NUMBER, "n": i}).key
                for i in range(ROWS)]
        for key in keys[:REJECTED]:
            db.outbox.mark_sending(key)
            db.outbox.mark_rejected(key, "MATERIAL", "李建军 13812345678 材料不全")
        return keys
    finally:
        db.close()


def versions(data: Path) -> set[int]:
    con = sqlite3.connect(data / "kiosk.db")
    try:
        return {r[0] for r in con.execute("SELECT DISTINCT coalesce(key_version, 1) FROM outbox")}
    finally:
        con.close()


def test_a_rotation_killed_half_way_loses_nothing_and_the_next_one_finishes(tmp_path: Path) -> None:
    site = write_site(tmp_path, "http://127.0.0.1:9")
    data = tmp_path / "data"
    keys = fill(site)

    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("KIOSK_CONFIG", None)
    child = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(site), "keys", "rotate"],
                             cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        first = json.loads(child.stdout.readline())
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    assert first == {"progress": "outbox", "rows": 100}
    assert child.returncode == -signal.SIGKILL
    assert versions(data) == {1, 2}, "the kill should land half-way through the rotation"
    assert (data / "outbox.key").exists() and (data / "outbox.v2.key").exists()

    again = run_kiosk(site, "keys", "rotate")

    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout.splitlines()[-1])
    assert summary["key_version"] == 3 and summary["outbox_rows"] == ROWS and summary["case_rows"] == REJECTED
    assert sorted(summary["removed"]) == ["outbox.key", "outbox.v2.key"]
    assert sorted(p.name for p in data.glob("outbox*.key")) == ["outbox.v3.key"]
    assert versions(data) == {3}
    db = open_kiosk_db(site)
    try:
        assert [db.outbox.get(k, with_payload=True).payload["n"] for k in keys] == list(range(ROWS))  # type: ignore[index]
        cases = db.cases.list_for_person(db.person_key(ID_NUMBER))
        assert len(cases) == ROWS and sum(c.reason == "李建军 13812345678 材料不全" for c in cases) == REJECTED
    finally:
        db.close()
    status = run_kiosk(site, "sync", "status")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["outbox"]["counts"]["queued"] == ROWS - REJECTED


def test_a_lost_key_stops_the_commands_with_a_technician_message_and_exit_2(tmp_path: Path) -> None:
    site = write_site(tmp_path, "http://127.0.0.1:9")
    data = tmp_path / "data"
    db = open_kiosk_db(site)
    db.outbox.submit("job_seeker_registration", "求职登记", db.person_key(ID_NUMBER), {"id_number": ID_NUMBER})
    db.close()
    (data / "outbox.key").unlink()

    for args in (("sync", "status"), ("keys", "rotate"), ("cache", "search", "保洁")):
        run = run_kiosk(site, *args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
        assert "密钥" in run.stderr and "技术人员" in run.stderr and "outbox.key" in run.stderr
        assert run.stdout == ""
    assert not (data / "outbox.key").exists()  # no silent new key: the queued submission can still be saved
    assert not list(data.glob("outbox.v*.key"))

    # No backup after all: the technician sees what is lost, confirms, and the kiosk can start again.
    dry = run_kiosk(site, "keys", "forget-lost")
    assert dry.returncode == 0 and json.loads(dry.stdout)["unsent"] == 1 and "--yes" in dry.stderr, dry
    assert run_kiosk(site, "sync", "status").returncode == 2
    assert run_kiosk(site, "keys", "forget-lost", "--yes").returncode == 0
    status = run_kiosk(site, "sync", "status")
    assert status.returncode == 0, status.stderr
    [item] = json.loads(status.stdout)["outbox"]["needs_attention"]
    assert "重新办理" in item["error"]
