"""Letters as PDF in the official layout (``templates/documents/letter.html``): what each
kind of letter says, built from its record, and the rendering with the agency's emblem.

Letters are always printed in Thai (the wording goes through ``gettext`` with English ids,
rendered under the Thai locale). A preview prints the same letter without its number or date
(the draft: no number is taken for it); an issued letter prints both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from ..committees.queries import sitting_members
from ..db import db
from ..documents import rendering
from ..documents import services as documents
from ..i18n import format_date, format_time
from . import config
from .models import Letter

#: The template.
TEMPLATE = "documents/letter.html"
#: Raised whenever the template changes what it prints.
TEMPLATE_REVISION = 2
#: The signature field of the agency's signatory (the template's id for the space to sign).
SIGNATURE_FIELD = "signature-agency-1"


@dataclass(frozen=True)
class LetterText:
    """Everything a letter prints besides the agency's particulars."""

    subject: str
    recipient: str
    paragraphs: list[str]
    enclosures: list[str] = field(default_factory=list)
    #: อ้างถึง: an earlier letter or order the letter refers to, if any.
    reference: str | None = None
    #: Names and positions of a letter sent to many (printed on a page of its own).
    distribution: list[tuple[str, str]] = field(default_factory=list)
    #: The number after ที่ and the date; None in a preview.
    number: str | None = None
    issued_on: date | None = None

    def numbered(self, number: str, issued_on: date) -> LetterText:
        """The same letter with its number and date, as issued."""
        return replace(self, number=number, issued_on=issued_on)

    def as_content(self) -> dict:
        """The letter as plain data (what its stored version is produced from)."""
        return {
            "template": TEMPLATE_REVISION,
            "subject": self.subject,
            "recipient": self.recipient,
            "paragraphs": self.paragraphs,
            "enclosures": self.enclosures,
            "reference": self.reference,
            "distribution": [list(pair) for pair in self.distribution],
            "number": self.number,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
        }


# --- the meeting invitation ----------------------------------------------------------------


def _place(meeting) -> str:
    if meeting.venue and meeting.electronic:
        return _("at %(venue)s and by electronic means", venue=meeting.venue)
    if meeting.venue:
        return pgettext("letter", "at %(venue)s", venue=meeting.venue)
    return _("by electronic means") if meeting.electronic else ""


def meeting_invitation(meeting) -> LetterText:
    """The invitation to a meeting (หนังสือเชิญประชุม): one letter to every member sitting on
    the day, listed at its end, with the agenda as its enclosure; the committee's
    appointment order as อ้างถึง when it is recorded."""
    agency = config.particulars()
    committee = meeting.committee
    with force_locale("th"):
        when = format_date(meeting.held_on, "formal", "th", use_thai_digits=False)
        time_text = format_time(meeting.starts_at, "th", use_thai_digits=False)
        reference = None
        if committee.order_number:
            reference = (
                pgettext(
                    "letter",
                    "Order No. %(number)s of %(date)s",
                    number=committee.order_number,
                    date=format_date(committee.order_date, "long", "th", use_thai_digits=False),
                )
                if committee.order_date
                else pgettext("letter", "Order No. %(number)s", number=committee.order_number)
            )
        paragraphs = [
            pgettext(
                "letter",
                "%(agency)s will hold meeting No. %(number)s of %(committee)s on %(date)s "
                "at %(time)s %(place)s.",
                agency=agency.agency,
                number=meeting.number_label,
                committee=committee.name_th,
                date=when,
                time=time_text,
                place=_place(meeting),
            ).strip(),
            pgettext(
                "letter",
                "You are therefore invited to attend the meeting on that day, at that time and "
                "place. The agenda is enclosed.",
            ),
            pgettext(
                "letter",
                "Please be informed accordingly and kindly attend the meeting. Thank you.",
            ),
        ]
        distribution = [
            (seat.contact.full_name, seat.title_th)
            for seat in sitting_members(committee, meeting.held_on)
            if not seat.contact.erased
        ]
        return LetterText(
            subject=pgettext(
                "letter",
                "Invitation to meeting No. %(number)s of %(committee)s",
                number=meeting.number_label,
                committee=committee.name_th,
            ),
            recipient=pgettext("letter", "Those on the attached list"),
            paragraphs=paragraphs,
            enclosures=[pgettext("letter", "The agenda of the meeting (1 set)")],
            reference=reference,
            distribution=distribution,
        )


# --- the cover letter of an agreement draft -------------------------------------------------


def _document_name(agreement) -> str:
    return (
        pgettext("letter", "memorandum of understanding")
        if agreement.kind.value == "MOU"
        else pgettext("letter", "memorandum of agreement")
    )


def agreement_cover(agreement, party, recipient: str) -> LetterText:
    """The letter that sends an agreement's draft to a partner for review, the draft as its
    enclosure, addressed as ``recipient`` (เรียน ...)."""
    agency = config.particulars()
    with force_locale("th"):
        document = _document_name(agreement)
        return LetterText(
            subject=pgettext(
                "letter",
                "Draft %(document)s on %(title)s, for your review",
                document=document,
                title=agreement.title_th,
            ),
            recipient=recipient,
            paragraphs=[
                pgettext(
                    "letter",
                    "%(agency)s and %(partner)s intend to cooperate under a %(document)s on "
                    "%(title)s. %(agency)s has prepared the draft, enclosed, reference "
                    "%(reference)s.",
                    agency=agency.agency,
                    partner=party.organisation.name_th,
                    document=document,
                    title=agreement.title_th,
                    reference=agreement.reference,
                ),
                pgettext(
                    "letter",
                    "Please review the draft; any comments or changes may be sent to %(unit)s "
                    "at the address below. Thank you.",
                    unit=agency.unit,
                ),
            ],
            enclosures=[pgettext("letter", "Draft %(document)s (1 set)", document=document)],
        )


# --- rendering -------------------------------------------------------------------------------


def render(letter: LetterText, stamp: rendering.Stamp) -> bytes:
    """The letter's PDF, with the agency's particulars and emblem (3 cm high) as set now."""
    agency = config.particulars()
    emblem = config.emblem()
    image = config.emblem_bytes(emblem) if emblem else None
    assets = {"emblem": (image, emblem.mimetype)} if image else {}
    return rendering.render_pdf(
        TEMPLATE,
        {"letter": letter, "agency": agency, "emblem": emblem.width_cm if image else None},
        stamp=stamp,
        lang="th",
        title=f"{letter.number or ''} {letter.subject}".strip(),
        assets=assets,
    )


def content(letter: LetterText) -> dict:
    """What a letter's stored version is produced from: the letter, the particulars and the
    emblem's fingerprint (a new emblem prints the letter anew)."""
    emblem = config.emblem()
    return {
        "letter": letter.as_content(),
        "agency": config.particulars().__dict__,
        "emblem": emblem.sha256 if emblem else None,
    }


@documents.describer("letters")
def describe(record_id: int) -> dict | None:
    """What the public verification page says of a letter: what it prints anyway (its
    number, date and subject)."""
    letter = db.session.get(Letter, record_id)
    if letter is None:
        return None
    with force_locale("th"):
        issued = format_date(letter.issued_on, "long", "th")
    return {
        "kind": _("Official letter"),
        "title": f"{letter.number} {letter.subject}",
        "status": _("Issued on %(date)s", date=issued),
        "in_force": None,
    }
