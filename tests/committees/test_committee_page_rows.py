"""The committee page reads its committee as plain rows (``queries.committee_page``): the same
names, dates, quorum, parent, chain of parents and subcommittees as the committee object
gives, in one statement, and the same "not found" for whoever may not work with it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from registry.auth.models import Role, User
from registry.committees import queries, services
from registry.committees.models import Committee, Membership
from registry.db import db
from registry.meetings import queries as meeting_queries
from tests.meetings import conftest as meeting_fixtures

from .conftest import START

# The meeting tests' fixtures: a committee with seats, meetings scheduled and held.
board = meeting_fixtures.board
schedule = meeting_fixtures.schedule
call = meeting_fixtures.call
hold = meeting_fixtures.hold


def _link(committee) -> tuple:
    return (committee.id, committee.name_th, committee.kind, committee.dissolved_on,
            committee.active)  # fmt: skip


def _as_object(committee: Committee) -> tuple:
    return (
        committee.id, committee.kind, committee.parent_id, committee.name_th, committee.name_en,
        committee.mandate, committee.order_number, committee.order_date,
        committee.established_on, committee.quorum_rule, committee.quorum_number,
        committee.dissolved_on, committee.dissolution_reason, committee.created_at,
        committee.active, committee.quorum_needed(7),
        _link(committee.parent) if committee.parent else None,
        [_link(c) for c in committee.ancestors()], [_link(c) for c in committee.children],
    )  # fmt: skip


def _as_row(page: queries.CommitteePage) -> tuple:
    return (
        page.id, page.kind, page.parent_id, page.name_th, page.name_en, page.mandate,
        page.order_number, page.order_date, page.established_on, page.quorum_rule,
        page.quorum_number, page.dissolved_on, page.dissolution_reason, page.created_at,
        page.active, page.quorum_needed(7), _link(page.parent) if page.parent else None,
        [_link(c) for c in page.ancestors()], [_link(c) for c in page.children],
    )  # fmt: skip


def _statements(app):
    seen = []

    def count(_connection, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", count)


def test_the_page_rows_match_the_committee_object_at_every_level(app, make_committee, make_user):
    staff = make_user(Role.STAFF)
    top = make_committee(name_th="คณะกรรมการร่วม ก", mandate="หน้าที่\nสอง", order_number="๑๒/๒๕๖๓",
                         order_date=date(2020, 5, 1), quorum_rule="two_thirds")  # fmt: skip
    sub_b = make_committee(kind="subcommittee", parent_id=top, name_th="คณะอนุกรรมการ ข")
    sub_a = make_committee(
        kind="subcommittee", parent_id=top, name_th="คณะอนุกรรมการ ก", name_en="Subcommittee A",
        quorum_rule="fixed_number", quorum_number=3,
    )  # fmt: skip
    group = make_committee(kind="working_group", parent_id=sub_a, name_th="คณะทำงาน ค")
    with app.app_context():
        services.dissolve_committee(
            db.session.get(Committee, sub_b), None, dissolved_on=date(2025, 1, 1), reason="เสร็จงาน"
        )
        db.session.commit()

    with app.app_context():
        user = db.session.get(User, staff)
        for ident in (top, sub_a, sub_b, group):
            seen, stop = _statements(app)
            page = queries.committee_page(user, ident)
            stop()
            assert len(seen) == 1, ident  # the committee, its chain and its children at once
            assert _as_row(page) == _as_object(db.session.get(Committee, ident)), ident
        top_page = queries.committee_page(user, top)
        assert [c.name_th for c in top_page.children] == ["คณะอนุกรรมการ ก", "คณะอนุกรรมการ ข"]
        assert [c.active for c in top_page.children] == [True, False]
        group_page = queries.committee_page(user, group)
        assert [c.id for c in group_page.ancestors()] == [sub_a, top]
        assert group_page.parent.id == sub_a and group_page.children == ()


def test_a_loop_of_parents_stops_where_the_committee_object_stops(app, make_committee, make_user):
    staff = make_user(Role.STAFF)
    first = make_committee()
    second = make_committee(kind="subcommittee", parent_id=first)
    third = make_committee(kind="subcommittee", parent_id=second)
    with app.app_context():
        table = Committee.__table__
        db.session.execute(sa.update(table).where(table.c.id == first).values(parent_id=third))
        db.session.commit()
    with app.app_context():
        user = db.session.get(User, staff)
        for ident in (first, second, third):
            page = queries.committee_page(user, ident)
            assert _as_row(page) == _as_object(db.session.get(Committee, ident)), ident
            assert len(page.ancestors()) == 2


def test_a_secretary_reaches_only_their_committees_and_nobody_an_unknown_one(
    app, make_committee, make_contact, make_user, appoint
):
    staff = make_user(Role.STAFF)
    secretary = make_user(Role.SECRETARY)
    theirs = make_committee()
    other = make_committee()
    ended = make_committee()
    appoint(theirs, make_contact(), "secretary", user_id=secretary)
    appoint(ended, make_contact(), "assistant_secretary", user_id=secretary, term_start=START,
            term_end=date(2024, 1, 31))  # fmt: skip
    with app.app_context():
        account = db.session.get(User, secretary)
        assert queries.committee_page(account, theirs).id == theirs
        for ident in (other, ended, 999_999):
            with pytest.raises(NotFound):
                queries.committee_page(account, ident)
        with pytest.raises(NotFound):
            queries.committee_page(db.session.get(User, staff), 999_999)
        assert queries.committee_page(db.session.get(User, staff), other).id == other


def test_the_committee_page_names_its_chain_and_subcommittees(app, client, sign_in, make_committee):
    sign_in(Role.STAFF)
    top = make_committee(name_th="คณะกรรมการร่วม ก")
    sub = make_committee(kind="subcommittee", parent_id=top, name_th="คณะอนุกรรมการ ข")
    group = make_committee(kind="working_group", parent_id=sub, name_th="คณะทำงาน ค")

    page = client.get(f"/committees/{group}").get_data(as_text=True)
    crumbs = page.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    assert crumbs.index(f'href="/committees/{top}"') < crumbs.index(f'href="/committees/{sub}"')
    assert f'href="/committees/{group}"' not in crumbs and "คณะทำงาน ค" in crumbs
    assert f'<dd><a href="/committees/{sub}">คณะอนุกรรมการ ข</a></dd>' in page

    page = client.get(f"/committees/{top}").get_data(as_text=True)
    assert f'<li><a href="/committees/{sub}">คณะอนุกรรมการ ข</a>' in page
    assert client.get("/committees/999999").status_code == 404


def test_the_attendance_taken_from_the_pages_seats_matches_the_seats_read_for_it(
    app, board, schedule, hold, make_contact, appoint
):
    team = board()
    held = schedule(team.committee, date(2025, 3, 10))
    hold(held, team.seats, kinds={team.members[0]: "absent", team.members[1]: "absent"})
    with app.app_context():  # a seat that sat then and has ended since
        services.end_membership(db.session.get(Membership, team.members[2]), None,
                                ended_on=date(2025, 6, 1), reason="ลาออก")  # fmt: skip
        db.session.commit()
    appoint(team.committee, make_contact(), "member", term_start=date(2099, 1, 1))  # not yet
    never = appoint(team.committee, make_contact(), "member", term_start=date(2099, 1, 1))
    with app.app_context():  # ended before its term began: in none of the page's three lists
        services.end_membership(db.session.get(Membership, never), None,
                                ended_on=date(2099, 1, 1), reason="ไม่รับตำแหน่ง")  # fmt: skip
        db.session.commit()

    with app.app_context():
        committee = db.session.get(Committee, team.committee)
        lists = queries.seat_lists(committee)
        assert never in {s.id for s in lists.every} - {
            s.id for s in (*lists.sitting, *lists.upcoming, *lists.past)
        }
        read_for_it = meeting_queries.attendance_rows(committee)
        taken = meeting_queries.attendance_rows(committee, lists.every)
        assert [(s.full_name, counts) for s, counts in taken] == [
            (s.full_name, counts) for s, counts in read_for_it
        ]
        assert len(taken) == 5  # the four sitting and the one ended since the meeting
        assert sorted(sum(counts.values()) for _s, counts in taken) == [1, 1, 1, 1, 1]
