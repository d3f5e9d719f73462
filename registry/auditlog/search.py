"""The audit log's filters: the events an administrator asks for, found by the words the
page shows (``reading``) as well as by the recorded codes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from ..audit.models import AuditEvent
from ..i18n import BANGKOK
from . import reading


def _utc(day, end: bool = False) -> datetime:
    """The UTC instant at which a Bangkok day starts (or the next one does)."""
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min, BANGKOK)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _named(column, typed: str, codes: list[str]) -> sa.ColumnElement:
    """Events whose code is one the typed words name (by its label), or holds the words as
    recorded (an action or a type the labels do not know)."""
    pattern = f"%{' '.join(typed.split())}%"
    return sa.or_(column.in_(codes), column.ilike(pattern)) if codes else column.ilike(pattern)


def _changed(names: list[str]) -> sa.ColumnElement:
    """Events that changed one of the fields (by column name)."""
    if not names:
        return sa.false()
    return sa.or_(*(AuditEvent.changes[name].as_string().is_not(None) for name in names))


def filtered(filters: dict) -> sa.Select:
    """Audit events matching the filters, newest first.

    The action, the record type and the field are found by the words the page shows for them,
    in the reader's language (``reading``), as well as by their recorded codes."""
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.get("actor"):
        query = query.where(AuditEvent.actor_label.ilike(f"%{filters['actor'].strip()}%"))
    if filters.get("action"):
        typed = filters["action"]
        query = query.where(_named(AuditEvent.action, typed, reading.actions_named(typed)))
    if filters.get("record_type"):
        typed = filters["record_type"]
        codes = reading.record_types_named(typed)
        query = query.where(_named(AuditEvent.record_type, typed, codes))
    if filters.get("field"):
        query = query.where(_changed(reading.fields_named(filters["field"])))
    if filters.get("record_id"):
        query = query.where(AuditEvent.record_id == filters["record_id"])
    if filters.get("date_from"):
        query = query.where(AuditEvent.at >= _utc(filters["date_from"]))
    if filters.get("date_to"):
        query = query.where(AuditEvent.at < _utc(filters["date_to"], end=True))
    return query
