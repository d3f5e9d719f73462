"""``X-SQL-Statements``: how many SQL statements a request sent, for the load benchmark.

On when the configuration flag ``SQL_COUNT_HEADER`` is (environment ``SQL_COUNT_HEADER=1``);
off by default, so production answers carry no such detail. The count is kept per request on
``flask.g`` by a ``before_cursor_execute`` listener on the app's engine; the transaction
``BEGIN`` (or ``BEGIN IMMEDIATE``, for a request that writes) the app sends itself on SQLite
is left out, so that SQLite and PostgreSQL (whose
driver begins transactions without a statement of its own) give the same figure.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, g, has_request_context

#: The response header that carries the count.
HEADER = "X-SQL-Statements"

#: The statements that begin a transaction on SQLite, which the count leaves out.
_TRANSACTION_BEGINS = frozenset({"BEGIN", "BEGIN IMMEDIATE"})


def init_app(app: Flask, engine: sa.Engine) -> None:
    """Count each request's statements on ``engine`` and answer the count in a header."""
    if not app.config.get("SQL_COUNT_HEADER"):
        return

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(_connection, _cursor, statement, _parameters, _context, _executemany):
        if has_request_context() and statement not in _TRANSACTION_BEGINS:
            g.sql_statements = g.get("sql_statements", 0) + 1

    @app.after_request
    def _add_header(response):
        response.headers[HEADER] = str(g.get("sql_statements", 0))
        return response
