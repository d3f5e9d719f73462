"""The committee page's attendance picture: per member, present / substitute / absent counts
over the meetings held, with the same figures in a table."""

from __future__ import annotations

import re
from datetime import date, time

from registry.committees.models import Membership
from registry.db import db
from registry.meetings import services
from registry.meetings.models import Meeting


def _held(call, schedule, committee, lines, held_on):
    meeting = schedule(committee, held_on=held_on)
    call(services.record_attendance, Meeting, meeting, actor=None, lines=lines)
    call(services.mark_held, Meeting, meeting, None, opened_at=time(9, 5), closed_at=time(11, 0))
    return meeting


def _row(table: str, name: str) -> list[str]:
    row = re.search(rf"<tr><th scope=\"row\"[^>]*>{re.escape(name)}</th>(.*?)</tr>", table)
    assert row, name
    return re.findall(r">(\d+)</td>", row.group(1))


def test_the_committee_page_draws_attendance_per_member(
    app,
    client,
    sign_in,
    board,
    schedule,
    call,
    make_contact,
    appoint,
):
    seats = board()
    chair, first, second, third = seats.seats[:4]
    present = {"kind": "present"}
    _held(call, schedule, seats.committee, [
        {"membership_id": chair, **present}, {"membership_id": first, **present},
        {"membership_id": second, "kind": "absent", "absence_reason": "ติดราชการ"},
        {"membership_id": third, "kind": "substitute", "name": "นายแทน ชั่วคราว"},
    ], date(2025, 3, 10))  # fmt: skip
    _held(call, schedule, seats.committee, [
        {"membership_id": chair, **present},
        {"membership_id": first, "kind": "absent", "absence_reason": "ลาป่วย"},
        {"membership_id": second, "kind": "absent", "absence_reason": "ติดราชการ"},
    ], date(2025, 5, 12))  # fmt: skip
    # A meeting still to come counts for nothing, even with lines recorded in advance.
    upcoming = schedule(seats.committee, held_on=date(2099, 1, 5))
    call(services.record_attendance, Meeting, upcoming, actor=None,
         lines=[{"membership_id": chair, "kind": "absent"}])  # fmt: skip
    with app.app_context():
        names = {
            seat: db.session.get(Membership, seat).contact.full_name
            for seat in (chair, first, second, third)
        }
    sign_in("staff")
    with client.get(f"/committees/{seats.committee}") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    section = html[html.index('aria-labelledby="attendance-heading"') :]
    assert 'id="chart-attendance"' in section and 'role="img"' in section
    table = section[section.index("<table") : section.index("</table>")]
    # present, substitute, absent
    assert _row(table, names[chair]) == ["2", "0", "0"]
    assert _row(table, names[first]) == ["1", "0", "1"]
    assert _row(table, names[second]) == ["0", "0", "2"]
    assert _row(table, names[third]) == ["0", "1", "0"]
    picture = section[: section.index("</svg>")]
    assert names[chair] in picture and ">2<" in picture


def test_a_committee_without_meetings_held_says_so(client, sign_in, board):
    seats = board()
    sign_in("staff")
    with client.get(f"/committees/{seats.committee}") as response:
        html = response.get_data(as_text=True)
    assert "No attendance has been recorded at a meeting held yet." in html
    assert 'id="chart-attendance"' not in html


def test_a_secretary_sees_the_picture_of_their_committee(
    app,
    client,
    make_user,
    get_user,
    board,
    schedule,
    call,
):
    from tests.conftest import sign_in_client

    secretary = make_user("secretary")
    seats = board(secretary_user=secretary)
    _held(call, schedule, seats.committee, [{"membership_id": s, "kind": "present"}
                                            for s in seats.seats], date(2025, 3, 10))  # fmt: skip
    sign_in_client(client, get_user(secretary).email)
    with client.get(f"/committees/{seats.committee}") as response:
        assert 'id="chart-attendance"' in response.get_data(as_text=True)
    other = board()
    with client.get(f"/committees/{other.committee}") as response:
        assert response.status_code == 404
