"""Invitations to a meeting: a calendar file (.ics, RFC 5545) and the mail to the members.

``send`` mails every member who sits on the committee on the day of the meeting and has an
email address, one message each (no one sees the others' addresses), in Thai then English,
with the agenda as PDF and the calendar file attached.

The calendar event keeps one UID per meeting, so a calendar updates the event it already
holds; its SEQUENCE is the number of times invitations were sent before, counted from the
audit log, so each new mailing supersedes the last without a column to keep the count.
"""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import audit, mail, submissions
from ..audit.models import AuditEvent
from ..committees.queries import sitting_members
from ..db import db, utcnow
from ..documents.models import DocumentVersion
from ..documents.services import file_path
from ..i18n import BANGKOK, format_date, format_time
from .models import AGENDA_RECORD_TYPE, Meeting, MeetingStatus
from .printing import agenda_digest, file_name, publish_agenda, reference
from .services import MeetingError

#: The audit action of a mailing (its count gives the calendar event's SEQUENCE).
SENT_ACTION = "sent invitations"

#: How long the calendar event lasts when the meeting has no planned end time.
DEFAULT_LENGTH = timedelta(hours=2)

#: The longest line of a calendar file, in octets, without its CRLF (RFC 5545, 3.1).
MAX_OCTETS = 75


class InvitationError(MeetingError):
    """Invitations that cannot be sent for this meeting."""


