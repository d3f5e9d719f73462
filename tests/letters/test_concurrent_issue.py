"""Two staff members issuing letters at the same moment on the served app (``tests.live``,
SQLite or PostgreSQL): each letter gets its own number, the numbers run 1, 2, 3 ... with no
gap and none given twice, and every issue is acknowledged with its redirect."""

from __future__ import annotations

import os

import sqlalchemy as sa

from registry import audit
from registry.agreements import services as agreements
from registry.auth.models import Role, User
from registry.db import db
from registry.letters.models import Letter
from registry.organisations.models import Organisation, OrganisationKind
from tests import live
from tests.agreements.conftest import content_for
from tests.live import Site, at_once

live_app, live_site = live.live_app, live.live_site

#: Rounds of two staff members issuing a letter at the same moment.
ROUNDS = 3


def _agreements(site: Site, count: int) -> list[int]:
    """``count`` MOU drafts, each between the agency and a partner with an email address."""
    site.person(Role.STAFF)

    def create():
        staff = db.session.scalars(sa.select(User).where(User.role == Role.STAFF)).first()
        own = Organisation(
            name_th=f"สำนักงานพัฒนารัฐบาลดิจิทัล {os.urandom(3).hex()}",
            kind=OrganisationKind.OWN_AGENCY,
        )
        made = []
        with audit.change(own, None, "created"):
            pass
        for n in range(count):
            partner = Organisation(
                name_th=f"สมาคมคู่ความร่วมมือ {n} {os.urandom(3).hex()}",
                kind=OrganisationKind.ASSOCIATION,
                email=f"partner{n}@example.or.th",
            )
            with audit.change(partner, None, "created"):
                pass
            db.session.commit()
            content = content_for([own.id, partner.id])
            made.append(agreements.create_agreement(content, actor=staff).id)
        return made

    return site.read(create)


def test_two_staff_issuing_letters_at_once_get_consecutive_numbers_never_twice(live_site):
    first, second = _agreements(live_site, 2)
    anna, boon = live_site.person(Role.STAFF), live_site.person(Role.STAFF)
    answers = []
    for _round in range(ROUNDS):
        pages = [
            (anna, anna.form(f"/letters/agreement/{first}/send")),
            (boon, boon.form(f"/letters/agreement/{second}/send")),
        ]
        answers += at_once(
            [
                lambda who=who, form=form: who.post(form.action, form.with_changes({}))
                for who, form in pages
            ]
        )
    for answer in answers:
        assert not isinstance(answer, BaseException), answer
    assert [a.status for a in answers] == [302] * (2 * ROUNDS), [
        (a.status, a.body[:400]) for a in answers
    ]

    def register():
        return [
            (letter.prefix, letter.sequence, letter.record_id, letter.emails)
            for letter in db.session.scalars(sa.select(Letter).order_by(Letter.sequence))
        ]

    rows = live_site.read(register)
    assert [sequence for _prefix, sequence, _record, _mailed in rows] == list(
        range(1, 2 * ROUNDS + 1)
    )
    assert sorted(record for _p, _s, record, _m in rows) == sorted([first, second] * ROUNDS)
    assert all(mailed == 1 for *_rest, mailed in rows)
