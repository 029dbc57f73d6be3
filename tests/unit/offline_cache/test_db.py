"""Opening the database: migrations from the first revision keep queued submissions, backups, corruption."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from offline_cache import DatabaseCorrupt, OutboxState, SchemaMismatch, SearchQuery, open_database
from offline_cache.crypto import PayloadCipher, load_or_create_key
from offline_cache.db import create_kiosk_engine, head_revision, migrate
from offline_cache.models import include_object, metadata
from tests.unit.offline_cache.conftest import FakeClock, job


def make_first_revision_db(path: Path, clock: FakeClock) -> list[str]:
    """A database at revision 0001 holding queued submissions, their cases and cached jobs."""
    engine = create_kiosk_engine(path)
    migrate(engine, path, path.parent / "backups", clock, target="0001")
    cipher = PayloadCipher(load_or_create_key(path.parent))
    keys = [f"k-{i}" for i in range(3)]
    with engine.begin() as conn:
        for i, key in enumerate(keys):
            stamp = f"2025-05-0{i + 1} 08:00:00.000000"
            conn.exec_driver_sql(
                "INSERT INTO outbox (key, kind, state, payload, created_at, updated_at, next_attempt_at, attempts) "
                "VALUES (?, 'job_seeker_registration', 'queued', ?, ?, ?, ?, 0)",
                (key, cipher.encrypt({"id_number": "430124199001011236", "n": i}, key), stamp, stamp, stamp))
            conn.exec_driver_sql(
                "INSERT INTO local_case (key, person_key, kind, title, submitted_at, month, status, updated_at) "
                "VALUES (?, 'p', 'job_seeker_registration', '求职登记', ?, '2025-05', 'pending', ?)",
                (key, stamp, stamp))
        conn.exec_driver_sql(
            "INSERT INTO feed_fixed_jobs (id, version, deleted, title, county, posted_at) "
            "VALUES ('j1', 1, 0, '招聘保洁员', '宁乡市', '2025-05-30')")
    engine.dispose()
    return keys


def test_migration_from_first_revision_keeps_every_queued_submission(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "kiosk.sqlite"
    keys = make_first_revision_db(path, clock)
    db = open_database(path, backup_dir=tmp_path / "backups", clock=clock)
    try:
        assert db.revision() == head_revision()
        batch = db.outbox.next_batch()
        assert [i.key for i in batch] == keys
        assert [i.payload["n"] for i in batch] == [0, 1, 2]
        assert all(i.state is OutboxState.QUEUED and i.permanent_failures == 0 for i in batch)
        assert [c.key for c in db.cases.list_for_person("p")] == keys[::-1]
        # rows cached before the search revision are searchable after it, by 2 and 3+ characters
        assert db.search.search("fixed_jobs", SearchQuery(text="保洁")).total == 1
        assert db.search.search("fixed_jobs", SearchQuery(text="保洁员")).total == 1
    finally:
        db.close()
    backups = list((tmp_path / "backups").glob("kiosk-*-from-0001.sqlite"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    try:
        assert con.execute("SELECT count(*) FROM outbox WHERE state = 'queued'").fetchone() == (3,)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    finally:
        con.close()


def test_reopening_an_up_to_date_database_makes_no_backup(tmp_path: Path, clock: FakeClock) -> None:
    for _ in range(2):
        open_database(tmp_path / "kiosk.sqlite", backup_dir=tmp_path / "backups", clock=clock).close()
    assert not (tmp_path / "backups").exists()


def test_models_and_migrations_agree(tmp_path: Path, clock: FakeClock) -> None:
    db = open_database(tmp_path / "kiosk.sqlite", backup_dir=None, clock=clock)
    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
            assert compare_metadata(ctx, metadata) == []
    finally:
        db.close()


def test_corrupt_file_is_a_typed_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseCorrupt) as err:
        open_database(path, backup_dir=None)
    assert "技术人员" in err.value.message
    assert path.read_bytes() == b"this is not a database" * 100


def test_damaged_pages_are_detected(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "kiosk.sqlite"
    db = open_database(path, backup_dir=None, clock=clock)
    db.feeds.apply_feed_page("fixed_jobs", [job(f"j{i}", description="很长的描述" * 50) for i in range(200)], None)
    db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 12)):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt):
        open_database(path, backup_dir=None)


@pytest.mark.parametrize("oldest_reader", [9999, 0])  # only the newer program itself; no record at all
def test_a_newer_schema_is_refused(tmp_path: Path, clock: FakeClock, oldest_reader: int) -> None:
    """A newer release that did not declare this one may read its file (offline_cache/migrations rule)."""
    path = tmp_path / "kiosk.sqlite"
    open_database(path, backup_dir=None, clock=clock).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.execute(f"PRAGMA user_version = {oldest_reader}")
    con.commit()
    con.close()
    with pytest.raises(SchemaMismatch):
        open_database(path, backup_dir=None)


def test_two_threads_write_at_once_without_losing_anything(tmp_path: Path, clock: FakeClock) -> None:
    db = open_database(tmp_path / "kiosk.sqlite", backup_dir=None, clock=clock)
    errors: list[BaseException] = []

    def submitter() -> None:
        try:
            for i in range(30):
                db.outbox.submit("k", "t", "p", {"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def ingester() -> None:
        try:
            for page in range(10):
                db.feeds.apply_feed_page("fixed_jobs", [job(f"j{page}-{i}") for i in range(50)], str(page))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=submitter), threading.Thread(target=submitter), threading.Thread(target=ingester)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert db.outbox.counts()[OutboxState.QUEUED] == 60
        assert {s.feed: s.row_count for s in db.feeds.status()}["fixed_jobs"] == 500
    finally:
        db.close()
