"""Text search served by an index (SQLite's FTS5 trigram tables, PostgreSQL's folded text), and
the search objects the schema comparison leaves alone."""

from __future__ import annotations

import sqlalchemy as sa

from .base import db

#: The search index SQLite has (an FTS5 table, made by migration 0009): the virtual table
#: and the shadow tables FTS5 keeps beside it all start with this name, and the schema
#: comparison leaves them alone.
SQLITE_SEARCH_TABLE = "organisations_search"
#: The search index of people SQLite has (an FTS5 trigram table of each contact's written
#: name, position and email, made by migration 0021; its rowid is the contact's id).
SQLITE_CONTACTS_SEARCH_TABLE = "contacts_search"
#: Every search index SQLite has (FTS5 tables, each with its shadow tables): the schema
#: comparison leaves tables whose names start with these alone.
SQLITE_SEARCH_TABLES = (SQLITE_SEARCH_TABLE, "proposals_search", SQLITE_CONTACTS_SEARCH_TABLE)


def contains_text(id_column, text_column, key: str, *, sqlite_index: str):
    """The condition "``text_column`` contains ``key`` anywhere", served by an index.

    ``key`` is already normalised as the column is (see ``organisations.models.search_key``).
    On SQLite, a key of three characters or more is looked up in the FTS5 trigram table
    ``sqlite_index`` (its rowid is ``id_column``) as a phrase, which matches exactly the
    rows whose text holds the key; shorter keys use a plain LIKE in which % and _ match
    themselves. PostgreSQL reads the column with ``strpos``, three to four times quicker
    than LIKE on Thai text (measured in ``make bench``; see migration 0009).
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return sa.func.strpos(text_column, key) > 0
    if len(key) >= 3 and dialect == "sqlite":
        phrase = '"' + key.replace('"', '""') + '"'
        found = (
            sa.select(sa.literal_column("rowid"))
            .select_from(sa.table(sqlite_index))
            .where(sa.literal_column(sqlite_index).op("MATCH")(phrase))
        )
        return id_column.in_(found)
    return text_column.contains(key, autoescape=True)


#: PostgreSQL's folded search text of organisations and proposals (migration 0012): a
#: generated column no model declares, and the name ending of its trigram indexes.
FOLDED_COLUMN = "search_folded"
TRIGRAM_INDEX_SUFFIX = "_search_fold_trgm"


def folded_column(table: sa.Table) -> sa.ColumnClause:
    """PostgreSQL: the folded search text of ``table`` (organisations, proposals, contacts)."""
    return sa.column(FOLDED_COLUMN, sa.Text, _selectable=table)


def include_object(_obj, name, type_, _reflected, _compare_to) -> bool:
    """For Alembic: leave the search indexes (SQLite's FTS5 tables, PostgreSQL's folded
    search text and its trigram indexes) out of the comparison of models and schema."""
    if type_ == "index" and (name or "").endswith(TRIGRAM_INDEX_SUFFIX):
        return False
    if type_ == "column" and name == FOLDED_COLUMN:
        return False
    return not (type_ == "table" and (name or "").startswith(SQLITE_SEARCH_TABLES))
