"""Units of work: a read transaction or an IMMEDIATE write transaction on a fresh pooled connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from offline_cache.errors import DiskFull, StorageReadOnly
from offline_cache.storage import storage_fault


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A consistent read snapshot (deferred BEGIN); never blocks writers in WAL mode."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction taken with BEGIN IMMEDIATE, so read-check-update cannot race another thread."""
    try:
        with engine.connect() as conn:
            conn.execution_options(oc_begin="IMMEDIATE")
            with conn.begin():
                yield conn
    except OperationalError as exc:
        # A full or read-only disk is a typed storage fault (callers already handle OfflineCacheError).
        folder = Path(engine.url.database).parent if engine.url.database else None
        fault = storage_fault(exc, folder)
        if isinstance(fault, DiskFull | StorageReadOnly):
            raise fault from exc
        raise


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """An ORM session inside a `writing` transaction; everything commits together at the end."""
    with writing(engine) as conn, Session(bind=conn, expire_on_commit=False) as session:
        yield session
        session.flush()
