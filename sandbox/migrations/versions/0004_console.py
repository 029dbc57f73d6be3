"""The fleet console: kiosks' areas (市 / 县 / 乡镇) and last health, staff accounts, sessions, the console's audit.

The health columns are filled at each kiosk's next heartbeat (a minute at most); until then they are NULL.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('county', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('town', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('device_fault', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('paper_out', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('outbox_backlog', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outbox_attention', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_kiosks_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_kiosks_county'), ['county'], unique=False)

    op.create_table('console_staff',
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.Float(), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('login')
    )
    op.create_table('console_sessions',
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('last_seen', sa.Float(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('token_sha256')
    )
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sessions_login'), ['login'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_sessions_expires_at'), ['expires_at'], unique=False)

    op.create_table('console_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('area', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=True),
    sa.Column('city', sa.String(length=40), nullable=True),
    sa.Column('county', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('console_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_audit_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_audit_county'), ['county'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_audit_county'))
        batch_op.drop_index(batch_op.f('ix_console_audit_city'))
        batch_op.drop_index(batch_op.f('ix_console_audit_at'))
    op.drop_table('console_audit')
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_console_sessions_login'))
    op.drop_table('console_sessions')
    op.drop_table('console_staff')
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosks_county'))
        batch_op.drop_index(batch_op.f('ix_kiosks_city'))
        batch_op.drop_column('outbox_attention')
        batch_op.drop_column('outbox_backlog')
        batch_op.drop_column('paper_out')
        batch_op.drop_column('device_fault')
        batch_op.drop_column('town')
        batch_op.drop_column('county')
        batch_op.drop_column('city')
