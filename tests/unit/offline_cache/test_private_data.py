"""Nothing personal left behind: rejection reasons sealed, local cases purged, data files readable by the kiosk only."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from offline_cache import CaseStatus, Database, PlatformCase, open_database
from offline_cache.crypto import load_or_create_key
from offline_cache.db import create_kiosk_engine, migrate
from offline_cache.models import metadata
from offline_cache.private import tighten_tree
from tests.unit.offline_cache.conftest import FakeClock

ID_NUMBER = "430124199001011234"
REASON = "申请人张三（电话13812345678）的材料不全"
PHONE = b"13812345678"


def submit(db: Database) -> str:
    return db.outbox.submit("job_seeker_registration", "求职登记", db.person_key(ID_NUMBER),
                            {"id_number": ID_NUMBER}).key


def raw_files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("kiosk.sqlite*")))


def every_text_value(path: Path) -> list[str]:
    """Every text stored in any column of any of our tables, read straight from the file."""
    con = sqlite3.connect(path)
    try:
        values: list[str] = []
        for table in metadata.tables:
            for row in con.execute(f"SELECT * FROM {table}"):
                values.extend(v for v in row if isinstance(v, str))
        return values
    finally:
        con.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_at_0003(data: Path) -> tuple[Path, Engine]:
    """A database file as the release before revision 0004 left it (the engine is the caller's to dispose)."""
    data.mkdir()
    path = data / "kiosk.sqlite"
    engine = create_kiosk_engine(path)
    migrate(engine, path, data / "backups", FakeClock(), target="0003")
    load_or_create_key(data)  # that release's only key file
    return path, engine


@contextmanager
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# -- rejection reasons ----------------------------------------------------------------------------------
def test_the_platforms_rejection_reason_is_stored_only_encrypted(db: Database) -> None:
    key = submit(db)
    db.outbox.mark_sending(key)
    db.outbox.mark_rejected(key, "MATERIAL", REASON)

    [case] = db.cases.list_for_person(db.person_key(ID_NUMBER))
    assert case.status is CaseStatus.REJECTED and case.reason == REASON  # still shown in 我的办件
    assert db.outbox.get(key).reject_message == REASON
    db.close()
    assert not any("13812345678" in v for v in every_text_value(db.path))
    assert PHONE not in raw_files(db.path.parent) and "张三".encode() not in raw_files(db.path.parent)


def test_a_reason_from_the_platforms_case_list_is_stored_only_encrypted(db: Database) -> None:
    person = db.person_key(ID_NUMBER)
    changed = db.cases.apply_platform_cases(person, [PlatformCase("C-7", "rejected", "unemployment_registration",
                                                                  "失业登记", reason_code="MATERIAL", reason=REASON)])
    assert changed == 1
    assert db.cases.apply_platform_cases(person, [PlatformCase("C-7", "rejected", reason_code="MATERIAL",
                                                               reason=REASON)]) == 0  # unchanged is seen as such
    assert [c.reason for c in db.cases.list_for_person(person)] == [REASON]
    db.close()
    assert not any("13812345678" in v for v in every_text_value(db.path))


def test_plain_reasons_written_before_are_sealed_when_the_database_is_opened(tmp_path: Path) -> None:
    path, engine = database_at_0003(tmp_path / "data")
    stamp = "2025-05-01 08:00:00.000000"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO outbox (key, kind, state, created_at, updated_at, next_attempt_at, attempts, reject_code, "
            "reject_message, finished_at) VALUES ('k1', 'job_seeker_registration', 'rejected', ?, ?, ?, 1, "
            "'MATERIAL', ?, ?)", (stamp, stamp, stamp, REASON, stamp))
        conn.exec_driver_sql(
            "INSERT INTO local_case (key, person_key, kind, title, submitted_at, month, status, reason_code, reason, "
            "updated_at) VALUES ('k1', 'p', 'job_seeker_registration', '求职登记', ?, '2025-05', 'rejected', "
            "'MATERIAL', ?, ?)", (stamp, REASON, stamp))
    engine.dispose()

    db = open_database(path, backup_dir=None, clock=FakeClock())
    try:
        assert [c.reason for c in db.cases.list_for_person("p")] == [REASON]
        assert db.outbox.get("k1").reject_message == REASON
    finally:
        db.close()
    assert not any("13812345678" in v for v in every_text_value(path))


# -- purging local cases --------------------------------------------------------------------------------
def test_local_cases_are_purged_on_the_outbox_schedule(db: Database, clock: FakeClock) -> None:
    person = db.person_key(ID_NUMBER)
    done = submit(db)
    db.outbox.mark_sending(done)
    db.outbox.mark_rejected(done, "MATERIAL", REASON)
    waiting = submit(db)
    db.cases.apply_platform_cases(person, [PlatformCase("C-7", "approved", "unemployment_registration", "失业登记")])
    clock.advance(days=29)
    assert db.purge(30) == 0
    assert len(db.cases.list_for_person(person)) == 3

    clock.advance(days=2)
    assert db.purge(30) == 1  # the finished submission's payload

    assert [c.key for c in db.cases.list_for_person(person)] == [waiting]  # not uploaded yet: kept
    db.close()
    assert PHONE not in raw_files(db.path.parent)


# -- file permissions -----------------------------------------------------------------------------------
def test_the_database_its_wal_and_the_keys_are_private_even_under_a_loose_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with loose_umask():
        db = open_database(data / "kiosk.sqlite", backup_dir=data / "backups", clock=FakeClock())
        try:
            submit(db)
            files = {p.name: mode(p) for p in data.iterdir() if p.is_file()}
        finally:
            db.close()
    assert {"kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm", "outbox.key", "person.salt"} <= set(files)
    assert files == dict.fromkeys(files, 0o600)
    assert mode(data) == 0o700


def test_a_migration_backup_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path, engine = database_at_0003(data)
    engine.dispose()
    with loose_umask():
        open_database(path, backup_dir=data / "backups", clock=FakeClock()).close()
    [backup] = (data / "backups").iterdir()
    assert mode(data / "backups") == 0o700 and mode(backup) == 0o600


def test_files_left_world_readable_by_an_older_release_are_tightened_at_opening(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_database(data / "kiosk.sqlite", backup_dir=None, clock=FakeClock())
    submit(db)
    db.close()
    for p in data.iterdir():
        p.chmod(0o644)
    data.chmod(0o755)

    db = open_database(data / "kiosk.sqlite", backup_dir=None, clock=FakeClock())
    db.close()
    assert mode(data) == 0o700
    assert {p.name: mode(p) for p in data.iterdir()} == {p.name: 0o600 for p in data.iterdir()}


def test_tighten_tree_makes_every_folder_and_file_private_and_leaves_links_alone(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "kiosk.log").write_text("log")
    (data / "logs" / "kiosk.log").chmod(0o644)
    (data / "logs").chmod(0o755)
    (data / "link").symlink_to(outside)
    data.chmod(0o755)

    assert tighten_tree(data) == 3
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700 and mode(data / "logs" / "kiosk.log") == 0o600
    assert mode(outside) == 0o644
