"""The prompt to mail the invitations again: shown on the meeting page once the agenda (its
items, day, number) changed after the invitations were mailed, with the button that mails
them; gone after mailing them again, and never before the first mailing or for a meeting
that has taken place."""

from __future__ import annotations

from datetime import time, timedelta

from registry.auth.models import Role
from registry.committees.services import today
from registry.db import db
from registry.meetings import invitations, services
from registry.meetings.models import AgendaItem, Meeting

PROMPT = "ระเบียบวาระเปลี่ยนหลังส่งหนังสือเชิญ"
AGAIN = "ส่งหนังสือเชิญใหม่"


def _page(client, meeting_id: int) -> str:
    with client.get(f"/meetings/{meeting_id}") as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def _add_item(app, meeting_id: int, title: str) -> int:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return services.add_item(meeting, actor=None, section=4, title=title).id


def test_the_page_prompts_to_resend_after_the_agenda_changes(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    committee = board().committee
    meeting = schedule(committee, today() + timedelta(days=20))
    _add_item(app, meeting, "แผนงานศูนย์ DGTi")
    page = _page(client, meeting)
    assert PROMPT not in page and AGAIN not in page  # nothing mailed yet
    with client.post(f"/meetings/{meeting}/invitations") as response:
        assert response.status_code == 302
    assert PROMPT not in _page(client, meeting)  # mailed as it stands
    added = _add_item(app, meeting, "ข้อเสนอโครงการเมืองอัจฉริยะ")
    page = _page(client, meeting)
    assert PROMPT in page and AGAIN in page
    prompt = page[page.index('id="resend-invitations"') :][:1500]
    assert f'action="/meetings/{meeting}/invitations"' in prompt
    assert page.count(f'action="/meetings/{meeting}/invitations"') == 1  # one button, not two
    # Taking the change back ends the prompt: it is the agenda that counts, not the writes.
    with app.app_context():
        services.delete_item(db.session.get(AgendaItem, added), None)
    assert PROMPT not in _page(client, meeting)
    _add_item(app, meeting, "ข้อเสนอโครงการเมืองอัจฉริยะ")
    assert PROMPT in _page(client, meeting)
    with client.post(f"/meetings/{meeting}/invitations") as response:
        assert response.status_code == 302
    page = _page(client, meeting)
    assert PROMPT not in page and AGAIN not in page


def test_a_renumbering_or_a_new_time_also_prompts(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    committee = board().committee
    day = today() + timedelta(days=10)
    if (day + timedelta(days=3)).year != day.year:  # two days of the same year, ahead
        day += timedelta(days=5)
    later = schedule(committee, day + timedelta(days=3))
    with app.app_context():
        invitations.send(db.session.get(Meeting, later), None)
    assert PROMPT not in _page(client, later)
    schedule(committee, day)  # now first: the later one is renumbered
    assert PROMPT in _page(client, later)
    with app.app_context():
        invitations.send(db.session.get(Meeting, later), None)
    assert PROMPT not in _page(client, later)
    with app.app_context():
        meeting = db.session.get(Meeting, later)
        services.update_meeting(meeting, actor=None, starts_at=time(9), ends_at=time(12))
    assert PROMPT in _page(client, later)


def test_no_prompt_once_the_meeting_has_taken_place(app, board, schedule):
    committee = board().committee
    meeting = schedule(committee, today() + timedelta(days=3))
    with app.app_context():
        record = db.session.get(Meeting, meeting)
        invitations.send(record, None)
        services.add_item(record, actor=None, section=4, title="เรื่องเพิ่มเติม")
        assert invitations.agenda_changed_since_sent(record)
        record.held_on = today() - timedelta(days=1)  # as seen on the day after
        assert not invitations.agenda_changed_since_sent(record)
        db.session.rollback()
