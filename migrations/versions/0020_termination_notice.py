"""agreements: the day notice of termination was given

Revision ID: 0020_termination_notice
Revises: 0019_signed_copies
Create Date: 2026-12-07 16:40:00

A termination is recorded when the notice is given, with the day it takes effect
(``terminated_on``, which may lie ahead); ``termination_notice_on`` keeps the day of the
notice. Terminations recorded before this revision have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_termination_notice"
down_revision = "0019_signed_copies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("termination_notice_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("termination_notice_on")
