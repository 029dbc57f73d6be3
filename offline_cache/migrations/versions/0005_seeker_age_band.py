"""Published gig seekers carry an age band (issue 11 §3: the platform publishes 年龄段, never the exact age).

Expand-only (the previous release still opens the file): one new nullable column.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
# The oldest program that can still use the file (expand-only: one nullable column; rule: offline_cache/migrations).
oldest_reader = down_revision


def upgrade() -> None:
    op.add_column("feed_gig_seekers", sa.Column("age_band", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("feed_gig_seekers") as batch:
        batch.drop_column("age_band")
