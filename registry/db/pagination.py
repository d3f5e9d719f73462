"""One page of a list: the page number from the request, and a total counted only when needed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import QueryableAttribute

from .base import db
from .reading import read

#: The app's extension that keeps a list's total until the next write:
#: ``keep(name, key, count) -> int`` (``registry.cache.remembered``, given by
#: ``cache.init_app``, so that the database layer never imports the cache).
COUNT_KEEPER = "registry_count_keeper"


class _Pagination(SelectPagination):
    """A page whose total is counted only when the page itself cannot tell it. A statement
    of columns (a list's ids) is read on the request's connection (``reading.read``); one
    of records (or of a bundle) through the session, which makes them."""

    def _query_items(self) -> list:
        select = self._query_args["select"]
        if _selects_records(select):
            return super()._query_items()
        page = select.limit(self.per_page).offset(self._query_offset)
        return list(read(page).unique().scalars())

    def _count(self) -> int:
        select = self._query_args["select"]
        if _selects_records(select):
            return super()._query_count()
        counted = sa.select(sa.func.count()).select_from(select.order_by(None).subquery())
        return read(counted).scalar()

    def _query_count(self) -> int:
        # A page that is not full is the last one: the total follows from it, and the
        # second pass over the table that a count costs is saved (a search that finds
        # little scans everything, so this halves its time).
        if 0 < len(self.items) < self.per_page or (not self.items and self.page == 1):
            return self._query_offset + len(self.items)
        # Else the count is kept until the next write, by the keeper the app was given
        # (``registry.cache`` gives it; see ``COUNT_KEEPER``): paging through a long list,
        # or coming back to it, counts it once. The key is the statement itself with its
        # values, so it holds every filter, the reader's scope included.
        keep = current_app.extensions[COUNT_KEEPER]
        key = self._query_args.get("total_key") or _statement_key(self._query_args["select"])
        return keep("page count", key, self._count)


def _statement_key(select: sa.Select) -> tuple:
    """A key that tells a statement and its values from any other: SQLAlchemy's own cache key
    of its shape (the same key, the same SQL) with the values bound in it, in order. Worked
    out without compiling the statement; one that has no cache key is compiled instead."""
    cache_key = select._generate_cache_key()  # noqa: SLF001 (SQLAlchemy's public cache key)
    if cache_key is None:
        compiled = select.compile(db.session.get_bind())
        values = tuple(sorted((name, _hashable(value)) for name, value in compiled.params.items()))
        return ("compiled", str(compiled), values)
    values = tuple(_hashable(bind.effective_value) for bind in cache_key.bindparams)
    return ("shape", cache_key.key, values)


class _BoundPagination(_Pagination):
    """A page read with statements built once (``paged`` and ``counted``), the page's bounds
    and the list's values bound: rows of columns (``rows``), each made into what the page
    shows (``make``), or their first column."""

    def _query_items(self) -> list:
        values = {
            **self._query_args["values"],
            "page_limit": self.per_page,
            "page_offset": self._query_offset,
        }
        result = read(self._query_args["select"], values)
        make = self._query_args["make"]
        if make is not None:
            return [make(row) for row in result]
        return result.all() if self._query_args["rows"] else result.scalars().all()

    def _count(self) -> int:
        return read(self._query_args["count_statement"], self._query_args["values"]).scalar_one()


class _RowsPagination(_Pagination):
    """A page of a statement of columns: each row made by ``make`` into what the page shows,
    with no record loaded."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        make = self._query_args["make"]
        return [make(row) for row in read(select)]


def _selects_records(select: sa.Select) -> bool:
    """Whether the statement selects anything the ORM must make (a record, an alias of one, a
    bundle) rather than columns only."""
    return not all(
        isinstance(described["expr"], QueryableAttribute | sa.ColumnElement)
        for described in select.column_descriptions
    )


def _hashable(value):
    """A statement's value as part of a key (lists, as an IN takes them, become tuples)."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(item) for item in value)
    return value


#: The highest page number a list looks for (an offset beyond it does not fit a database
#: integer).
MAX_PAGE = 1_000_000


def paged(select: sa.Select) -> sa.Select:
    """The statement limited to one page, its bounds left as values (``page_limit``,
    ``page_offset``): built once, for ``page_of``."""
    limit = sa.bindparam("page_limit", type_=sa.Integer)
    return select.limit(limit).offset(sa.bindparam("page_offset", type_=sa.Integer))


def counted(select: sa.Select) -> sa.Select:
    """How many rows the statement finds: built once, for ``page_of``."""
    return sa.select(sa.func.count()).select_from(select.order_by(None).subquery())


def page_of(
    page: sa.Select,
    count: sa.Select,
    *,
    per_page: int,
    total_key: tuple,
    values: Mapping[str, Any] | None = None,
    rows: bool = False,
    make: Callable[[sa.Row], Any] | None = None,
    within_page: bool = False,
) -> SelectPagination:
    """One page of a list read with statements built once: ``page`` made by ``paged`` and
    ``count`` (``counted``, or any statement of the same total), run with ``values``. The
    page holds rows of the statement's columns (``rows``), each row made into ``make(row)``
    (``make``), or the statement's first column; the total is
    counted only when the page cannot tell it, and kept under ``total_key``, which must name
    the list and every value it depends on (the filters, the reader's scope). Page numbers
    as ``paginate``."""
    return _BoundPagination(
        select=page,
        count_statement=count,
        values=dict(values or {}),
        rows=rows,
        make=make,
        total_key=total_key,
        session=db.session(),
        page=_page_number(within_page),
        per_page=per_page,
        error_out=False,
    )


def _page_number(within_page: bool) -> int:
    """The page asked for (``?page=``; not a number: the first). Beyond ``MAX_PAGE``: 404
    for a list; the last possible for a list within a record's page."""
    page = max(request.args.get("page", 1, type=int), 1)
    if page > MAX_PAGE:
        if not within_page:
            abort(404)
        page = MAX_PAGE
    return page


def paginate(
    select: sa.Select,
    *,
    per_page: int,
    within_page: bool = False,
    make: Callable[[sa.Row], Any] | None = None,
    total_key: tuple | None = None,
) -> SelectPagination:
    """One page of a statement's rows (``?page=`` from the request; not a number: the
    first; past the end: empty). A page number beyond ``MAX_PAGE`` answers 404 for a list,
    and an empty page for a list ``within_page`` of a record's page (an organisation's
    contacts, say), which exists whatever its list's page number. With ``make``, the
    statement selects columns and each row of the page is ``make(row)`` (no records
    loaded); without it, the page holds the statement's first column (records). The total
    is kept under the statement and its values, or under ``total_key`` when given (which
    must name the list and every value it depends on: cheaper than working the statement's
    key out)."""
    page = _page_number(within_page)
    if make is not None:
        return _RowsPagination(
            select=select,
            session=db.session(),
            page=page,
            per_page=per_page,
            error_out=False,
            make=make,
            total_key=total_key,
        )
    return _Pagination(
        select=select,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
        total_key=total_key,
    )
