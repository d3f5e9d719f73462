"""The committee list a page at a time; the committee page's kept parts (the meetings table,
the attendance chart): a change shows at once, and each reader sees their own version."""

from __future__ import annotations

import re
from datetime import date, time

from registry.auth.models import Role, User
from registry.committees import queries, services
from registry.committees.models import Committee, Membership
from registry.committees.views import PER_PAGE
from registry.db import db
from registry.meetings import services as meeting_services
from registry.meetings.models import Meeting
from registry.organisations.models import Contact
from tests.conftest import sign_in_client
from tests.meetings import conftest as meeting_fixtures

from .conftest import START

# The meeting tests' fixtures: a committee with seats, meetings scheduled and held.
board = meeting_fixtures.board
schedule = meeting_fixtures.schedule
call = meeting_fixtures.call
hold = meeting_fixtures.hold


def _page(client, url: str, status: int = 200) -> str:
    with client.get(url) as response:
        assert response.status_code == status, url
        return response.get_data(as_text=True)


def _listed(html: str) -> list[int]:
    """The committees a page of the list links to, in order."""
    return [int(i) for i in re.findall(r'<a href="/committees/(\d+)">', html)]


def _name_order(app, ids) -> list[int]:
    with app.app_context():
        names = {i: db.session.get(Committee, i).name_th for i in ids}
    return sorted(ids, key=names.get)


def test_the_list_shows_a_page_at_a_time_in_the_same_order(app, client, sign_in, make_committee):
    sign_in(Role.STAFF)
    active = [make_committee() for _ in range(PER_PAGE + 2)]
    dissolved = make_committee(name_th="ก คณะกรรมการที่ยุบแล้ว")  # first by name, last listed
    with app.app_context():
        services.dissolve_committee(
            db.session.get(Committee, dissolved), None, dissolved_on=START, reason="ครบวาระ"
        )

    first = _page(client, "/committees/")
    second = _page(client, "/committees/?page=2")

    assert len(_listed(first)) == PER_PAGE
    assert _listed(first) + _listed(second) == [*_name_order(app, active), dissolved]
    assert 'href="/committees/?page=2"' in first  # the page number is in the address
    assert 'href="/committees/?page=1"' in second and "page=3" not in second


def test_each_row_counts_the_members_sitting_today(
    app, client, sign_in, make_committee, make_contact, appoint
):
    sign_in(Role.STAFF)
    for _ in range(PER_PAGE):
        make_committee()
    last = make_committee(name_th="ฮ คณะทำงานท้ายรายการ")  # on the second page
    appoint(last, make_contact(), "chair")
    appoint(last, make_contact(), "member")
    appoint(last, make_contact(), "member", term_start=START, term_end=date(2024, 6, 30))

    html = _page(client, "/committees/?page=2")

    row = html[html.index(f'<a href="/committees/{last}">') :].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in row  # the seat whose term is over not counted


def test_bad_page_numbers_answer_the_first_page_an_empty_one_or_not_found(
    client, sign_in, make_committee
):
    sign_in(Role.STAFF)
    made = [make_committee() for _ in range(PER_PAGE + 1)]
    first = _listed(_page(client, "/committees/"))

    for value in ("0", "-4", "abc", "", "2.5", "%00"):
        assert _listed(_page(client, f"/committees/?page={value}")) == first, value
    past_the_end = _page(client, "/committees/?page=9")
    assert _listed(past_the_end) == [] and "page=8" in past_the_end  # a link back
    for value in ("1000001", "9" * 30):  # an offset no database integer holds
        _page(client, f"/committees/?page={value}", status=404)
    assert len(made) == PER_PAGE + 1


def test_a_secretary_pages_through_only_the_committees_they_run(
    client, sign_in, make_committee, make_contact, appoint
):
    secretary = sign_in(Role.SECRETARY)
    own = make_committee()
    appoint(own, make_contact(), "secretary", user_id=secretary)
    for _ in range(PER_PAGE + 1):
        make_committee()

    html = _page(client, "/committees/")

    assert _listed(html) == [own] and "page=2" not in html
    assert _listed(_page(client, "/committees/?page=2")) == []


