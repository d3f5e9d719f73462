"""Helpers for the meeting tests: a committee with seats, meetings scheduled and taken
through their steps by the services (so every record is made as the application makes it)."""

from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry.committees.models import Committee
from registry.db import db
from registry.meetings import services
from registry.meetings.models import Meeting

# The committee helpers (make_committee, appoint) serve these tests too.
from tests.committees.conftest import START, appoint, make_committee  # noqa: F401

#: A day in the Buddhist year 2568 on which the test meetings are held by default.
DAY = date(2025, 3, 10)


@pytest.fixture
def board(app, db_session, make_committee, make_contact, appoint):  # noqa: F811
    """A committee with a chair, three members and a secretary, all seated from START;
    ``secretary_user`` links the secretary seat to that account."""

    def build(secretary_user: int | None = None, **fields) -> SimpleNamespace:
        committee = make_committee(**fields)
        chair = appoint(committee, make_contact(), "chair")
        members = [appoint(committee, make_contact(), "member") for _ in range(3)]
        secretary = appoint(committee, make_contact(), "secretary", user_id=secretary_user)
        return SimpleNamespace(
            committee=committee,
            chair=chair,
            members=members,
            secretary=secretary,
            seats=[chair, *members, secretary],
        )

    return build


@pytest.fixture
def schedule(app, db_session):
    """Schedule a meeting through the service; returns its id."""

    def do(committee_id: int, held_on: date = DAY, **fields) -> int:
        details = {"starts_at": time(13, 30), "ends_at": time(16, 0), "venue": "ห้องประชุม 1"}
        with app.app_context():
            committee = db.session.get(Committee, committee_id)
            meeting = services.schedule_meeting(
                committee, actor=None, held_on=held_on, **(details | fields)
            )
            return meeting.id

    return do


@pytest.fixture
def call(app, db_session):
    """Run a service on a record fetched afresh: call(fn, Model, id, *args, **kwargs)."""

    def do(fn, model, record_id: int, *args, **kwargs):
        with app.app_context():
            return fn(db.session.get(model, record_id), *args, **kwargs)

    return do


@pytest.fixture
def hold(app, db_session, call):
    """Take a meeting to held, every seat present unless told otherwise; ``drafted`` also
    records a resolution on every item and marks the minutes drafted."""

    def do(meeting_id: int, seats: list[int], *, drafted: bool = False, kinds=None) -> None:
        kinds = kinds or {}
        lines = [{"membership_id": seat, "kind": kinds.get(seat, "present")} for seat in seats]
        call(services.record_attendance, Meeting, meeting_id, actor=None, lines=lines)
        call(services.mark_held, Meeting, meeting_id, None, opened_at=time(13, 35),
             closed_at=time(15, 50))  # fmt: skip
        if drafted:
            with app.app_context():
                meeting = db.session.get(Meeting, meeting_id)
                for item in meeting.items:
                    if not item.resolution:
                        outcome = "deferred" if item.certifies_meeting_id else "noted"
                        services.record_resolution(
                            item, actor=None, resolution="ที่ประชุมรับทราบ", outcome=outcome
                        )
                services.mark_minutes_drafted(meeting, None)

    return do


@pytest.fixture
def count(app):
    """How many rows a model has (to show that a refusal saved nothing)."""

    def do(model) -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return do


__all__ = ["DAY", "START"]
