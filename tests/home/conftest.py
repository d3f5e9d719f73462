"""Helpers for the home page tests: the record factories of the domain tests (agreements,
committees, meetings, proposals), an endorsement helper, and a counter of SQL statements."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.auth.models import User
from registry.db import db
from registry.proposals import services as proposal_services
from registry.proposals.models import Proposal

# The domain helpers serve here too.
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.committees.conftest import appoint, make_committee  # noqa: F401
from tests.meetings.conftest import board, call, hold, schedule  # noqa: F401
from tests.proposals.conftest import category, details, staff, submit  # noqa: F401


@pytest.fixture(autouse=True)
def english_by_default(app, monkeypatch):
    """Messages are checked in English (Thai is the default language)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


@pytest.fixture
def endorse(app, db_session):
    """An organisation endorses a proposal, recorded by a staff member; returns its id."""

    def do(proposal_id: int, organisation_id: int, actor_id: int, **fields) -> int:
        with app.app_context():
            proposal = db.session.get(Proposal, proposal_id)
            actor = db.session.get(User, actor_id)
            fields.setdefault("statement", "สมาคมสนับสนุนข้อเสนอนี้")
            return proposal_services.endorse(
                proposal, actor, organisation_id=organisation_id, **fields
            ).id

    return do


class StatementCounter:
    """Counts the SQL statements sent while it listens."""

    def __init__(self):
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1


@pytest.fixture
def count_statements(app, client):
    """The status and the number of SQL statements of one GET by the test client."""

    def do(path: str) -> tuple[int, int]:
        with app.app_context():
            bind = db.engine
        counter = StatementCounter()
        sa.event.listen(bind, "before_cursor_execute", counter)
        try:
            with client.get(path) as response:
                response.get_data()
                return response.status_code, counter.count
        finally:
            sa.event.remove(bind, "before_cursor_execute", counter)

    return do
