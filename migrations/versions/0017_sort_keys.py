"""names sorted in Thai dictionary order: a stored sort key

Revision ID: 0017_sort_keys
Revises: 0016_user_sessions
Create Date: 2026-12-07 16:40:00

Organisations, committees, contacts and accounts keep a ``sort_key`` beside their name
(``registry.collation``): the name with each leading vowel (เ แ โ ใ ไ) after its consonant
and the tone marks last, so that code-point order is the Thai dictionary's. On PostgreSQL
the column is compared with ``COLLATE "C"`` (code points), as SQLite compares by default.
Every existing row gets its key here; the models keep it in step from then on. The list of
organisations is sorted by it, so its index takes the place of the one on the Thai name.
"""

import sqlalchemy as sa
from alembic import op

from registry.collation import person_sort_key, sort_key

revision = "0017_sort_keys"
down_revision = "0016_user_sessions"
branch_labels = None
depends_on = None

LENGTH = 300
TABLES = ("organisations", "committees", "contacts", "users")


def _column():
    kind = sa.String(LENGTH).with_variant(sa.String(LENGTH, collation="C"), "postgresql")
    return sa.Column("sort_key", kind, nullable=False, server_default="")


def _fill(name, columns, key):
    """Write the key of every row of the table ``name`` from the given name columns."""
    connection = op.get_bind()
    table = sa.table(name, sa.column("id"), sa.column("sort_key"), *map(sa.column, columns))
    rows = connection.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
    if rows:
        connection.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")).values(
                sort_key=sa.bindparam("key")
            ),
            [{"row_id": row[0], "key": key(*row[1:])} for row in rows],
        )


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(_column())
    _fill("organisations", ["name_th"], sort_key)
    _fill("committees", ["name_th"], sort_key)
    _fill("contacts", ["first_name", "last_name"], sort_key)
    _fill("users", ["full_name"], person_sort_key)
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_name_th_id")
        batch_op.create_index("ix_organisations_sort_key_id", ["sort_key", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_sort_key_id")
        batch_op.create_index("ix_organisations_name_th_id", ["name_th", "id"], unique=False)
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sort_key")
