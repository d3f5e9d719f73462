"""The one way every write is recorded: actor, action, record, fields before and after."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy.orm import Session

from ..db import db
from .models import AuditEvent

log = logging.getLogger(__name__)

#: Shown instead of the value of a redacted field (passwords and the like).
REDACTED = "•••"


class UnauditedWrite(RuntimeError):
    """A commit wrote records without recording an audit event."""


def _plain(value):
    """A JSON-friendly form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def snapshot(record) -> dict:
    """The record's column values, as plain data."""
    state = sa.inspect(record)
    return {attr.key: _plain(getattr(record, attr.key)) for attr in state.mapper.column_attrs}


def diff(record, before: dict, after: dict) -> dict:
    """The fields that differ, as {field: [before, after]}, with secrets redacted."""
    ignored = {"created_at", "updated_at", *getattr(record, "__audit_ignore__", ())}
    redact = getattr(record, "__audit_redact__", frozenset())
    changes = {}
    for key, new in after.items():
        old = before.get(key)
        if key in ignored or old == new:
            continue
        changes[key] = [REDACTED, REDACTED] if key in redact else [old, new]
    return changes


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "email", None) or str(actor)


def _address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record_event(
    actor,
    action: str,
    record=None,
    changes: dict | None = None,
    *,
    record_type: str | None = None,
    record_id: int | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session; it is saved with the caller's commit."""
    if record is not None:
        record_type = record_type or record.__tablename__
        ident = sa.inspect(record).identity
        if record_id is None and ident and isinstance(ident[0], int):
            record_id = ident[0]
        label = label or str(record)[:300]
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=_actor_label(actor),
        action=action,
        record_type=record_type,
        record_id=record_id,
        record_label=label,
        changes=changes or {},
        address=_address(),
    )
    db.session.add(event)
    return event


@contextmanager
def change(record, actor, action: str) -> Iterator:
    """Record what the block does to ``record``: new records are added and flushed for an id.

    Usage::

        with audit.change(user, actor, "updated"):
            user.full_name = form.full_name.data
    """
    state = sa.inspect(record)
    before = snapshot(record) if state.persistent else {}
    yield record
    if not state.persistent:
        db.session.add(record)
    db.session.flush()
    changes = diff(record, before, snapshot(record))
    record_event(actor, action, record, changes)


# --- the safety net: no commit may write records without an audit event -------------


def _is_audited_type(obj) -> bool:
    return not isinstance(obj, AuditEvent) and not getattr(obj, "__audit_exempt__", False)


@sa.event.listens_for(Session, "before_flush")
def _note_writes(session, _flush_context, _instances):
    """Remember, per transaction, whether records were written and whether the log was."""
    for obj in session.new:
        if isinstance(obj, AuditEvent):
            session.info["audited"] = True
        elif _is_audited_type(obj):
            session.info.setdefault("unaudited", set()).add(type(obj).__name__)
    for obj in list(session.dirty) + list(session.deleted):
        if _is_audited_type(obj) and (obj in session.deleted or session.is_modified(obj)):
            session.info.setdefault("unaudited", set()).add(type(obj).__name__)


@sa.event.listens_for(Session, "before_commit")
def _check_writes(session):
    """Refuse (development, tests) or log (production) a commit with unrecorded writes."""
    if session.dirty or session.new or session.deleted:
        session.flush()
    written = session.info.pop("unaudited", None)
    audited = session.info.pop("audited", False)
    if written and not audited:
        message = f"records written without an audit event: {', '.join(sorted(written))}"
        if has_app_context() and current_app.config.get("AUDIT_STRICT"):
            raise UnauditedWrite(message)
        log.error(message)


@sa.event.listens_for(Session, "after_rollback")
def _forget_writes(session):
    session.info.pop("unaudited", None)
    session.info.pop("audited", None)
