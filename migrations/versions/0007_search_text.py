"""organisation search text: names and people's names in one column; indexes for the list orders

Revision ID: 0007_search_text
Revises: 0006_committees
Create Date: 2026-11-21 10:50:52.079031
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0007_search_text"
down_revision = "0006_committees"
branch_labels = None
depends_on = None

# A frozen copy of registry.organisations.models.search_key, as it was when this ran.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


def _search_key(text):
    text = unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE)
    return " ".join(text.casefold().split())


def _fill():
    """Write every organisation's search text from its names and its people's names."""
    connection = op.get_bind()
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Integer),
        sa.column("name_th", sa.String),
        sa.column("name_en", sa.String),
        sa.column("acronym", sa.String),
        sa.column("search_text", sa.Text),
    )
    contacts = sa.table(
        "contacts",
        sa.column("id", sa.Integer),
        sa.column("organisation_id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("erased_at", sa.DateTime),
    )
    lines = {}
    for row in connection.execute(
        sa.select(organisations.c.id, organisations.c.name_th, organisations.c.name_en,
                  organisations.c.acronym)
    ):  # fmt: skip
        lines[row.id] = [row.name_th, row.name_en or "", row.acronym or ""]
    for row in connection.execute(
        sa.select(contacts.c.organisation_id, contacts.c.title, contacts.c.first_name,
                  contacts.c.last_name)
        .where(contacts.c.erased_at.is_(None))
        .order_by(contacts.c.id)
    ):  # fmt: skip
        name = " ".join(part for part in (row.first_name, row.last_name) if part)
        lines.setdefault(row.organisation_id, []).append(f"{row.title or ''}{name}")
    for organisation_id, parts in lines.items():
        connection.execute(
            organisations.update()
            .where(organisations.c.id == organisation_id)
            .values(search_text="\n".join(_search_key(part) for part in parts if part))
        )


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch_op.create_index("ix_organisations_name_th_id", ["name_th", "id"], unique=False)
        batch_op.create_index("ix_organisations_updated_at_id", ["updated_at", "id"], unique=False)
    _fill()
    if op.get_bind().dialect.name == "postgresql":
        # A trigram index serves LIKE '%text%' for texts of three characters or more.
        # pg_trgm is a trusted extension: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_organisations_search_text_trgm ON organisations"
            " USING gin (search_text gin_trgm_ops)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_organisations_search_text_trgm")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_updated_at_id")
        batch_op.drop_index("ix_organisations_name_th_id")
        batch_op.drop_column("search_text")
