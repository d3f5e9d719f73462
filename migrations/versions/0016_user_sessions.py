"""user sessions: one row per signed-in session, so signing out ends it on the server

Revision ID: 0016_user_sessions
Revises: 0015_form_submissions
Create Date: 2026-11-22 12:00:00

The session cookie holds a random key; ``user_sessions`` holds its SHA-256 hash, the user,
when it began, when it was last seen and when it ended. A cookie whose session has ended
(signed out, the password changed in another session, the account deactivated) signs no
one in. Sessions opened before this revision hold no key: their users sign in once more.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_user_sessions"
down_revision = "0015_form_submissions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))

    op.drop_table("user_sessions")
