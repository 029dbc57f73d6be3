"""Migration 0004 on a gateway database that already holds kiosks: they keep everything and get empty areas;
it downgrades cleanly — on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from sandbox.db import alembic_config, current_revision, make_engine, migrate

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "gateway.db")
    return str(request.getfixturevalue("postgres").create_database())


def test_kiosks_registered_before_the_console_keep_their_rows_and_get_empty_areas(database: str) -> None:
    engine = make_engine(db_path=database)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002")
            conn.execute(text("INSERT INTO kiosks (kiosk_id, secret, name, settings) "
                              "VALUES ('OLD-01', 'secret', '旧服务点', '{\"maintenance_message\": \"x\"}')"))
        migrate(engine)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT name, settings, city, county, town FROM kiosks WHERE kiosk_id = 'OLD-01'")).one()
            assert row[0] == "旧服务点" and "maintenance_message" in str(row[1]) and row[2:] == (None, None, None)
            assert {"console_staff", "console_sessions", "console_audit"} <= set(inspect(conn).get_table_names())
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
        with engine.connect() as conn:
            assert current_revision(conn) == "0002"
            assert "console_staff" not in inspect(conn).get_table_names()
            assert "county" not in {c["name"] for c in inspect(conn).get_columns("kiosks")}
            assert conn.execute(text("SELECT name FROM kiosks WHERE kiosk_id = 'OLD-01'")).scalar_one() == "旧服务点"
    finally:
        engine.dispose()
