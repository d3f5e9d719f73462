"""The meetings list reads its page with statements built once (``queries.meeting_list_page``):
the same meetings, order and scope as ``queries.meeting_list`` for every kind of account,
page after page, and a page number that is not one never fails the page; its page links,
written out, are those the pagination macro writes."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from registry.auth.models import Role, User
from registry.db import db
from registry.meetings import queries

from .conftest import DAY


def _ids_in_order(app, user_id: int, per_page: int) -> tuple[list[int], list[int], int]:
    """The list's meetings page after page, those of ``meeting_list``, and the total."""
    listed, total = [], None
    with app.app_context():
        user = db.session.get(User, user_id)
        expected = [row.meeting.id for row in db.session.execute(queries.meeting_list(user))]
    for number in range(1, 10):
        with app.test_request_context(f"/meetings/?page={number}"), app.app_context():
            page = queries.meeting_list_page(db.session.get(User, user_id), per_page=per_page)
            listed += [row.id for row in page.items]
            total = page.total if total is None else total
            if not page.has_next:
                break
    return listed, expected, total


def test_the_list_pages_hold_the_meetings_of_the_scope_in_order(
    app, make_user, board, schedule, make_contact, appoint
):
    secretary = make_user(Role.SECRETARY)
    own = board(secretary_user=secretary)
    other = board()
    representative = make_user(Role.REPRESENTATIVE)
    with app.app_context():
        organisation = db.session.get(User, representative).organisation_id
    appoint(other.committee, make_contact(organisation), "member")
    for n in range(4):  # past and upcoming meetings of both committees, some on one day
        for committee in (own.committee, other.committee):
            schedule(committee, DAY + timedelta(days=7 * n - 10))
    schedule(other.committee, date.today() + timedelta(days=30))
    schedule(other.committee, date.today() + timedelta(days=2))
    nobody = make_user(Role.REPRESENTATIVE)

    seen = {}
    for role, user_id in (("staff", make_user(Role.STAFF)), ("admin", make_user(Role.ADMIN)),
                          ("secretary", secretary), ("representative", representative),
                          ("no seat", nobody)):  # fmt: skip
        listed, expected, total = _ids_in_order(app, user_id, per_page=3)
        assert listed == expected, role
        assert total == len(expected), role
        seen[role] = len(listed)

    assert seen == {"staff": 10, "admin": 10, "secretary": 4, "representative": 6, "no seat": 0}


def test_a_page_number_that_is_not_one_shows_a_page_or_not_found(
    app, client, sign_in, board, schedule
):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    for page, status, listed in (("abc", 200, True), ("0", 200, True), ("-3", 200, True),
                                 ("2", 200, False), ("99999999999", 404, False),
                                 ("1.5", 200, True)):  # fmt: skip
        with client.get(f"/meetings/?page={page}") as response:
            html = response.get_data(as_text=True)
        assert response.status_code == status, page
        assert (f'href="/meetings/{meeting}"' in html) is listed, page


def test_the_page_links_are_those_the_pagination_macro_writes(
    app, client, sign_in, board, schedule
):
    sign_in(Role.STAFF)
    committee = board().committee
    for n in range(queries.PER_PAGE + 1):  # two pages
        schedule(committee, DAY + timedelta(days=n))
    for url in ("/meetings/", "/meetings/?page=2&x=%3Cb%3E"):
        with client.get(url) as response:
            html = " ".join(response.get_data(as_text=True).split())
        with app.test_request_context(url):
            page = queries.meeting_list_page(db.session.get(User, _staff_id(app)))
            macros = app.jinja_env.get_template("macros/forms.html").make_module({})
            links = " ".join(str(macros.pagination(page, "meetings.index")).split())
        assert response.status_code == 200
        assert 'class="pagination"' in links and links in html, url


def _staff_id(app) -> int:
    """A staff account's id (the list's scope for staff is every meeting)."""
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.role == Role.STAFF).limit(1))
