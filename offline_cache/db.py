"""Opening the kiosk database: integrity check, backup, Alembic upgrade, and the repositories on top."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, DBAPIError

from offline_cache.bigrams import bigram_tokens, has_terms
from offline_cache.cases import CaseBook
from offline_cache.clock import Clock, system_clock
from offline_cache.codes import CodeTables
from offline_cache.crypto import PersonKeyer
from offline_cache.errors import DatabaseCorrupt, MigrationFailed, SchemaMismatch, StorageFault
from offline_cache.ingest import FeedStore
from offline_cache.keys import (
    KeyRing,
    LossReport,
    RotationReport,
    forget_lost_keys,
    open_keyring,
    rotate_keys,
    seal_plain_texts,
)
from offline_cache.matching import Matcher
from offline_cache.outbox import MAX_PERMANENT_FAILURES, Outbox, new_idempotency_key
from offline_cache.private import make_private_dir, tighten, touch_private
from offline_cache.search import Search
from offline_cache.storage import probe_folder, storage_fault

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations folder; no alembic.ini involved."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def oldest_reader(script: ScriptDirectory, revision: str) -> str:
    """The oldest program (by its head revision) that can still use a database at `revision`.

    Walks down while each revision declares itself expand-only (`oldest_reader = down_revision`, the rule
    in offline_cache/migrations/__init__.py); the first one that does not (or the base) stops the walk.
    """
    oldest = revision
    rev = script.get_revision(revision)
    while rev is not None and isinstance(rev.down_revision, str) \
            and getattr(rev.module, "oldest_reader", rev.revision) == rev.down_revision:
        oldest = rev.down_revision
        rev = script.get_revision(rev.down_revision)
    return oldest


def _stored_oldest_reader(conn: Connection) -> str | None:
    """What the program that migrated the file recorded as its oldest reader (SQLite's user_version), or None."""
    number = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
    return f"{number:04d}" if number else None


def _record_oldest_reader(conn: Connection, script: ScriptDirectory, revision: str) -> None:
    """Write into the file which older programs may open it (revision ids are numbers: 0001, 0002, …)."""
    conn.exec_driver_sql(f"PRAGMA user_version = {int(oldest_reader(script, revision))}")


def head_revision() -> str:
    """The newest revision this program knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's begin event issues BEGIN / BEGIN IMMEDIATE
    dbapi_conn.create_function("oc_bigrams", -1, bigram_tokens, deterministic=True)
    dbapi_conn.create_function("oc_has_terms", -1, has_terms, deterministic=True)
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=FULL")  # a kiosk loses power; a committed submission must survive
    finally:
        cur.close()


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("oc_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_kiosk_engine(path: Path) -> Engine:
    """One engine for the whole process; connections are pooled and usable from any thread."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_size=4,
        max_overflow=4,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def check_readable(path: Path, *, full: bool = True) -> None:
    """Raise DatabaseCorrupt unless `path` is missing, empty, or a healthy SQLite file."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise DatabaseCorrupt(f"{path}: not an SQLite file")
    try:
        con = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = con.execute("PRAGMA quick_check" if full else "SELECT count(*) FROM sqlite_master").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        # A full or read-only disk is not a damaged file: say which it is.
        raise (storage_fault(exc, path.parent) or DatabaseCorrupt(f"{path}: {exc}")) from exc
    if full and rows != [("ok",)]:
        raise DatabaseCorrupt(f"{path}: quick_check: {'; '.join(str(r[0]) for r in rows[:3])}")


def check_storage(path: Path) -> None:
    """StorageFault (full, read-only, damaged) when the database at `path` could not serve; creates nothing."""
    try:
        unusable = probe_folder(path.parent)
        if unusable is not None:
            raise unusable
        check_readable(path, full=True)
    except StorageFault:
        raise
    except (OSError, sqlite3.Error) as exc:
        fault = storage_fault(exc, path.parent)
        if fault is None:
            raise
        raise fault from exc


def backup_copy(path: Path, backup_dir: Path, label: str, clock: Clock) -> Path:
    """A consistent copy of the database (SQLite online backup, WAL included) under `backup_dir`."""
    make_private_dir(backup_dir)
    stamp = clock().strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"{path.stem}-{stamp}-{label}{path.suffix or '.sqlite'}"
    touch_private(target)  # a copy of residents' data: 0600 like the original
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    log.info("database backed up to %s before migrating", target)
    return target


def migrate(engine: Engine, path: Path, backup_dir: Path, clock: Clock, target: str = "head") -> Path | None:
    """Upgrade to `target`, first copying the file when it holds an older schema. Returns the backup path."""
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        has_tables = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).scalar_one()
        readable_from = _stored_oldest_reader(conn)
    wanted = script.get_current_head() if target == "head" else target
    assert wanted is not None
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        if readable_from is not None and readable_from in known:
            # A newer release migrated the file expand-only (say before a rollback): used as it is.
            log.warning("database revision %s is newer than this program (head %s) and declares programs from "
                        "%s on can use it: opened without migrating", current, wanted, readable_from)
            return None
        raise SchemaMismatch(f"database revision {current} is unknown to this program (head {wanted})"
                             + (f"; it needs a program at revision {readable_from} or newer" if readable_from else ""))
    if current is None and has_tables:
        raise SchemaMismatch("database has tables but no Alembic revision")
    if current == wanted:
        if readable_from != oldest_reader(script, wanted):  # a file migrated before the record was kept
            with engine.begin() as conn:
                _record_oldest_reader(conn, script, wanted)
        return None
    backup = backup_copy(path, backup_dir, f"from-{current}", clock) if current is not None else None
    try:
        with engine.connect() as conn:
            # Table rebuilds (batch mode) must not trip or cascade foreign keys; checked again below.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            try:
                conn.execution_options(oc_begin="IMMEDIATE")
                command.upgrade(alembic_config(conn), target)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    conn.rollback()
                    raise MigrationFailed(f"{current} -> {target}: foreign key check failed; backup: {backup}")
                _record_oldest_reader(conn, script, wanted)  # in the same transaction as the upgrade
                conn.commit()
            finally:
                if conn.get_transaction() is not None:  # a failed commit (disk full) must be rolled back
                    conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    except DBAPIError as exc:
        log.error("migration %s -> %s failed: %s", current, target, exc)
        fault = storage_fault(exc, path.parent)
        if fault is not None and not isinstance(fault, DatabaseCorrupt):
            raise fault from exc
        raise MigrationFailed(f"{current} -> {target}: {exc.orig}; backup: {backup}") from exc
    log.info("database migrated %s -> %s", current, wanted)
    return backup


class Database:
    """The opened kiosk database: one engine, and the repositories that each open a unit of work per call."""

    def __init__(
        self,
        engine: Engine,
        path: Path,
        keys: KeyRing,
        person: PersonKeyer,
        *,
        clock: Clock = system_clock,
        new_key: Callable[[], str] = new_idempotency_key,
        max_permanent_failures: int = MAX_PERMANENT_FAILURES,
    ) -> None:
        self.engine = engine
        self.path = path
        self.clock = clock
        self.feeds = FeedStore(engine, clock)
        self.search = Search(engine, clock)
        self.codes = CodeTables(engine)
        self.matcher = Matcher(engine, clock)
        self.keys = keys
        self.outbox = Outbox(
            engine, keys, clock=clock, new_key=new_key, max_permanent_failures=max_permanent_failures
        )
        self.cases = CaseBook(engine, clock, keys)
        self._person = person

    def person_key(self, id_number: str) -> str:
        """The salted SHA-256 person key 我的办件 uses instead of the ID number."""
        return self._person.key_for(id_number)

    def purge(self, older_than_days: int) -> int:
        """Drop what is personal in finished submissions and old local cases (Outbox.purge, CaseBook.purge).

        Returns the number of outbox payloads purged (the cases purged are logged).
        """
        purged = self.outbox.purge(older_than_days)
        self.cases.purge(older_than_days)
        return purged

    def rotate_keys(self, progress: Callable[[str, int], None] | None = None) -> RotationReport:
        """Re-encrypt every encrypted row under a new key version, then delete the old key files (crash-safe)."""
        return rotate_keys(self.keys.data_dir, self.engine, self.keys, self.clock, progress=progress)

    def revision(self) -> str | None:
        """The schema revision of the file (for `kiosk sync status` / diagnostics)."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(
    path: Path,
    *,
    backup_dir: Path | None,
    data_dir: Path | None = None,
    clock: Clock = system_clock,
    new_key: Callable[[], str] = new_idempotency_key,
    max_permanent_failures: int = MAX_PERMANENT_FAILURES,
    integrity_check: bool = True,
) -> Database:
    """Open (creating if missing) and migrate the kiosk database.

    `backup_dir` None means `<path's folder>/backups`; the key files are in `data_dir` (default: the
    database's folder), checked by offline_cache.keys (KeyMissing / KeyChanged stop the opening; a key
    is made only while nothing is encrypted). A damaged file raises DatabaseCorrupt and is never replaced.
    The folder is made 0700 and the database, its WAL/SHM files and the keys 0600.
    """
    path = Path(path)
    try:
        return _open(path, backup_dir=backup_dir, data_dir=data_dir, clock=clock, new_key=new_key,
                     max_permanent_failures=max_permanent_failures, integrity_check=integrity_check)
    except StorageFault:
        raise
    except (OSError, sqlite3.Error, DBAPIError) as exc:  # full disk, read-only folder: typed, never "damaged"
        fault = storage_fault(exc, path.parent)
        if fault is None:
            raise
        raise fault from exc


