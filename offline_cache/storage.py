"""Which storage fault an OS or SQLite error means: disk full, read-only folder, damaged file."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from offline_cache.errors import DatabaseCorrupt, DiskFull, StorageFault, StorageReadOnly

# SQLite primary result codes (the low byte of sqlite3.Error.sqlite_errorcode).
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_SQLITE_READONLY, _SQLITE_PERM = 8, 3
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM}
MIN_FREE_BYTES = 64 * 1024  # less than this free counts as full: SQLite cannot even write a journal page


def probe_folder(folder: Path) -> StorageFault | None:
    """StorageReadOnly or DiskFull when the file system holding `folder` is read-only or full, else None."""
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        st = os.statvfs(path)
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY:
        return StorageReadOnly(f"{folder}: read-only file system")
    if st.f_bavail * st.f_frsize < MIN_FREE_BYTES:
        return DiskFull(f"{folder}: {st.f_bavail * st.f_frsize} bytes free")
    return None


def _under(filename: object, folder: Path) -> bool:
    if not isinstance(filename, str | os.PathLike):
        return False
    try:
        return Path(filename).resolve().is_relative_to(Path(folder).resolve())
    except (OSError, ValueError):
        return False


def storage_fault(exc: BaseException, folder: Path | None = None) -> StorageFault | None:
    """The storage fault behind `exc` (an OSError, SQLite or SQLAlchemy error), or None if it is not one.

    Errors that could have other causes (permission denied, I/O error, "unable to open") only count
    when they concern a file in `folder`; then the folder's file system is asked whether it is full or
    read-only. A device path that is missing or denied is not a storage fault.
    """
    if isinstance(exc, StorageFault):
        return exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return DiskFull(detail)
        if exc.errno == errno.EROFS:
            return StorageReadOnly(detail)
        if exc.errno in _DENIED_ERRNOS | {errno.EIO} and folder is not None and _under(exc.filename, folder):
            probed = probe_folder(folder)
            if probed is not None:
                return probed
            return StorageReadOnly(detail) if exc.errno in _DENIED_ERRNOS else StorageFault(detail)
        return None
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == _SQLITE_FULL:
            return DiskFull(detail)
        if code in (_SQLITE_READONLY, _SQLITE_PERM):
            return StorageReadOnly(detail)
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return DatabaseCorrupt(detail)
        if code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
            probed = probe_folder(folder) if folder is not None else None
            return probed or StorageFault(detail)
    return None
