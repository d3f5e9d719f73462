"""No silent overwrite in a meeting: its details, cancellation, holding, the minutes'
particulars, agenda items, resolutions, action items and the attendance saved from a form
opened before someone else's save are refused (409) with who changed what, keep what was
typed, and write nothing."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.meetings import services
from registry.meetings.models import ActionItem, AgendaItem, Attendance, Meeting, MeetingStatus
from tests.conftest import BAD_VERSIONS, assert_refused_as_outdated, form_fields, with_version


@pytest.fixture
def secretary(make_user):
    """The colleague who saves first."""
    return make_user(Role.STAFF, full_name="นางสาวเลขา บันทึกก่อน")


@pytest.fixture
def events(app):
    """How many audit events a record has (a refused save adds none)."""

    def count(record_type: str, record_id: int) -> int:
        with app.app_context():
            return db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.record_type == record_type, AuditEvent.record_id == record_id
                )
            )

    return count


@pytest.fixture
def as_user(app):
    """Run a service on a record fetched afresh, as a user, from a current form."""

    def run(fn, model, record_id: int, user_id: int, **kwargs):
        with app.app_context():
            record = db.session.get(model, record_id)
            actor = db.session.get(User, user_id)
            if "actor" in fn.__code__.co_varnames[: fn.__code__.co_argcount]:
                return fn(record, actor, lock_version=record.lock_version, **kwargs)
            return fn(record, actor=actor, lock_version=record.lock_version, **kwargs)

    return run


def _item(app, meeting_id: int, title: str = "ข้อเสนอโครงการ") -> int:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return services.add_item(meeting, actor=None, section=4, title=title).id


# --- the meeting's details and its steps ----------------------------------------------------


def test_details_saved_from_an_outdated_form_are_refused_with_who_changed_what(
    client, sign_in, board, schedule, secretary, as_user, fetch, events
):
    meeting = schedule(board().committee)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/edit"
    opened = form_fields(client, url)
    as_user(services.update_meeting, Meeting, meeting, secretary, venue="ห้องประชุมชั้น 9")
    before = events("meetings", meeting)

    response = client.post(url, data=opened | {"ends_at": "17:00"})

    again = assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"สถานที่": "ห้องประชุมชั้น 9"},
        kept={"ends_at": "17:00", "venue": "ห้องประชุม 1"},
    )
    saved = fetch(Meeting, meeting)
    assert (saved.venue, saved.ends_at) == ("ห้องประชุมชั้น 9", time(16, 0))
    assert events("meetings", meeting) == before
    assert client.post(url, data=again | {"venue": "ห้องประชุมชั้น 9"}).status_code == 302
    assert fetch(Meeting, meeting).ends_at == time(17, 0)


def test_a_cancellation_from_an_outdated_form_is_refused(
    client, sign_in, board, schedule, secretary, as_user, fetch
):
    meeting = schedule(board().committee)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/cancel"
    opened = form_fields(client, url)
    as_user(services.update_meeting, Meeting, meeting, secretary, held_on=date(2025, 3, 17))
    response = client.post(url, data=opened | {"reason": "ประธานติดภารกิจ"})
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"วันที่": "17 มีนาคม 2568"},
        kept={"reason": "ประธานติดภารกิจ"},
    )
    assert fetch(Meeting, meeting).status is MeetingStatus.SCHEDULED


def test_marking_held_from_an_outdated_form_shows_who_marked_it(
    client, sign_in, board, schedule, secretary, as_user, fetch
):
    seats = board()
    meeting = schedule(seats.committee)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/held"
    opened = form_fields(client, url)
    as_user(services.mark_held, Meeting, meeting, secretary, opened_at=time(13, 40),
            closed_at=time(15, 0))  # fmt: skip
    response = client.post(url, data=opened | {"opened_at": "13:45", "closed_at": "16:10"})
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"สถานะ": "ประชุมแล้ว", "เริ่มประชุมเวลา": "13.40 น."},
        kept={"opened_at": "13:45", "closed_at": "16:10"},
    )
    assert fetch(Meeting, meeting).opened_at == time(13, 40)


def test_the_minutes_particulars_from_an_outdated_form_are_refused(
    client, sign_in, board, schedule, hold, secretary, as_user, fetch, events
):
    seats = board()
    meeting = schedule(seats.committee)
    hold(meeting, seats.seats)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/minutes"
    opened = form_fields(client, url)
    as_user(services.update_minutes, Meeting, meeting, secretary, quorum_note="ครบองค์ประชุม")
    before = events("meetings", meeting)
    response = client.post(url, data=opened | {"reviewer_name": "นายตรวจ ทาน"})
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"บันทึกเรื่ององค์ประชุม": "ครบองค์ประชุม"},
        kept={"reviewer_name": "นายตรวจ ทาน"},
    )
    assert fetch(Meeting, meeting).reviewer_name is None
    assert events("meetings", meeting) == before


# --- agenda items, resolutions, action items ------------------------------------------------


def test_an_item_saved_from_an_outdated_form_is_refused(
    app, client, sign_in, board, schedule, secretary, as_user, fetch, events
):
    meeting = schedule(board().committee)
    item = _item(app, meeting)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/agenda/{item}/edit"
    opened = form_fields(client, url)
    as_user(services.update_item, AgendaItem, item, secretary, section="4",
            title="ข้อเสนอโครงการ", body="ความเป็นมาที่ปรับปรุงแล้ว")  # fmt: skip
    before = events("agenda_items", item)
    response = client.post(url, data=opened | {"title": "ข้อเสนอโครงการ (แก้ชื่อ)"})
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"ความเป็นมาและประเด็นเสนอที่ประชุม": "ความเป็นมาที่ปรับปรุงแล้ว"},
        kept={"title": "ข้อเสนอโครงการ (แก้ชื่อ)", "body": ""},
    )
    assert fetch(AgendaItem, item).title == "ข้อเสนอโครงการ"
    assert events("agenda_items", item) == before


def test_a_resolution_recorded_meanwhile_is_not_overwritten(
    app, client, sign_in, board, schedule, hold, secretary, as_user, fetch
):
    seats = board()
    meeting = schedule(seats.committee)
    item = _item(app, meeting)
    hold(meeting, seats.seats)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/agenda/{item}/resolution"
    opened = form_fields(client, url)
    as_user(services.record_resolution, AgendaItem, item, secretary,
            resolution="ที่ประชุมเห็นชอบ", outcome="approved")  # fmt: skip
    response = client.post(url, data=opened | {"resolution": "ที่ประชุมรับทราบ", "outcome": "noted"})
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"มติที่ประชุม": "ที่ประชุมเห็นชอบ", "ผลการพิจารณา": "เห็นชอบ"},
        kept={"resolution": "ที่ประชุมรับทราบ", "outcome": "noted"},
    )
    assert fetch(AgendaItem, item).resolution == "ที่ประชุมเห็นชอบ"


def test_an_action_done_meanwhile_is_not_marked_again(
    app, client, sign_in, board, schedule, hold, secretary, as_user, fetch
):
    seats = board()
    meeting = schedule(seats.committee)
    item = _item(app, meeting)
    hold(meeting, seats.seats)
    with app.app_context():
        action = services.add_action(
            db.session.get(AgendaItem, item), actor=None, text="ร่างแผนงาน", owner="สมาคม"
        ).id
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/actions/{action}/done"
    opened = form_fields(client, url)
    as_user(services.mark_action_done, ActionItem, action, secretary, done_on=date(2025, 3, 20))
    response = client.post(url, data=opened | {"done_on": "2025-03-25"})
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"วันที่ดำเนินการแล้วเสร็จ": "20 มีนาคม 2568"},
        kept={"done_on": "2025-03-25"},
    )
    assert fetch(ActionItem, action).done_on == date(2025, 3, 20)


@pytest.mark.parametrize("version", BAD_VERSIONS)
@pytest.mark.parametrize("page", ["edit", "minutes", "item", "resolution"])
def test_meeting_forms_without_a_good_version_save_nothing(
    app, client, sign_in, board, schedule, hold, fetch, events, page, version
):
    seats = board()
    meeting = schedule(seats.committee)
    item = _item(app, meeting)
    if page in ("minutes", "resolution"):
        hold(meeting, seats.seats)
    url, change, record = {
        "edit": (f"/meetings/{meeting}/edit", {"venue": "ห้องปลอม"}, ("meetings", meeting)),
        "minutes": (f"/meetings/{meeting}/minutes", {"reviewer_name": "ปลอม"},
                    ("meetings", meeting)),
        "item": (f"/meetings/{meeting}/agenda/{item}/edit", {"title": "ปลอม"},
                 ("agenda_items", item)),
        "resolution": (f"/meetings/{meeting}/agenda/{item}/resolution",
                       {"resolution": "ปลอม", "outcome": "noted"}, ("agenda_items", item)),
    }[page]  # fmt: skip
    sign_in(Role.STAFF)
    data = with_version(form_fields(client, url), version) | change
    before = events(*record)
    assert client.post(url, data=data).status_code == 409
    assert events(*record) == before
    assert fetch(Meeting, meeting).venue == "ห้องประชุม 1"
    assert fetch(Meeting, meeting).reviewer_name is None
    assert (fetch(AgendaItem, item).title, fetch(AgendaItem, item).resolution) == (
        "ข้อเสนอโครงการ", None)  # fmt: skip


# --- the attendance -----------------------------------------------------------------------------


def _lines(app, meeting_id: int) -> dict:
    with app.app_context():
        return {
            line.membership_id: line.kind.value
            for line in db.session.get(Meeting, meeting_id).attendance
            if line.membership_id
        }


def _everyone(form: dict, kind: str) -> dict:
    """The attendance form with every seat's line set to ``kind``."""
    return form | {name: kind for name in form if name.endswith("-kind")}


