"""Figures worth keeping between requests, for as long as nothing was written.

Every transaction that writes a record also writes an audit event (``audit.services`` refuses
or logs a commit without one), so the newest audit event moves on with every change:
a result kept under its id and time, today's date and the caller's own key (the reader's
language, say) is as good as a new one while they stay the same. Reading them is one
statement on two indexes, whatever the size of the register.

Two transactions may commit their events out of id order on PostgreSQL; a result made in
between could then miss the one with the smaller id until the next write. So nothing is
kept longer than ``KEEP_SECONDS`` either. Each worker process keeps its own results (at
most ``MAX_ENTRIES``, the least recently used dropped first); a restart forgets them.

A write made in this process moves the version on at once, audit event or not: every
INSERT, UPDATE or DELETE sent, and every commit, counts (``_note_write``), so a result kept
here never outlives a change this process made (a script's, a test's fixture's).

Only parts of pages are kept (the figures of a home page, a list's total, a committee's
table of meetings, which account a session or a token opens), never whole pages or API
answers: on a realistic trace, where each reader asks for other records, a whole page was
seldom asked again before the next write (bench/README.md, "The page cache").

A result that one kind of write cannot change may outlive such writes (``remembered_past``):
which stored printing answers a record's document stands while only documents are printed,
here (``writing("documents")``) or elsewhere (audit events "generated document").
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context

from .audit.models import AuditEvent
from .db import db, read_outside_transaction
from .db.pagination import COUNT_KEEPER

T = TypeVar("T")

#: The longest a result is kept, in seconds, even when nothing was written.
KEEP_SECONDS = 60
#: Results kept per worker process.
MAX_ENTRIES = 256

_BANGKOK = ZoneInfo("Asia/Bangkok")


class Store:
    """A worker's kept results: key -> (when made, value), least recently used first."""

    def __init__(self, size: int = MAX_ENTRIES, keep_seconds: float = KEEP_SECONDS):
        self.size = size
        self.keep_seconds = keep_seconds
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value kept under ``key`` and still fresh, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            made, value = found
            if time.monotonic() - made > self.keep_seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value, made: float | None = None) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond the size;
        ``made`` (``time.monotonic()``) when it was made earlier than now."""
        with self._lock:
            self._entries[key] = (time.monotonic() if made is None else made, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def discard(self, key: Hashable) -> None:
        """Forget what is kept under ``key``, if anything."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget everything kept."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """How many results are kept (fresh or not yet found stale)."""
        return len(self._entries)


def init_app(app: Flask) -> None:
    """Give the app its store of results, and the keeper of its lists' totals (see
    ``db.pagination.COUNT_KEEPER``); count this process's writes from now on."""
    app.extensions["registry_cache"] = Store()
    app.extensions[COUNT_KEEPER] = remembered
    if not sa.event.contains(sa.engine.Engine, "before_cursor_execute", _note_write):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", _note_write)
        sa.event.listen(sa.engine.Engine, "commit", _note_commit)


def store() -> Store:
    """This app's store (each app object has its own, so tests never share results)."""
    return current_app.extensions["registry_cache"]


def forget(app: Flask) -> None:
    """Drop every result the app keeps (a test's fresh start)."""
    app.extensions["registry_cache"].clear()


#: Moves on with every write this process sends (see ``_note_write``).
_writes = 0
_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "REPLAC")


#: Of those, the writes sent inside ``writing(kind)``, per kind.
_kind_writes: Counter[str] = Counter()
_writing = threading.local()
#: The request threads of a worker count their writes under it.
_count_lock = threading.Lock()


def _note_write(_connection, _cursor, statement: str, *_args) -> None:
    if statement[:16].lstrip()[:6].upper() in _WRITE_WORDS:
        _count_write()


def _note_commit(_connection) -> None:
    _count_write()


def _count_write() -> None:
    global _writes
    if getattr(_writing, "unversioned", False):
        return
    kind = getattr(_writing, "kind", None)
    with _count_lock:
        _writes += 1
        if kind is not None:
            _kind_writes[kind] += 1


#: The newest audit event's id and time (plain SQL: one statement on two indexes). Each
#: maximum is its own subquery: SQLite reads a lone ``max`` from the end of an index, but
#: two in one select make it scan every event (the whole log, on every request).
_NEWEST_EVENT = "SELECT (SELECT max(id) FROM audit_events), (SELECT max(at) FROM audit_events)"


