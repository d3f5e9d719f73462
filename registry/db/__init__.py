"""The database layer every other package builds on: the declarative base and shared mixins
(``base``), engine set-up for SQLite and PostgreSQL (``engine``), pagination
(``pagination``), indexed text search (``search``) and reading rows of columns for a page
(``reading``).

Import from here (``from registry.db import db, Base, paginate``): these names are the
package's public surface, and the modules behind them may move.
"""

from .base import (
    NAMING_CONVENTION,
    Base,
    TimestampMixin,
    VersionedMixin,
    db,
    enum_column,
    utcnow,
)
from .engine import configure_sqlite, drop_closed_connections, read_outside_transaction
from .pagination import MAX_PAGE, counted, page_of, paged, paginate
from .reading import read
from .search import (
    FOLDED_COLUMN,
    SQLITE_SEARCH_TABLE,
    SQLITE_SEARCH_TABLES,
    TRIGRAM_INDEX_SUFFIX,
    contains_text,
    folded_column,
    include_object,
)

__all__ = [
    "FOLDED_COLUMN",
    "MAX_PAGE",
    "NAMING_CONVENTION",
    "SQLITE_SEARCH_TABLE",
    "SQLITE_SEARCH_TABLES",
    "TRIGRAM_INDEX_SUFFIX",
    "Base",
    "TimestampMixin",
    "VersionedMixin",
    "configure_sqlite",
    "contains_text",
    "counted",
    "db",
    "drop_closed_connections",
    "enum_column",
    "folded_column",
    "include_object",
    "page_of",
    "paged",
    "paginate",
    "read",
    "read_outside_transaction",
    "utcnow",
]
