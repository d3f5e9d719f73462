"""signed copies of printed documents: PDF files with electronic signatures (PAdES)

Revision ID: 0019_signed_copies
Revises: 0018_letters
Create Date: 2026-12-07 16:45:00

``signed_copies`` keeps, for a stored printing (``document_versions``), each signed file made
from it: signed in the registry with the agency's certificate, or signed elsewhere and
uploaded. Each copy extends the one before it (incremental updates); the signatures found
valid when it was accepted are kept with it, as JSON.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_signed_copies"
down_revision = "0018_letters"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signed_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_path", sa.String(length=300), nullable=False),
        sa.Column("signatures", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_signed_copies_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_signed_copies_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_copies")),
        sa.UniqueConstraint("storage_path", name=op.f("uq_signed_copies_storage_path")),
        sa.UniqueConstraint("version_id", "sequence", name="uq_signed_copies_version_sequence"),
    )
    with op.batch_alter_table("signed_copies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signed_copies_created_by_id"), ["created_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("signed_copies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signed_copies_created_by_id"))
    op.drop_table("signed_copies")
