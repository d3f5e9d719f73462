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
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context

from .db import db

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

    def put(self, key: Hashable, value) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond the size."""
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def init_app(app: Flask) -> None:
    app.extensions["registry_cache"] = Store()


def store() -> Store:
    """This app's store (each app object has its own, so tests never share results)."""
    return current_app.extensions["registry_cache"]


def data_version() -> tuple:
    """The id and time of the newest audit event: they change whenever anything was written
    (read once per request, from two indexes). The time as well as the id, so that a
    database restored from a backup, whose next events take ids given before, never meets a
    result kept for other data under the same id."""
    from .audit.models import AuditEvent

    if has_request_context() and "data_version" in g:
        return g.data_version
    newest, at = db.session.execute(
        sa.select(sa.func.max(AuditEvent.id), sa.func.max(AuditEvent.at))
    ).one()
    version = (newest or 0, at)
    if has_request_context():
        g.data_version = version
    return version


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
