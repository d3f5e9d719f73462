"""Engine set-up for SQLite (WAL, busy timeout, foreign keys, real transactions) and
PostgreSQL (dropping connections the server closed), and single reads outside a transaction."""

from __future__ import annotations

import select
from collections.abc import Callable

import sqlalchemy as sa

from .base import db

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
    one round trip instead of three (on PostgreSQL).
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
