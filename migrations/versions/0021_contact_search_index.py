"""contact search index: an FTS5 trigram table of contacts' names, positions and emails on SQLite

Revision ID: 0021_contact_search_index
Revises: 0020_termination_notice
Create Date: 2026-12-07 23:10:00

The search page finds people by their written name, position or email anywhere in the text.
On SQLite that compared every contact with LIKE (about 2-3 ms for 5,000 people, ten times
more for 50,000); the trigram table finds the few rows that hold the words at once, and the
search still checks each of them with LIKE, so the results are the same. PostgreSQL has its
own trigram index of the contacts (0013) and is left alone.

The table keeps its own copy of the text (the written name is an expression, so it cannot
take it from ``contacts`` as external content); three triggers keep it in step with every
insert, update and delete, whoever writes. Note: a later batch migration that rebuilds the
contacts table drops these triggers with it; such a migration must make them again (copy
TRIGGERS below).
"""

from alembic import op

revision = "0021_contact_search_index"
down_revision = "0020_termination_notice"
branch_labels = None
depends_on = None

TABLE = "CREATE VIRTUAL TABLE contacts_search USING fts5(name, position, email, tokenize='trigram')"
#: Each row's text: the written name as the search compares it (title, first name, a space,
#: last name), the position and the email.
TRIGGERS = (
    "CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN "
    "INSERT INTO contacts_search(rowid, name, position, email) VALUES (new.id, "
    "coalesce(new.title, '') || new.first_name || ' ' || coalesce(new.last_name, ''), "
    "new.position, new.email); END",
    "CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN "
    "DELETE FROM contacts_search WHERE rowid = old.id; END",
    "CREATE TRIGGER contacts_search_update "
    "AFTER UPDATE OF id, title, first_name, last_name, position, email ON contacts BEGIN "
    "DELETE FROM contacts_search WHERE rowid = old.id; "
    "INSERT INTO contacts_search(rowid, name, position, email) VALUES (new.id, "
    "coalesce(new.title, '') || new.first_name || ' ' || coalesce(new.last_name, ''), "
    "new.position, new.email); END",
)
FILL = (
    "INSERT INTO contacts_search(rowid, name, position, email) SELECT id, "
    "coalesce(title, '') || first_name || ' ' || coalesce(last_name, ''), position, email "
    "FROM contacts"
)


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(TABLE)
    op.execute(FILL)
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS contacts_search_{name}")
    op.execute("DROP TABLE IF EXISTS contacts_search")
