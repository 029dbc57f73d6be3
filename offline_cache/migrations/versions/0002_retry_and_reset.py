"""Outbox counts permanent failures (→ needs attention); feed state remembers its last reset.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
# The oldest program that can still use the file (expand-only: a defaulted and a nullable column; rule: offline_cache/migrations).
oldest_reader = down_revision


def upgrade() -> None:
    # SQLite's batch mode copies the table: queued submissions must come through intact (tested).
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("permanent_failures", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("feed_state") as batch:
        batch.add_column(sa.Column("reset_at", sa.DateTime()))


def downgrade() -> None:
    with op.batch_alter_table("feed_state") as batch:
        batch.drop_column("reset_at")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("permanent_failures")
