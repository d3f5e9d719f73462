"""official letters: the outgoing-letter register, and reviewed Word drafts of agreements

Revision ID: 0018_letters
Revises: 0017_sort_keys
Create Date: 2026-12-07 16:40:00

``letters`` is the outgoing-letter register (ทะเบียนหนังสือส่ง): one row per issued letter,
numbered in order per prefix and Buddhist-Era year; the unique constraint on (prefix, year,
sequence) keeps a number from being given twice. ``agreement_reviews`` keeps the Word files
a partner sends back with their marks on an agreement's draft (stored, not read).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_letters"
down_revision = "0017_sort_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "meeting_invitation",
                "agreement_cover",
                name="letterkind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("emails", sa.Integer(), nullable=False),
        sa.Column("document_version_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_version_id"],
            ["document_versions.id"],
            name=op.f("fk_letters_document_version_id_document_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["users.id"],
            name=op.f("fk_letters_issued_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_letters_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint("prefix", "year", "sequence", name="uq_letters_number"),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index("ix_letters_record", ["record_type", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_year"), ["year"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_letters_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "agreement_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("storage_path", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_reviews_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_agreement_reviews_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_reviews")),
        sa.UniqueConstraint("storage_path", name=op.f("uq_agreement_reviews_storage_path")),
    )
    with op.batch_alter_table("agreement_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_reviews_agreement_id"), ["agreement_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("agreement_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_reviews_agreement_id"))
    op.drop_table("agreement_reviews")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_letters_year"))
        batch_op.drop_index("ix_letters_record")
    op.drop_table("letters")
