"""indexes for speed: organisations by status, proposals by status and category; contacts by
trigram on PostgreSQL

Revision ID: 0013_contact_search
Revises: 0012_speed_indexes
Create Date: 2026-11-21 19:00:00

Organisations: ``status`` alone; proposals: ``(status, category_id)``. The staff home counts
partners per status, and proposals per status and per category in one pass, from these
indexes rather than by reading every row.

PostgreSQL: contacts keep their written name, position and e-mail address, lower case and
folded as in 0012 (``search_fold``), in a stored generated column ``search_folded`` with a
GIN trigram index; the global search finds the contacts that hold a word through it (each
candidate checked on the text itself), rather than comparing every contact's.
"""

from alembic import op

revision = "0013_contact_search"
down_revision = "0012_speed_indexes"
branch_labels = None
depends_on = None

INDEX = "ix_contacts_search_fold_trgm"


def upgrade():
    op.create_index("ix_organisations_status", "organisations", ["status"])
    op.create_index("ix_proposals_status_category_id", "proposals", ["status", "category_id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE contacts ADD COLUMN search_folded text GENERATED ALWAYS AS (search_fold(lower("
        "coalesce(title, '') || first_name || ' ' || coalesce(last_name, '') || ' ' "
        "|| coalesce(position, '') || ' ' || coalesce(email, '')))) STORED"
    )
    op.execute(f"CREATE INDEX {INDEX} ON contacts USING gin (search_folded gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        op.execute("ALTER TABLE contacts DROP COLUMN IF EXISTS search_folded")
    op.drop_index("ix_proposals_status_category_id", table_name="proposals")
    op.drop_index("ix_organisations_status", table_name="organisations")
