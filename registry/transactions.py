"""Writes wait their turn, and a write that lost a race with another one is tried again.

SQLite (the embedded default) lets one transaction write at a time. A transaction that
began with a plain (deferred) ``BEGIN`` and has read cannot wait for that turn: when it
comes to write while another request writes, or after another request wrote, SQLite
answers "database is locked" at once, whatever the busy timeout. So a transaction that
will write begins with ``BEGIN IMMEDIATE`` instead (``begins_writing``), which takes the
write lock first and waits for it up to the busy timeout: every request whose method is
not GET, HEAD or OPTIONS, the few GET pages that write (``WRITING_GET_ENDPOINTS``), and
the commands (``flask registry ...``) but ``READING_COMMANDS``. Reading pages keep the
deferred ``BEGIN``: in WAL mode readers never wait for a writer, nor writers for readers.

On both databases, a view that fails with a transient concurrency error is run again
(``retrying``, around every view): SQLite's "database is locked" in a transaction that
had not taken the write lock (the next attempt takes it first), PostgreSQL's
serialization failure (40001), deadlock (40P01) and lock not available (55P03); and once,
a broken integrity rule (two creates of the same thing raced past the services' checks),
which the next attempt's checks then answer with a clear message at the form. The
session is rolled back, and the request is put back as it came (its session's content
and one-time messages, ``flask.g``, the uploaded files read from their start) before the
view runs again, after a short random pause, a few times at most. A view is not run
again when the failed attempt did something the database cannot take back: it sent mail
(``note_outside_effect``) or it committed a transaction. What still fails answers as
before: "database unavailable" (503), or a clear "not saved" page for a unique-constraint
race (``errors.py``).
"""

from __future__ import annotations

import copy
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

import click
import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request, session

from .db import db

#: Methods that read: their transactions begin deferred, as readers that never wait.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The GET endpoints that write, and so begin their transactions with the write lock:
#: printing a document stores a numbered version and an audit event; exporting a list of
#: partners and answering a PDPA access request are logged as audit events.
WRITING_GET_ENDPOINTS = frozenset(
    {
        "agreements.pdf",
        "agreements.mine_pdf",
        "meetings.agenda_pdf",
        "meetings.minutes_pdf",
        "meetings.mine_minutes_pdf",
        "organisations.export_csv",
        "organisations.export_xlsx",
        "organisations.contact_personal_data",
        "proposals.export_csv",
        "proposals.export_xlsx",
    }
)

#: The commands that only read, so begin deferred: a backup reads every table in one
#: transaction, which must not keep the office's saves waiting; an operator's shell may stay
#: open for hours.
READING_COMMANDS = frozenset({"backup", "export-open-data", "shell", "routes"})

#: How many times a view runs at most when its attempts fail with a transient error.
ATTEMPTS = 4
#: How many times a view runs at most when its attempts break an integrity constraint.
INTEGRITY_ATTEMPTS = 2
#: The first pause before another attempt, in seconds (a random part of it, doubling after
#: each attempt up to ``MAX_PAUSE``).
FIRST_PAUSE = 0.02
MAX_PAUSE = 0.25

#: PostgreSQL's transient concurrency failures: serialization failure, deadlock detected,
#: lock not available.
POSTGRESQL_TRANSIENT = frozenset({"40001", "40P01", "55P03"})
#: SQLite's primary result codes for a database or table another connection holds.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
#: PostgreSQL's unique violation.
_UNIQUE_VIOLATION = "23505"

#: The ``flask.g`` key of the request's ``_Attempts``.
_STATE = "registry_transaction"
#: The marker on a view function that runs it through ``retrying``.
_WRAPPED = "registry_retrying"


@dataclass
class _Attempts:
    """What the request's attempts have done so far."""

    #: The transactions begin with the write lock (a retried read that came to write).
    immediate: bool = False
    #: What the request did that the database cannot take back ("mail", "commit").
    outside_effects: list[str] = field(default_factory=list)
    #: Attempts that failed, and why ("40001", "sqlite busy", "integrity" ...).
    failures: list[str] = field(default_factory=list)


def _attempts() -> _Attempts | None:
    if not has_request_context():
        return None
    state = g.get(_STATE)
    if state is None:
        state = _Attempts()
        setattr(g, _STATE, state)
    return state


def begins_writing() -> bool:
    """Whether a transaction beginning now should take SQLite's write lock first
    (``BEGIN IMMEDIATE``): in a request that writes, and in a command (``flask ...``) other
    than ``READING_COMMANDS``. Other work outside a request (a script, a worker's warm-up)
    begins deferred."""
    if not has_request_context():
        command = click.get_current_context(silent=True)
        return command is not None and command.info_name not in READING_COMMANDS
    if request.method not in READ_METHODS or request.endpoint in WRITING_GET_ENDPOINTS:
        return True
    state = g.get(_STATE)
    return state is not None and state.immediate


def note_outside_effect(what: str) -> None:
    """Note that this request did something the database cannot undo (mail went out), so
    that a failure after it is not answered by running the view again."""
    state = _attempts()
    if state is not None:
        state.outside_effects.append(what)


