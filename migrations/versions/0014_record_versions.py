"""record versions: every record a form edits carries the version it is at

Revision ID: 0014_record_versions
Revises: 0013_contact_search
Create Date: 2026-11-22 09:00:00

Each table below gains ``lock_version`` (NOT NULL, 1 for the rows already there), the
version SQLAlchemy raises on every save and checks in the UPDATE's WHERE clause
(``registry.db.VersionedMixin``). An edit form carries the version it was read at; a save
from an older version is refused with what changed meanwhile, instead of silently
overwriting another person's change (``registry.versions``). Agreements have had theirs
since 0005.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_record_versions"
down_revision = "0013_contact_search"
branch_labels = None
depends_on = None

#: The tables whose records an edit form changes.
VERSIONED_TABLES = (
    "users",
    "settings",
    "organisations",
    "contacts",
    "committees",
    "committee_memberships",
    "meetings",
    "meeting_attendance",
    "agenda_items",
    "action_items",
    "proposals",
    "proposal_categories",
)


# Plain ALTER TABLE on both engines (SQLite adds and drops a column in place since 3.35): a
# batch rebuild of organisations or proposals would drop their search triggers (0009, 0010).


def upgrade():
    for table in VERSIONED_TABLES:
        op.add_column(
            table, sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade():
    for table in reversed(VERSIONED_TABLES):
        op.drop_column(table, "lock_version")