def test_attendance_saved_over_a_line_recorded_meanwhile_is_refused(
    app, client, sign_in, board, schedule, secretary, events
):
    seats = board()
    meeting = schedule(seats.committee)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/attendance"
    opened = form_fields(client, url, "seats-0-lock_version")
    with app.app_context():
        services.record_attendance(
            db.session.get(Meeting, meeting),
            actor=db.session.get(User, secretary),
            lines=[{"membership_id": seats.chair, "kind": "absent", "absence_reason": "ลาป่วย",
                    "lock_version": 0}],
        )  # fmt: skip
    with app.app_context():
        chair = db.session.get(Meeting, meeting).attendance[0]
        chair_name, chair_line = chair.membership.contact.full_name, chair.id

    response = client.post(url, data=_everyone(opened, "present"))

    again = assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"การเข้าประชุม": "ผู้ไม่มาประชุม", "เหตุที่ไม่มาประชุม": "ลาป่วย"},
        kept={"seats-0-kind": "present", "seats-1-kind": "present"},
        having="seats-0-lock_version",
    )
    assert chair_name in response.get_data(as_text=True).split('id="conflict"')[1]
    assert _lines(app, meeting) == {seats.chair: "absent"}
    assert events("meeting_attendance", chair_line) == 1
    # The page now carries the lines as they are: saved again, knowingly, it goes through.
    assert client.post(url, data=again).status_code == 302
    assert _lines(app, meeting) == {seat: "present" for seat in seats.seats}


