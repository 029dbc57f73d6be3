"""Rate limits shared by every gateway process (one fixed-window counter row per key); a county console account
names its city, as county names repeat across cities (城区, 郊区 …).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_windows',
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('window_start', sa.Float(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index(op.f('ix_rate_windows_window_start'), 'rate_windows', ['window_start'], unique=False)
    with op.batch_alter_table('console_staff') as batch_op:
        batch_op.add_column(sa.Column('city', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('console_staff') as batch_op:
        batch_op.drop_column('city')
    op.drop_index(op.f('ix_rate_windows_window_start'), table_name='rate_windows')
    op.drop_table('rate_windows')
