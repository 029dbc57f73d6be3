"""A county console account names its city: county names repeat across cities (城区, 郊区 …), so a county
account is scoped by city and county together.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('console_staff') as batch_op:
        batch_op.add_column(sa.Column('city', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('console_staff') as batch_op:
        batch_op.drop_column('city')