def data_version() -> tuple:
    """The id and time of the newest audit event: they change whenever anything was written
    (read once per request, from two indexes). The time as well as the id, so that a
    database restored from a backup, whose next events take ids given before, never meets a
    result kept for other data under the same id.

    Read before the request's session has begun (the usual case: signing in the reader is
    the first thing a request asks), the version is read outside any transaction
    (``db.read_outside_transaction``; on SQLite ``_read_on_sqlite``, the same read with
    less around it): one round trip, no transaction. Once the
    session is in a transaction, it is read in it, so that on SQLite it matches the snapshot
    the rest of the request reads; so it is when the app is bound to a single connection
    rather than an engine (the tests' outer transaction), which alone sees its data."""
    if has_request_context() and "data_version" in g:
        return (_writes, *g.data_version)
    session = db.session()
    engine = db.engine
    if session.in_transaction() or not isinstance(engine, sa.Engine):
        newest, at = session.connection().exec_driver_sql(_NEWEST_EVENT).one()
    elif engine.dialect.name == "sqlite":
        newest, at = _read_on_sqlite(engine, _NEWEST_EVENT)
    else:
        newest, at = read_outside_transaction(_NEWEST_EVENT)
    version = (newest or 0, at)
    if has_request_context():
        g.data_version = version
    return (_writes, *version)


def _read_on_sqlite(engine: sa.Engine, statement: str) -> tuple:
    """The one row ``statement`` answers, read on a pooled SQLite connection of its own and
    outside any transaction (the driver sends no BEGIN, ``configure_sqlite``), through the
    driver's cursor: SQLAlchemy's handling of a statement and its result costs several
    times the read itself, on every request. The engine's cursor listeners are told of it
    as of any statement (they count and watch what is sent); a driver's error is raised as
    SQLAlchemy raises it."""
    dbapi = engine.dialect.loaded_dbapi
    with engine.connect() as connection:
        cursor = connection.connection.cursor()
        try:
            dispatch = connection.dispatch
            dispatch.before_cursor_execute(connection, cursor, statement, (), None, False)
            cursor.execute(statement)
            row = cursor.fetchone()
            dispatch.after_cursor_execute(connection, cursor, statement, (), None, False)
            return row
        except dbapi.Error as error:
            raise sa.exc.DBAPIError.instance(statement, (), error, dbapi.Error) from error
        finally:
            cursor.close()


def _today() -> date:
    return datetime.now(_BANGKOK).date()


def remembered(name: str, key: tuple, build: Callable[[], T]) -> T:
    """``build()``'s result, made again only when something was written, the day changed, or
    it is older than ``KEEP_SECONDS``. ``key`` holds whatever else the result depends on (the
    reader's language, the records the reader may see); it must never hold less than that."""
    full_key = (name, key, data_version(), _today())
    kept = store().get(full_key)
    if kept is not None:
        return kept
    value = build()
    store().put(full_key, value)
    return value


def remembered_past(name: str, key: tuple, build: Callable[[], T], *, kind: str, action: str) -> T:
    """As ``remembered``, but the result also outlives writes of ``kind`` alone: the writes
    this process sent inside ``writing(kind)``, and other processes' writes whose audit events
    are all named ``action``. Any other write, here or elsewhere, still ends it, as do the
    end of the day and ``KEEP_SECONDS``. For a result that such writes cannot change (which
    stored printing answers a record's document: printing other documents does not change
    it). One statement more than ``remembered`` when anything was written since the result
    was made; the result is made again on any doubt."""
    _all, newest, at = data_version()
    others = _writes - _kind_writes[kind]  # read before ``build`` writes
    full_key = _past_key(name, key, kind)
    kept = store().get(full_key)
    if kept is not None:
        value, made_others, made_newest, made_at, made = kept
        if made_others == others:
            if (newest, at) == (made_newest, made_at):
                return value
            if _only_since(action, made_newest, newest):
                # Looked from here next time; no longer kept than KEEP_SECONDS all the same.
                store().put(full_key, (value, others, newest, at, made), made=made)
                return value
    made = time.monotonic()
    value = build()
    store().put(full_key, (value, others, newest, at, made), made=made)
    return value


def forget_past(name: str, key: tuple, *, kind: str) -> None:
    """Forget what ``remembered_past`` keeps under ``name`` and ``key``: the next call makes it
    again (for a result found to be no longer good, a damaged file say)."""
    store().discard(_past_key(name, key, kind))


def _past_key(name: str, key: tuple, kind: str) -> tuple:
    return (name, key, "past " + kind, _today())


def _only_since(action: str, made_newest, newest) -> bool:
    """Whether every audit event after ``made_newest`` is named ``action``."""
    if (newest or 0) < (made_newest or 0):
        return False  # fewer events than before: not the same database
    since = sa.exists().where(AuditEvent.id > (made_newest or 0), AuditEvent.action != action)
    return not db.session.scalar(sa.select(since))


@contextmanager
def writing(kind: str) -> Iterator[None]:
    """Count the writes this thread sends inside the block as ``kind``'s as well (they still
    move the version on for everything else): see ``remembered_past``."""
    outer = getattr(_writing, "kind", None)
    _writing.kind = kind
    try:
        yield
    finally:
        _writing.kind = outer


@contextmanager
def unversioned() -> Iterator[None]:
    """Leave the writes this thread sends inside the block out of the version: only for a
    write that nothing kept here can depend on (that a session was seen a minute ago)."""
    outer = getattr(_writing, "unversioned", False)
    _writing.unversioned = True
    try:
        yield
    finally:
        _writing.unversioned = outer
