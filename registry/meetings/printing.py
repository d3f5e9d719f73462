"""A meeting's agenda and minutes as official documents.

The agenda (ระเบียบวาระการประชุม) is printed for distribution before the meeting; the
minutes (รายงานการประชุม) in form 11 of the Regulation of the Office of the Prime Minister on
Correspondence, in Thai or English. Both go through the documents package, which stores
every version with its SHA-256 and serves an unchanged one from storage.

Each document kind has its own record type (``meeting_agendas``, ``meeting_minutes``, the
record id being the meeting's): versions are numbered per kind, and printing the minutes
does not make the agenda read as superseded on the public verification page. The
variants are the languages ("th", "en"; "pdfa-th", "pdfa-en" for an archival copy of the
minutes), so the verification page names them.

What a document prints is collected first as plain data (``agenda_content``,
``minutes_content``); the templates print only that, so everything on the page is part of
the content hash, and an unchanged meeting is answered from storage without rendering.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy.orm import selectinload

from .. import cache
from ..committees.labels import ROLE_LABELS
from ..committees.models import ROLE_RANK, ROLE_TITLES_TH, MemberRole, Membership
from ..db import db
from ..documents import rendering
from ..documents import services as documents
from ..documents.models import DocumentVersion
from ..i18n import current_language, format_date, thai_numerals_enabled, to_local
from . import queries
from .models import (
    AGENDA_RECORD_TYPE,
    MINUTES_RECORD_TYPE,
    RECORD_TYPES,
    SECTION_TITLES_TH,
    ActionItem,
    AgendaItem,
    AgendaSection,
    Attendance,
    AttendanceKind,
    Meeting,
    MeetingStatus,
    MinutesAmendment,
    Outcome,
)
from .services import MeetingError

#: The languages both documents are printed in.
LANGUAGES = ("th", "en")

AGENDA_TEMPLATE = "documents/meeting_agenda.html"
MINUTES_TEMPLATE = "documents/meeting_minutes.html"
#: Raised whenever a template changes what it prints (part of the content, so of the hash).
AGENDA_REVISION = 2
MINUTES_REVISION = 3

#: The sections' headings in an English document (the Thai ones are SECTION_TITLES_TH).
SECTION_TITLES_EN = {
    AgendaSection.ANNOUNCEMENTS: _l("Matters reported by the chair"),
    AgendaSection.CERTIFY_MINUTES: _l("Certification of the minutes"),
    AgendaSection.MATTERS_ARISING: _l("Matters arising"),
    AgendaSection.FOR_CONSIDERATION: _l("Matters for consideration"),
    AgendaSection.OTHER: _l("Other matters"),
}

#: What is printed as the resolution when only the outcome was recorded.
OUTCOME_SENTENCES = {
    Outcome.NOTED: _l("The meeting took note."),
    Outcome.APPROVED: _l("The meeting approved."),
    Outcome.APPROVED_WITH_CHANGES: _l("The meeting approved with changes."),
    Outcome.REJECTED: _l("The meeting did not approve."),
    Outcome.DEFERRED: _l("The meeting deferred the matter."),
}


class MeetingDocumentError(MeetingError, documents.DocumentError):
    """A meeting document that cannot be produced in the meeting's state."""


def reference(meeting: Meeting) -> str:
    """The reference printed on every page: the meeting's number, "ครั้งที่ 2/2569"."""
    return f"ครั้งที่ {meeting.number_label}"


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"meeting documents are printed in Thai or English, not {lang!r}")
    return lang


# --- what the documents print --------------------------------------------------------------


def _head(meeting: Meeting) -> dict:
    """The committee and the meeting's number, day, time and place."""
    committee = meeting.committee
    return {
        "thai_digits": thai_numerals_enabled(),
        "committee_th": committee.name_th,
        "committee_en": committee.name_en,
        "number": meeting.number_label,
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "venue": meeting.venue,
        "electronic": meeting.electronic,
    }


def _open_at(action: ActionItem, day: date) -> bool:
    """Whether an action item was still to be done when the meeting met (so the list a
    document printed does not change when the item is later reported done)."""
    return action.done_on is None or action.done_on >= day


def _action(action: ActionItem) -> dict:
    return {"text": action.text, "owner": action.owner, "due_on": action.due_on}


