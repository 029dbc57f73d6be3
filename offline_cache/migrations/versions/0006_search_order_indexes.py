"""Search at province size (issue 14 §4), for the big job feeds: an index per (equality filter, display date),
so a town/county/category/work-type search reads its rows already newest first and stops at the page; and a
covering index keyed by pk holding the date and every filter column, so a search driven by the FTS match
tests and sorts its rows without reading them (the full rows are read for the page only).

Expand-only (the previous release still opens the file): new non-unique indexes only; SQLite keeps them
in step whatever program writes the rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
# The oldest program that can still use the file (expand-only: new indexes; rule: offline_cache/migrations).
oldest_reader = down_revision

# Frozen copy at this revision: feed table -> (date column, equality filter columns). offline_cache.search
# finds these indexes by name: ix_<table>_<column>_<date>.
ORDER_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "feed_fixed_jobs": ("posted_at", ("county", "town", "category_code", "work_type")),
    "feed_gig_jobs": ("posted_at", ("county", "town", "category_code")),
}
# feed table -> the covering index's columns after pk; offline_cache.search calls it ix_<table>_search.
COVERING: dict[str, tuple[str, ...]] = {
    "feed_fixed_jobs": ("posted_at", "deleted", "expires_at", "county", "town", "category_code", "work_type",
                        "salary_min", "salary_max"),
    "feed_gig_jobs": ("posted_at", "deleted", "end_date", "county", "town", "category_code", "daily_wage_min",
                      "daily_wage_max"),
}


def upgrade() -> None:
    for table, (date, columns) in ORDER_INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}_{date}", table, [column, date])
    for table, columns in COVERING.items():
        op.create_index(f"ix_{table}_search", table, ["pk", *columns])


def downgrade() -> None:
    for table in COVERING:
        op.drop_index(f"ix_{table}_search", table_name=table)
    for table, (date, columns) in ORDER_INDEXES.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_{date}", table_name=table)