def _open(path: Path, *, backup_dir: Path | None, data_dir: Path | None, clock: Clock,
          new_key: Callable[[], str], max_permanent_failures: int, integrity_check: bool) -> Database:
    make_private_dir(path.parent)
    unusable = probe_folder(path.parent)
    if unusable is not None:  # the kiosk writes at once (WAL, outbox): a full or read-only disk cannot serve
        raise unusable
    check_readable(path, full=integrity_check)
    touch_private(path)  # SQLite gives the -wal/-shm files the database file's mode
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        tighten(companion)
    keys_dir = data_dir or path.parent
    make_private_dir(keys_dir)
    engine = create_kiosk_engine(path)
    try:
        migrate(engine, path, backup_dir or path.parent / "backups", clock)
        keys, person = open_keyring(keys_dir, engine, clock)
        seal_plain_texts(engine, keys)
    except DatabaseError as exc:  # reading the schema failed: damage quick_check could not see
        engine.dispose()
        raise (storage_fault(exc, path.parent) or DatabaseCorrupt(f"{path}: {exc.orig}")) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(
        engine, path, keys, person, clock=clock, new_key=new_key, max_permanent_failures=max_permanent_failures
    )


def forget_lost(path: Path, *, data_dir: Path | None = None, apply: bool, clock: Clock = system_clock) -> LossReport:
    """Give up what missing or replaced keys protected (offline_cache.keys.forget_lost_keys), without opening
    the database the usual way (which refuses). `apply` False only reports; no database, nothing lost."""
    path = Path(path)
    if not path.exists():
        return LossReport(apply, (), 0, 0, 0, 0, ())
    check_readable(path)
    engine = create_kiosk_engine(path)
    try:
        migrate(engine, path, path.parent / "backups", clock)
        return forget_lost_keys(data_dir or path.parent, engine, clock, apply=apply)
    except DatabaseError as exc:
        raise DatabaseCorrupt(f"{path}: {exc.orig}") from exc
    finally:
        engine.dispose()
