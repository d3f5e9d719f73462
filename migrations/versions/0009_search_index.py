"""organisation search index: an FTS5 trigram table on SQLite; no trigram index on PostgreSQL

Revision ID: 0009_search_index
Revises: 0008_meetings
Create Date: 2026-11-21 11:40:00

PostgreSQL: the pg_trgm index of 0007 is dropped. Its planner passes it by for most Thai
searches (pg_trgm splits Thai words at vowel and tone marks, so the index looks
unselective), and the search now reads the column with strpos, which scans 10,000
organisations in about 10 ms; the index only cost writes.

SQLite: the FTS5 table takes its text
from ``organisations.search_text`` (external content) and three triggers keep it in step
with every insert, update and delete, whoever writes. Note: a later batch migration that
rebuilds the organisations table drops these triggers with it; such a migration must make
them again (copy TRIGGERS below).
"""

from alembic import op

revision = "0009_search_index"
down_revision = "0008_meetings"
branch_labels = None
depends_on = None

TABLE = (
    "CREATE VIRTUAL TABLE organisations_search USING fts5("
    "search_text, content='organisations', content_rowid='id', tokenize='trigram')"
)
TRIGGERS = (
    "CREATE TRIGGER organisations_search_insert AFTER INSERT ON organisations BEGIN "
    "INSERT INTO organisations_search(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "CREATE TRIGGER organisations_search_delete AFTER DELETE ON organisations BEGIN "
    "INSERT INTO organisations_search(organisations_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER organisations_search_update AFTER UPDATE OF search_text ON organisations "
    "BEGIN "
    "INSERT INTO organisations_search(organisations_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO organisations_search(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_organisations_search_text_trgm")
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(TABLE)
    op.execute("INSERT INTO organisations_search(organisations_search) VALUES ('rebuild')")
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_organisations_search_text_trgm ON organisations"
            " USING gin (search_text gin_trgm_ops)"
        )
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS organisations_search_{name}")
    op.execute("DROP TABLE IF EXISTS organisations_search")
