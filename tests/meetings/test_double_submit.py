"""The meeting forms that create, each sent twice with the same token (a double click, a
browser retry): one meeting (the numbers stay consecutive), one agenda item, one guest, one
action item, one amendment, one round of invitation mail; one audit event, and the second
answer leads to the first result."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from registry.auth.models import Role
from registry.db import db
from registry.meetings import services
from registry.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceKind,
    Meeting,
    MinutesAmendment,
)
from tests.conftest import audit_actions, form_token, submit_twice

from .test_minutes import _add_item, _certify_item, _two_meetings
from .test_scheduling import FORM


def ids(app, model, *conditions) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)))


def test_a_new_meeting_sent_twice_is_scheduled_once_and_the_numbers_stay_consecutive(
    app, client, sign_in, board
):
    sign_in(Role.STAFF)
    committee = board().committee
    url = f"/meetings/committee/{committee}/new"
    first, second = submit_twice(client, url, FORM)
    [meeting] = ids(app, Meeting, Meeting.committee_id == committee)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/meetings/{meeting}"
    assert audit_actions(app, "meetings", meeting) == ["scheduled"]

    with client.post(url, data=FORM | {"held_on": "2025-04-10"}) as response:
        assert response.status_code == 302
    with app.app_context():
        labels = db.session.scalars(
            sa.select(Meeting).where(Meeting.committee_id == committee).order_by(Meeting.id)
        ).all()
        assert [m.number_label for m in labels] == ["1/2568", "2/2568"]


def test_an_agenda_item_sent_twice_is_added_once(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    data = {"section": "4", "title": "ข้อเสนอโครงการส่งซ้ำ", "body": ""}
    first, second = submit_twice(client, f"/meetings/{meeting}/agenda/new", data)
    [item] = ids(app, AgendaItem, AgendaItem.title == data["title"])
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/meetings/{meeting}"
    assert audit_actions(app, "agenda_items", item) == ["created"]


def test_a_guest_sent_twice_is_added_once(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    page = f"/meetings/{meeting}/attendance"
    data = {"name": "นายแขก ส่งซ้ำ", "position": "ที่ปรึกษา", "organisation_name": ""}
    first, second = submit_twice(client, f"/meetings/{meeting}/guests", data, page)
    [guest] = ids(
        app, Attendance, Attendance.meeting_id == meeting, Attendance.kind == AttendanceKind.GUEST
    )
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == page
    assert audit_actions(app, "meeting_attendance", guest) == ["created"]


def test_a_refused_guest_keeps_the_token_for_the_corrected_one(
    app, client, sign_in, board, schedule
):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    token = form_token(client, f"/meetings/{meeting}/attendance")
    url = f"/meetings/{meeting}/guests"
    with client.post(url, data={"name": "ก" * 201, "submission": token}) as response:
        assert response.status_code == 422
        assert f'value="{token}"' in response.get_data(as_text=True)
    with client.post(url, data={"name": "นายแขก", "submission": token}) as response:
        assert response.status_code == 302
    with client.post(url, data={"name": "นายแขก", "submission": token}) as response:
        assert response.status_code == 302
    assert len(ids(app, Attendance, Attendance.meeting_id == meeting)) == 1


def test_an_action_item_sent_twice_is_recorded_once(app, client, sign_in, board, schedule, hold):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    item = _add_item(app, meeting)
    hold(meeting, seats.seats)
    data = {"text": "จัดทำรายงานผลการศึกษา", "owner": "ฝ่ายเลขานุการ", "due_on": ""}
    url = f"/meetings/{meeting}/agenda/{item}/actions/new"
    first, second = submit_twice(client, url, data)
    [action] = ids(app, ActionItem, ActionItem.agenda_item_id == item)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Location"] == f"/meetings/{meeting}#item-{item}"
    assert audit_actions(app, "action_items", action) == ["created"]


def test_an_amendment_sent_twice_is_recorded_once(app, client, sign_in, board, schedule, hold):
    sign_in(Role.STAFF)
    seats = board()
    first_meeting, second_meeting, _item = _two_meetings(app, seats, schedule, hold)
    hold(second_meeting, seats.seats)
    with app.app_context():
        certifying = db.session.get(AgendaItem, _certify_item(app, second_meeting))
        services.certify_minutes(certifying, actor=None)
    url = f"/meetings/{first_meeting}/amendments/new"
    first, second = submit_twice(client, url, {"text": "แก้ไขเวลาเลิกประชุม"})
    [amendment] = ids(app, MinutesAmendment, MinutesAmendment.meeting_id == first_meeting)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/meetings/{first_meeting}"
    assert audit_actions(app, "minutes_amendments", amendment) == ["recorded amendment"]
    with app.app_context():
        assert [a.number for a in db.session.get(Meeting, first_meeting).amendments] == [1]


def test_the_invitations_button_pressed_twice_mails_once(
    app, client, sign_in, board, schedule, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path / "mail"))
    sign_in(Role.STAFF)
    meeting = schedule(board().committee, services.today() + timedelta(days=14))
    page = f"/meetings/{meeting}"
    first, second = submit_twice(client, f"/meetings/{meeting}/invitations", {}, page)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == page
    assert len(list(Path(tmp_path / "mail").iterdir())) == 5  # one mail per sitting member
    assert audit_actions(app, "meetings", meeting).count("sent invitations") == 1


def test_invitations_mailed_again_later_with_a_fresh_page_go_again(
    app, client, sign_in, board, schedule, tmp_path, monkeypatch
):
    """Mailing again on purpose (the page shown afresh) is not a double click."""
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path / "mail"))
    sign_in(Role.STAFF)
    meeting = schedule(board().committee, services.today() + timedelta(days=14))
    for _round in range(2):
        token = form_token(client, f"/meetings/{meeting}")
        with client.post(
            f"/meetings/{meeting}/invitations", data={"submission": token}
        ) as response:
            assert response.status_code == 302
    assert len(list(Path(tmp_path / "mail").iterdir())) == 10
