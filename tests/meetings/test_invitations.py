"""Invitations to a meeting: the calendar file (RFC 5545: folding, escaping, times, a stable
UID and a SEQUENCE that grows with each mailing) and the mail to the sitting members with
the agenda and the calendar file attached; refused for cancelled or past meetings."""

from __future__ import annotations

import email
import smtplib
from datetime import date, datetime, time, timedelta
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.committees import services as committees
from registry.committees.models import Membership
from registry.committees.services import today
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.meetings import invitations, printing
from registry.meetings.models import Meeting, MeetingStatus
from registry.organisations import services as contacts
from registry.organisations.models import Contact
from tests.meetings.conftest_documents import (
    COMMITTEE_TH,
    PEOPLE,
    VENUE,
    add_item,
    add_meeting,
    build_committee,
    commit,
)

LINK = "https://meet.example.go.th/j/2569-3?pwd=abc"


@pytest.fixture
def committee(app, db_session, make_organisation, make_contact):
    return build_committee(app, make_organisation, make_contact)


@pytest.fixture
def make_meeting(app, committee):
    """A scheduled meeting of the committee (with one agenda item); its id."""

    def make(held_on: date, number: int = 3, **fields) -> int:
        with app.app_context():
            meeting = add_meeting(
                committee.id,
                number,
                held_on,
                electronic=fields.pop("electronic", True),
                online_link=fields.pop("online_link", LINK),
                **fields,
            )
            add_item(meeting, 4, 1, "ข้อเสนอโครงการ, ระยะที่ 2; งบประมาณ")
            commit()
            return meeting.id

    return make


@pytest.fixture
def upcoming(make_meeting):
    """Meeting 3 in thirty days' time, 13.30 to 16.30, in a room and online."""
    return make_meeting(today() + timedelta(days=30))


@pytest.fixture
def mailbox(app):
    """The messages written to the mail folder since the test began."""
    folder = Path(app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    seen = set(folder.iterdir())

    def read() -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(set(folder.iterdir()) - seen)
        ]

    return read


def ics_of(app, meeting_id: int) -> bytes:
    with app.app_context():
        return invitations.ics(db.session.get(Meeting, meeting_id))


