"""Meeting numbers follow the meetings' dates within the Buddhist year: a meeting scheduled
(or moved) before unheld ones takes its place and they are renumbered, each with an audit
event and a message on the page; held meetings never change, and a meeting cannot be placed
before one; the previous/next links and the certification of minutes follow date order; an
agenda printed before a renumbering keeps its number, the next printing carries the new one."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.documents.services import file_path
from registry.meetings import printing, services
from registry.meetings.models import Meeting
from tests.conftest import read_version
from tests.documents.conftest import pdf_pages_text

FORM = {
    "starts_at": "13:30",
    "ends_at": "16:00",
    "venue": "ห้องประชุม 1 อาคารสำนักงานพัฒนารัฐบาลดิจิทัล",
    "online_link": "",
}


def _labels(fetch, *meeting_ids: int) -> list[str]:
    return [fetch(Meeting, meeting_id).number_label for meeting_id in meeting_ids]


def _renumbered_events(app, meeting_id: int) -> list[dict]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.changes).where(
                    AuditEvent.record_type == "meetings",
                    AuditEvent.record_id == meeting_id,
                    AuditEvent.action == "renumbered",
                )
            )
        )


def _renumbered(app, meeting_id: int) -> list[list[int]]:
    """The number changes the audit log records as the meeting's renumberings."""
    return [changes["number"] for changes in _renumbered_events(app, meeting_id)]


def _certifies(app, meeting_id: int) -> list[int]:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return [item.certifies_meeting_id for item in meeting.items if item.section == 2]


def test_a_meeting_scheduled_before_unheld_ones_takes_its_place_in_date_order(
    app, board, schedule, fetch
):
    committee = board().committee
    late = schedule(committee, date(2026, 12, 28))
    later = schedule(committee, date(2026, 12, 30))
    early = schedule(committee, date(2026, 12, 7))
    assert _labels(fetch, early, late, later) == ["1/2569", "2/2569", "3/2569"]
    assert _renumbered(app, late) == [[1, 2]]
    assert _renumbered(app, later) == [[2, 3]]
    # The same day, earlier in the morning, still comes first.
    morning = schedule(committee, date(2026, 12, 7), starts_at=time(9), ends_at=time(12))
    assert _labels(fetch, morning, early, late, later) == ["1/2569", "2/2569", "3/2569", "4/2569"]
    # Another year, another committee: untouched.
    assert _labels(fetch, schedule(committee, date(2027, 1, 5))) == ["1/2570"]
    assert _labels(fetch, schedule(board().committee, date(2026, 12, 1))) == ["1/2569"]


def test_cancelled_meetings_are_numbered_in_date_order_with_the_unheld(
    app, board, schedule, call, fetch
):
    committee = board().committee
    cancelled = schedule(committee, date(2026, 12, 20))
    call(services.cancel_meeting, Meeting, cancelled, None, reason="ประธานติดภารกิจ")
    instead = schedule(committee, date(2026, 12, 10))
    assert _labels(fetch, instead, cancelled) == ["1/2569", "2/2569"]


def test_held_meetings_keep_their_numbers_and_nothing_is_placed_before_them(
    app, client, sign_in, board, schedule, hold, fetch, count
):
    sign_in(Role.STAFF)
    seats = board()
    committee = seats.committee
    first = schedule(committee, date(2025, 2, 1))
    held = schedule(committee, date(2025, 3, 10))
    hold(held, seats.seats)
    upcoming = schedule(committee, date(2025, 12, 20))
    # Between the first (unheld) and the held meeting: refused at the day, nothing saved.
    before = count(Meeting), count(AuditEvent)
    form = FORM | {"held_on": "2025-02-20"}
    with client.post(f"/meetings/committee/{committee}/new", data=form) as response:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
    assert 'id="held_on-error"' in page
    assert "การประชุมครั้งที่ 2/2568 จัดไปแล้วเมื่อ 10 มีนาคม 2568" in page
    assert (count(Meeting), count(AuditEvent)) == before
    # After the held meeting: the unheld one after it is renumbered, the held ones are not.
    form = FORM | {"held_on": "2025-06-01"}
    with client.post(f"/meetings/committee/{committee}/new", data=form) as response:
        assert response.status_code == 302
    with client.get(response.headers["Location"]) as page:
        text = page.get_data(as_text=True)
    assert "ครั้งที่ 3/2568 เป็นครั้งที่ 4/2568 (20 ธันวาคม 2568)" in text  # said on the page
    assert _labels(fetch, first, held, upcoming) == ["1/2568", "2/2568", "4/2568"]
    # Moving the unheld upcoming meeting before the held one is refused the same way.
    data = FORM | {"held_on": "2025-03-01"} | read_version(client, f"/meetings/{upcoming}/edit")
    with client.post(f"/meetings/{upcoming}/edit", data=data) as response:
        assert response.status_code == 422
        assert 'id="held_on-error"' in response.get_data(as_text=True)
    assert fetch(Meeting, upcoming).held_on == date(2025, 12, 20)
    assert _labels(fetch, upcoming) == ["4/2568"]


