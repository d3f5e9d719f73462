"""The declarative base, the constraint naming convention and shared mixins."""

from __future__ import annotations

import select
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every model's base: one metadata with named constraints, so migrations are stable."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_cls, length: int = 20) -> sa.Enum:
    """A portable enum column: stored as its value in a VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        name=enum_cls.__name__.lower(),
        validate_strings=True,
    )


class _Pagination(SelectPagination):
    """A page whose total is counted only when the page itself cannot tell it."""

    def _query_count(self) -> int:
        # A page that is not full is the last one: the total follows from it, and the
        # second pass over the table that a count costs is saved (a search that finds
        # little scans everything, so this halves its time).
        if 0 < len(self.items) < self.per_page or (not self.items and self.page == 1):
            return self._query_offset + len(self.items)
        # Else the count is kept until the next write (``registry.cache``): paging through
        # a long list, or coming back to it, counts it once. The key is the statement itself
        # with its values, so it holds every filter, the reader's scope included.
        from .cache import remembered

        compiled = self._query_args["select"].compile(db.session.get_bind())
        values = tuple(sorted((name, _hashable(value)) for name, value in compiled.params.items()))
        return remembered("page count", (str(compiled), values), super()._query_count)


def _hashable(value):
    """A statement's value as part of a key (lists, as an IN takes them, become tuples)."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(item) for item in value)
    return value


#: The highest page number a list looks for (an offset beyond it does not fit a database
#: integer).
MAX_PAGE = 1_000_000


def paginate(select: sa.Select, *, per_page: int, within_page: bool = False) -> SelectPagination:
    """One page of a statement's rows (``?page=`` from the request; not a number: the
    first; past the end: empty). A page number beyond ``MAX_PAGE`` answers 404 for a list,
    and an empty page for a list ``within_page`` of a record's page (an organisation's
    contacts, say), which exists whatever its list's page number."""
    from flask import abort, request

    page = max(request.args.get("page", 1, type=int), 1)
    if page > MAX_PAGE:
        if not within_page:
            abort(404)
        page = MAX_PAGE
    return _Pagination(
        select=select, session=db.session(), page=page, per_page=per_page, error_out=False
    )


class TimestampMixin:
    """When the record was created and last changed (UTC)."""

    #: When the record was created.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the record was last changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """A record people edit through forms: ``lock_version`` is raised by every save, and an
    UPDATE made from an older version matches no row (SQLAlchemy's ``StaleDataError``), so
    one person's save never silently undoes another's. ``registry.versions`` turns that,
    and a form carrying an older version, into a refusal that says what changed."""

    #: Raised by every save; a form carries it so a stale save is refused, not applied.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.lock_version}


#: An execution option: this SQLite connection sends no BEGIN (``read_outside_transaction``).
_NO_BEGIN = "registry_no_begin"


def configure_sqlite(
    engine: sa.Engine, busy_timeout_ms: int, begins_writing: Callable[[], bool] | None = None
) -> None:
    """WAL, a busy timeout, foreign keys on, and real transactions (with savepoints) on SQLite.

    A transaction for which ``begins_writing()`` is true begins with ``BEGIN IMMEDIATE``: it
    takes the write lock first, waiting its turn up to the busy timeout, where a deferred
    transaction that has read is refused at once when it comes to write while another one
    writes (``registry.transactions``). The others begin deferred, as readers that never
    wait in WAL mode."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(_NO_BEGIN):
            return
        if begins_writing is not None and begins_writing():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def read_outside_transaction(statement: str) -> sa.Row:
    """The one row ``statement`` (plain SQL, values as the driver gives them) answers, read on
    a pooled connection of its own and outside any transaction: no BEGIN before it and no
    ROLLBACK after it (PostgreSQL in autocommit; SQLite without the BEGIN ``configure_sqlite``
    sends). For a single read that needs no snapshot shared with other statements: it costs
    one round trip instead of three (on PostgreSQL), and about half the time the session takes.
    Failures are SQLAlchemy's, as for any other statement (a database that is down raises
    ``OperationalError``, and a broken connection leaves the pool)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "AUTOCOMMIT"}
    else:
        options = {_NO_BEGIN: True}
    with engine.connect().execution_options(**options) as connection:
        return connection.exec_driver_sql(statement).one()


def drop_closed_connections(engine: sa.Engine) -> None:
    """PostgreSQL: before the pool hands out a connection, see whether the server closed it
    (a restart, an idle timeout) without asking it anything: an idle connection has nothing
    to read unless the server has said goodbye or hung up. Such a connection is dropped and
    the pool takes another (``DisconnectionError``). This replaces a ``SELECT 1`` on every
    checkout, a round trip per request; a connection that fails later, in the middle of a
    request, still gives that request the "database unavailable" page."""

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        if dbapi_connection.closed or dbapi_connection.broken:
            raise sa.exc.DisconnectionError("the connection is closed")
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        if poller.poll(0):
            raise sa.exc.DisconnectionError("the server closed the connection")


#: The search index SQLite has (an FTS5 table, made by migration 0009): the virtual table
#: and the shadow tables FTS5 keeps beside it all start with this name, and the schema
#: comparison leaves them alone.
SQLITE_SEARCH_TABLE = "organisations_search"
#: Every search index SQLite has (FTS5 tables, each with its shadow tables): the schema
#: comparison leaves tables whose names start with these alone.
SQLITE_SEARCH_TABLES = (SQLITE_SEARCH_TABLE, "proposals_search")


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
