"""Helpers for the organisation tests: reading records and audit events afresh."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.db import db
from registry.organisations.models import Organisation


@pytest.fixture
def get_organisation(fetch):
    """Read an organisation afresh from the database."""
    return lambda organisation_id: fetch(Organisation, organisation_id)


@pytest.fixture
def count_organisations(app):
    """How many organisations the register holds."""

    def count() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(Organisation.id)))

    return count


@pytest.fixture
def audit_events(app):
    """The audit events of one organisation, oldest first, as (action, changes)."""

    def events(organisation_id: int) -> list[tuple[str, dict]]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(AuditEvent)
                .where(
                    AuditEvent.record_type == "organisations",
                    AuditEvent.record_id == organisation_id,
                )
                .order_by(AuditEvent.id)
            )
            return [(event.action, event.changes) for event in rows]

    return events
