"""The gateway's own Alembic migrations: they make the models' schema, adopt an old sandbox file, and
several processes starting together on one database migrate it once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from sandbox.db import Base, alembic_config, current_revision, head_revision, make_engine, migrate
from sandbox.service import Platform

pytestmark = pytest.mark.integration


def test_the_migrations_make_exactly_the_models_schema(database: str) -> None:
    engine = make_engine(db_path=database)
    try:
        assert migrate(engine) == head_revision()
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def test_a_sandbox_file_from_before_migrations_is_stamped_and_upgraded(tmp_path: Path) -> None:
    engine = make_engine(db_path=tmp_path / "old.db")
    with engine.begin() as conn:  # what create_all made before the gateway had migrations: tables, no revision
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text("DROP TABLE alembic_version"))
    platform = Platform(engine)
    try:
        platform.seed_demo()
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            seq_index = next(i for i in inspect(conn).get_indexes("feed_items") if i["column_names"] == ["seq"])
            assert seq_index["unique"]
    finally:
        engine.dispose()


def test_workers_starting_together_migrate_a_fresh_postgresql_database_once(postgres) -> None:  # noqa: ANN001
    url = postgres.create_database()
    engines = [make_engine(db_path=url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            revisions = list(pool.map(migrate, engines))
        assert revisions == [head_revision()] * 4
    finally:
        for e in engines:
            e.dispose()
