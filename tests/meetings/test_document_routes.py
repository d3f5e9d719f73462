"""The meeting's documents on the pages: the agenda and minutes PDFs (stored, served again
without rendering), the calendar file, the invitations button, and what a representative
may download (the certified minutes of their committees, nothing else)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from registry.auth.models import Role
from registry.committees.services import today
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.meetings import services
from registry.meetings.models import Meeting
from tests.documents.conftest import pdf_pages_text
from tests.meetings.conftest import DAY


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(DocumentVersion.id)))


def test_staff_print_the_agenda_once_and_are_served_the_stored_copy_after(
    app, client, sign_in, board, schedule
):
    sign_in(Role.STAFF)
    meeting = schedule(board(name_th="คณะกรรมการพิมพ์วาระ").committee, DAY)
    with client.get(f"/meetings/{meeting}/agenda.pdf?variant=th") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        first = response.get_data()
    text = "".join(pdf_pages_text(first))
    assert "ระเบียบวาระการประชุม" in text and "คณะกรรมการพิมพ์วาระ" in text
    stored = _versions(app)
    with client.get(f"/meetings/{meeting}/agenda.pdf?variant=th") as response:
        assert response.get_data() == first
    assert _versions(app) == stored  # served from storage, not produced again

    with client.get(f"/meetings/{meeting}") as response:
        page = response.get_data(as_text=True)
    with app.app_context():
        version = db.session.scalar(sa.select(DocumentVersion).order_by(DocumentVersion.id.desc()))
    assert f"/meetings/{meeting}/documents/{version.id}" in page
    with client.get(f"/meetings/{meeting}/documents/{version.id}") as response:
        assert response.status_code == 200 and response.get_data() == first

    # Another meeting's URL with this version, unknown variants: not found.
    other = schedule(board().committee, DAY)
    for url in (
        f"/meetings/{other}/documents/{version.id}",
        f"/meetings/{meeting}/agenda.pdf?variant=fr",
        f"/meetings/{meeting}/agenda.pdf?variant=pdfa-th",
        f"/meetings/{meeting}/minutes.pdf?variant=../../etc",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
    assert _versions(app) == stored


def test_minutes_are_refused_with_a_message_until_the_meeting_is_held(
    app, client, sign_in, board, schedule, hold
):
    sign_in(Role.STAFF)
    committee = board()
    meeting = schedule(committee.committee, DAY)
    with client.get(f"/meetings/{meeting}/minutes.pdf", follow_redirects=True) as response:
        assert response.status_code == 200
        assert response.request.path == f"/meetings/{meeting}"
        assert "จัดพิมพ์รายงานการประชุมได้เมื่อได้มีการประชุมแล้วเท่านั้น" in response.get_data(as_text=True)
    assert _versions(app) == 0
    hold(meeting, committee.seats)
    with client.get(f"/meetings/{meeting}/minutes.pdf?variant=en") as response:
        assert response.status_code == 200
        text = "".join(pdf_pages_text(response.get_data()))
    assert "Minutes" in text
    assert _versions(app) == 1


def test_the_calendar_file_and_the_invitations(app, client, sign_in, board, schedule, call):
    sign_in(Role.STAFF)
    committee = board(name_th="คณะกรรมการเชิญประชุม")
    meeting = schedule(committee.committee, today() + timedelta(days=14))
    with client.get(f"/meetings/{meeting}/meeting.ics") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        body = response.get_data()
    assert body.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in body

    with client.post(f"/meetings/{meeting}/invitations", follow_redirects=True) as response:
        assert response.status_code == 200
        assert "ส่งหนังสือเชิญประชุมทางอีเมลถึงกรรมการ 5 คนแล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting).invitations_sent_at is not None
    assert any(Path(app.config["MAIL_FOLDER"]).iterdir())

    # A cancelled meeting: refused with the reason, nothing sent again.
    call(services.cancel_meeting, Meeting, meeting, None, reason="เลื่อนไม่มีกำหนด")
    sent = len(list(Path(app.config["MAIL_FOLDER"]).iterdir()))
    with client.post(f"/meetings/{meeting}/invitations") as response:
        assert response.status_code == 409
    assert len(list(Path(app.config["MAIL_FOLDER"]).iterdir())) == sent


def test_a_secretary_prints_only_their_committees_documents(app, client, sign_in, board, schedule):
    secretary = sign_in(Role.SECRETARY)
    mine = schedule(board(secretary_user=secretary).committee, DAY)
    theirs = schedule(board().committee, DAY)
    with client.get(f"/meetings/{theirs}/agenda.pdf") as response:
        assert response.status_code == 404
    with client.get(f"/meetings/{theirs}/meeting.ics") as response:
        assert response.status_code == 404
    with client.post(f"/meetings/{theirs}/invitations") as response:
        assert response.status_code == 404
    with client.get(f"/meetings/{mine}/meeting.ics") as response:
        assert response.status_code == 200


def test_a_representative_downloads_only_certified_minutes_of_their_committees(
    app, client, sign_in, board, schedule, hold, make_organisation, make_contact, appoint
):
    association = make_organisation()
    sign_in(Role.REPRESENTATIVE, organisation_id=association)
    ours = board(name_th="คณะที่สมาคมนั่งอยู่")
    seats = [*ours.seats, appoint(ours.committee, make_contact(association), "member")]
    first = schedule(ours.committee, DAY)
    hold(first, seats, drafted=True)
    second = schedule(ours.committee, date(2025, 4, 10))
    theirs = board()
    elsewhere = schedule(theirs.committee, DAY)
    hold(elsewhere, theirs.seats, drafted=True)

    # Drafted, not certified: not found, and nothing produced.
    with client.get(f"/meetings/ours/{first}/minutes.pdf") as response:
        assert response.status_code == 404
    assert _versions(app) == 0

    hold(second, seats)
    with app.app_context():
        item = next(i for i in db.session.get(Meeting, second).items if i.certifies_meeting_id)
        services.certify_minutes(item, actor=None)
    with client.get(f"/meetings/ours/{first}") as response:
        assert f"/meetings/ours/{first}/minutes.pdf" in response.get_data(as_text=True)
    with client.get(f"/meetings/ours/{first}/minutes.pdf?variant=th") as response:
        assert response.status_code == 200
        text = "".join(pdf_pages_text(response.get_data()))
    assert "รายงานการประชุม" in text and "ครั้งที่ 1/2568" in text
    assert "เมื่อวันที่ 10 มีนาคม พ.ศ. 2568" in text

    # Another committee's minutes, the staff routes, a made-up id: not found.
    for url in (
        f"/meetings/ours/{elsewhere}/minutes.pdf",
        f"/meetings/{first}/minutes.pdf",
        f"/meetings/{first}/agenda.pdf",
        f"/meetings/{first}/meeting.ics",
        "/meetings/ours/999999/minutes.pdf",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
