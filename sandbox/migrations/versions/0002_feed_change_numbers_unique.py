"""Feed change numbers are unique: several gateway processes number changes, a clash is retried.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feed_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_items_seq'))
        batch_op.create_index(batch_op.f('ix_feed_items_seq'), ['seq'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('feed_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_items_seq'))
        batch_op.create_index(batch_op.f('ix_feed_items_seq'), ['seq'], unique=False)

