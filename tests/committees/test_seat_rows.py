"""The committee page reads its seats as plain rows (``queries.seat_lists``): the same seats,
in the same order, with the same names, days and accounts as the seat objects give."""

from __future__ import annotations

from datetime import date

from registry.auth.models import Role
from registry.committees import queries, services
from registry.committees.models import Committee, Membership
from registry.db import db
from registry.organisations import services as organisations
from registry.organisations.models import Contact

from .conftest import START


def _as_objects(seat: Membership) -> tuple:
    return (
        seat.id, seat.role, seat.term_start, seat.term_end, seat.appointed_by, seat.ended_on,
        seat.end_reason, seat.ended, seat.last_day, seat.contact.full_name,
        seat.contact.position, seat.organisation.name_th,
        seat.user.full_name if seat.user else None,
    )  # fmt: skip


def _as_row(seat: queries.SeatRow) -> tuple:
    return (
        seat.id, seat.role, seat.term_start, seat.term_end, seat.appointed_by, seat.ended_on,
        seat.end_reason, seat.ended, seat.last_day, seat.name, seat.position,
        seat.organisation_name, seat.runner_name,
    )  # fmt: skip


def test_the_seat_rows_match_the_seat_objects_list_by_list(
    app, make_committee, make_contact, make_user, appoint
):
    committee_id = make_committee()
    secretary = make_user(Role.SECRETARY, full_name="นางสาวเลขา ทำงาน")
    appoint(committee_id, make_contact(position="ผู้อำนวยการ"), "member")
    appoint(committee_id, make_contact(title="ดร.", last_name=None), "chair")
    appoint(committee_id, make_contact(), "secretary", user_id=secretary)
    appoint(committee_id, make_contact(), "member", term_start=START, term_end=date(2024, 3, 1))
    appoint(committee_id, make_contact(), "vice_chair", term_start=date(2099, 1, 1))
    ended = appoint(committee_id, make_contact(), "member")
    erased = make_contact(position="ที่ปรึกษา")
    appoint(committee_id, erased, "member")
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, ended), None, ended_on=date(2024, 6, 1), reason="ลาออก"
        )
        organisations.erase_contact(db.session.get(Contact, erased), None)
        db.session.commit()

    with app.app_context():
        committee = db.session.get(Committee, committee_id)
        objects = queries.member_lists(committee)
        rows = queries.seat_lists(committee)

        for name in ("sitting", "upcoming", "past"):
            assert [_as_row(s) for s in getattr(rows, name)] == [
                _as_objects(s) for s in getattr(objects, name)
            ], name
        assert [len(rows.sitting), len(rows.upcoming), len(rows.past)] == [4, 1, 2]
        assert rows.sitting[0].role.value == "chair"
        assert {s.runner_name for s in rows.sitting} == {None, "นางสาวเลขา ทำงาน"}
        assert "—" in {s.name for s in rows.sitting}


def test_the_committee_page_shows_the_person_their_account_and_the_ended_seat(
    app, client, sign_in, make_committee, make_contact, make_user, appoint
):
    sign_in(Role.STAFF)
    committee_id = make_committee()
    secretary = make_user(Role.SECRETARY, full_name="นางสาวเลขา ทำงาน")
    appoint(committee_id, make_contact(first_name="สมชาย", position="นายกสมาคม"), "chair")
    appoint(committee_id, make_contact(first_name="สมหญิง"), "secretary", user_id=secretary)
    ended = appoint(committee_id, make_contact(first_name="สมศักดิ์"), "member")
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, ended), None, ended_on=date(2024, 6, 1), reason="ลาออก"
        )

    with client.get(f"/committees/{committee_id}") as response:
        html = response.get_data(as_text=True)

    assert response.status_code == 200
    sitting, past = html.split('id="past-heading"')
    assert "สมชาย" in sitting and "นายกสมาคม" in sitting
    assert "นางสาวเลขา ทำงาน" in sitting and "สมหญิง" in sitting
    assert "สมศักดิ์" in past and "ลาออก" in past and "สมศักดิ์" not in sitting


def test_the_sitting_seats_match_the_sitting_members_on_a_day(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    appoint(committee_id, make_contact(position="กรรมการผู้จัดการ"), "member")
    appoint(committee_id, make_contact(title=None), "chair")
    appoint(committee_id, make_contact(), "secretary")
    appoint(committee_id, make_contact(), "member", term_start=START, term_end=date(2024, 3, 1))
    appoint(committee_id, make_contact(), "vice_chair", term_start=date(2024, 2, 1))
    erased = make_contact()
    appoint(committee_id, erased, "member")
    with app.app_context():
        organisations.erase_contact(db.session.get(Contact, erased), None)
        db.session.commit()

    with app.app_context():
        committee = db.session.get(Committee, committee_id)
        for day in (START, date(2024, 2, 15), date(2024, 6, 1)):
            seats = queries.sitting_seats(committee, day)
            members = queries.sitting_members(committee, day)
            assert [
                (s.id, s.role, s.title_th, s.contact.full_name, s.organisation.name_th)
                for s in seats
            ] == [
                (m.id, m.role, m.title_th, m.contact.full_name, m.organisation.name_th)
                for m in members
            ], day
        assert [s.role.value for s in queries.sitting_seats(committee, date(2024, 2, 15))] == [
            "chair", "vice_chair", "member", "member", "member", "secretary",
        ]  # fmt: skip
