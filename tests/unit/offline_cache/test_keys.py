"""Payload keys: a lost or replaced key stops the kiosk, keys rotate crash-safely, the person-key salt stands alone."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from offline_cache import (
    CaseStatus,
    Database,
    KeyChanged,
    KeyMissing,
    OutboxState,
    PayloadUnreadable,
    open_database,
)
from offline_cache.crypto import PayloadCipher, PersonKeyer, load_or_create_key
from offline_cache.db import create_kiosk_engine, forget_lost, migrate
from tests.unit.offline_cache.conftest import FakeClock

ID_NUMBER = "430124199001011234"
OTHER_ID = "43012419851203002X"
PROJECT_ROOT = Path(__file__).resolve().parents[3]


def open_db(data: Path, clock: FakeClock | None = None) -> Database:
    return open_database(data / "kiosk.sqlite", backup_dir=data / "backups", clock=clock or FakeClock())


def fill(db: Database, n: int, *, rejected: int = 0) -> list[str]:
    """n queued submissions (alternating residents); the first `rejected` of them refused with a reason."""
    keys = []
    for i in range(n):
        id_number = ID_NUMBER if i % 2 == 0 else OTHER_ID
        keys.append(db.outbox.submit("job_seeker_registration", "求职登记", db.person_key(id_number),
                                     {"id_number": id_number, "n": i}).key)
    for key in keys[:rejected]:
        db.outbox.mark_sending(key)
        db.outbox.mark_rejected(key, "MATERIAL", f"材料不全（{key[-2:]}）")
    return keys


def assert_everything_decrypts(db: Database, keys: list[str], rejected: int) -> None:
    for i, key in enumerate(keys):
        item = db.outbox.get(key, with_payload=True)
        assert item.payload is not None and item.payload["n"] == i
        if i < rejected:
            assert item.reject_message == f"材料不全（{key[-2:]}）"
    reasons = {c.key: c.reason for c in db.cases.list_for_person(db.person_key(ID_NUMBER))}
    reasons.update({c.key: c.reason for c in db.cases.list_for_person(db.person_key(OTHER_ID))})
    assert {k: reasons[k] for k in keys[:rejected]} == {k: f"材料不全（{k[-2:]}）" for k in keys[:rejected]}
    assert set(keys) <= set(reasons)


def key_versions(data: Path) -> set[int]:
    con = sqlite3.connect(data / "kiosk.sqlite")
    try:
        rows = con.execute("SELECT coalesce(key_version, 1) FROM outbox WHERE payload IS NOT NULL "
                           "UNION SELECT coalesce(key_version, 1) FROM local_case WHERE reason_sealed IS NOT NULL")
        return {r[0] for r in rows}
    finally:
        con.close()


# -- a lost or replaced key ----------------------------------------------------------------------------
def test_a_missing_key_with_queued_submissions_stops_and_no_new_key_is_made(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    fill(db, 2)
    db.close()
    (data / "outbox.key").unlink()

    with pytest.raises(KeyMissing) as err:
        open_db(data)

    assert "技术人员" in err.value.message and "恢复" in err.value.message
    assert "outbox.key" in err.value.detail and "2 encrypted row(s)" in err.value.detail
    assert not (data / "outbox.key").exists()  # never a silent new key


def test_a_replaced_key_file_stops_instead_of_parking_every_submission(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    fill(db, 1)
    db.close()
    (data / "outbox.key").write_bytes(os.urandom(32))

    with pytest.raises(KeyChanged) as err:
        open_db(data)
    assert "技术人员" in err.value.message


def test_a_replaced_key_is_noticed_on_a_kiosk_from_before_key_checks(tmp_path: Path) -> None:
    """No digest recorded yet (revision 0003): the key is tried on a stored row instead."""
    data = tmp_path / "data"
    make_legacy_db(data, FakeClock())
    (data / "outbox.key").write_bytes(os.urandom(32))
    with pytest.raises(KeyChanged):
        open_db(data)


def test_a_new_key_is_made_only_while_nothing_is_encrypted(tmp_path: Path, clock: FakeClock) -> None:
    data = tmp_path / "data"
    db = open_db(data, clock)
    key = fill(db, 1)[0]
    db.outbox.mark_sending(key)
    db.outbox.mark_accepted(key, "C-1")
    clock.advance(days=31)
    db.purge(30)  # nothing encrypted is left
    db.close()
    (data / "outbox.key").unlink()

    db = open_db(data, clock)
    try:
        later = fill(db, 1)[0]
        assert db.outbox.get(later, with_payload=True).payload == {"id_number": ID_NUMBER, "n": 0}
        assert (data / "outbox.v2.key").exists()  # a fresh version, never the lost one's number
    finally:
        db.close()


def test_a_key_that_cannot_be_restored_is_given_up_only_when_the_technician_confirms(
        tmp_path: Path, clock: FakeClock) -> None:
    data = tmp_path / "data"
    db = open_db(data, clock)
    keys = fill(db, 3, rejected=1)
    db.close()
    (data / "outbox.key").write_bytes(os.urandom(32))  # replaced by mistake; the original is gone

    dry = forget_lost(data / "kiosk.sqlite", apply=False, clock=clock)
    assert (dry.applied, dry.lost_versions, dry.submissions, dry.unsent, dry.reasons, dry.cases) == (
        False, (1,), 3, 2, 1, 0)
    with pytest.raises(KeyChanged):
        open_db(data, clock)  # nothing was changed

    done = forget_lost(data / "kiosk.sqlite", apply=True, clock=clock)
    assert done.applied and done.set_aside == ("outbox.key.replaced-20250601T020000",)
    assert (data / "outbox.key.replaced-20250601T020000").exists()

    db = open_db(data, clock)
    try:
        states = [db.outbox.get(k, with_payload=True) for k in keys]
        assert [(i.state, i.payload) for i in states] == [(OutboxState.REJECTED, None),
                                                           (OutboxState.NEEDS_ATTENTION, None),
                                                           (OutboxState.NEEDS_ATTENTION, None)]
        assert "重新办理" in (states[1].last_error or "")
        assert len(db.cases.list_for_person(db.person_key(ID_NUMBER))) == 2  # the salt was not lost
        later = fill(db, 1)[0]
        assert db.outbox.get(later, with_payload=True).payload == {"id_number": ID_NUMBER, "n": 0}
    finally:
        db.close()


def test_giving_up_a_lost_salt_deletes_the_cases_filed_under_it(tmp_path: Path, clock: FakeClock) -> None:
    data = tmp_path / "data"
    db = open_db(data, clock)
    keys = fill(db, 2)
    db.close()
    (data / "person.salt").unlink()

    report = forget_lost(data / "kiosk.sqlite", apply=True, clock=clock)

    assert (report.lost_versions, report.submissions, report.cases) == ((), 0, 2)
    db = open_db(data, clock)
    try:
        assert db.cases.list_for_person(db.person_key(ID_NUMBER)) == []
        assert [db.outbox.get(k).state for k in keys] == [OutboxState.QUEUED] * 2  # still uploaded
    finally:
        db.close()


# -- the person-key salt --------------------------------------------------------------------------------
def make_legacy_db(data: Path, clock: FakeClock) -> str:
    """A kiosk at revision 0003: outbox.key only, a queued submission and a case under the key-derived salt."""
    data.mkdir(parents=True)
    path = data / "kiosk.sqlite"
    engine = create_kiosk_engine(path)
    migrate(engine, path, data / "backups", clock, target="0003")
    key = load_or_create_key(data)
    person = PersonKeyer.from_master_key(key).key_for(ID_NUMBER)
    stamp = "2025-05-01 08:00:00.000000"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO outbox (key, kind, state, payload, created_at, updated_at, next_attempt_at, attempts) "
            "VALUES ('k-old', 'job_seeker_registration', 'queued', ?, ?, ?, ?, 0)",
            (PayloadCipher(key).encrypt({"id_number": ID_NUMBER}, "k-old"), stamp, stamp, stamp))
        conn.exec_driver_sql(
            "INSERT INTO local_case (key, person_key, kind, title, submitted_at, month, status, updated_at) "
            "VALUES ('k-old', ?, 'job_seeker_registration', '求职登记', ?, '2025-05', 'pending', ?)",
            (person, stamp, stamp))
        conn.exec_driver_sql(
            "INSERT INTO local_case (person_key, kind, title, submitted_at, month, case_no, status, reason_code, "
            "reason, updated_at) VALUES (?, 'unemployment_registration', '失业登记', ?, '2025-05', 'C-9', "
            "'rejected', 'MATERIAL', '张三 13812345678 材料不全', ?)", (person, stamp, stamp))
    engine.dispose()
    return person


def test_an_existing_kiosk_keeps_its_residents_cases_when_the_salt_moves_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    legacy_person = make_legacy_db(data, FakeClock())

    db = open_db(data)
    try:
        assert (data / "person.salt").exists()
        assert db.person_key(ID_NUMBER) == legacy_person
        cases = db.cases.list_for_person(db.person_key(ID_NUMBER))
        assert [c.key for c in cases] == [None, "k-old"] or [c.key for c in cases] == ["k-old", None]
        assert db.outbox.next_batch()[0].payload == {"id_number": ID_NUMBER}
    finally:
        db.close()


def test_the_person_key_no_longer_depends_on_the_payload_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    before = db.person_key(ID_NUMBER)
    fill(db, 1)
    db.rotate_keys()
    db.close()

    db = open_db(data)
    try:
        assert not (data / "outbox.key").exists()
        assert db.person_key(ID_NUMBER) == before
        assert before != PersonKeyer.from_master_key((data / "outbox.v2.key").read_bytes()).key_for(ID_NUMBER)
        assert [c.status for c in db.cases.list_for_person(before)] == [CaseStatus.AWAITING_UPLOAD]
    finally:
        db.close()


def test_a_new_kiosk_gets_a_random_salt_not_one_derived_from_its_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_db(data).close()
    salt = (data / "person.salt").read_bytes()
    assert len(salt) == 32 and salt != PersonKeyer.legacy_salt((data / "outbox.key").read_bytes())


def test_a_missing_salt_with_local_cases_stops(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    fill(db, 1)
    db.close()
    (data / "person.salt").unlink()

    with pytest.raises(KeyMissing) as err:
        open_db(data)
    assert "person.salt" in err.value.detail
    assert not (data / "person.salt").exists()


def test_a_replaced_salt_with_local_cases_stops(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    fill(db, 1)
    db.close()
    (data / "person.salt").write_bytes(os.urandom(32))
    with pytest.raises(KeyChanged):
        open_db(data)


# -- rotation -------------------------------------------------------------------------------------------
def test_rotation_re_encrypts_every_row_and_then_removes_the_old_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    keys = fill(db, 7, rejected=2)
    old_key = (data / "outbox.key").read_bytes()

    report = db.rotate_keys()

    assert (report.version, report.outbox_rows, report.case_rows, report.removed) == (2, 7, 2, ("outbox.key",))
    assert key_versions(data) == {2}
    assert_everything_decrypts(db, keys, rejected=2)
    newer = fill(db, 1)[0]
    db.close()
    con = sqlite3.connect(data / "kiosk.sqlite")
    blob = con.execute("SELECT payload FROM outbox WHERE key = ?", (newer,)).fetchone()[0]
    con.close()
    with pytest.raises(PayloadUnreadable):  # the old key does not open rows written after the rotation
        PayloadCipher(old_key).decrypt(blob, newer)
    db = open_db(data)
    try:
        assert_everything_decrypts(db, keys, rejected=2)
        assert db.rotate_keys().version == 3
    finally:
        db.close()
    assert sorted(p.name for p in data.glob("outbox*.key")) == ["outbox.v3.key"]


def test_a_kiosk_running_during_a_rotation_follows_the_new_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    running = open_db(data)
    technician = open_db(data)
    keys = fill(running, 3)
    technician.rotate_keys()
    technician.close()
    keys.append(running.outbox.submit("job_seeker_registration", "求职登记", running.person_key(ID_NUMBER),
                                      {"id_number": ID_NUMBER, "n": 3}).key)
    running.close()

    assert key_versions(data) == {2}
    db = open_db(data)
    try:
        assert_everything_decrypts(db, keys, rejected=0)
    finally:
        db.close()


_ROTATE_AND_DIE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from offline_cache import open_database
    from offline_cache.keys import rotate_keys

    data, kill_after = Path(sys.argv[1]), int(sys.argv[2])
    db = open_database(data / "kiosk.sqlite", backup_dir=None)
    calls = []

    def progress(table, rows):
        calls.append(table)
        if len(calls) == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    rotate_keys(data, db.engine, db.keys, db.clock, progress=progress, batch=2)
    os.kill(os.getpid(), signal.SIGKILL)  # killed just before returning: the old key files are already gone
""")


@pytest.mark.parametrize("kill_after", [1, 3, 6, 99])
def test_a_rotation_killed_at_any_batch_loses_nothing_and_rotating_again_finishes(
        tmp_path: Path, kill_after: int) -> None:
    data = tmp_path / "data"
    db = open_db(data)
    keys = fill(db, 9, rejected=2)  # 5 outbox batches of 2, then 1 batch of 2 cases
    db.close()

    child = subprocess.run([sys.executable, "-c", _ROTATE_AND_DIE, str(data), str(kill_after)], cwd=PROJECT_ROOT,
                           env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr
    if kill_after < 6:
        assert key_versions(data) == {1, 2}  # really killed half-way
    if kill_after <= 6:
        assert (data / "outbox.key").exists()  # the old key stays until every row is re-encrypted

    db = open_db(data)
    try:
        assert_everything_decrypts(db, keys, rejected=2)
        db.rotate_keys()
        assert_everything_decrypts(db, keys, rejected=2)
    finally:
        db.close()
    assert key_versions(data) == {3}
    assert sorted(p.name for p in data.glob("outbox*.key")) == ["outbox.v3.key"]
