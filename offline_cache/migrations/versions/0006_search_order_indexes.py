"""Search at province size (issue 14 §4): an index per (equality filter, display date) of the big job feeds,
so a town/county/category/work-type search reads its rows already newest first and stops at the page.

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


def upgrade() -> None:
    for table, (date, columns) in ORDER_INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}_{date}", table, [column, date])


def downgrade() -> None:
    for table, (date, columns) in ORDER_INDEXES.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_{date}", table_name=table)
