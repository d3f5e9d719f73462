"""What committees and invitations add to an organisation's timeline, read as plain rows: the
person's name as the model writes it (an erased person's as erased), the seat's role and
committee, links only for a reader who may follow them, and one statement per source."""

from __future__ import annotations

from datetime import date

from flask_login import login_user

from registry.auth import invitations
from registry.auth.models import Role, User
from registry.committees import services as committees
from registry.committees.queries import seat_entries
from registry.db import db
from registry.organisations import services as organisations
from registry.organisations.models import ERASED_NAME, Contact, Organisation


def _entries(app, statements, provider, organisation_id: int, reader_id: int):
    """The provider's entries for the organisation, as ``reader_id`` reads them, and the
    statements it sent."""
    with app.test_request_context("/"):
        login_user(db.session.get(User, reader_id))
        organisation = db.session.get(Organisation, organisation_id)
        with statements() as seen:
            entries = list(provider(organisation))
        db.session.rollback()
    return entries, seen


def _seat(app, organisation_id: int, contact_id: int, **details) -> int:
    """A committee with one seat for the contact; the committee's id."""
    with app.app_context():
        committee = committees.create_committee(
            actor=None, kind="joint_committee", name_th=details.pop("name_th"),
            established_on=date(2023, 1, 1),
        )  # fmt: skip
        committees.appoint(committee, actor=None, contact_id=contact_id, **details)
        db.session.commit()
        return committee.id


def test_seats_are_written_with_name_role_and_committee_from_one_statement(
    app, make_organisation, make_contact, make_user, statements
):
    association = make_organisation()
    person = make_contact(association, title="นาย", first_name="สมชาย", last_name="ใจดี")
    erased = make_contact(association, first_name="ลบแล้ว")
    first = _seat(app, association, person, name_th="คณะกรรมการแถวเดียว", role="chair",
                  term_start=date(2024, 1, 10), term_end=date(2024, 12, 31))  # fmt: skip
    second = _seat(app, association, erased, name_th="คณะกรรมการคนที่ถูกลบ", role="member",
                   term_start=date(2025, 3, 1))  # fmt: skip
    with app.app_context():
        organisations.erase_contact(db.session.get(Contact, erased), None)
        db.session.commit()

    staff = make_user(Role.STAFF)
    entries, seen = _entries(app, statements, seat_entries, association, staff)
    assert len(seen) == 1
    assert [(e.at, e.subject, e.url, e.category) for e in entries] == [
        (date(2024, 1, 10), "นายสมชาย ใจดี, ประธานกรรมการ คณะกรรมการแถวเดียว",
         f"/committees/{first}", "committee"),
        (date(2024, 12, 31), "นายสมชาย ใจดี, ประธานกรรมการ คณะกรรมการแถวเดียว",
         f"/committees/{first}", "committee"),
        (date(2025, 3, 1), f"{ERASED_NAME}, กรรมการ คณะกรรมการคนที่ถูกลบ",
         f"/committees/{second}", "committee"),
    ]  # fmt: skip
    assert [e.what for e in entries] == [
        "ได้รับแต่งตั้งในคณะกรรมการ", "พ้นจากตำแหน่งในคณะกรรมการ", "ได้รับแต่งตั้งในคณะกรรมการ"
    ]  # fmt: skip

    # a reader who may not open committees sees the same entries without links
    representative = make_user(Role.REPRESENTATIVE, organisation_id=association)
    entries, _seen = _entries(app, statements, seat_entries, association, representative)
    assert len(entries) == 3 and {e.url for e in entries} == {None}


def test_an_organisation_without_seats_or_invitations_adds_nothing(
    app, make_organisation, make_user, statements
):
    association, staff = make_organisation(), make_user(Role.STAFF)
    for provider in (seat_entries, invitations.invitation_entries):
        entries, seen = _entries(app, statements, provider, association, staff)
        assert entries == [] and len(seen) == 1


def test_invitations_are_listed_with_the_persons_name_from_one_statement(
    app, make_organisation, make_contact, make_user, statements
):
    association = make_organisation()
    invited = make_contact(association, title="นาง", first_name="มาลี", last_name="ศรีสุข")
    erased = make_contact(association, first_name="ถูกลบ")
    staff = make_user(Role.STAFF)
    with app.test_request_context("/"):
        actor = db.session.get(User, staff)
        for contact_id in (invited, erased):
            invitations.send_invitation(db.session.get(Contact, contact_id), actor)
        organisations.erase_contact(db.session.get(Contact, erased), None)
        db.session.commit()

    entries, seen = _entries(app, statements, invitations.invitation_entries, association, staff)
    assert len(seen) == 1
    page = f"/organisations/{association}/representatives"
    assert [(e.subject, e.url, e.category, e.what) for e in entries] == [
        (ERASED_NAME, page, "contact", "เชิญเป็นผู้แทน"),
        ("นางมาลี ศรีสุข", page, "contact", "เชิญเป็นผู้แทน"),
    ]
