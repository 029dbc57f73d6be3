"""Versioned payload keys and the person-key salt: files beside the database, checked against it.

Files in the data folder (0600): `outbox.key` is key version 1 (the original file), `outbox.v<N>.key`
version N, `person.salt` the salt of person keys. The database remembers a check digest of each
(table crypto_key), never the key. At opening:

- every key version some encrypted row still needs must be there and match its digest, else the
  kiosk stops with KeyMissing / KeyChanged; a new key is made only when no encrypted row exists;
- new rows are encrypted with the highest recorded version, read inside their write transaction,
  so a rotation by another process (`kiosk keys rotate`) is followed at once;
- `person.salt` is its own random secret (kiosks from before it derive it once from `outbox.key`,
  so residents' 我的办件 keeps working), and a missing or changed salt with local cases stops too.

Rotation writes the new key file first, records it, re-encrypts every row in small transactions and
deletes the old key files only when no row needs them: a kill at any moment loses nothing, and
rotating again finishes the job.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from offline_cache.clock import Clock
from offline_cache.crypto import KEY_BYTES, KEY_FILE_NAME, PayloadCipher, PersonKeyer
from offline_cache.errors import KeyChanged, KeyFileInvalid, KeyMissing, PayloadUnreadable
from offline_cache.models import CryptoKey
from offline_cache.private import PRIVATE_FILE_MODE, tighten
from offline_cache.texts import ERRORS
from offline_cache.uow import reading, writing

log = logging.getLogger(__name__)

SALT_FILE_NAME = "person.salt"
SALT_BYTES = 32
PAYLOAD = "payload"
PERSON_SALT = "person_salt"
ROTATE_BATCH = 100
_KEY_FILE = re.compile(r"^outbox(?:\.v([1-9][0-9]*))?\.key$")
_CHECK_INFO = b"offline_cache key check"

# Where encrypted values live: table, its blob columns, and the associated data binding each blob to its row.
_IN_USE_SQL = (
    "SELECT coalesce(key_version, 1), count(*) FROM outbox "
    "WHERE payload IS NOT NULL OR reject_sealed IS NOT NULL GROUP BY 1",
    "SELECT coalesce(key_version, 1), count(*) FROM local_case WHERE reason_sealed IS NOT NULL GROUP BY 1",
)


def key_path(data_dir: Path, version: int) -> Path:
    """The file of payload key `version`."""
    return data_dir / (KEY_FILE_NAME if version == 1 else f"outbox.v{version}.key")


def reject_ad(outbox_key: str) -> str:
    """Associated data of an outbox row's sealed rejection message."""
    return f"{outbox_key}#reject_message"


def reason_ad(outbox_key: str | None, case_no: str | None) -> str:
    """Associated data of a local case's sealed reason (the outbox key, or the case number of platform-only cases)."""
    return f"local_case#{outbox_key}#reason" if outbox_key else f"local_case#case_no:{case_no}#reason"


def check_digest(secret: bytes) -> str:
    """What the database stores about a key: an HMAC of a fixed text, which does not reveal the key."""
    return hmac.new(secret, _CHECK_INFO, hashlib.sha256).hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_new_secret(path: Path, secret: bytes) -> bytes:
    """Write a secret file (0600) that did not exist, durably; never overwrites. Returns what the file holds.

    Written to a temporary name, fsynced, then hard-linked into place: a crash leaves either no file
    or the whole secret. When another process made the file first, its secret is returned.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # whatever the umask says
        os.write(fd, secret)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        log.info("%s was created by another process meanwhile", path.name)
        return read_secret(path, len(secret))
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    log.info("created %s", path)
    return secret


def read_secret(path: Path, length: int) -> bytes:
    """A key or salt file's bytes (mode tightened to 0600 first); KeyFileInvalid when its length is wrong."""
    tighten(path)
    secret = path.read_bytes()
    if len(secret) != length:
        raise KeyFileInvalid(f"{path}: {len(secret)} bytes, expected {length}")
    return secret


def key_files(data_dir: Path) -> dict[int, Path]:
    """The payload key files present: version -> path."""
    found: dict[int, Path] = {}
    if data_dir.is_dir():
        for entry in data_dir.iterdir():
            m = _KEY_FILE.match(entry.name)
            if m and entry.is_file():
                found[int(m.group(1) or 1)] = entry
    return found


def versions_in_use(conn: Connection) -> dict[int, int]:
    """Key version -> number of rows holding something encrypted with it."""
    used: dict[int, int] = {}
    for sql in _IN_USE_SQL:
        for version, count in conn.exec_driver_sql(sql).all():
            used[int(version)] = used.get(int(version), 0) + int(count)
    return used


