"""Scheduling meetings: numbered ครั้งที่ n/พ.ศ. per committee per Buddhist year, edited while
scheduled, cancelled with a reason; the lists; bad input refused at the field, nothing saved."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from registry.auth.models import Role
from registry.committees import services as committee_services
from registry.committees.models import Committee
from registry.meetings import services
from registry.meetings.models import Meeting, MeetingStatus
from tests.conftest import read_version

from .conftest import DAY

FORM = {
    "held_on": "2025-03-10",
    "starts_at": "13:30",
    "ends_at": "16:00",
    "venue": "ห้องประชุม 1 อาคารสำนักงานพัฒนารัฐบาลดิจิทัล",
    "online_link": "",
}


def test_meetings_are_numbered_per_committee_per_buddhist_year(app, board, schedule, call, fetch):
    one, other = board().committee, board().committee
    first = schedule(one, date(2025, 2, 1))
    second = schedule(one, date(2025, 6, 1))
    next_year = schedule(one, date(2026, 1, 15))
    elsewhere = schedule(other, date(2025, 6, 1))
    assert fetch(Meeting, first).number_label == "1/2568"
    assert fetch(Meeting, second).number_label == "2/2568"
    assert fetch(Meeting, next_year).number_label == "1/2569"
    assert fetch(Meeting, elsewhere).number_label == "1/2568"
    call(services.cancel_meeting, Meeting, second, None, reason="ประธานติดภารกิจ")
    third = schedule(one, date(2025, 7, 1))
    assert fetch(Meeting, second).number_label == "2/2568"  # a cancelled meeting keeps it
    assert fetch(Meeting, second).status is MeetingStatus.CANCELLED
    assert fetch(Meeting, third).number_label == "3/2568"


def test_moving_a_meeting_to_another_year_renumbers_it(app, board, schedule, call, fetch):
    committee = board().committee
    schedule(committee, date(2025, 2, 1))
    moved = schedule(committee, date(2025, 12, 20))
    call(services.update_meeting, Meeting, moved, actor=None, held_on=date(2026, 1, 8))
    assert fetch(Meeting, moved).number_label == "1/2569"


def test_staff_schedule_a_meeting_from_the_committee_page(app, client, sign_in, board, fetch):
    sign_in(Role.STAFF)
    committee = board(name_th="คณะกรรมการนัดประชุม").committee
    with client.get(f"/committees/{committee}") as response:
        assert f"/meetings/committee/{committee}/new" in response.get_data(as_text=True)
    with client.post(f"/meetings/committee/{committee}/new", data=FORM) as response:
        assert response.status_code == 302
        meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    meeting = fetch(Meeting, meeting_id)
    assert (meeting.number_label, meeting.starts_at, meeting.ends_at) == ("1/2568", time(13, 30),
                                                                           time(16, 0))  # fmt: skip
    with client.get(f"/meetings/{meeting_id}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1/2568" in html and "13.30 น." in html and "10 มีนาคม 2568" in html
    with client.get(f"/committees/{committee}") as response:
        assert f"/meetings/{meeting_id}" in response.get_data(as_text=True)


def test_times_may_be_typed_the_thai_way(app, client, sign_in, board, fetch, count):
    sign_in(Role.STAFF)
    committee = board().committee
    data = FORM | {"starts_at": "09.30", "ends_at": "12.00"}
    with client.post(f"/meetings/committee/{committee}/new", data=data) as response:
        assert response.status_code == 302
    assert count(Meeting) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": ""}, "held_on"),
        ({"held_on": "2568-03-10"}, "held_on"),  # a Buddhist year typed as the Common Era
        ({"held_on": "2023-12-31"}, "held_on"),  # before the committee was established
        ({"starts_at": ""}, "starts_at"),
        ({"starts_at": "25:00"}, "starts_at"),
        ({"ends_at": "13:00"}, "ends_at"),  # before the start
        ({"ends_at": "13:30"}, "ends_at"),  # the same as the start
        ({"venue": ""}, "venue"),
        ({"venue": "", "electronic": "y"}, "online_link"),
        ({"electronic": "y", "online_link": "zoom meeting 123"}, "online_link"),
        ({"online_link": "https://meet.example.go.th/abc"}, "electronic"),
        ({"venue": "ห้อง" * 200}, "venue"),
    ],
)
def test_bad_meeting_input_is_refused_at_the_field(
    app, client, sign_in, board, count, change, field
):
    sign_in(Role.STAFF)
    committee = board().committee
    with client.post(f"/meetings/committee/{committee}/new", data=FORM | change) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422, change
    assert f'id="{field}-error"' in html, (change, html[:3000])
    assert count(Meeting) == 0


def test_an_electronic_meeting_needs_no_room(app, client, sign_in, board, fetch):
    sign_in(Role.STAFF)
    committee = board().committee
    data = FORM | {"venue": "", "electronic": "y", "online_link": "https://meet.example.go.th/j"}
    with client.post(f"/meetings/committee/{committee}/new", data=data) as response:
        assert response.status_code == 302
        meeting = fetch(Meeting, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert meeting.electronic and meeting.venue is None


def test_a_dissolved_committee_does_not_meet(app, client, sign_in, board, schedule, count):
    sign_in(Role.STAFF)
    committee = board().committee
    earlier = schedule(committee, date(2025, 5, 1))
    with app.app_context():
        from registry.db import db

        committee_services.dissolve_committee(
            db.session.get(Committee, committee), None, dissolved_on=date(2025, 6, 1),
            reason="ภารกิจเสร็จสิ้น",
        )  # fmt: skip
    with client.post(f"/meetings/committee/{committee}/new", data=FORM) as response:
        assert response.status_code == 302  # back to the committee, with the reason
        assert response.headers["Location"].endswith(f"/committees/{committee}")
    assert count(Meeting) == 1
    # The meeting scheduled before cannot be moved past the dissolution.
    data = FORM | {"held_on": "2025-06-02"} | read_version(client, f"/meetings/{earlier}/edit")
    with client.post(f"/meetings/{earlier}/edit", data=data) as response:
        assert response.status_code == 422
        assert 'id="held_on-error"' in response.get_data(as_text=True)


def test_a_dissolved_committee_is_refused_by_the_service(app, board, call):
    committee = board().committee
    with app.app_context():
        from registry.db import db

        record = db.session.get(Committee, committee)
        committee_services.dissolve_committee(
            record, None, dissolved_on=date(2025, 6, 1), reason="ภารกิจเสร็จสิ้น"
        )
        with pytest.raises(services.MeetingError):
            services.schedule_meeting(
                record, actor=None, held_on=DAY, starts_at=time(9), venue="ห้อง 1"
            )
        db.session.rollback()


def test_editing_a_scheduled_meeting(app, client, sign_in, board, schedule, fetch):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    with client.get(f"/meetings/{meeting}/edit") as response:
        assert response.status_code == 200
        assert 'value="13.30"' in response.get_data(as_text=True)  # the Thai way
    data = FORM | {"venue": "ห้องประชุมใหญ่", "starts_at": "09:00", "ends_at": "08:00"}
    data |= read_version(client, f"/meetings/{meeting}/edit")
    with client.post(f"/meetings/{meeting}/edit", data=data) as response:
        assert response.status_code == 422
    assert fetch(Meeting, meeting).venue == "ห้องประชุม 1"
    data["ends_at"] = "12:00"
    with client.post(f"/meetings/{meeting}/edit", data=data) as response:
        assert response.status_code == 302
    assert fetch(Meeting, meeting).venue == "ห้องประชุมใหญ่"


def test_cancelling_needs_a_reason_and_keeps_the_record(
    app, client, sign_in, board, schedule, fetch
):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    version = read_version(client, f"/meetings/{meeting}/cancel")
    with client.post(f"/meetings/{meeting}/cancel", data={"reason": ""} | version) as response:
        assert response.status_code == 422
        assert 'id="reason-error"' in response.get_data(as_text=True)
    assert fetch(Meeting, meeting).status is MeetingStatus.SCHEDULED
    data = {"reason": "ไม่ครบองค์ประชุม"} | version
    with client.post(f"/meetings/{meeting}/cancel", data=data) as r:
        assert r.status_code == 302
    cancelled = fetch(Meeting, meeting)
    assert cancelled.status is MeetingStatus.CANCELLED and cancelled.cancel_reason
    # A cancelled meeting can no longer be edited or cancelled again.
    data = FORM | {"venue": "ห้องใหม่", "lock_version": str(cancelled.lock_version)}
    with client.post(f"/meetings/{meeting}/edit", data=data) as response:
        assert response.status_code == 422
        assert 'class="alert alert-danger"' in response.get_data(as_text=True)
    assert fetch(Meeting, meeting).venue == "ห้องประชุม 1"
    with client.get(f"/meetings/{meeting}/cancel") as response:
        assert response.status_code == 302


def test_the_list_shows_upcoming_meetings_first(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    committee = board().committee
    today = services.today()
    past = schedule(committee, date(2025, 1, 10))
    later = schedule(committee, today + timedelta(days=60))
    soon = schedule(committee, today + timedelta(days=7))
    older = schedule(committee, date(2024, 6, 10))
    with client.get("/meetings/") as response:
        html = response.get_data(as_text=True)
    positions = [html.index(f'href="/meetings/{m}"') for m in (soon, later, past, older)]
    assert positions == sorted(positions)
