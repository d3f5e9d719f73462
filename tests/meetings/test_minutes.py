"""Holding the meeting, resolutions with the quorum rule, action items, drafting, certifying
at a later meeting, and the lock that follows: every edit refused, corrections as
amendments."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from registry.auth.models import Role
from registry.db import db
from registry.meetings import services
from registry.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    MinutesAmendment,
    Outcome,
)
from tests.conftest import read_version

from .conftest import DAY


def _add_item(app, meeting_id: int, title: str = "ข้อเสนอโครงการ", section: int = 4) -> int:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return services.add_item(meeting, actor=None, section=section, title=title).id


def _certify_item(app, meeting_id: int) -> int:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return next(item.id for item in meeting.items if item.certifies_meeting_id)


def test_marking_held_records_the_times_and_the_minute_taker(
    app, client, sign_in, board, schedule, fetch
):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    version = read_version(client, f"/meetings/{meeting}/held")
    with client.post(
        f"/meetings/{meeting}/held", data={"opened_at": "13:40", "closed_at": "13:00"} | version
    ) as response:
        assert response.status_code == 422
        assert 'id="closed_at-error"' in response.get_data(as_text=True)
    assert fetch(Meeting, meeting).status is MeetingStatus.SCHEDULED
    with client.post(f"/meetings/{meeting}/held", data={"opened_at": ""} | version) as response:
        assert response.status_code == 422
    with client.post(
        f"/meetings/{meeting}/held", data={"opened_at": "13:40", "closed_at": "15.55"} | version
    ) as response:
        assert response.status_code == 302
    held = fetch(Meeting, meeting)
    assert held.status is MeetingStatus.HELD
    assert (held.opened_at, held.closed_at) == (time(13, 40), time(15, 55))
    with app.app_context():
        seat = services.secretary_seat(db.session.get(Meeting, meeting))
        assert held.minute_taker_name == seat.contact.full_name
    assert held.minute_taker_position == "กรรมการและเลขานุการ"
    with client.get(f"/meetings/{meeting}") as response:
        html = response.get_data(as_text=True)
    assert "13.40 น." in html and "15.55 น." in html


def test_a_meeting_is_not_marked_held_before_its_day(app, client, sign_in, board, schedule, fetch):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee, services.today() + timedelta(days=3))
    data = {"opened_at": "13:40"} | read_version(client, f"/meetings/{meeting}/held")
    with client.post(f"/meetings/{meeting}/held", data=data) as response:
        assert response.status_code == 422
    assert fetch(Meeting, meeting).status is MeetingStatus.SCHEDULED


def test_resolutions_votes_and_action_items(app, client, sign_in, board, schedule, hold, fetch):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    item = _add_item(app, meeting)
    with client.get(f"/meetings/{meeting}/agenda/{item}/resolution") as response:
        assert response.status_code == 302  # not held yet
    hold(meeting, seats.seats)
    url = f"/meetings/{meeting}/agenda/{item}/resolution"
    base = {"resolution": "ที่ประชุมเห็นชอบ", "outcome": "approved"} | read_version(client, url)
    for change, field in (
        ({"resolution": ""}, "resolution"),
        ({"outcome": "maybe"}, "outcome"),
        ({"votes_for": "-1"}, "votes_for"),
        ({"votes_against": "two"}, "votes_against"),
        ({"votes_for": "4", "votes_against": "2"}, "votes_for"),  # more votes than members
    ):
        with client.post(url, data=base | change) as response:
            assert response.status_code == 422, change
            assert f'id="{field}-error"' in response.get_data(as_text=True), change
    assert fetch(AgendaItem, item).resolution is None
    data = base | {"votes_for": "4", "votes_against": "0", "votes_abstain": "1"}
    with client.post(url, data=data) as response:
        assert response.status_code == 302
    recorded = fetch(AgendaItem, item)
    assert (recorded.outcome, recorded.votes_for, recorded.votes_abstain) == (
        Outcome.APPROVED, 4, 1)  # fmt: skip
    actions = f"/meetings/{meeting}/agenda/{item}/actions/new"
    with client.post(actions, data={"text": "", "owner": "สมาคม"}) as response:
        assert response.status_code == 422
    with client.post(actions, data={"text": "ทำ", "owner": "สมาคม", "due_on": "2025-01-01"}) as r:
        assert r.status_code == 422  # due before the meeting
        assert 'id="due_on-error"' in r.get_data(as_text=True)
    data = {"text": "จัดทำร่างข้อเสนอ", "owner": "สมาคมปัญญาประดิษฐ์", "due_on": "2025-04-30"}
    with client.post(actions, data=data) as response:
        assert response.status_code == 302
    with app.app_context():
        action = db.session.query(ActionItem).one()
        action_id = action.id
    done = f"/meetings/{meeting}/actions/{action_id}/done"
    version = read_version(client, done)
    with client.post(done, data={"done_on": "2025-03-01"} | version) as response:
        assert response.status_code == 422  # before the meeting
    with client.post(
        done, data={"done_on": (services.today() + timedelta(days=2)).isoformat()} | version
    ) as r:
        assert r.status_code == 422  # in the future
    with client.post(done, data={"done_on": "2025-04-20"} | version) as response:
        assert response.status_code == 302
    assert fetch(ActionItem, action_id).done_on == date(2025, 4, 20)
    with client.get(f"/meetings/{meeting}") as response:
        html = response.get_data(as_text=True)
    assert "จัดทำร่างข้อเสนอ" in html and "ที่ประชุมเห็นชอบ" in html


def test_without_a_quorum_a_resolution_needs_a_note(
    app, client, sign_in, board, schedule, hold, fetch
):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    item = _add_item(app, meeting)
    absent = {seat: "absent" for seat in seats.seats[:3]}
    hold(meeting, seats.seats, kinds=absent)
    url = f"/meetings/{meeting}/agenda/{item}/resolution"
    data = {"resolution": "ที่ประชุมรับทราบ", "outcome": "noted", "quorum_note": ""}
    data |= read_version(client, url)
    with client.post(url, data=data) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="quorum_note-error"' in html
    assert fetch(AgendaItem, item).resolution is None
    data["quorum_note"] = "กรรมการไม่ครบองค์ประชุม ที่ประชุมจึงรับทราบเป็นการภายใน"
    with client.post(url, data=data) as response:
        assert response.status_code == 302
    assert fetch(AgendaItem, item).resolution == "ที่ประชุมรับทราบ"
    assert fetch(Meeting, meeting).quorum_note.startswith("กรรมการไม่ครบ")


def test_minutes_are_drafted_once_complete(app, client, sign_in, board, schedule, hold, fetch):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    item = _add_item(app, meeting)
    with client.post(f"/meetings/{meeting}/drafted") as response:
        assert response.status_code == 409  # not held
    hold(meeting, seats.seats[:-1])  # the secretary's attendance is missing
    with client.post(f"/meetings/{meeting}/drafted") as response:
        assert response.status_code == 409
    lines = [{"membership_id": seats.secretary, "kind": "present"}]
    with app.app_context():
        services.record_attendance(db.session.get(Meeting, meeting), actor=None, lines=lines)
    with client.post(f"/meetings/{meeting}/drafted") as response:
        assert response.status_code == 409  # item 4.1 has no resolution
        assert "4.1" in response.get_data(as_text=True)
    with app.app_context():
        services.record_resolution(
            db.session.get(AgendaItem, item), actor=None, resolution="รับทราบ", outcome="noted"
        )
    data = {"opened_at": "13:35", "closed_at": "15:50", "minute_taker_name": "",
            "reviewer_name": "นางตรวจ ถูกต้อง", "reviewer_position": "ผู้อำนวยการ"}  # fmt: skip
    data |= read_version(client, f"/meetings/{meeting}/minutes")
    with client.post(f"/meetings/{meeting}/minutes", data=data) as response:
        assert response.status_code == 302
    with client.post(f"/meetings/{meeting}/drafted") as response:
        assert response.status_code == 409  # no minute-taker
    data["minute_taker_name"] = "นายจด รายงาน"
    data |= read_version(client, f"/meetings/{meeting}/minutes")
    with client.post(f"/meetings/{meeting}/minutes", data=data) as response:
        assert response.status_code == 302
    with client.post(f"/meetings/{meeting}/drafted") as response:
        assert response.status_code == 302
    drafted = fetch(Meeting, meeting)
    assert drafted.status is MeetingStatus.MINUTES_DRAFTED
    assert drafted.reviewer_name == "นางตรวจ ถูกต้อง"


def test_bad_minutes_particulars_are_refused(app, client, sign_in, board, schedule, hold, fetch):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    hold(meeting, seats.seats)
    version = read_version(client, f"/meetings/{meeting}/minutes")
    for data, field in (
        ({"opened_at": "14:00", "closed_at": "13:00"}, "closed_at"),
        ({"opened_at": ""}, "opened_at"),
        ({"opened_at": "14:00", "reviewer_position": "ผู้อำนวยการ"}, "reviewer_name"),
    ):
        with client.post(f"/meetings/{meeting}/minutes", data=data | version) as response:
            assert response.status_code == 422, data
            assert f'id="{field}-error"' in response.get_data(as_text=True), data
    assert fetch(Meeting, meeting).opened_at == time(13, 35)


def _two_meetings(app, seats, schedule, hold):
    first = schedule(seats.committee, DAY)
    item = _add_item(app, first, "แผนงาน")
    hold(first, seats.seats, drafted=True)
    second = schedule(seats.committee, date(2025, 4, 10))
    return first, second, item


def test_the_next_meeting_certifies_the_minutes_which_are_then_locked(
    app, client, sign_in, board, schedule, hold, fetch, count
):
    sign_in(Role.STAFF)
    seats = board()
    first, second, item = _two_meetings(app, seats, schedule, hold)
    certify = _certify_item(app, second)
    url = f"/meetings/{second}/agenda/{certify}/certify"
    version = read_version(client, url)
    with client.post(url, data={"changes": ""} | version) as response:
        assert response.status_code == 422  # the second meeting is not held yet
    assert fetch(Meeting, first).status is MeetingStatus.MINUTES_DRAFTED
    hold(second, seats.seats)
    data = {"changes": "แก้ไขหน้า 2 บรรทัดที่ 5 จาก “สมาคม” เป็น “สมาพันธ์”"} | version
    with client.post(url, data=data) as response:
        assert response.status_code == 302
    certified = fetch(Meeting, first)
    assert certified.status is MeetingStatus.MINUTES_CERTIFIED
    assert (certified.certified_at_meeting_id, certified.certified_on) == (
        second,
        date(2025, 4, 10),
    )
    assert certified.certification_changes.startswith("แก้ไขหน้า 2")
    resolution = fetch(AgendaItem, certify)
    assert resolution.outcome is Outcome.APPROVED_WITH_CHANGES
    assert resolution.resolution.startswith("ที่ประชุมรับรองรายงานการประชุม ครั้งที่ 1/2568")
    version = {"lock_version": str(resolution.lock_version)}
    with client.post(url, data={"changes": ""} | version) as response:
        assert response.status_code == 422  # already certified
    with client.get(f"/meetings/{first}") as response:
        html = response.get_data(as_text=True)
    assert "alert-success" in html and f'href="/meetings/{second}"' in html
    # The item that certified them stays on the second meeting's agenda.
    with client.post(f"/meetings/{second}/agenda/{certify}/delete") as response:
        assert response.status_code == 409
    assert fetch(AgendaItem, certify) is not None


def test_editing_certified_minutes_is_refused_and_nothing_saved(
    app, client, sign_in, board, schedule, hold, fetch, count
):
    sign_in(Role.STAFF)
    seats = board()
    first, second, item = _two_meetings(app, seats, schedule, hold)
    hold(second, seats.seats)
    with app.app_context():
        certify = db.session.get(AgendaItem, _certify_item(app, second))
        services.certify_minutes(certify, actor=None)
    with app.app_context():
        action = services.add_action(
            db.session.get(AgendaItem, _add_item(app, second)), actor=None, text="ก", owner="ข"
        )  # an action of another meeting, to check the locked one separately
    before = fetch(AgendaItem, item)
    attendance_before = count(Attendance)
    # The forms as they were just before the lock: each carries the version it was read at.
    meeting_version = {"lock_version": str(fetch(Meeting, first).lock_version)}
    item_version = {"lock_version": str(before.lock_version)}
    with app.app_context():
        lines = db.session.get(Meeting, first).attendance
        chair_version = next(
            (str(line.lock_version) for line in lines if line.membership_id == seats.chair), ""
        )
    posts = [
        (f"/meetings/{first}/edit", {"held_on": "2025-03-11", "starts_at": "09:00", "venue": "x"}
         | meeting_version),
        (f"/meetings/{first}/agenda/new", {"section": "5", "title": "เรื่องเพิ่ม"}),
        (f"/meetings/{first}/agenda/{item}/edit", {"section": "4", "title": "แก้ชื่อ"}
         | item_version),
        (f"/meetings/{first}/agenda/{item}/move", {"direction": "down"}),
        (f"/meetings/{first}/agenda/{item}/delete", {}),
        (f"/meetings/{first}/agenda/refresh", {}),
        (f"/meetings/{first}/agenda/{item}/resolution", {"resolution": "แก้มติ", "outcome": "noted"}
         | item_version),
        (f"/meetings/{first}/agenda/{item}/actions/new", {"text": "งานใหม่", "owner": "ใคร"}),
        (f"/meetings/{first}/attendance", {"seats-0-membership_id": str(seats.chair),
                                           "seats-0-lock_version": chair_version,
                                           "seats-0-kind": "absent"}),
        (f"/meetings/{first}/guests", {"name": "แขกใหม่"}),
        (f"/meetings/{first}/minutes", {"opened_at": "08:00", "closed_at": "09:00"}
         | meeting_version),
        (f"/meetings/{first}/held", {"opened_at": "08:00"} | meeting_version),
        (f"/meetings/{first}/cancel", {"reason": "ยกเลิก"} | meeting_version),
        (f"/meetings/{first}/drafted", {}),
    ]  # fmt: skip
    for url, data in posts:
        with client.post(url, data=data) as response:
            html = response.get_data(as_text=True)
            assert response.status_code in (409, 422), (url, response.status_code)
            assert "alert-danger" in html or "-error" in html, url
    after = fetch(Meeting, first)
    assert after.status is MeetingStatus.MINUTES_CERTIFIED
    assert (after.held_on, after.opened_at) == (DAY, time(13, 35))
    unchanged = fetch(AgendaItem, item)
    assert (unchanged.title, unchanged.resolution, unchanged.position) == (
        before.title, before.resolution, before.position)  # fmt: skip
    assert count(Attendance) == attendance_before
    with app.app_context():
        assert len(db.session.get(Meeting, first).items) == 1
        assert db.session.query(ActionItem).count() == 1
    assert action is not None


def test_certifying_is_refused_for_minutes_not_ready(app, board, schedule, hold, call):
    seats = board()
    first = schedule(seats.committee, DAY)
    hold(first, seats.seats)  # held, minutes not drafted
    second = schedule(seats.committee, date(2025, 4, 10))
    hold(second, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, _certify_item(app, second))
        with pytest.raises(services.MeetingError, match="ยังไม่ได้จัดทำร่าง"):
            services.certify_minutes(item, actor=None)
        db.session.rollback()
    # A meeting that was never held has no minutes: cancelled, it is not offered, and an item
    # pointing at it is refused.
    cancelled = schedule(seats.committee, date(2025, 5, 20))  # after the held ones
    call(services.cancel_meeting, Meeting, cancelled, None, reason="เลื่อน")
    with app.app_context():
        meeting = db.session.get(Meeting, second)
        stray = AgendaItem(meeting=meeting, section=2, position=9, title="ก",
                           certifies_meeting_id=cancelled)  # fmt: skip
        from registry import audit

        with audit.change(stray, None, "created"):
            pass
        with pytest.raises(services.MeetingError, match="ไม่ได้มีการประชุม"):
            services.certify_minutes(stray, actor=None)
        db.session.rollback()
    # An ordinary item certifies nothing.
    plain = _add_item(app, second)
    with app.app_context():
        with pytest.raises(services.MeetingError):
            services.certify_minutes(db.session.get(AgendaItem, plain), actor=None)
        db.session.rollback()


def test_a_certifying_item_records_only_a_deferral_as_a_plain_resolution(
    app, client, sign_in, board, schedule, hold
):
    sign_in(Role.STAFF)
    seats = board()
    _first, second, _item = _two_meetings(app, seats, schedule, hold)
    hold(second, seats.seats)
    certify = _certify_item(app, second)
    url = f"/meetings/{second}/agenda/{certify}/resolution"
    version = read_version(client, url)
    data = {"resolution": "รับรอง", "outcome": "approved"} | version
    with client.post(url, data=data) as response:
        assert response.status_code == 422
        assert 'id="outcome-error"' in response.get_data(as_text=True)
    data = {"resolution": "เลื่อนไปครั้งหน้า", "outcome": "deferred"} | version
    with client.post(url, data=data) as r:
        assert r.status_code == 302


def test_amendments_to_certified_minutes(app, client, sign_in, board, schedule, hold, fetch):
    user = sign_in(Role.STAFF)
    seats = board()
    first, second, _item = _two_meetings(app, seats, schedule, hold)
    with client.post(f"/meetings/{first}/amendments/new", data={"text": "แก้"}) as response:
        assert response.status_code == 422  # not certified yet: edit the minutes instead
    hold(second, seats.seats)
    with app.app_context():
        services.certify_minutes(db.session.get(AgendaItem, _certify_item(app, second)), actor=None)
    with client.post(f"/meetings/{first}/amendments/new", data={"text": ""}) as response:
        assert response.status_code == 422
        assert 'id="text-error"' in response.get_data(as_text=True)
    for text in ("แก้ไขชื่อผู้เข้าร่วมประชุมลำดับที่ 2", "แก้ไขเวลาเลิกประชุมเป็น 16.00 น."):
        with client.post(f"/meetings/{first}/amendments/new", data={"text": text}) as response:
            assert response.status_code == 302
    with app.app_context():
        amendments = db.session.get(Meeting, first).amendments
        assert [(a.number, a.created_by_id) for a in amendments] == [(1, user), (2, user)]
    with client.get(f"/meetings/{first}") as response:
        html = response.get_data(as_text=True)
    assert "แก้ไขเวลาเลิกประชุมเป็น 16.00 น." in html
    assert fetch(Meeting, first).status is MeetingStatus.MINUTES_CERTIFIED
    assert MinutesAmendment is not None


def test_an_action_of_certified_minutes_can_still_be_marked_done(
    app, client, sign_in, board, schedule, hold, fetch
):
    sign_in(Role.STAFF)
    seats = board()
    first = schedule(seats.committee, DAY)
    item = _add_item(app, first)
    hold(first, seats.seats)
    with app.app_context():
        action = services.add_action(
            db.session.get(AgendaItem, item), actor=None, text="ทำ", owner="ผู้รับผิดชอบ"
        ).id
    hold_second = schedule(seats.committee, date(2025, 4, 10))
    with app.app_context():
        services.record_resolution(
            db.session.get(AgendaItem, item), actor=None, resolution="รับทราบ", outcome="noted"
        )
        services.mark_minutes_drafted(db.session.get(Meeting, first), None)
    with client.post(f"/meetings/{hold_second}/agenda/refresh"):
        pass
    hold(hold_second, seats.seats)
    with app.app_context():
        services.certify_minutes(
            db.session.get(AgendaItem, _certify_item(app, hold_second)), actor=None
        )
    with client.get(f"/meetings/{hold_second}") as response:
        html = response.get_data(as_text=True)
    assert f"/meetings/{first}/actions/{action}/done" in html  # listed under the follow-up
    done = f"/meetings/{first}/actions/{action}/done"
    with client.post(done, data={"done_on": "2025-04-01"} | read_version(client, done)) as r:
        assert r.status_code == 302
    assert fetch(ActionItem, action).done_on == date(2025, 4, 1)
