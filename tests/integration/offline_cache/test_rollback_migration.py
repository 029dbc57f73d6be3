"""A rolled-back release opens the database a newer release migrated (expand-only), with its queued outbox
items and local cases intact, and still delivers them to the sandbox platform on 127.0.0.1.

The newer release is simulated: our migrations plus one more revision (tests/helpers/migrations.py), run
through the same offline_cache.db code with that folder; then today's code opens the file.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from kiosk.platform import PlatformClient
from kiosk.settings import SyncSettings
from kiosk.sync import SyncWorker, queue_submission
from offline_cache import OutboxState, SchemaMismatch, open_database
from offline_cache.db import alembic_config, head_revision, oldest_reader
from tests.helpers.crash_harness import platform_cases
from tests.helpers.migrations import release_with, running
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, demo_secret, threaded_sandbox
from tests.unit.sync.fakes import FakeClock as KioskClock

pytestmark = pytest.mark.integration

RESIDENTS = (("140222197503150011", "李建军"), ("140222198311020030", "陈志强"))
SYNC = SyncSettings(push_interval_s=15, pull_interval_s=600, heartbeat_interval_s=60, purge_after_days=30)
EXPAND = """
    op.add_column("outbox", sa.Column("channel", sa.Text()))
    op.create_table("release_note", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("text", sa.Text()))
"""


def _file_state(path: Path) -> tuple[str, int]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0], \
            con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def test_a_rolled_back_release_opens_the_newer_file_and_still_delivers(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kiosk" / "kiosk.db"
    clock = KioskClock()
    db = open_database(path, backup_dir=None, clock=clock)  # this release, before the update
    before = [queue_submission(db, "job_seeker_registration", "求职登记", n, name, {"job_type": "fixed"}, clock)
              for n, name in RESIDENTS[:1]]
    db.close()

    newer = release_with(tmp_path / "release-next", EXPAND)
    with running(newer):  # the update: the newer release migrates the file and queues one more submission
        db = open_database(path, backup_dir=None, clock=clock)
        newer_head = db.revision()
        before.append(queue_submission(db, "job_seeker_registration", "求职登记", *RESIDENTS[1],
                                       {"job_type": "fixed"}, clock))
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE outbox SET channel = 'kiosk'")
        db.close()
    assert newer_head == f"{int(head_revision()) + 1:04d}"
    # "programs from this release's oldest reader on (this release included) may still use me"
    readable_from = int(oldest_reader(ScriptDirectory.from_config(alembic_config()), head_revision()))
    assert _file_state(path) == (newer_head, readable_from) and readable_from <= int(head_revision())

    caplog.set_level(logging.WARNING, logger="offline_cache.db")
    db = open_database(path, backup_dir=None, clock=clock)  # the rollback: today's code, the newer file
    try:
        assert db.revision() == newer_head  # opened as it is, not migrated
        assert "newer than this program" in caplog.text
        queued = db.outbox.next_batch()
        assert [i.key for i in queued] == [i.key for i in before]
        assert all(i.state is OutboxState.QUEUED for i in queued)
        payloads = [db.outbox.get(i.key, with_payload=True).payload for i in queued]
        assert [p["person"]["name"] for p in payloads] == [name for _, name in RESIDENTS]  # type: ignore[index]
        for (number, _), item in zip(RESIDENTS, before, strict=True):
            assert [c.key for c in db.cases.list_for_person(db.person_key(number))] == [item.key]
        with threaded_sandbox(tmp_path / "sandbox.db") as sandbox:
            client = PlatformClient(sandbox.base_url, DEMO_KIOSK_ID, demo_secret(), connect_timeout=1, read_timeout=10)
            try:
                report = SyncWorker(db, client, SYNC, data_dir=path.parent, clock=clock,
                                    feeds=("job_categories",)).run_once()
            finally:
                client.close()
        assert report.push.accepted == 2, report
        delivered = {key: case_no for key, case_no, _ in platform_cases(tmp_path / "sandbox.db")}
        for item in before:
            assert db.outbox.get(item.key).case_no == delivered[item.key]
    finally:
        db.close()
    assert _file_state(path) == (newer_head, readable_from)  # the older program left the record alone


def test_a_newer_release_that_is_not_expand_only_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "kiosk" / "kiosk.db"
    clock = KioskClock()
    db = open_database(path, backup_dir=None, clock=clock)
    queue_submission(db, "job_seeker_registration", "求职登记", *RESIDENTS[0], {"job_type": "fixed"}, clock)
    db.close()
    contract = release_with(tmp_path / "release-next", """
        with op.batch_alter_table("feed_state") as batch:
            batch.drop_column("reset_at")
    """, expand_only=False)
    with running(contract):
        open_database(path, backup_dir=None, clock=clock).close()
    state = _file_state(path)
    assert state[1] == int(state[0])  # only the newer program itself may open it
    data = path.read_bytes()
    with pytest.raises(SchemaMismatch) as refused:
        open_database(path, backup_dir=None, clock=clock)
    assert f"needs a program at revision {state[0]}" in str(refused.value)
    assert refused.value.message  # the technician's 暂停服务 text
    assert path.read_bytes() == data
