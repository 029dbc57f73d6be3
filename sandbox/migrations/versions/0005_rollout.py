"""Staged rollout of kiosk releases: releases, rollouts and their stages; kiosks get a county if 0004 did not.

Revision ID: 0005
Revises: 0002 (the integrator chains 0003/0004/0005)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('releases',
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('published_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('rollouts',
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.Float(), nullable=False),
    sa.Column('changed_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('rollout_stages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('added_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version', 'kind', 'target')
    )
    with op.batch_alter_table('rollout_stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollout_stages_version'), ['version'], unique=False)
    # The console's migration (0004) adds city/county/town; chained after it, this finds county already there.
    if 'county' not in {c['name'] for c in sa.inspect(op.get_bind()).get_columns('kiosks')}:
        with op.batch_alter_table('kiosks', schema=None) as batch_op:
            batch_op.add_column(sa.Column('county', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # kiosks.county stays: it may be 0004's (expand-only, like every gateway migration)
    with op.batch_alter_table('rollout_stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollout_stages_version'))
    op.drop_table('rollout_stages')
    op.drop_table('rollouts')
    op.drop_table('releases')