def _item(meeting: Meeting, item: AgendaItem, *, minutes: bool) -> dict:
    """One agenda item as printed; the minutes add what was resolved."""
    data = {
        "number": item.number_label,
        "title": item.title,
        "body": item.body,
        "certifies": None,
        "follows": None,
    }
    earlier = item.certifies_meeting
    if earlier is not None:
        data["certifies"] = {"number": earlier.number_label, "held_on": earlier.held_on}
    followed = item.follows_item
    if followed is not None:
        data["follows"] = {
            "number": followed.meeting.number_label,
            "held_on": followed.meeting.held_on,
            "item": followed.number_label,
            "title": followed.title,
            "actions": [
                _action(action) for action in followed.actions if _open_at(action, meeting.held_on)
            ],
        }
    if minutes:
        data["resolution"] = item.resolution
        data["outcome"] = item.outcome.value if item.outcome else None
        data["votes"] = (
            [item.votes_for or 0, item.votes_against or 0, item.votes_abstain or 0]
            if item.has_votes
            else None
        )
        data["actions"] = [_action(action) for action in item.actions]
    return data


def _sections(meeting: Meeting, *, minutes: bool) -> list[dict]:
    """The five sections, each with its items (an empty section prints "none")."""
    return [
        {"number": int(section), "items": [_item(meeting, i, minutes=minutes) for i in items]}
        for section, items in queries.agenda_by_section(meeting)
    ]


def agenda_content(meeting: Meeting) -> dict:
    """Everything the agenda prints, as plain data: a change to any of it is a new version."""
    return {
        "template": AGENDA_REVISION,
        **_head(meeting),
        "online_link": meeting.online_link if meeting.electronic else None,
        "sections": _sections(meeting, minutes=False),
    }


def _attendance(meeting: Meeting) -> list[Attendance]:
    lines = db.session.scalars(
        sa.select(Attendance)
        .where(Attendance.meeting_id == meeting.id)
        .options(
            selectinload(Attendance.membership).selectinload(Membership.contact),
            selectinload(Attendance.membership).selectinload(Membership.organisation),
        )
    ).all()

    def order(line: Attendance):
        seat = line.membership
        if seat is None:  # guests after the members, in the order recorded
            return (len(ROLE_RANK), date.max, line.id)
        return (ROLE_RANK[seat.role], seat.term_start, seat.id)

    return sorted(lines, key=order)


def _person(line: Attendance) -> dict:
    """One line of the attendance as printed: who came (or did not), for which seat."""
    seat = line.membership
    if seat is None:
        return {
            "name": line.name,
            "position": line.position,
            "organisation_th": line.organisation_name,
            "organisation_en": line.organisation_name,
        }
    member = seat.contact
    person = {
        "role": seat.role.value,
        "name": member.full_name,
        "position": member.position,
        "organisation_th": seat.organisation.name_th,
        "organisation_en": seat.organisation.display_name("en"),
    }
    if line.kind is AttendanceKind.SUBSTITUTE:
        person |= {"name": line.name, "position": line.position, "member": member.full_name}
    elif line.kind is AttendanceKind.ABSENT:
        person["reason"] = line.absence_reason
    return person


def minutes_content(meeting: Meeting) -> dict:
    """Everything the minutes print, as plain data: a change to any of it is a new version."""
    present, absent, guests = [], [], []
    for line in _attendance(meeting):
        if line.kind is AttendanceKind.GUEST:
            guests.append(_person(line))
        elif line.kind is AttendanceKind.ABSENT:
            absent.append(_person(line))
        else:
            present.append(_person(line))
    certified_at = meeting.certified_at_meeting
    amendments = db.session.scalars(
        sa.select(MinutesAmendment)
        .where(MinutesAmendment.meeting_id == meeting.id)
        .order_by(MinutesAmendment.number)
        .options(selectinload(MinutesAmendment.created_by))
    ).all()
    return {
        "template": MINUTES_REVISION,
        **_head(meeting),
        "present": present,
        "absent": absent,
        "guests": guests,
        "opened_at": meeting.opened_at,
        "closed_at": meeting.closed_at,
        "quorum_note": meeting.quorum_note,
        "sections": _sections(meeting, minutes=True),
        "minute_taker": [meeting.minute_taker_name, meeting.minute_taker_position],
        "reviewer": [meeting.reviewer_name, meeting.reviewer_position],
        "certified": (
            {
                "number": certified_at.number_label,
                "held_on": certified_at.held_on,
                "changes": bool(meeting.certification_changes),
            }
            if meeting.status is MeetingStatus.MINUTES_CERTIFIED and certified_at is not None
            else None
        ),
        "amendments": [
            {
                "number": amendment.number,
                "text": amendment.text,
                "recorded_on": to_local(amendment.created_at).date(),
                "recorded_by": amendment.created_by.full_name if amendment.created_by else None,
            }
            for amendment in amendments
        ],
    }


# --- rendering -----------------------------------------------------------------------------


