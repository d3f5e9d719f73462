"""Attendance: every sitting member present, absent (reason) or by substitute, saved in one
go; guests apart; the quorum computed from it; non-members only as guests."""

from __future__ import annotations

from datetime import date

from registry.auth.models import Role
from registry.committees import services as committee_services
from registry.committees.models import Membership
from registry.db import db
from registry.meetings import services
from registry.meetings.models import Attendance, AttendanceKind, Meeting
from tests.conftest import form_fields


def _form(
    seats: list[int], kinds: dict[int, dict] | None = None, versions: dict | None = None
) -> dict:
    """The attendance form's fields for these seats; each line carries the version it was
    read at (``versions``, from the page; none given: no line was recorded yet)."""
    data = {}
    for index, seat in enumerate(seats):
        line = {"kind": "present"} | (kinds or {}).get(seat, {})
        data[f"seats-{index}-membership_id"] = str(seat)
        data[f"seats-{index}-lock_version"] = (versions or {}).get(seat, "")
        for key, value in line.items():
            data[f"seats-{index}-{key}"] = value
    return data


def _versions(client, meeting_id: int) -> dict[int, str]:
    """The version of each seat's line, as the attendance page carries it."""
    form = form_fields(client, f"/meetings/{meeting_id}/attendance", "seats-0-lock_version")
    return {
        int(value): form[name.replace("membership_id", "lock_version")]
        for name, value in form.items()
        if name.endswith("-membership_id")
    }


def _lines(app, meeting_id: int) -> dict:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return {
            line.membership_id: (line.kind.value, line.absence_reason, line.name, line.position)
            for line in meeting.attendance
            if line.membership_id
        }


def test_the_attendance_is_recorded_in_one_go_and_gives_the_quorum(
    app, client, sign_in, board, schedule
):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    with client.get(f"/meetings/{meeting}/attendance") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('name="seats-') >= 5 * 4  # five seats, four fields each
    absent, substitute = seats.members[0], seats.members[1]
    kinds = {
        absent: {"kind": "absent", "absence_reason": "ติดราชการ"},
        substitute: {"kind": "substitute", "substitute_name": "นายแทน ใจดี",
                     "substitute_position": "อุปนายกสมาคม"},
    }  # fmt: skip
    with client.post(f"/meetings/{meeting}/attendance", data=_form(seats.seats, kinds)) as r:
        assert r.status_code == 302
    lines = _lines(app, meeting)
    assert lines[absent] == ("absent", "ติดราชการ", None, None)
    assert lines[substitute] == ("substitute", None, "นายแทน ใจดี", "อุปนายกสมาคม")
    assert lines[seats.chair] == ("present", None, None, None)
    with app.app_context():
        quorum = services.quorum(db.session.get(Meeting, meeting))
    assert (quorum.sitting, quorum.needed, quorum.attending, quorum.reached) == (5, 3, 4, True)
    with client.get(f"/meetings/{meeting}") as response:
        html = response.get_data(as_text=True)
    assert "นายแทน ใจดี" in html and "ติดราชการ" in html
    # A second save changes lines in place; a seat left blank is no longer recorded.
    kinds[absent] = {"kind": ""}
    data = _form(seats.seats, kinds, _versions(client, meeting))
    with client.post(f"/meetings/{meeting}/attendance", data=data) as r:
        assert r.status_code == 302
    assert absent not in _lines(app, meeting)


