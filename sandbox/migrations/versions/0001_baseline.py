"""The baseline: the sandbox schema as create_all made it before the gateway had migrations.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('audit_no', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('audit_no'),
    sa.UniqueConstraint('kiosk_id', 'idempotency_key')
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_kiosk_id'), ['kiosk_id'], unique=False)

    op.create_table('case_assists',
    sa.Column('case_no', sa.String(length=32), nullable=False),
    sa.Column('staff_no', sa.String(length=32), nullable=False),
    sa.Column('staff_session', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('case_no')
    )
    with op.batch_alter_table('case_assists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assists_staff_no'), ['staff_no'], unique=False)

    op.create_table('cases',
    sa.Column('case_no', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.Float(), nullable=False),
    sa.Column('reviewed_at', sa.Float(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('case_no'),
    sa.UniqueConstraint('kiosk_id', 'idempotency_key')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_person_id'), ['person_id'], unique=False)

    op.create_table('essc_tokens',
    sa.Column('token', sa.String(length=128), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('issued_at', sa.Float(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=True),
    sa.Column('used_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('token')
    )
    op.create_table('fault_reports',
    sa.Column('report_no', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('routed_to', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('deadline', sa.String(length=20), nullable=True),
    sa.Column('answered_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('report_no'),
    sa.UniqueConstraint('kiosk_id', 'idempotency_key')
    )
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_reports_kiosk_id'), ['kiosk_id'], unique=False)

    op.create_table('feed_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('feed', sa.String(length=40), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feed', 'item_id')
    )
    with op.batch_alter_table('feed_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_items_feed'), ['feed'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_items_seq'), ['seq'], unique=False)

    op.create_table('heartbeats',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.Float(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('heartbeats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_heartbeats_kiosk_id'), ['kiosk_id'], unique=False)

    op.create_table('kiosks',
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.String(length=256), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('last_heartbeat', sa.JSON(), nullable=True),
    sa.Column('last_seen', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('kiosk_id')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('nonces',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('seen_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kiosk_id', 'nonce')
    )
    with op.batch_alter_table('nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nonces_seen_at'), ['seen_at'], unique=False)

    op.create_table('persons',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('card_number', sa.String(length=20), nullable=True),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('records', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('person_id'),
    sa.UniqueConstraint('card_number'),
    sa.UniqueConstraint('id_number')
    )
    op.create_table('resident_sessions',
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('token_sha256')
    )
    op.create_table('ss_cards',
    sa.Column('card_number', sa.String(length=20), nullable=False),
    sa.Column('card_identification_code', sa.String(length=32), nullable=False),
    sa.Column('issuing_region', sa.String(length=6), nullable=False),
    sa.Column('spec_version', sa.String(length=8), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('card_number'),
    sa.UniqueConstraint('card_identification_code')
    )
    with op.batch_alter_table('ss_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ss_cards_person_id'), ['person_id'], unique=False)

    op.create_table('staff_accounts',
    sa.Column('staff_no', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('kiosk_ids', sa.JSON(), nullable=False),
    sa.Column('service_point', sa.String(length=200), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('last_used_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('staff_no'),
    sa.UniqueConstraint('person_id')
    )
    op.create_table('staff_logins',
    sa.Column('staff_session', sa.String(length=64), nullable=False),
    sa.Column('staff_no', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('staff_session')
    )
    with op.batch_alter_table('staff_logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_logins_staff_no'), ['staff_no'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_logins_staff_no'))

    op.drop_table('staff_logins')
    op.drop_table('staff_accounts')
    with op.batch_alter_table('ss_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ss_cards_person_id'))

    op.drop_table('ss_cards')
    op.drop_table('resident_sessions')
    op.drop_table('persons')
    with op.batch_alter_table('nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nonces_seen_at'))

    op.drop_table('nonces')
    op.drop_table('meta')
    op.drop_table('kiosks')
    with op.batch_alter_table('heartbeats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_heartbeats_kiosk_id'))

    op.drop_table('heartbeats')
    with op.batch_alter_table('feed_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_items_seq'))
        batch_op.drop_index(batch_op.f('ix_feed_items_feed'))

    op.drop_table('feed_items')
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_reports_kiosk_id'))

    op.drop_table('fault_reports')
    op.drop_table('essc_tokens')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_person_id'))

    op.drop_table('cases')
    with op.batch_alter_table('case_assists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assists_staff_no'))

    op.drop_table('case_assists')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_kiosk_id'))

    op.drop_table('audit_entries')