def _words(lang: str) -> dict:
    """The helpers both templates use to print the content in the document's language."""
    english = lang == "en"

    def committee(content: dict) -> str:
        return (
            (content["committee_en"] or content["committee_th"])
            if english
            else (content["committee_th"])
        )

    def section_title(number: int) -> str:
        section = AgendaSection(number)
        return str(SECTION_TITLES_EN[section]) if english else SECTION_TITLES_TH[section]

    def seat_title(role: str | None) -> str:
        if not role:
            return ""
        role = MemberRole(role)
        return str(ROLE_LABELS[role]) if english else ROLE_TITLES_TH[role]

    def organisation(person: dict) -> str:
        return (
            (person.get("organisation_en") if english else None)
            or person.get("organisation_th")
            or ""
        )

    def outcome(value: str | None) -> str:
        return str(OUTCOME_SENTENCES[Outcome(value)]) if value else ""

    return {
        "committee": committee,
        "section_title": section_title,
        "seat_title": seat_title,
        "organisation": organisation,
        "outcome": outcome,
    }


def _render(template: str, content: dict, lang: str, stamp: rendering.Stamp, title: str) -> bytes:
    return rendering.render_pdf(
        template,
        {"m": content, **_words(lang)},
        stamp=stamp,
        lang=lang,
        title=title,
        thai_digits=content["thai_digits"],
    )


def _title(meeting: Meeting, kind: str) -> str:
    return f"{kind} {meeting.committee.name_th} {reference(meeting)}"


def render_agenda(
    meeting: Meeting, lang: str, stamp: rendering.Stamp, content: dict | None = None
) -> bytes:
    """The agenda's PDF in one language ("th" or "en")."""
    content = content if content is not None else agenda_content(meeting)
    title = _title(meeting, "ระเบียบวาระการประชุม")
    return _render(AGENDA_TEMPLATE, content, _lang(lang), stamp, title)


def render_minutes(
    meeting: Meeting, lang: str, stamp: rendering.Stamp, content: dict | None = None
) -> bytes:
    """The minutes' PDF in one language ("th" or "en")."""
    content = content if content is not None else minutes_content(meeting)
    title = _title(meeting, "รายงานการประชุม")
    return _render(MINUTES_TEMPLATE, content, _lang(lang), stamp, title)


# --- stored versions -----------------------------------------------------------------------


def minutes_final(meeting: Meeting) -> bool:
    """Minutes print without the draft mark only once certified."""
    return meeting.status is MeetingStatus.MINUTES_CERTIFIED


def _kept(kind: str, meeting: Meeting, build) -> dict:
    """A document's content, kept until the next write (``registry.cache``): asking again
    for an unchanged document reads no attendance, agenda or resolution to know it is the
    stored one. The content is plain data that no one changes once made."""
    return cache.remembered(f"meeting {kind}", (meeting.id,), lambda: build(meeting))


def _stored(
    record_type: str,
    meeting: Meeting,
    lang: str,
    variant: str,
    actor,
    *,
    build,
    render,
    final: bool,
    title: str,
) -> DocumentVersion:
    """The stored agenda or minutes (``record_type``) of the meeting in one variant: the one
    served last time while nothing but printings was written, else published from its
    content now."""

    def publish_now() -> DocumentVersion:
        content = _kept(record_type, meeting, build)
        return documents.publish(
            record_type,
            meeting.id,
            variant=variant,
            content=content,
            render=lambda stamp: render(meeting, lang, stamp, content),
            actor=actor,
            reference=reference(meeting),
            final=final,
            label=_title(meeting, title)[:300],
        )

    return documents.unchanged_or(record_type, meeting.id, variant, publish_now)


def agenda_digest(meeting: Meeting) -> str:
    """The content hash the agenda would be stored under now (as ``publish_agenda`` stores
    it): equal to a stored printing's exactly when that printing is the agenda as it stands."""
    content = _kept(AGENDA_RECORD_TYPE, meeting, agenda_content)
    return documents.content_hash(content, reference=reference(meeting), final=True)


def publish_agenda(meeting: Meeting, lang: str, actor) -> DocumentVersion:
    """The stored agenda in one language ("th" or "en"), produced only when it changed.

    The agenda is issued as it stands, without the draft mark: it is what members receive,
    not a draft awaiting signature; a changed agenda is a new printing, and the
    verification page says which printing is current. Commits.
    """
    _lang(lang)
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingDocumentError(_("This meeting was cancelled; its agenda is not printed."))
    return _stored(
        AGENDA_RECORD_TYPE,
        meeting,
        lang,
        lang,
        actor,
        build=agenda_content,
        render=render_agenda,
        final=True,
        title="ระเบียบวาระการประชุม",
    )


