"""The meeting page reads the meeting as plain rows (``queries.meeting_page``): the same
particulars, attendance sheet and quorum as the meeting's objects give, in three statements
(four when a line's seat no longer sat on the meeting day), for whoever may reach it."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from registry import audit
from registry.auth.models import Role, User
from registry.committees.models import Committee, Membership, QuorumRule
from registry.committees.queries import sitting_members
from registry.db import db
from registry.meetings import queries, services
from registry.meetings.models import Meeting, MeetingStatus

from .conftest import DAY

#: The columns of the meeting the page shows, read the same from the row and the object.
COLUMNS = (
    "id", "committee_id", "number", "year_be", "number_label", "held_on", "starts_at",
    "ends_at", "venue", "electronic", "online_link", "status", "locked", "was_held",
    "cancel_reason", "opened_at", "closed_at", "quorum_note", "minute_taker_name",
    "minute_taker_position", "reviewer_name", "reviewer_position", "certified_at_meeting_id",
    "certified_on", "certification_changes", "invitations_sent_at",
)  # fmt: skip


def _particulars(meeting) -> tuple:
    """What the page reads of the meeting itself, whichever shape it comes in."""
    certifier = meeting.certified_at_meeting
    return (
        tuple(getattr(meeting, name) for name in COLUMNS),
        meeting.committee.name_th,
        certifier and (certifier.id, certifier.number_label),
    )


def _sheet(sheet) -> tuple:
    """What ``meetings/_attendance.html`` and the page read of an attendance sheet."""

    def entry(e):
        line = e.line
        return (
            e.seat.id, e.seat.contact.full_name, e.seat.title_th, e.seat.organisation.name_th,
            line and (line.id, line.kind, line.name, line.position, line.absence_reason),
        )  # fmt: skip

    return (
        [entry(e) for e in sheet.present],
        [entry(e) for e in sheet.absent],
        [entry(e) for e in sheet.unrecorded],
        [(g.id, g.name, g.position, g.organisation_name) for g in sheet.guests],
    )


def _staff(app, make_user) -> int:
    return make_user(Role.STAFF)


def test_the_page_rows_match_the_meeting_objects_with_a_seat_no_longer_sitting(
    app, make_user, board, schedule, hold, statements
):
    staff = _staff(app, make_user)
    seats = board()
    first = schedule(seats.committee, DAY)
    chair, *members, secretary = seats.seats
    hold(first, seats.seats, drafted=True, kinds={members[0]: "absent"})
    second = schedule(seats.committee, date(2025, 4, 10), electronic=True,
                      online_link="https://meet.example/abc")  # fmt: skip
    with app.app_context():
        meeting = db.session.get(Meeting, second)
        services.add_guest(meeting, actor=None, name="นายแขก รับเชิญ", position="ที่ปรึกษา",
                           organisation_name="กรมทดสอบ")  # fmt: skip
        earlier = db.session.get(Meeting, first)  # its minutes certified at the second
        earlier.status = MeetingStatus.MINUTES_CERTIFIED
        earlier.certified_at_meeting_id = second
        earlier.certified_on = date(2025, 4, 10)
        earlier.certification_changes = "แก้ไขวาระที่ 1.1"
        # the member recorded absent has left the committee since: a line of no sitting seat
        seat = db.session.get(Membership, members[0])
        seat.ended_on, seat.end_reason = DAY - timedelta(days=1), "ลาออก"
        audit.record_event(None, "changed (test)", record_type="meetings")
        db.session.commit()

    for meeting_id in (first, second):
        with app.app_context():
            user = db.session.get(User, staff)
            with statements() as counted:
                page = queries.meeting_page(user, meeting_id)
            record = db.session.get(Meeting, meeting_id)
            objects = sitting_members(record.committee, record.held_on)

            assert _particulars(page.meeting) == _particulars(record)
            assert [s.id for s in page.seats] == [s.id for s in objects]
            assert _sheet(queries.attendance_sheet(page.meeting, page.seats)) == _sheet(
                queries.attendance_sheet(record, objects)
            )
            assert services.quorum(page.meeting, page.seats) == services.quorum(record, objects)
            stray = meeting_id == first
            assert len(counted) == (4 if stray else 3)

    with app.app_context():
        page = queries.meeting_page(db.session.get(User, staff), first)
        sheet = queries.attendance_sheet(page.meeting, page.seats)
        assert members[0] not in {s.id for s in page.seats}
        assert [e.seat.id for e in sheet.absent] == [members[0]]  # still in the minutes


def test_the_quorum_from_the_rows_follows_the_committees_rule(
    app, make_user, board, schedule, hold
):
    staff = _staff(app, make_user)
    seats = board()
    meeting_id = schedule(seats.committee, DAY)
    chair, *members, secretary = seats.seats
    hold(meeting_id, [chair, members[0]])
    needed = []
    for rule, number in ((QuorumRule.MORE_THAN_HALF, None), (QuorumRule.TWO_THIRDS, None),
                         (QuorumRule.FIXED, 2)):  # fmt: skip
        with app.app_context():
            db.session.execute(
                sa.update(Committee)
                .where(Committee.id == seats.committee)
                .values(quorum_rule=rule, quorum_number=number)
            )
            audit.record_event(None, "changed (test)", record_type="committees")
            db.session.commit()
        with app.app_context():
            page = queries.meeting_page(db.session.get(User, staff), meeting_id)
            quorum = services.quorum(page.meeting, page.seats)
            assert quorum == services.quorum(db.session.get(Meeting, meeting_id))
            needed.append((quorum.sitting, quorum.needed, quorum.attending, quorum.reached))

    assert needed == [(5, 3, 2, False), (5, 4, 2, False), (5, 2, 2, True)]


def test_the_page_rows_are_not_found_for_a_meeting_out_of_reach(app, make_user, board, schedule):
    seats = board()
    meeting_id = schedule(seats.committee, DAY)
    staff = _staff(app, make_user)
    secretary = make_user(Role.SECRETARY)
    other = board(secretary_user=secretary)  # the secretary runs another committee
    theirs = schedule(other.committee, DAY)
    with app.app_context():
        for user_id, wanted in ((staff, meeting_id + 10_000), (secretary, meeting_id)):
            try:
                queries.meeting_page(db.session.get(User, user_id), wanted)
            except NotFound:
                pass
            else:
                raise AssertionError(f"meeting {wanted} reached by account {user_id}")
        page = queries.meeting_page(db.session.get(User, secretary), theirs)
        assert page.meeting.id == theirs and page.meeting.committee.id == other.committee


def test_the_page_lists_a_member_no_longer_sitting_and_the_certifying_meeting(
    app, client, sign_in, board, schedule, hold
):
    sign_in(Role.STAFF)
    seats = board()
    first = schedule(seats.committee, DAY)
    chair, *members, secretary = seats.seats
    hold(first, seats.seats, kinds={members[1]: "absent"})
    second = schedule(seats.committee, date(2025, 4, 10))
    with app.app_context():
        earlier = db.session.get(Meeting, first)
        earlier.status = MeetingStatus.MINUTES_CERTIFIED
        earlier.certified_at_meeting_id = second
        earlier.certified_on = date(2025, 4, 10)
        seat = db.session.get(Membership, members[1])
        seat.ended_on, seat.end_reason = DAY - timedelta(days=1), "ลาออก"
        name = seat.contact.full_name
        number = db.session.get(Meeting, second).number_label
        audit.record_event(None, "changed (test)", record_type="meetings")
        db.session.commit()

    with client.get(f"/meetings/{first}") as response:
        html = response.get_data(as_text=True)
    with client.get(f"/meetings/{first + second + 10_000}") as missing:
        pass

    assert response.status_code == 200
    assert f'{name} <span class="text-muted">(' in html  # listed among the absent
    assert f'href="/meetings/{second}"' in html and number in html
    assert missing.status_code == 404
