"""Versioned encryption keys and encrypted rejection reasons.

Expand-only (the previous release still opens the file): new nullable columns and a new table, nothing
dropped or renamed. Rows written before carry key_version NULL, which means version 1 (`outbox.key`).
The plain `outbox.reject_message` / `local_case.reason` texts are sealed into the new columns and
cleared by offline_cache.keys when the database is opened (the key is not available to Alembic).

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
# The oldest program that can still use the file (expand-only: nullable columns and a new table; rule: offline_cache/migrations).
oldest_reader = down_revision


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): instant, and queued submissions are not rewritten.
    op.add_column("outbox", sa.Column("key_version", sa.Integer()))
    op.add_column("outbox", sa.Column("reject_sealed", sa.LargeBinary()))
    op.add_column("local_case", sa.Column("reason_sealed", sa.LargeBinary()))
    op.add_column("local_case", sa.Column("key_version", sa.Integer()))
    op.create_table(
        "crypto_key",
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("purpose", "version", name="pk_crypto_key"),
    )


def downgrade() -> None:
    op.drop_table("crypto_key")
    with op.batch_alter_table("local_case") as batch:
        batch.drop_column("key_version")
        batch.drop_column("reason_sealed")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reject_sealed")
        batch.drop_column("key_version")