def test_moving_a_meeting_renumbers_the_year_and_says_so(
    app, client, sign_in, board, schedule, fetch
):
    sign_in(Role.STAFF)
    committee = board().committee
    first = schedule(committee, date(2026, 12, 7))
    second = schedule(committee, date(2026, 12, 14))
    third = schedule(committee, date(2026, 12, 21))
    data = FORM | {"held_on": "2026-12-18"} | read_version(client, f"/meetings/{first}/edit")
    with client.post(f"/meetings/{first}/edit", data=data) as response:
        assert response.status_code == 302
    with client.get(response.headers["Location"]) as page:
        text = page.get_data(as_text=True)
    assert "เปลี่ยนเลขครั้งของการประชุมต่อไปนี้: ครั้งที่ 2/2569 เป็นครั้งที่ 1/2569" in text
    assert "(14 ธันวาคม 2569)" in text
    assert _labels(fetch, second, first, third) == ["1/2569", "2/2569", "3/2569"]
    with app.app_context():
        moved = db.session.scalars(
            sa.select(AuditEvent.changes).where(
                AuditEvent.record_type == "meetings",
                AuditEvent.record_id == first,
                AuditEvent.action == "updated",
            )
        ).all()
    assert moved[-1]["number"] == [1, 2]
    assert _renumbered(app, second) == [[2, 1]]
    assert _renumbered(app, third) == []  # its number did not change
    # Only the place changing renumbers nothing.
    data = FORM | {"held_on": "2026-12-18", "venue": "ห้อง 2"}
    data |= read_version(client, f"/meetings/{first}/edit")
    with client.post(f"/meetings/{first}/edit", data=data) as response:
        assert response.status_code == 302
    assert _labels(fetch, second, first, third) == ["1/2569", "2/2569", "3/2569"]
    # Moved into the next year: the year left closes its gap.
    data = FORM | {"held_on": "2027-01-08"} | read_version(client, f"/meetings/{first}/edit")
    with client.post(f"/meetings/{first}/edit", data=data) as response:
        assert response.status_code == 302
    assert _labels(fetch, second, third, first) == ["1/2569", "2/2569", "1/2570"]


def test_previous_and_next_links_follow_the_dates(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    committee = board().committee
    late = schedule(committee, date(2026, 12, 28))
    early = schedule(committee, date(2026, 12, 7))
    with client.get(f"/meetings/{early}") as response:
        page = response.get_data(as_text=True)
    following = page[page.index("ครั้งถัดไป:") :][:300]
    assert f"/meetings/{late}" in following and "2/2569" in following
    assert "ครั้งก่อน:" not in page
    with client.get(f"/meetings/{late}") as response:
        page = response.get_data(as_text=True)
    assert "ครั้งถัดไป:" not in page
    previous = page[page.index("ครั้งก่อน:") :][:300]
    assert f"/meetings/{early}" in previous and "1/2569" in previous


def test_the_certification_moves_to_the_meeting_now_first_after_the_minutes(
    app, board, schedule, hold, fetch
):
    seats = board()
    committee = seats.committee
    held = schedule(committee, date(2025, 11, 20))
    hold(held, seats.seats, drafted=True)
    late = schedule(committee, date(2025, 12, 28))
    assert _certifies(app, late) == [held]
    early = schedule(committee, date(2025, 12, 7))
    assert _certifies(app, early) == [held]
    assert _certifies(app, late) == []
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.record_type == "agenda_items")
        ).all()
    assert actions.count("added automatically") == 2 and actions.count("deleted") == 1
    # Moved after the other one, the certification goes back to the first after the minutes.
    with app.app_context():
        services.update_meeting(
            db.session.get(Meeting, early), actor=None, held_on=date(2025, 12, 30)
        )
    assert _certifies(app, late) == [held] and _certifies(app, early) == []
    assert _labels(fetch, held, late, early) == ["1/2568", "2/2568", "3/2568"]


def test_an_agenda_printed_before_the_renumbering_keeps_its_number(app, board, schedule):
    committee = board().committee
    late = schedule(committee, date(2026, 12, 28))
    with app.app_context():
        first_print = printing.publish_agenda(db.session.get(Meeting, late), "th", None)
        first_id, first_pdf = first_print.id, file_path(first_print).read_bytes()
    schedule(committee, date(2026, 12, 7))
    with app.app_context():
        assert db.session.get(DocumentVersion, first_id).reference == "ครั้งที่ 1/2569"
        reprint = printing.publish_agenda(db.session.get(Meeting, late), "th", None)
        assert reprint.id != first_id and reprint.reference == "ครั้งที่ 2/2569"
        reprint_pdf = file_path(reprint).read_bytes()
    stored, reprinted = "".join(pdf_pages_text(first_pdf)), "".join(pdf_pages_text(reprint_pdf))
    assert "1/2569" in stored and "2/2569" not in stored
    assert "2/2569" in reprinted and "1/2569" not in reprinted