def _recorded(conn: Connection, purpose: str) -> dict[int, str]:
    rows = conn.execute(select(CryptoKey.version, CryptoKey.digest).where(CryptoKey.purpose == purpose)).all()
    return {int(v): str(d) for v, d in rows}


def _record(conn: Connection, purpose: str, version: int, secret: bytes, clock: Clock) -> None:
    conn.execute(delete(CryptoKey).where(CryptoKey.purpose == purpose, CryptoKey.version == version))
    conn.execute(insert(CryptoKey).values(purpose=purpose, version=version, digest=check_digest(secret),
                                          created_at=clock()))


def _local_cases(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT count(*) FROM local_case").scalar_one())


class KeyRing:
    """The payload keys of one data folder, by version; new rows use the newest version the database records."""

    def __init__(self, data_dir: Path, keys: Mapping[int, bytes]) -> None:
        self.data_dir = data_dir
        self._keys = dict(keys)
        self._ciphers: dict[int, PayloadCipher] = {}

    def current_version(self, conn: Connection) -> int:
        """The version new rows are encrypted with (call inside the writing transaction)."""
        version = conn.execute(
            select(CryptoKey.version).where(CryptoKey.purpose == PAYLOAD).order_by(CryptoKey.version.desc()).limit(1)
        ).scalar_one_or_none()
        return int(version) if version is not None else max(self._keys)

    def cipher(self, version: int | None) -> PayloadCipher:
        """The cipher of `version` (None: version 1); a key another process just made is read from its file."""
        version = version or 1
        cipher = self._ciphers.get(version)
        if cipher is None:
            if version not in self._keys:
                path = key_path(self.data_dir, version)
                if not path.exists():
                    raise KeyMissing(f"{path.name} (key version {version}) is missing")
                self._keys[version] = read_secret(path, KEY_BYTES)
            cipher = self._ciphers[version] = PayloadCipher(self._keys[version])
        return cipher

    def seal(self, conn: Connection, value: Mapping[str, Any], associated: str) -> tuple[bytes, int]:
        """Encrypt `value` with the current key: (blob, version)."""
        version = self.current_version(conn)
        return self.cipher(version).encrypt(value, associated), version

    def open(self, blob: bytes, associated: str, version: int | None) -> dict[str, Any]:
        """Decrypt a blob sealed with key `version`; PayloadUnreadable when it does not match."""
        return self.cipher(version).decrypt(blob, associated)

    def seal_text(self, conn: Connection, text: str, associated: str, version: int | None = None) -> tuple[bytes, int]:
        """Encrypt one text (with `version`, default the current key): (blob, version)."""
        version = version or self.current_version(conn)
        return self.cipher(version).encrypt({"text": text}, associated), version

    def open_text(self, blob: bytes | None, associated: str, version: int | None) -> str | None:
        """The text back (None for None)."""
        if blob is None:
            return None
        return str(self.open(blob, associated, version)["text"])


def _trial_decrypt(conn: Connection, ring: KeyRing, version: int) -> bool:
    """True when one row encrypted with `version` decrypts (kiosks from before digests were recorded)."""
    where = "coalesce(key_version, 1) = ?"
    row = conn.exec_driver_sql(
        f"SELECT key, payload, reject_sealed FROM outbox WHERE {where} "
        "AND (payload IS NOT NULL OR reject_sealed IS NOT NULL) LIMIT 1", (version,)).first()
    try:
        if row is not None:
            if row[1] is not None:
                ring.open(row[1], row[0], version)
            else:
                ring.open(row[2], reject_ad(row[0]), version)
            return True
        case = conn.exec_driver_sql(
            f"SELECT key, case_no, reason_sealed FROM local_case WHERE {where} AND reason_sealed IS NOT NULL LIMIT 1",
            (version,)).first()
        if case is not None:
            ring.open(case[2], reason_ad(case[0], case[1]), version)
        return True
    except PayloadUnreadable:
        return False


class _NeedsWriting(Exception):
    """Raised by a dry (read-only) check that would have to record or create something."""


def open_keyring(data_dir: Path, engine: Engine, clock: Clock) -> tuple[KeyRing, PersonKeyer]:
    """Load and check the payload keys and the person-key salt against the database (see module docstring).

    A read-only pass first, so an up-to-date kiosk opens without writing (a read-only data folder is
    reported by what fails next, not here). Anything to record, and any missing or replaced key, is done or
    confirmed under the write lock: a rotation finishing meanwhile cannot be mistaken for a lost key.
    """
    try:
        with reading(engine) as conn:
            return _load_keys(data_dir, conn, clock, dry=True)
    except (_NeedsWriting, KeyMissing, KeyChanged):
        pass
    with writing(engine) as conn:
        return _load_keys(data_dir, conn, clock, dry=False)


def _load_keys(data_dir: Path, conn: Connection, clock: Clock, *, dry: bool) -> tuple[KeyRing, PersonKeyer]:
    def record(purpose: str, version: int, secret: bytes) -> None:
        if dry:
            raise _NeedsWriting
        _record(conn, purpose, version, secret, clock)

    keys = {v: read_secret(p, KEY_BYTES) for v, p in key_files(data_dir).items()}
    legacy_key = keys.get(1)  # an outbox.key found (not made) here may be what older person keys came from
    used = versions_in_use(conn)
    recorded = _recorded(conn, PAYLOAD)
    ring = KeyRing(data_dir, keys)
    for version in sorted(used):
        path = key_path(data_dir, version)
        if version not in keys:
            raise KeyMissing(f"{path} is missing but {used[version]} encrypted row(s) need key version {version}")
        digest = check_digest(keys[version])
        if version in recorded and recorded[version] != digest:
            raise KeyChanged(f"{path} is not the key {used[version]} encrypted row(s) were written with")
        if version not in recorded:
            if not _trial_decrypt(conn, ring, version):
                raise KeyChanged(f"{path} does not decrypt the rows of key version {version}")
            record(PAYLOAD, version, keys[version])
    for version, secret in keys.items():
        if version not in used and recorded.get(version) != check_digest(secret):
            if version in recorded:
                log.warning("%s differs from the key first recorded, but no row needs it; recording it anew",
                            key_path(data_dir, version).name)
            record(PAYLOAD, version, secret)
    if not keys:
        if dry:
            raise _NeedsWriting
        version = max(recorded, default=0) + 1
        keys[version] = write_new_secret(key_path(data_dir, version), os.urandom(KEY_BYTES))
        _record(conn, PAYLOAD, version, keys[version], clock)
        log.info("no encrypted rows and no key file: made payload key version %d", version)
    elif gone := [v for v in recorded if v > max(keys)]:
        # The newest key files are missing but no row needs them: the newest present key is current again.
        if dry:
            raise _NeedsWriting
        conn.execute(delete(CryptoKey).where(CryptoKey.purpose == PAYLOAD, CryptoKey.version.in_(gone)))
        log.warning("unused payload key version(s) %s missing; version %d is current again",
                    ", ".join(map(str, sorted(gone))), max(keys))
    salt = _person_salt(data_dir, conn, legacy_key, clock, dry=dry)
    return KeyRing(data_dir, keys), PersonKeyer(salt)


def _person_salt(data_dir: Path, conn: Connection, legacy_key: bytes | None, clock: Clock, *, dry: bool) -> bytes:
    path = data_dir / SALT_FILE_NAME
    recorded = _recorded(conn, PERSON_SALT).get(1)
    if path.exists():
        salt = read_secret(path, SALT_BYTES)
        if recorded is not None and recorded != check_digest(salt):
            if _local_cases(conn):
                raise KeyChanged(f"{path} is not the salt the local cases were filed under")
            log.warning("%s differs from the salt first recorded, but there are no local cases", path.name)
        if recorded != check_digest(salt):
            if dry:
                raise _NeedsWriting
            _record(conn, PERSON_SALT, 1, salt, clock)
        return salt
    if recorded is not None and _local_cases(conn):
        raise KeyMissing(f"{path} is missing; residents' local cases are filed under it")
    if recorded is None and legacy_key is None and _local_cases(conn):
        raise KeyMissing(f"{path} and {KEY_FILE_NAME} are missing; residents' local cases are filed under them")
    if dry:
        raise _NeedsWriting
    if recorded is None and legacy_key is not None:
        # A kiosk from before person.salt: its person keys were made with a salt derived from outbox.key.
        salt = write_new_secret(path, PersonKeyer.legacy_salt(legacy_key))
        log.info("person-key salt moved out of the payload key into %s", path.name)
    else:
        salt = write_new_secret(path, os.urandom(SALT_BYTES))
    _record(conn, PERSON_SALT, 1, salt, clock)
    return salt


@dataclass(frozen=True)
class RotationReport:
    """What `rotate_keys` did."""

    version: int
    outbox_rows: int
    case_rows: int
    removed: tuple[str, ...]


def rotate_keys(data_dir: Path, engine: Engine, ring: KeyRing, clock: Clock, *,
                progress: Callable[[str, int], None] | None = None, batch: int = ROTATE_BATCH) -> RotationReport:
    """Make key version N+1, re-encrypt every encrypted row under it, then delete the keys no row needs.

    `progress(table, rows_done)` is called after each committed batch. Safe to kill at any moment and
    to run again: rows are re-encrypted in small transactions and old key files go last.
    """
    with reading(engine) as conn:
        newest = max([*key_files(data_dir), *_recorded(conn, PAYLOAD)], default=0)
    version = newest + 1
    secret = write_new_secret(key_path(data_dir, version), os.urandom(KEY_BYTES))
    with writing(engine) as conn:
        _record(conn, PAYLOAD, version, secret, clock)
    log.info("payload key version %d made; re-encrypting", version)
    new = ring.cipher(version)
    done = {"outbox": 0, "local_case": 0}
    while True:
        with writing(engine) as conn:
            rows = conn.exec_driver_sql(
                "SELECT pk, key, payload, reject_sealed, key_version FROM outbox "
                "WHERE (payload IS NOT NULL OR reject_sealed IS NOT NULL) AND coalesce(key_version, 1) != ? "
                "ORDER BY pk LIMIT ?", (version, batch)).all()
            for pk, key, payload, reject, old in rows:
                payload = None if payload is None else new.encrypt(ring.open(payload, key, old), key)
                reject = None if reject is None else new.encrypt(ring.open(reject, reject_ad(key), old), reject_ad(key))
                conn.exec_driver_sql("UPDATE outbox SET payload = ?, reject_sealed = ?, key_version = ? WHERE pk = ?",
                                     (payload, reject, version, pk))
            table = "outbox"
            if not rows:
                table = "local_case"
                rows = conn.exec_driver_sql(
                    "SELECT pk, key, case_no, reason_sealed, key_version FROM local_case "
                    "WHERE reason_sealed IS NOT NULL AND coalesce(key_version, 1) != ? ORDER BY pk LIMIT ?",
                    (version, batch)).all()
                for pk, key, case_no, sealed, old in rows:
                    ad = reason_ad(key, case_no)
                    conn.exec_driver_sql("UPDATE local_case SET reason_sealed = ?, key_version = ? WHERE pk = ?",
                                         (new.encrypt(ring.open(sealed, ad, old), ad), version, pk))
        if not rows:
            break
        done[table] += len(rows)
        if progress is not None:
            progress(table, done[table])
    removed = []
    with reading(engine) as conn:
        still = set(versions_in_use(conn)) - {version}
    for old, path in sorted(key_files(data_dir).items()):
        if old != version and old not in still:
            path.unlink()
            removed.append(path.name)
    _fsync_dir(data_dir)
    log.info("payload keys rotated to version %d: %d outbox row(s), %d case(s); removed %s",
             version, done["outbox"], done["local_case"], ", ".join(removed) or "nothing")
    return RotationReport(version, done["outbox"], done["local_case"], tuple(removed))


def seal_plain_texts(engine: Engine, ring: KeyRing) -> int:
    """Encrypt rejection texts stored in plain (before revision 0004, or by an older release) and clear them."""
    with reading(engine) as conn:
        if not conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM outbox WHERE reject_message IS NOT NULL) "
                                    "OR EXISTS (SELECT 1 FROM local_case WHERE reason IS NOT NULL)").scalar_one():
            return 0
    with writing(engine) as conn:
        rows = conn.exec_driver_sql(
            "SELECT pk, key, reject_message, payload, key_version FROM outbox WHERE reject_message IS NOT NULL").all()
        for pk, key, message, payload, version in rows:
            # One key_version per outbox row: the message goes under the payload's key while the payload is there.
            blob, version = ring.seal_text(conn, message, reject_ad(key), (version or 1) if payload else None)
            conn.exec_driver_sql("UPDATE outbox SET reject_message = NULL, reject_sealed = ?, key_version = ? "
                                 "WHERE pk = ?", (blob, version, pk))
        cases = conn.exec_driver_sql("SELECT pk, key, case_no, reason FROM local_case WHERE reason IS NOT NULL").all()
        for pk, key, case_no, reason in cases:
            blob, version = ring.seal_text(conn, reason, reason_ad(key, case_no))
            conn.exec_driver_sql("UPDATE local_case SET reason = NULL, reason_sealed = ?, key_version = ? "
                                 "WHERE pk = ?", (blob, version, pk))
        sealed = len(rows) + len(cases)
    if sealed:
        log.info("sealed %d plain-text rejection reason(s)", sealed)
    return sealed


