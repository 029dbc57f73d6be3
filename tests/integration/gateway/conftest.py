"""Fixtures of the gateway tests: a fresh database per test on the session's private PostgreSQL (`postgres`,
tests/helpers/postgres.py) or on SQLite.

`database` runs a test twice: on a SQLite file (the demo) and on PostgreSQL (production). A missing
PostgreSQL is an error, not a skip (scripts/system-deps.sh installs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.postgres import PostgresCluster


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty gateway database: a SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "gateway.db")
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.create_database()