# --- the calendar file -----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value as RFC 5545 (3.3.11) writes it: backslash, semicolon, comma and line
    breaks escaped; other control characters dropped."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line as octets, folded at 75 octets (RFC 5545, 3.1): each continuation
    starts with a space, and no UTF-8 character is split between lines."""
    out = bytearray()
    width = 0
    for char in line:
        octets = char.encode()
        if width + len(octets) > MAX_OCTETS:
            out += b"\r\n "
            width = 1
        out += octets
        width += len(octets)
    return bytes(out) + b"\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _web_address(value: str | None) -> str | None:
    """The meeting link, if it is a plain http(s) address (a URI value is not escaped)."""
    if not value or any(c.isspace() or ord(c) < 32 for c in value):
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def _uid_domain() -> str:
    host = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or "").hostname
    return host or "dgti.registry"


def sequence(meeting: Meeting) -> int:
    """How many times invitations to the meeting have been sent so far."""
    return db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.record_type == Meeting.__tablename__,
            AuditEvent.record_id == meeting.id,
            AuditEvent.action == SENT_ACTION,
        )
    )


def _where(meeting: Meeting) -> str:
    """The place as words: the room, an electronic meeting, or both."""
    if meeting.venue and meeting.electronic:
        return _("%(venue)s and by electronic means", venue=meeting.venue)
    if meeting.venue:
        return meeting.venue
    return _("Held by electronic means") if meeting.electronic else ""


def summary(meeting: Meeting) -> str:
    """The event's title: the committee and the meeting's number (Thai, as printed)."""
    return f"ประชุม{meeting.committee.name_th} {reference(meeting)}"


def ics(meeting: Meeting) -> bytes:
    """The meeting as an iCalendar file (RFC 5545): one event, times in UTC, CRLF lines
    folded at 75 octets; the same UID every time, a higher SEQUENCE after each mailing;
    STATUS:CANCELLED once the meeting is cancelled."""
    start = datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=BANGKOK)
    end = (
        datetime.combine(meeting.held_on, meeting.ends_at, tzinfo=BANGKOK)
        if meeting.ends_at
        else start + DEFAULT_LENGTH
    )
    link = _web_address(meeting.online_link) if meeting.electronic else None
    with force_locale("th"):
        where = _where(meeting)
        description = [
            f"{meeting.committee.name_th} {reference(meeting)}",
            format_date(meeting.held_on, "formal", "th", use_thai_digits=False)
            + " "
            + _("at %(time)s", time=format_time(meeting.starts_at, "th", use_thai_digits=False)),
        ]
        if where:
            description.append(where)
        if link:
            description.append(link)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//DGA//DGTi Partner Registry//TH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{_uid_domain()}",
        f"SEQUENCE:{sequence(meeting)}",
        f"DTSTAMP:{_utc(datetime.now(UTC))}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{escape_text(summary(meeting))}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
    ]
    if where:
        lines.append(f"LOCATION:{escape_text(where)}")
    if link:
        lines.append(f"URL:{link}")
    cancelled = meeting.status is MeetingStatus.CANCELLED
    lines += [
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return b"".join(fold(line) for line in lines)


# --- resending --------------------------------------------------------------------------------


def agenda_changed_since_sent(meeting) -> bool:
    """Whether invitations were mailed for a meeting still ahead and the agenda they carried
    is no longer the agenda as it stands (an item added, changed or moved, a new day, time,
    place or number): the meeting page then prompts to mail them again. Compared by content
    hash with the Thai agenda printing mailed last, so undoing a change ends the prompt.

    ``meeting`` is a ``Meeting`` or the page's plain row of it (``queries.MeetingRow``):
    the meeting itself is loaded only when its agenda must be compared."""
    if meeting.invitations_sent_at is None or meeting.status is not MeetingStatus.SCHEDULED:
        return False
    if datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=BANGKOK) <= datetime.now(
        BANGKOK
    ):
        return False
    mailed = db.session.scalars(
        sa.select(DocumentVersion)
        .where(
            DocumentVersion.record_type == AGENDA_RECORD_TYPE,
            DocumentVersion.record_id == meeting.id,
            DocumentVersion.variant == "th",
            DocumentVersion.created_at <= meeting.invitations_sent_at,
        )
        .order_by(DocumentVersion.version.desc())
        .limit(1)
    ).first()
    if mailed is None:
        return True
    if not isinstance(meeting, Meeting):
        meeting = db.session.get(Meeting, meeting.id)
    return mailed.content_hash != agenda_digest(meeting)


# --- the mail --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """A member to invite: the name to address them by and their address."""

    name: str
    email: str


def recipients(meeting: Meeting) -> tuple[list[Recipient], int]:
    """The members sitting on the day of the meeting who have an email address, and how
    many were skipped (no address, or their data was erased)."""
    found: list[Recipient] = []
    seen: set[str] = set()
    skipped = 0
    for seat in sitting_members(meeting.committee, meeting.held_on):
        person = seat.contact
        address = (person.email or "").strip()
        if person.erased or not address:
            skipped += 1
            continue
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        found.append(Recipient(person.full_name, address))
    return found, skipped


def _refuse_unless_open(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise InvitationError(_("This meeting was cancelled; no invitations are sent."))
    start = datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=BANGKOK)
    if meeting.was_held or start <= datetime.now(BANGKOK):
        raise InvitationError(_("This meeting has already taken place; no invitations are sent."))


def _message(meeting: Meeting, person: Recipient) -> tuple[str, str]:
    """Subject and body, in Thai then English."""
    parts = []
    link = _web_address(meeting.online_link) if meeting.electronic else None
    for lang in ("th", "en"):
        with force_locale(lang):
            committee = meeting.committee.display_name(lang)
            when = format_date(meeting.held_on, "formal" if lang == "th" else "long", lang)
            lines = [
                _("Dear %(name)s,", name=person.name),
                "",
                _(
                    "You are invited to meeting No. %(number)s of %(committee)s on %(date)s "
                    "at %(time)s.",
                    number=meeting.number_label,
                    committee=committee,
                    date=when,
                    time=format_time(meeting.starts_at, lang),
                ),
            ]
            where = _where(meeting)
            if where:
                lines.append(_("Place: %(place)s", place=where))
            if link:
                lines.append(_("Join online: %(link)s", link=link))
            lines += [
                "",
                _(
                    "The agenda is attached as a PDF, with a calendar file (.ics) to add the "
                    "meeting to your calendar."
                ),
                "",
                _("DGTi Partner Registry"),
            ]
            parts.append("\n".join(lines))
            if lang == "th":
                subject = _(
                    "Invitation: meeting No. %(number)s of %(committee)s",
                    number=meeting.number_label,
                    committee=committee,
                )
    return subject, ("\n\n" + "-" * 60 + "\n\n").join(parts)


def check_sendable(meeting: Meeting) -> None:
    """Refuse (InvitationError) invitations to a cancelled or past meeting, or when no member
    sitting on the day has an email address: checked before a letter is numbered for them."""
    _refuse_unless_open(meeting)
    if not recipients(meeting)[0]:
        raise InvitationError(
            _("No member sitting on the day of the meeting has an email address.")
        )


def send(
    meeting: Meeting,
    actor,
    submission: str | None = None,
    *,
    attachments: list[mail.Attachment] | tuple = (),
) -> int:
    """Mail the invitation, with the agenda (PDF, Thai) and the calendar file, to every member
    sitting on the day of the meeting who has an email address; returns how many were sent.
    ``attachments``: more files sent first, before the agenda (the invitation letter).

    Refused for a cancelled meeting, one already held, or when no member has an address.
    Records one audit event with the counts sent and skipped, and when; commits. Should the
    mail server fail part-way, what was sent is recorded and InvitationError says so.
    ``submission``: the button's one-time token; pressed twice, the mail goes once and the
    second press raises ``submissions.AlreadySaved``.
    """
    with submissions.once(submission, actor) as claim:
        claim.made(meeting)
        return _mail_everyone(meeting, actor, list(attachments))


def _mail_everyone(meeting: Meeting, actor, letters: list[mail.Attachment] | None = None) -> int:
    """Mail the invitations (see ``send``); how many were sent."""
    _refuse_unless_open(meeting)
    people, skipped = recipients(meeting)
    if not people:
        raise InvitationError(
            _("No member sitting on the day of the meeting has an email address.")
        )
    agenda = publish_agenda(meeting, "th", actor)  # stored (and committed) first
    pdf = file_path(agenda).read_bytes()
    calendar = ics(meeting)
    stem = meeting.number_label.replace("/", "-")
    attachments = [
        *(letters or []),
        mail.Attachment(file_name(meeting, agenda).name, pdf, "application/pdf"),
        mail.Attachment(f"meeting-{stem}.ics", calendar, "text/calendar"),
    ]
    sent = 0
    failure: Exception | None = None
    for person in people:
        subject, body = _message(meeting, person)
        try:
            mail.send([person.email], subject, body, attachments=attachments)
        except (smtplib.SMTPException, OSError) as error:
            failure = error
            break
        sent += 1
    changes = {"recipients": [None, sent], "skipped": [None, skipped]}
    if failure is None:
        before = meeting.invitations_sent_at
        meeting.invitations_sent_at = utcnow()
        changes["invitations_sent_at"] = [
            before.isoformat() if before else None,
            meeting.invitations_sent_at.isoformat(),
        ]
    else:
        changes["not_sent"] = [None, len(people) - sent]
    if sent:
        audit.record_event(actor, SENT_ACTION, meeting, changes)
        db.session.commit()
    if failure is not None:
        current_app.logger.error("meeting invitations: mail server failed: %s", failure)
        raise InvitationError(
            _(
                "The mail server failed after %(sent)s of %(total)s invitations; try again later.",
                sent=sent,
                total=len(people),
            )
        )
    return sent