def test_attendance_saved_over_a_line_removed_meanwhile_is_refused(
    app, client, sign_in, board, schedule, hold, secretary
):
    seats = board()
    meeting = schedule(seats.committee)
    with app.app_context():
        services.record_attendance(
            db.session.get(Meeting, meeting), actor=None,
            lines=[{"membership_id": seat, "kind": "present"} for seat in seats.seats],
        )  # fmt: skip
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/attendance"
    opened = form_fields(client, url, "seats-0-lock_version")
    with app.app_context():
        services.record_attendance(
            db.session.get(Meeting, meeting),
            actor=db.session.get(User, secretary),
            lines=[{"membership_id": seats.chair, "kind": ""}],
        )
    response = client.post(url, data=_everyone(opened, "absent"))
    assert_refused_as_outdated(
        response,
        who="นางสาวเลขา บันทึกก่อน",
        shows={"การเข้าประชุม": "—"},
        kept={"seats-0-kind": "absent"},
        having="seats-0-lock_version",
    )
    assert "ลบ" in response.get_data(as_text=True).split('id="conflict"')[1]
    assert seats.chair not in _lines(app, meeting)
    assert set(_lines(app, meeting).values()) == {"present"}


@pytest.mark.parametrize("version", [None, "abc", "-1", "1.5", "99999"])
def test_attendance_without_good_line_versions_saves_nothing(
    app, client, sign_in, board, schedule, count, version
):
    seats = board()
    meeting = schedule(seats.committee)
    sign_in(Role.STAFF)
    url = f"/meetings/{meeting}/attendance"
    data = _everyone(form_fields(client, url, "seats-0-lock_version"), "present")
    if version is None:
        del data["seats-0-lock_version"]
    else:
        data["seats-0-lock_version"] = version
    assert client.post(url, data=data).status_code == 409
    assert count(Attendance) == 0
