"""organisation profile: registration number, province, address, contact details, notes

Revision ID: 0002_organisation_profile
Revises: 0001_foundation
Create Date: 2026-11-21 09:24:39.502057
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002_organisation_profile"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# A frozen copy of registry.organisations.models.name_key, as it was when this ran.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


def _name_key(name):
    text = unicodedata.normalize("NFKC", name or "").translate(_INVISIBLE)
    return " ".join(text.casefold().split())[:600]


def _fill_name_keys():
    """Give every existing organisation its name key; duplicates must be merged by hand first."""
    connection = op.get_bind()
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Integer),
        sa.column("name_th", sa.String),
        sa.column("name_key", sa.String),
    )
    rows = connection.execute(sa.select(organisations.c.id, organisations.c.name_th)).all()
    seen = {}
    for row in rows:
        key = _name_key(row.name_th)
        if key in seen:
            raise RuntimeError(
                f"organisations {seen[key]} and {row.id} have the same Thai name "
                f"({row.name_th!r}); rename or merge one of them, then migrate again"
            )
        seen[key] = row.id
        connection.execute(
            organisations.update().where(organisations.c.id == row.id).values(name_key=key)
        )


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=600), nullable=True))
        batch_op.add_column(sa.Column("registration_number", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("province", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("website", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_organisations_province"), ["province"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_organisations_registration_number"), ["registration_number"]
        )

    _fill_name_keys()

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=600), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_organisations_name_key"), ["name_key"])


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisations_registration_number"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_organisations_name_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_organisations_province"))
        batch_op.drop_column("notes")
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
        batch_op.drop_column("website")
        batch_op.drop_column("address")
        batch_op.drop_column("province")
        batch_op.drop_column("registration_number")
        batch_op.drop_column("name_key")
