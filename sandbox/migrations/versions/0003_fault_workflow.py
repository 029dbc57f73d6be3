"""Fault reports get the workflow of seed 003 附件4: a level, the kiosk's area, an answer-due time, who answered,
and a history table.

Reports from before keep working: their level comes from where they were routed, they have no due time and
so never escalate.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('county', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_fault_reports_county'), ['county'], unique=False)
        batch_op.create_index(batch_op.f('ix_fault_reports_due_at'), ['due_at'], unique=False)
    # The contract's routed_to names the first desk: 省级工作专班 or 县级人社局.
    op.execute("UPDATE fault_reports SET level = CASE WHEN routed_to = '县级人社局' THEN '县人社部门' "
               "ELSE '省工作专班' END")
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.alter_column('level', existing_type=sa.String(length=20), nullable=False)

    op.create_table('fault_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('report_no', sa.String(length=32), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('from_level', sa.String(length=20), nullable=True),
    sa.Column('to_level', sa.String(length=20), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fault_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_events_report_no'), ['report_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fault_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_events_report_no'))
    op.drop_table('fault_events')
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_reports_due_at'))
        batch_op.drop_index(batch_op.f('ix_fault_reports_county'))
        batch_op.drop_column('answered_by')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('due_at')
        batch_op.drop_column('county')
        batch_op.drop_column('city')
        batch_op.drop_column('level')
