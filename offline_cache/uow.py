"""Units of work: a read transaction or an IMMEDIATE write transaction on a fresh pooled connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A consistent read snapshot (deferred BEGIN); never blocks writers in WAL mode."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction taken with BEGIN IMMEDIATE, so read-check-update cannot race another thread."""
    with engine.connect() as conn:
        conn.execution_options(oc_begin="IMMEDIATE")
        with conn.begin():
            yield conn


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """An ORM session inside a `writing` transaction; everything commits together at the end."""
    with writing(engine) as conn, Session(bind=conn, expire_on_commit=False) as session:
        yield session
        session.flush()