def _note_commit(_session) -> None:
    """A committed transaction is kept whatever follows: running the view again would
    repeat it."""
    state = g.get(_STATE) if has_request_context() else None
    if state is not None:
        state.outside_effects.append("commit")


def transient_reason(error: sa.exc.DBAPIError) -> str | None:
    """Why ``error`` is a concurrency failure another attempt may not meet ("40001",
    "sqlite busy" ...), or None when it is not one (a database that is gone, a bad
    statement)."""
    original = error.orig
    code = getattr(original, "sqlstate", None)
    if code in POSTGRESQL_TRANSIENT:
        return code
    if isinstance(original, sqlite3.OperationalError):
        primary = (getattr(original, "sqlite_errorcode", 0) or 0) & 0xFF
        text = str(original).lower()
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text or "busy" in text:
            return "sqlite busy"
    return None


def is_unique_violation(error: sa.exc.IntegrityError) -> bool:
    """Whether an integrity error is a unique constraint's (two creates that raced)."""
    original = error.orig
    if getattr(original, "sqlstate", None) == _UNIQUE_VIOLATION:
        return True
    return isinstance(original, sqlite3.IntegrityError) and "UNIQUE" in str(original)


def _retry_reason(error: sa.exc.DBAPIError, state: _Attempts) -> str | None:
    """Why the view may run again after ``error``, or None."""
    if state.outside_effects:
        return None
    if isinstance(error, sa.exc.IntegrityError):
        failed = sum(1 for reason in state.failures if reason == "integrity") + 1
        return "integrity" if failed < INTEGRITY_ATTEMPTS else None
    reason = transient_reason(error)
    if reason is None or len(state.failures) + 1 >= ATTEMPTS:
        return None
    if reason == "sqlite busy" and begins_writing():
        return None  # it waited its turn to write for the whole busy timeout already
    return reason


#: Types of session value that cannot be changed in place: a session holding only these is
#: kept by a plain copy (the usual one: the account, its session key, the language, the form
#: token), not a deep one.
_UNCHANGEABLE = frozenset({str, int, float, bool, bytes, type(None)})


def _session_copy(values: dict) -> dict:
    """A copy of the session's values that nothing done to the session later changes."""
    if all(type(value) in _UNCHANGEABLE for value in values.values()):
        return dict(values)
    return copy.deepcopy(values)


class _Request:
    """What a view may change of the request, kept so that a failed attempt can be undone."""

    def __init__(self) -> None:
        self.g = dict(vars(g._get_current_object()))
        current = session._get_current_object()
        self.session = _session_copy(dict(current))
        self.session_modified = current.modified

    def restore(self, state: _Attempts) -> None:
        """Put the request back as the first attempt found it, keeping ``state``."""
        globals_ = vars(g._get_current_object())
        globals_.clear()
        globals_.update(self.g)
        globals_.pop("data_version", None)  # read again: others may have written since
        globals_[_STATE] = state
        # The session's own dict, not its setters: they would mark it changed.
        current = session._get_current_object()
        dict.clear(current)
        dict.update(current, copy.deepcopy(self.session))
        current.modified = self.session_modified
        for uploads in request.files.listvalues():
            for upload in uploads:
                stream = upload.stream
                if getattr(stream, "seekable", lambda: False)():
                    stream.seek(0)


def _pause(failed: int) -> None:
    ceiling = min(MAX_PAUSE, FIRST_PAUSE * 2 ** (failed - 1))
    time.sleep(random.uniform(0, ceiling))  # noqa: S311 (a pause, not a secret)


def retrying(view: Callable) -> Callable:
    """Run ``view`` again, in a fresh transaction, when it fails with a concurrency error
    another attempt may not meet (see the module's docstring); else let the error through."""
    if getattr(view, _WRAPPED, False):
        return view

    @wraps(view)
    def run(*args, **kwargs):
        state = _attempts()
        kept = _Request()
        while True:
            try:
                return view(*args, **kwargs)
            except sa.exc.DBAPIError as error:
                reason = _retry_reason(error, state)
                if reason is None:
                    raise
                state.failures.append(reason)
                current_app.logger.info(
                    "running %s %s again after %s (attempt %d failed)",
                    request.method,
                    request.path,
                    reason,
                    len(state.failures),
                )
                db.session.rollback()
                if reason == "sqlite busy":
                    state.immediate = True  # the next attempt waits its turn to write
                kept.restore(state)
                _pause(len(state.failures))

    setattr(run, _WRAPPED, True)
    return run


def wrap_views(app: Flask) -> None:
    """Run every view the app has now through ``retrying`` (call it again after adding
    views)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = retrying(view)


def is_retrying(view: Callable) -> bool:
    """Whether a view function runs through ``retrying``."""
    return bool(getattr(view, _WRAPPED, False))


def init_app(app: Flask) -> None:
    """Wrap the app's views (call it once the blueprints are registered), and note commits
    made in requests."""
    wrap_views(app)
    if not sa.event.contains(sa.orm.Session, "after_commit", _note_commit):
        sa.event.listen(sa.orm.Session, "after_commit", _note_commit)
