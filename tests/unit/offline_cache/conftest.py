"""Fixtures for offline_cache tests: a controllable clock, predictable keys, an opened database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_cache import Database, open_database
from tests.helpers.clocks import START, FakeClock, key_factory  # noqa: F401  (re-exported to tests)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path, clock: FakeClock) -> Iterator[Database]:
    database = open_database(tmp_path / "data" / "kiosk.sqlite", backup_dir=tmp_path / "backups",
                             clock=clock, new_key=key_factory(), max_permanent_failures=3)
    yield database
    database.close()


def job(item_id: str, version: int = 1, **fields: object) -> dict[str, object]:
    """A fixed-job feed item with sensible defaults."""
    base: dict[str, object] = {
        "id": item_id, "version": version, "updated_at": "2025-05-30T08:00:00+08:00", "deleted": False,
        "title": "招聘普工", "employer": "湘江食品厂", "category_code": "0501", "category_name": "普工",
        "description": "包装车间工作", "county": "宁乡市", "town": "城郊镇", "village": "石门村",
        "address": "城郊镇石门村1号", "lat": 28.25, "lon": 112.55, "salary_min": 3000, "salary_max": 4000,
        "work_type": "全职", "education": "不限", "headcount": 3, "contact_name": "王先生",
        "contact_phone": "0731-88880000", "posted_at": "2025-05-30", "expires_at": "2025-08-30",
    }
    base.update(fields)
    return base
