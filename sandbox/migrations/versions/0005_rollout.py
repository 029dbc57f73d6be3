"""Staged rollout of kiosk releases: releases, rollouts and their stages (the kiosks' county is 0004's).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
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

def downgrade() -> None:
    with op.batch_alter_table('rollout_stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollout_stages_version'))
    op.drop_table('rollout_stages')
    op.drop_table('rollouts')
    op.drop_table('releases')
