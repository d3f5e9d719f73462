"""The meeting pages read the agenda as plain rows (``queries.agenda_rows``): the same
sections, items, referred meetings, votes and action items as the agenda's objects."""

from __future__ import annotations

from datetime import date

from registry.auth.models import Role, User
from registry.db import db
from registry.meetings import queries, services
from registry.meetings.models import ActionItem, AgendaItem, Meeting

from .conftest import DAY


def _as_seen(sections) -> list:
    """What ``meetings/_agenda.html`` reads of each item, whichever shape it comes in."""
    seen = []
    for section, items in sections:
        for item in items:
            earlier = item.certifies_meeting
            followed = item.follows_item
            seen.append((
                section, item.id, item.number_label, item.title, item.body, item.resolution,
                item.outcome, item.has_votes, item.votes_for, item.votes_against,
                item.votes_abstain,
                [(a.id, a.text, a.owner, a.due_on, a.done_on, a.open) for a in item.actions],
                earlier and (earlier.id, earlier.number_label, earlier.status,
                             earlier.certified_at_meeting_id),
                followed and (followed.id, followed.number_label, followed.meeting_id,
                              followed.meeting.number_label,
                              [(a.id, a.text, a.open) for a in followed.actions if a.open]),
            ))  # fmt: skip
        seen.append(("section", section, len(items)))
    return seen


def test_the_agenda_rows_match_the_agenda_objects(app, board, schedule, hold):
    seats = board()
    first = schedule(seats.committee, DAY)
    with app.app_context():
        meeting = db.session.get(Meeting, first)
        item_id = services.add_item(meeting, actor=None, section=4, title="แผนงาน").id
    hold(first, seats.seats)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        services.record_resolution(
            item, actor=None, resolution="เห็นชอบ", outcome="approved", votes_for=4,
            votes_against=0,
        )  # fmt: skip
        services.add_action(item, actor=None, text="จัดทำแผน", owner="ฝ่ายเลขานุการ",
                            due_on=date(2025, 4, 1))  # fmt: skip
        done = services.add_action(item, actor=None, text="รายงานผล", owner="สมาคม")
        services.mark_action_done(
            db.session.get(ActionItem, done.id), None, done_on=date(2025, 3, 20)
        )
    second = schedule(seats.committee, date(2025, 4, 10))
    with app.app_context():
        meeting = db.session.get(Meeting, second)
        services.add_item(meeting, actor=None, section=5, title="เรื่องอื่น", body="บรรทัด 1\nบรรทัด 2")

    with app.app_context():
        meeting = db.session.get(Meeting, second)
        objects = queries.agenda_by_section(meeting)
        rows = queries.agenda_rows(meeting)
        seen = _as_seen(rows)

        assert seen == _as_seen(objects)
        certify, follow, other = (item for _section, items in rows for item in items)
        assert certify.certifies_meeting.id == first
        assert [a.text for a in follow.follows_item.actions if a.open] == ["จัดทำแผน"]
        assert other.body == "บรรทัด 1\nบรรทัด 2"
    with app.app_context():
        meeting = db.session.get(Meeting, first)
        assert _as_seen(queries.agenda_rows(meeting)) == _as_seen(
            queries.agenda_by_section(meeting)
        )
        (item,) = (item for _section, items in queries.agenda_rows(meeting) for item in items)
        assert item.has_votes and [a.open for a in item.actions] == [True, False]


def test_an_empty_agenda_lists_the_five_sections_in_one_statement(
    app, board, schedule, statements
):
    seats = board()
    meeting_id = schedule(seats.committee, DAY)  # the committee's first: nothing to carry
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        with statements() as counted:
            sections = queries.agenda_rows(meeting)

    assert [(int(section), items) for section, items in sections] == [
        (n, []) for n in range(1, 6)
    ]
    assert len(counted) == 1


def test_the_meeting_page_lists_each_amendment_with_who_recorded_it_in_order(
    app, client, sign_in, make_user, board, schedule, hold
):
    staff = sign_in(Role.STAFF, full_name="นายบันทึก แก้ไข")
    seats = board()
    first = schedule(seats.committee, DAY)
    hold(first, seats.seats, drafted=True)
    second = schedule(seats.committee, date(2025, 4, 10))
    hold(second, seats.seats)
    with app.app_context():
        meeting = db.session.get(Meeting, second)
        certify = next(item for item in meeting.items if item.certifies_meeting_id == first)
        services.certify_minutes(certify, actor=None)
        earlier = db.session.get(Meeting, first)
        services.add_amendment(earlier, actor=db.session.get(User, staff), text="แก้ลำดับที่ 2")
        services.add_amendment(earlier, actor=None, text="แก้เวลาเลิกประชุม")

    with app.app_context():
        earlier = db.session.get(Meeting, first)
        assert [(a.number, a.text, a.created_at, a.created_by_name)
                for a in queries.amendment_rows(earlier)] == [
            (a.number, a.text, a.created_at, a.created_by.full_name if a.created_by else None)
            for a in earlier.amendments
        ]  # fmt: skip
    with client.get(f"/meetings/{first}") as response:
        html = response.get_data(as_text=True)

    assert response.status_code == 200
    amendments = html[html.index("แก้ลำดับที่ 2"):]
    assert "นายบันทึก แก้ไข" in amendments.split("แก้เวลาเลิกประชุม")[0]
    assert "—" in amendments.split("แก้เวลาเลิกประชุม")[1].split("</div></div>")[0]
