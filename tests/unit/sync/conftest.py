"""Fixtures for the sync worker's unit tests: fake clock, real (temporary) database, scripted platform."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_cache import Database
from tests.unit.sync.fakes import FakeClock, FakePlatform, open_test_db


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path, clock: FakeClock) -> Iterator[Database]:
    database = open_test_db(tmp_path / "data", clock)
    yield database
    database.close()


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()
