"""Helpers for the committee tests: committees and seats made through the services."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from registry.committees import services
from registry.committees.models import Committee, Membership
from registry.db import db

#: The day the test committees are established.
START = date(2024, 1, 1)


@pytest.fixture
def make_committee(app, db_session):
    """Create a committee through the service; returns its id."""
    counter = iter(range(1, 10_000))

    def factory(**fields) -> int:
        n = next(counter)
        details = {
            "kind": "joint_committee",
            "name_th": f"คณะกรรมการทดสอบ {n}",
            "established_on": START,
        } | fields
        with app.app_context():
            return services.create_committee(actor=None, **details).id

    return factory


@pytest.fixture
def appoint(app, db_session):
    """Give a contact a seat through the service; returns the seat's id."""

    def do(committee_id: int, contact_id: int, role: str = "member", **fields) -> int:
        with app.app_context():
            committee = db.session.get(Committee, committee_id)
            details = {"term_start": START} | fields
            return services.appoint(
                committee, actor=None, contact_id=contact_id, role=role, **details
            ).id

    return do


@pytest.fixture
def count_seats(app):
    """How many seats exist (to show a refusal saved nothing)."""

    def count() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(Membership.id)))

    return count