def publish_minutes(
    meeting: Meeting, lang: str, actor, *, archival: bool = False
) -> DocumentVersion:
    """The stored minutes in one language ("th" or "en"), produced only when they changed;
    ``archival`` asks for the PDF/A copy. Draft until certified. Commits."""
    _lang(lang)
    if not meeting.was_held:
        raise MeetingDocumentError(_("Minutes can be printed once the meeting has been held."))
    return _stored(
        MINUTES_RECORD_TYPE,
        meeting,
        lang,
        f"pdfa-{lang}" if archival else lang,
        actor,
        build=minutes_content,
        render=render_minutes,
        final=minutes_final(meeting),
        title="รายงานการประชุม",
    )


def versions(meeting: Meeting) -> list[DocumentVersion]:
    """Every stored agenda and minutes PDF of the meeting, newest first."""
    found = [v for kind in RECORD_TYPES for v in documents.versions_of(kind, meeting.id)]
    return sorted(found, key=lambda v: (v.created_at, v.id), reverse=True)


def document_kind(version: DocumentVersion) -> str | None:
    """ "agenda" or "minutes" for a meeting's version, None for any other document."""
    return {AGENDA_RECORD_TYPE: "agenda", MINUTES_RECORD_TYPE: "minutes"}.get(version.record_type)


def file_name(meeting: Meeting, version: DocumentVersion) -> documents.DownloadName:
    """The name one of the meeting's stored PDFs is saved under, in the document's language:
    what it is, the committee, the meeting's number, draft or certified (minutes), the
    printing and the variant, e.g. "รายงานการประชุม-คณะกรรมการร่วม-ครั้งที่-2-2569-ฉบับร่าง-v1-th.pdf"
    or "ระเบียบวาระการประชุม-...-ครั้งที่-3-2569-v2-th.pdf"; "minutes-Joint-Committee-...-
    meeting-2-2569-draft-v1-en.pdf" in English and as the ASCII fallback. The agenda and the
    minutes of one meeting never share a name. Reads the meeting's committee (loaded with it
    by ``queries.meeting_for``)."""
    kind = document_kind(version)
    if kind is None:
        raise ValueError(f"not a meeting document: {version.record_type!r}")

    def words() -> list:
        english = current_language() == "en"
        committee = meeting.committee
        status = None
        if kind == "minutes":
            status = (
                pgettext("file name", "certified")
                if version.final
                else pgettext("file name", "draft")
            )
        return [
            pgettext("file name", "minutes")
            if kind == "minutes"
            else pgettext("file name", "agenda"),
            committee.name_en if english else committee.name_th,
            pgettext("file name", "meeting %(number)s", number=meeting.number_label),
            status,
        ]

    return documents.version_names(version, words)


def belongs_to(version: DocumentVersion, meeting: Meeting) -> bool:
    """Whether a stored version is one of this meeting's documents (for download routes)."""
    return version.record_type in RECORD_TYPES and version.record_id == meeting.id


# --- the public verification page ----------------------------------------------------------


def _subject(meeting: Meeting) -> str:
    lang = current_language()
    return _(
        "%(committee)s, meeting No. %(number)s of %(date)s",
        committee=meeting.committee.display_name(lang),
        number=meeting.number_label,
        date=format_date(meeting.held_on, "long", lang),
    )


@documents.describer(AGENDA_RECORD_TYPE)
def describe_agenda(record_id: int) -> dict | None:
    """What the verification page may say of an agenda: which meeting, and whether it was
    held; nothing personal."""
    meeting = db.session.get(Meeting, record_id)
    if meeting is None:
        return None
    if meeting.status is MeetingStatus.CANCELLED:
        status = _("The meeting was cancelled")
    elif meeting.was_held:
        status = _("The meeting has been held")
    else:
        status = _("The meeting is scheduled")
    digest = documents.content_hash(
        agenda_content(meeting), reference=reference(meeting), final=True
    )
    return {
        "kind": _("Meeting agenda"),
        "title": _subject(meeting),
        "status": status,
        "in_force": None,
        "content_hash": digest,
    }


@documents.describer(MINUTES_RECORD_TYPE)
def describe_minutes(record_id: int) -> dict | None:
    """What the verification page may say of minutes: which meeting, and whether they were
    certified (at which meeting); nothing personal."""
    meeting = db.session.get(Meeting, record_id)
    if meeting is None:
        return None
    certified_at = meeting.certified_at_meeting
    if minutes_final(meeting) and certified_at is not None:
        status = _(
            "Certified at meeting No. %(number)s of %(date)s",
            number=certified_at.number_label,
            date=format_date(certified_at.held_on, "long"),
        )
    elif minutes_final(meeting):
        status = _("Certified")
    else:
        status = _("Draft, not yet certified")
    digest = documents.content_hash(
        minutes_content(meeting), reference=reference(meeting), final=minutes_final(meeting)
    )
    return {
        "kind": _("Minutes of the meeting"),
        "title": _subject(meeting),
        "status": status,
        "in_force": None,
        "content_hash": digest,
    }
