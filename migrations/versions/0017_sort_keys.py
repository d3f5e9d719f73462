"""names sorted in Thai dictionary order: a stored sort key

Revision ID: 0017_sort_keys
Revises: 0016_user_sessions
Create Date: 2026-12-07 16:40:00
"""

revision = "0017_sort_keys"
down_revision = "0016_user_sessions"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
