"""Code tables from the platform: job categories, education levels, regions down to village."""

from __future__ import annotations

from sqlalchemy import Engine

from offline_cache.feeds import feed_spec
from offline_cache.records import Record, record_from_row, select_columns
from offline_cache.uow import reading

_CODE_FEEDS = ("job_categories", "education_levels", "regions")


class CodeTables:
    """Read access to the cached code tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, feed: str, where: str, params: tuple[object, ...], order: str = "t.code") -> list[Record]:
        if feed not in _CODE_FEEDS:
            raise ValueError(f"{feed} is not a code table")
        spec = feed_spec(feed)
        with reading(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {select_columns(spec)} FROM {spec.table} t WHERE t.deleted = 0 AND {where} ORDER BY {order}",
                params,
            ).all()
        return [record_from_row(spec, r) for r in rows]

    def lookup(self, feed: str, code: str) -> Record | None:
        """One entry by code."""
        rows = self._rows(feed, "t.code = ?", (code,))
        return rows[0] if rows else None

    def children(self, feed: str, parent_code: str | None) -> list[Record]:
        """Entries under `parent_code` (None: the top level), by code."""
        if parent_code is None:
            return self._rows(feed, "(t.parent_code IS NULL OR t.parent_code = '')", ())
        return self._rows(feed, "t.parent_code = ?", (parent_code,))

    def code_by_name(self, feed: str, level: str, name: str) -> str | None:
        """The code of the entry called `name` at `level` (e.g. a county by its name), the lowest code on ties."""
        rows = self._rows(feed, "t.level = ? AND t.name = ?", (level, name))
        return rows[0]["code"] if rows else None

    def at_level(self, feed: str, level: str) -> list[Record]:
        """Every entry of one level (e.g. all towns), by code."""
        return self._rows(feed, "t.level = ?", (level,))

    def towns_of_county(self, county_name: str) -> list[Record]:
        """The towns (乡镇) under the county called `county_name`; every cached town if no county has that name."""
        county = self.code_by_name("regions", "county", county_name)
        return self.at_level("regions", "town") if county is None else self.children("regions", county)

    def education_levels(self) -> list[Record]:
        """Education levels from lowest to highest rank."""
        return self._rows("education_levels", "1 = 1", (), order="t.rank, t.code")

    def category_parents(self) -> dict[str, str | None]:
        """Job category code → parent code, for matching (the table is small)."""
        spec = feed_spec("job_categories")
        with reading(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT code, parent_code FROM {spec.table} WHERE deleted = 0 AND code IS NOT NULL"
            ).all()
        return {code: (parent or None) for code, parent in rows}