def unfold(data: bytes) -> dict[str, list[str]]:
    """The content lines of a calendar file, unfolded (RFC 5545, 3.1), by property name."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    lines: dict[str, list[str]] = {}
    for line in text.replace("\r\n ", "").split("\r\n")[:-1]:
        name, _, value = line.partition(":")
        lines.setdefault(name, []).append(value)
    return lines


def unescape(value: str) -> str:
    """A TEXT value as written, read back."""
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def send(app, meeting_id: int, actor=None) -> int:
    with app.app_context():
        return invitations.send(db.session.get(Meeting, meeting_id), actor)


def events(app, meeting_id: int) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.record_type == "meetings",
                AuditEvent.record_id == meeting_id,
                AuditEvent.action == invitations.SENT_ACTION,
            )
        ).all()
        db.session.expunge_all()
        return list(found)


# --- the calendar file -----------------------------------------------------------------------


def test_text_values_are_escaped():
    assert invitations.escape_text("a,b;c\\d\r\ne\nf\x00") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert unescape(invitations.escape_text("ห้อง 1, ชั้น 2; อาคาร\\A\nบรรทัดใหม่")) == (
        "ห้อง 1, ชั้น 2; อาคาร\\A\nบรรทัดใหม่"
    )


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "ประชุมคณะกรรมการร่วมด้านนวัตกรรมดิจิทัลภาครัฐ" * 3 + " abc"
    folded = invitations.fold(line)
    physical = folded.split(b"\r\n")[:-1]
    assert len(physical) > 3
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    for part in physical:
        part.decode("utf-8")  # no character cut in two
    assert folded.decode().replace("\r\n ", "") == line + "\r\n"
    assert invitations.fold("VERSION:2.0") == b"VERSION:2.0\r\n"


def test_the_calendar_event_of_a_meeting(app, make_meeting):
    meeting_id = make_meeting(date(2026, 5, 19))
    data = ics_of(app, meeting_id)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    lines = unfold(data)
    assert lines["BEGIN"] == ["VCALENDAR", "VEVENT"] and lines["END"] == ["VEVENT", "VCALENDAR"]
    assert lines["VERSION"] == ["2.0"] and lines["METHOD"] == ["PUBLISH"]
    assert lines["PRODID"][0].startswith("-//")
    # 13.30 to 16.30 in Bangkok (UTC+7) is 06.30 to 09.30 UTC.
    assert lines["DTSTART"] == ["20260519T063000Z"]
    assert lines["DTEND"] == ["20260519T093000Z"]
    assert unescape(lines["SUMMARY"][0]) == f"ประชุม{COMMITTEE_TH} ครั้งที่ 3/2569"
    assert unescape(lines["LOCATION"][0]) == f"{VENUE} และผ่านสื่ออิเล็กทรอนิกส์"
    assert lines["URL"] == [LINK]
    assert LINK in unescape(lines["DESCRIPTION"][0]).split("\n")
    assert lines["SEQUENCE"] == ["0"] and lines["STATUS"] == ["CONFIRMED"]
    assert len(lines["DTSTAMP"][0]) == 16 and lines["DTSTAMP"][0].endswith("Z")
    # The same UID every time; another meeting has its own.
    uid = lines["UID"][0]
    assert unfold(ics_of(app, meeting_id))["UID"] == [uid]
    other = make_meeting(date(2026, 6, 16), number=4)
    assert unfold(ics_of(app, other))["UID"] != [uid]
    # A cancelled meeting's event says so (same UID, so a calendar updates its copy).
    with app.app_context():
        db.session.get(Meeting, meeting_id).status = MeetingStatus.CANCELLED
        commit()
    cancelled = unfold(ics_of(app, meeting_id))
    assert cancelled["STATUS"] == ["CANCELLED"] and cancelled["UID"] == [uid]


def test_a_venue_with_commas_and_no_end_time(app, make_meeting):
    meeting_id = make_meeting(
        date(2026, 5, 19),
        venue="ห้องประชุม 1, ชั้น 17; อาคาร\\เอ",
        ends_at=None,
        electronic=False,
        online_link=None,
    )
    lines = unfold(ics_of(app, meeting_id))
    assert lines["LOCATION"] == ["ห้องประชุม 1\\, ชั้น 17\\; อาคาร\\\\เอ"]
    assert unescape(lines["LOCATION"][0]) == "ห้องประชุม 1, ชั้น 17; อาคาร\\เอ"
    assert lines["DTEND"] == ["20260519T083000Z"]  # two hours when no end is planned
    assert "URL" not in lines


def test_a_link_that_is_not_a_web_address_is_left_out(app, make_meeting):
    meeting_id = make_meeting(date(2026, 5, 19), online_link="javascript:alert(1)")
    lines = unfold(ics_of(app, meeting_id))
    assert "URL" not in lines
    assert "javascript" not in unescape(lines["DESCRIPTION"][0])


# --- the mail --------------------------------------------------------------------------------


def test_invitations_go_to_the_sitting_members_with_the_agenda_and_calendar(
    app, committee, upcoming, mailbox, make_user
):
    # The vice chair's data was erased; the secretary's seat ended before the meeting.
    with app.app_context():
        contacts.erase_contact(db.session.get(Contact, committee.contacts["vice"]), None)
        committees.end_membership(
            db.session.get(Membership, committee.seats["secretary"]),
            None,
            ended_on=today(),
            reason="ลาออก",
        )
    staff = make_user("staff")
    with app.app_context():
        actor = db.session.get(User, staff)
        sent = invitations.send(db.session.get(Meeting, upcoming), actor)
    expected = sorted(PEOPLE[key][5] for key in ("chair", "absent", "substituted"))
    assert sent == 3
    messages = mailbox()
    assert sorted(message["To"] for message in messages) == expected  # one message each

    message = next(m for m in messages if m["To"] == PEOPLE["chair"][5])
    held_on = today() + timedelta(days=30)
    number = f"3/{held_on.year + 543}"
    assert message["Subject"] == f"ขอเชิญประชุม{COMMITTEE_TH} ครั้งที่ {number}"
    body = message.get_body(("plain",)).get_content()
    assert "เรียน นายประธาน ใจดี" in body and "Dear นายประธาน ใจดี," in body
    assert f"ขอเชิญประชุม{COMMITTEE_TH} ครั้งที่ {number} ในวันที่" in body
    assert "เวลา 13.30 น." in body and "at 13:30." in body
    assert LINK in body
    pdf, calendar = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    # The agenda under the name it downloads with: what it is, the committee, the number.
    name = pdf.get_filename()
    assert name.startswith("ระเบียบวาระการประชุม-") and name.endswith("-th.pdf")
    assert f"ครั้งที่-{number.replace('/', '-')}" in name
    assert pdf.get_content().startswith(b"%PDF-")
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_filename() == f"meeting-{number.replace('/', '-')}.ics"
    # The file as saved from the mail: UTF-8, as RFC 5545 has it and the part says.
    lines = unfold(calendar.get_payload(decode=True))
    assert lines["SEQUENCE"] == ["0"]
    assert unescape(lines["SUMMARY"][0]) == f"ประชุม{COMMITTEE_TH} ครั้งที่ {number}"
    uid = lines["UID"]

    # The agenda attached is the stored Thai agenda; one audit event with the counts.
    with app.app_context():
        meeting = db.session.get(Meeting, upcoming)
        assert meeting.invitations_sent_at is not None
        (agenda,) = printing.versions(meeting)
        assert agenda.record_type == printing.AGENDA_RECORD_TYPE and agenda.variant == "th"
        assert agenda.size == len(pdf.get_content())
    (event,) = events(app, upcoming)
    assert event.actor_id == staff
    assert event.changes["recipients"] == [None, 3]
    assert event.changes["skipped"] == [None, 2]  # no address; data erased
    assert event.changes["invitations_sent_at"][0] is None

    # Sent again (the meeting moved): the same event UID, a higher SEQUENCE, the new time.
    with app.app_context():
        db.session.get(Meeting, upcoming).starts_at = time(9, 0)
        commit()
    assert send(app, upcoming) == 3
    first = {m["Message-ID"] for m in messages}
    (again,) = [
        m for m in mailbox() if m["Message-ID"] not in first and m["To"] == PEOPLE["chair"][5]
    ]
    lines = unfold(list(again.iter_attachments())[1].get_payload(decode=True))
    assert lines["UID"] == uid and lines["SEQUENCE"] == ["1"]
    assert lines["DTSTART"] == [f"{held_on:%Y%m%d}T020000Z"]
    assert len(events(app, upcoming)) == 2


def test_cancelled_held_and_past_meetings_get_no_invitations(app, make_meeting, mailbox):
    cancelled = make_meeting(today() + timedelta(days=10), number=3)
    held = make_meeting(today() + timedelta(days=20), number=4)
    past = make_meeting(today() - timedelta(days=1), number=5)
    with app.app_context():
        db.session.get(Meeting, cancelled).status = MeetingStatus.CANCELLED
        db.session.get(Meeting, held).status = MeetingStatus.HELD
        commit()
    for meeting_id, message in (
        (cancelled, "ถูกยกเลิก"),
        (held, "ผ่านไปแล้ว"),
        (past, "ผ่านไปแล้ว"),
    ):
        with pytest.raises(invitations.InvitationError, match=message):
            send(app, meeting_id)
        assert events(app, meeting_id) == []
        with app.app_context():
            assert db.session.get(Meeting, meeting_id).invitations_sent_at is None
    assert mailbox() == []
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(DocumentVersion.id)).where(
                    DocumentVersion.record_type == printing.AGENDA_RECORD_TYPE,
                    DocumentVersion.record_id.in_([cancelled, held, past]),
                )
            )
            == 0
        )


def test_no_invitations_when_no_member_has_an_address(app, committee, upcoming, mailbox):
    with app.app_context():
        for contact_id in committee.contacts.values():
            db.session.get(Contact, contact_id).email = None
        commit()
    with pytest.raises(invitations.InvitationError, match="อีเมล"):
        send(app, upcoming)
    assert mailbox() == []
    assert events(app, upcoming) == []


def test_a_mail_server_failure_part_way_is_recorded_and_reported(
    app, upcoming, mailbox, monkeypatch
):
    real = invitations.mail.send
    calls = []

    def failing(to, *args, **kwargs):
        calls.append(to)
        if len(calls) > 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real(to, *args, **kwargs)

    monkeypatch.setattr(invitations.mail, "send", failing)
    with pytest.raises(invitations.InvitationError, match="1 จาก 5"):
        send(app, upcoming)
    assert len(mailbox()) == 1
    (event,) = events(app, upcoming)
    assert event.changes["recipients"] == [None, 1]
    assert event.changes["not_sent"] == [None, 4]
    with app.app_context():
        assert db.session.get(Meeting, upcoming).invitations_sent_at is None


def test_the_invitation_time_is_bangkok_time(app, make_meeting):
    meeting_id = make_meeting(date(2026, 12, 31), starts_at=time(23, 30), ends_at=None)
    lines = unfold(ics_of(app, meeting_id))
    start = datetime.strptime(lines["DTSTART"][0], "%Y%m%dT%H%M%SZ")
    assert start == datetime(2026, 12, 31, 16, 30)