def test_the_member_lists_come_from_one_load_and_match_the_single_lists(
    app, make_committee, make_contact, appoint
):
    committee_id = make_committee()
    appoint(committee_id, make_contact(), "member")
    appoint(committee_id, make_contact(), "chair")
    appoint(committee_id, make_contact(), "member", term_start=START, term_end=date(2024, 3, 1))
    appoint(committee_id, make_contact(), "member", term_start=date(2099, 1, 1))
    with app.app_context():
        committee = db.session.get(Committee, committee_id)
        lists = queries.member_lists(committee)
        assert lists.sitting == queries.sitting_members(committee)
        assert lists.upcoming == queries.future_members(committee)
        assert lists.past == queries.past_members(committee)
        assert [len(lists.sitting), len(lists.upcoming), len(lists.past)] == [2, 1, 1]
        assert lists.sitting[0].role.value == "chair"


def _meeting_links(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/meetings/(\d+)">', html)]


def test_a_new_meeting_and_a_change_of_meeting_show_on_the_committee_page_at_once(
    app, client, sign_in, board, schedule, call
):
    sign_in(Role.STAFF)
    team = board()
    first = schedule(team.committee, date(2025, 3, 10))
    assert _meeting_links(_page(client, f"/committees/{team.committee}")) == [first]
    assert _meeting_links(_page(client, f"/committees/{team.committee}")) == [first]  # kept

    second = schedule(team.committee, date(2025, 4, 10))
    html = _page(client, f"/committees/{team.committee}")
    assert _meeting_links(html) == [second, first]  # latest first
    assert "ห้องประชุมใหญ่" not in html

    call(meeting_services.update_meeting, Meeting, first, actor=None, held_on=date(2025, 3, 10),
         starts_at=time(9, 0), ends_at=None, venue="ห้องประชุมใหญ่")  # fmt: skip
    html = _page(client, f"/committees/{team.committee}")
    assert "ห้องประชุมใหญ่" in html and "09.00 น." in html


def _attendance_row(html: str, name: str) -> list[str]:
    """The figures of a member's row in the attendance chart's table."""
    chart = html[html.index('id="attendance-heading"') :]
    row = chart[chart.index(f'<th scope="row" class="fw-normal">{name}</th>') :]
    return re.findall(r'<td class="text-end">([^<]*)</td>', row.split("</tr>")[0])


def test_recorded_attendance_shows_in_the_chart_at_once(
    app, client, sign_in, board, schedule, hold
):
    sign_in(Role.STAFF)
    team = board()
    with app.app_context():
        chair = db.session.get(Contact, db.session.get(Membership, team.chair).contact_id)
        name = chair.full_name
    first = schedule(team.committee, date(2025, 3, 10))
    hold(first, team.seats)
    assert _attendance_row(_page(client, f"/committees/{team.committee}"), name) == ["1", "0", "0"]

    second = schedule(team.committee, date(2025, 4, 10))
    hold(second, team.seats, kinds={team.chair: "absent"})
    html = _page(client, f"/committees/{team.committee}")
    assert _attendance_row(html, name) == ["1", "0", "1"]


def test_the_kept_parts_follow_the_readers_language(app, client, sign_in, board, schedule, hold):
    sign_in(Role.STAFF)
    team = board()
    hold(schedule(team.committee, date(2025, 3, 10)), team.seats)

    thai = _page(client, f"/committees/{team.committee}")
    client.post("/language", data={"locale": "en"}).close()
    english = _page(client, f"/committees/{team.committee}")

    assert "Meeting attendance per member" not in thai and "Meeting no. " not in thai
    assert "มีนาคม 2568" in thai
    assert "Meeting attendance per member" in english and "Meeting no. 1/2568" in english
    assert "10 March 2025" in english and "มีนาคม" not in english


def test_staff_and_a_representative_each_see_their_own_meeting_links(
    app, client, sign_in, make_user, make_organisation, make_contact, board, schedule, appoint
):
    sign_in(Role.STAFF)
    team = board()
    association = make_organisation()
    appoint(team.committee, make_contact(organisation_id=association), "member")
    meeting = schedule(team.committee, date(2025, 3, 10))
    staff_view = _page(client, f"/committees/{team.committee}")

    representative = app.test_client()
    with app.app_context():
        user = db.session.get(User, make_user(Role.REPRESENTATIVE, organisation_id=association))
        email = user.email
    sign_in_client(representative, email)
    own_view = _page(representative, f"/committees/ours/{team.committee}")
    staff_again = _page(client, f"/committees/{team.committee}")

    assert f'href="/meetings/ours/{meeting}"' in own_view
    assert f'href="/meetings/{meeting}"' not in own_view
    assert f"/meetings/committee/{team.committee}/new" not in own_view  # no button
    assert "attendance-heading" not in own_view
    for html in (staff_view, staff_again):
        assert f'href="/meetings/{meeting}"' in html and "/meetings/ours/" not in html
        assert f"/meetings/committee/{team.committee}/new" in html
