"""Reading the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from ..i18n import BANGKOK
from .models import AuditEvent


def _utc(day, end: bool = False) -> datetime:
    """The UTC instant at which a Bangkok day starts (or the next one does)."""
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min, BANGKOK)
    return moment.astimezone(UTC).replace(tzinfo=None)


def filtered(filters: dict) -> sa.Select:
    """Audit events matching the filters, newest first."""
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.get("actor"):
        query = query.where(AuditEvent.actor_label.ilike(f"%{filters['actor'].strip()}%"))
    if filters.get("action"):
        query = query.where(AuditEvent.action.ilike(f"%{filters['action'].strip()}%"))
    if filters.get("record_type"):
        query = query.where(AuditEvent.record_type == filters["record_type"].strip())
    if filters.get("record_id"):
        query = query.where(AuditEvent.record_id == filters["record_id"])
    if filters.get("date_from"):
        query = query.where(AuditEvent.at >= _utc(filters["date_from"]))
    if filters.get("date_to"):
        query = query.where(AuditEvent.at < _utc(filters["date_to"], end=True))
    return query