@dataclass(frozen=True)
class LossReport:
    """What `forget_lost_keys` gave up (or would give up, when not applied). No personal data."""

    applied: bool
    lost_versions: tuple[int, ...]  # payload key versions missing or replaced
    submissions: int  # outbox items whose encrypted content is discarded
    unsent: int  # of those, not uploaded yet: now needs attention (the resident must apply again)
    reasons: int  # encrypted rejection reasons discarded from local cases
    cases: int  # local cases deleted because the person-key salt they were filed under is lost
    set_aside: tuple[str, ...]  # replaced key/salt files renamed, not deleted

    @property
    def anything_lost(self) -> bool:
        return bool(self.lost_versions or self.cases)


class _DryRun(Exception):
    """Rolls back a forget_lost_keys that only counts."""


def forget_lost_keys(data_dir: Path, engine: Engine, clock: Clock, *, apply: bool) -> LossReport:
    """A technician's last resort when a key cannot be restored: give up exactly what it protected.

    Rows needing a missing or replaced key lose their encrypted content (unsent items go to needs
    attention with a plain audit text); local cases filed under a lost person-key salt are deleted (the
    platform keeps the cases). Replaced files are renamed aside, never deleted. The next opening makes
    new keys. With apply=False nothing changes: the report says what would be given up.
    """
    now = clock()
    stamp = now.strftime("%Y%m%dT%H%M%S")
    aside: list[Path] = []
    report: LossReport | None = None
    try:
        with writing(engine) as conn:
            keys: dict[int, bytes] = {}
            for version, path in key_files(data_dir).items():
                try:
                    keys[version] = read_secret(path, KEY_BYTES)
                except KeyFileInvalid:
                    aside.append(path)
            ring = KeyRing(data_dir, keys)
            recorded = _recorded(conn, PAYLOAD)
            lost = []
            for version in sorted(versions_in_use(conn)):
                if version not in keys:
                    lost.append(version)
                elif (recorded.get(version) not in (None, check_digest(keys[version]))
                      or (version not in recorded and not _trial_decrypt(conn, ring, version))):
                    lost.append(version)
                    aside.append(key_path(data_dir, version))
            submissions = unsent = reasons = 0
            for version in lost:
                unsent += conn.exec_driver_sql(
                    "UPDATE outbox SET state = 'needs_attention', last_error = ?, updated_at = ? "
                    "WHERE coalesce(key_version, 1) = ? AND state IN ('queued', 'sending') AND payload IS NOT NULL",
                    (ERRORS["key_lost_item"], now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), version)).rowcount
                submissions += conn.exec_driver_sql(
                    "UPDATE outbox SET payload = NULL, reject_sealed = NULL WHERE coalesce(key_version, 1) = ? "
                    "AND (payload IS NOT NULL OR reject_sealed IS NOT NULL)", (version,)).rowcount
                reasons += conn.exec_driver_sql(
                    "UPDATE local_case SET reason_sealed = NULL WHERE coalesce(key_version, 1) = ? "
                    "AND reason_sealed IS NOT NULL", (version,)).rowcount
            conn.execute(delete(CryptoKey).where(CryptoKey.purpose == PAYLOAD, CryptoKey.version.in_(lost)))
            cases = 0
            salt_path = data_dir / SALT_FILE_NAME
            try:
                _person_salt(data_dir, conn, None if 1 in lost else keys.get(1), clock, dry=True)
            except (KeyMissing, KeyChanged, KeyFileInvalid) as exc:
                cases = conn.exec_driver_sql("DELETE FROM local_case").rowcount
                conn.execute(delete(CryptoKey).where(CryptoKey.purpose == PERSON_SALT))
                if salt_path.exists():
                    aside.append(salt_path)
                log.warning("person-key salt given up (%s): %d local case(s) deleted", type(exc).__name__, cases)
            except _NeedsWriting:
                pass  # present and unrecorded, or made at the next opening: nothing lost
            report = LossReport(apply, tuple(lost), submissions, unsent, reasons, cases,
                                tuple(f"{p.name}.replaced-{stamp}" for p in aside))
            if not apply:
                raise _DryRun
    except _DryRun:
        pass
    assert report is not None
    if apply:
        for path in aside:
            path.rename(path.with_name(f"{path.name}.replaced-{stamp}"))
        if aside:
            _fsync_dir(data_dir)
        log.warning("lost keys given up: versions %s, %d submission(s) (%d unsent), %d reason(s), %d case(s)",
                    list(report.lost_versions), report.submissions, report.unsent, report.reasons, report.cases)
    return report