def test_no_quorum_is_shown(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    kinds = {seat: {"kind": "absent"} for seat in seats.seats[:3]}
    with client.post(f"/meetings/{meeting}/attendance", data=_form(seats.seats, kinds)):
        pass
    with app.app_context():
        quorum = services.quorum(db.session.get(Meeting, meeting))
    assert (quorum.attending, quorum.needed, quorum.reached) == (2, 3, False)
    with client.get(f"/meetings/{meeting}") as response:
        assert "text-bg-warning" in response.get_data(as_text=True)


def test_a_substitute_needs_a_name(app, client, sign_in, board, schedule, count):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    kinds = {seats.members[0]: {"kind": "substitute", "substitute_name": ""}}
    with client.post(f"/meetings/{meeting}/attendance", data=_form(seats.seats, kinds)) as r:
        html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="seats-1-substitute_name-error"' in html
    assert count(Attendance) == 0


def test_only_sitting_members_are_recorded_others_as_guests(
    app, client, sign_in, board, schedule, make_contact, appoint, count
):
    sign_in(Role.STAFF)
    seats, other = board(), board()
    meeting = schedule(seats.committee, date(2025, 3, 10))
    late = appoint(seats.committee, make_contact(), "member", term_start=date(2025, 4, 1))
    with app.app_context():
        committee_services.end_membership(
            db.session.get(Membership, seats.members[2]), None, ended_on=date(2025, 2, 1),
            reason="ลาออก",
        )  # fmt: skip
    with client.get(f"/meetings/{meeting}/attendance") as response:
        html = response.get_data(as_text=True)
    assert f'value="{late}"' not in html and f'value="{seats.members[2]}"' not in html
    for stranger in (late, seats.members[2], other.chair, 999_999):
        data = _form([seats.chair, stranger])
        with client.post(f"/meetings/{meeting}/attendance", data=data) as response:
            assert response.status_code == 422, stranger
            assert 'id="seats-1-kind-error"' in response.get_data(as_text=True)
    data = _form([seats.chair]) | {"seats-0-kind": "guest"}
    with client.post(f"/meetings/{meeting}/attendance", data=data) as response:
        assert response.status_code == 422
    data = _form([seats.chair, seats.chair])
    with client.post(f"/meetings/{meeting}/attendance", data=data) as response:
        assert response.status_code == 422
    data = _form([seats.chair]) | {"seats-0-membership_id": "abc"}
    with client.post(f"/meetings/{meeting}/attendance", data=data) as response:
        assert response.status_code == 422
    assert count(Attendance) == 0
    # The same person is welcome as a guest.
    guest = {"name": "นางสาวผู้สังเกตการณ์", "position": "ผู้อำนวยการ", "organisation_name": "สมาคม"}
    with client.post(f"/meetings/{meeting}/guests", data=guest) as response:
        assert response.status_code == 302
    assert count(Attendance) == 1


def test_guests_are_added_and_removed(app, client, sign_in, board, schedule, count):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    with client.post(f"/meetings/{meeting}/guests", data={"name": ""}) as response:
        assert response.status_code == 422
        assert 'id="name-error"' in response.get_data(as_text=True)
    data = {"name": "ดร.วิทยากร รับเชิญ", "position": "ผู้เชี่ยวชาญ", "organisation_name": "มหาวิทยาลัย"}
    with client.post(f"/meetings/{meeting}/guests", data=data) as response:
        assert response.status_code == 302
    with client.get(f"/meetings/{meeting}/attendance") as response:
        assert "ดร.วิทยากร รับเชิญ" in response.get_data(as_text=True)
    with app.app_context():
        guest = db.session.query(Attendance).one()
        assert guest.kind is AttendanceKind.GUEST and guest.membership_id is None
        guest_id = guest.id
    with client.post(f"/meetings/{meeting}/guests/{guest_id}/remove") as response:
        assert response.status_code == 302
    assert count(Attendance) == 0
    # A guest does not count towards the quorum.
    with client.post(f"/meetings/{meeting}/guests", data=data):
        pass
    with app.app_context():
        assert services.quorum(db.session.get(Meeting, meeting)).attending == 0


def test_moving_the_meeting_drops_lines_of_seats_not_held_that_day(
    app, board, schedule, make_contact, appoint, call
):
    seats = board()
    meeting = schedule(seats.committee, date(2025, 3, 10))
    with app.app_context():
        committee_services.end_membership(
            db.session.get(Membership, seats.members[0]), None, ended_on=date(2025, 3, 20),
            reason="ลาออก",
        )  # fmt: skip
    lines = [{"membership_id": seat, "kind": "present"} for seat in seats.seats]
    call(services.record_attendance, Meeting, meeting, actor=None, lines=lines)
    call(services.update_meeting, Meeting, meeting, actor=None, held_on=date(2025, 3, 25))
    assert seats.members[0] not in _lines(app, meeting)
    assert len(_lines(app, meeting)) == 4


def test_refusals_on_the_attendance_page_are_said_in_thai_at_their_field_with_both_forms_shown(
    app, client, sign_in, board, schedule, count
):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    url = f"/meetings/{meeting}/attendance"
    kinds = {seats.members[0]: {"kind": "substitute", "substitute_name": ""}}
    with client.post(url, data=_form(seats.seats, kinds)) as refused:
        html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    error = html.split('id="seats-1-substitute_name-error">', 1)[1].split("</div>", 1)[0]
    assert error.strip() == "โปรดระบุชื่อผู้มาประชุมแทน"
    assert 'name="name"' in html  # the guest form is shown beside it
    with client.post(f"/meetings/{meeting}/guests", data={"name": "  "}) as refused:
        html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert html.split('id="name-error">', 1)[1].split("</div>", 1)[0].strip() == (
        "กรุณากรอกข้อมูลในช่องนี้"
    )
    assert 'name="seats-0-membership_id"' in html  # the seats are shown beside it
    assert count(Attendance) == 0
