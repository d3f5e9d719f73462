"""Issuing official letters: a number from the outgoing-letter register, the stored PDF, and
the mail that carries the letter with the document it sends.

A number is taken only when a letter is issued, inside the transaction that stores the
letter: the next number of the prefix and Buddhist-Era year is read and the row written
under a savepoint; should another letter have taken that number at the same moment (the
unique constraint on prefix, year and number refuses the second), the number is read again.
On SQLite a writing request holds the write lock from its start, so two issues take turns;
on PostgreSQL the second insert waits for the first to commit and then takes the next
number. An issued letter is never deleted, so no number is ever used twice.
"""

from __future__ import annotations

import re
import smtplib
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import audit, mail, submissions
from ..agreements import printing as agreement_printing
from ..agreements.models import AgreementStatus
from ..db import db
from ..documents import services as documents
from ..documents import signing
from ..i18n import BANGKOK, be_year
from ..meetings import invitations
from ..organisations.models import OrganisationKind
from ..rules import RuleError
from . import config, printing
from .models import Letter, LetterKind

#: The record type under which the documents package keeps letter PDFs.
RECORD_TYPE = "letters"
#: The audit actions.
ISSUED = "issued letter"
MAILED = "mailed letter"
#: One plain address (the mail module checks it again before sending).
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")
#: How many times a number is read again when another letter took it first.
ATTEMPTS = 5


class LetterError(RuleError):
    """A letter that cannot be issued or sent."""


def today():
    """Today in Bangkok: the date letters carry and the year their numbers run in."""
    return datetime.now(BANGKOK).date()


def next_sequence(prefix: str, year: int) -> int:
    """The number the next letter of this prefix and year would take."""
    highest = db.session.scalar(
        sa.select(sa.func.max(Letter.sequence)).where(Letter.prefix == prefix, Letter.year == year)
    )
    return (highest or 0) + 1


def _numbered(letter: Letter, actor) -> Letter:
    """Give ``letter`` the next number of its prefix and year, write it (flush) and record
    the issue in the audit log, reading the number again when another letter took it first."""
    for _attempt in range(ATTEMPTS):
        savepoint = db.session.begin_nested()
        letter.sequence = next_sequence(letter.prefix, letter.year)
        db.session.add(letter)
        try:
            db.session.flush()
        except IntegrityError:
            savepoint.rollback()
            continue
        audit.record_event(
            actor,
            ISSUED,
            letter,
            {
                "number": [None, letter.number],
                "year": [None, letter.year],
                "subject": [None, letter.subject],
                "recipient": [None, letter.recipient],
                "about": [None, f"{letter.record_type} {letter.record_id}"],
            },
        )
        savepoint.commit()
        return letter
    raise LetterError(_("Another letter was being numbered at the same moment; try again."))


def issue(
    kind: LetterKind,
    record,
    text: printing.LetterText,
    actor,
    *,
    organisation_id: int | None = None,
) -> Letter:
    """Number the letter, store its PDF (dated today, final) and record it in the register;
    audited and committed together, so a letter whose PDF could not be made takes no number.
    """
    agency = config.particulars()
    issued_on = today()
    letter = Letter(
        kind=kind,
        record_type=record.__tablename__,
        record_id=record.id,
        organisation_id=organisation_id,
        prefix=agency.prefix,
        year=be_year(issued_on.year),
        issued_on=issued_on,
        recipient=text.recipient[:300],
        subject=text.subject[:300],
        emails=0,
        issued_by_id=getattr(actor, "id", None),
    )
    _numbered(letter, actor)
    numbered = text.numbered(letter.number, issued_on)
    version = documents.publish(
        RECORD_TYPE,
        letter.id,
        variant="th",
        content=printing.content(numbered),
        render=lambda stamp: printing.render(numbered, stamp),
        actor=actor,
        reference=letter.number,
        final=True,
        label=str(letter),
    )  # commits the letter, its event and its stored PDF together
    with audit.change(letter, actor, "filed letter"):
        letter.document_version_id = version.id
    db.session.commit()
    return letter


def letter_pdf(letter: Letter) -> bytes:
    """The PDF of an issued letter as it goes out: its newest signed copy when it was
    signed, else the stored printing (LetterError when the file is missing or damaged)."""
    version = letter.document
    if version is None:
        raise LetterError(_("The stored file of this letter is missing or damaged."))
    copy = signing.newest_copy(version)
    if copy is not None:
        try:
            return signing.copy_bytes(copy)
        except signing.SigningError as error:
            raise LetterError(str(error)) from None
    if not documents.file_intact(version):
        raise LetterError(_("The stored file of this letter is missing or damaged."))
    return documents.file_path(version).read_bytes()


def is_signed(letter: Letter) -> bool:
    """Whether the letter carries the agency's electronic signature."""
    return letter.document is not None and signing.newest_copy(letter.document) is not None


def signing_configured() -> bool:
    """Whether the agency's signing certificate is configured."""
    return bool(current_app.config.get("SIGNING_PKCS12_PATH"))


def sign(letter: Letter, actor, submission: str | None = None) -> None:
    """Sign the issued letter in its signatory's space with the agency's certificate
    (PAdES; audited as a signed document). Refused (LetterError) without the permission,
    when signing is not set up, or when it is signed already."""
    if letter.document is None:
        raise LetterError(_("The stored file of this letter is missing or damaged."))
    name = config.particulars().signatory_name or None
    try:
        signing.sign_document_version(
            letter.document, printing.SIGNATURE_FIELD, actor, person=name, submission=submission
        )
    except signing.SigningError as error:
        raise LetterError(str(error), error.field) from None


def _sign_if_able(letter: Letter, actor) -> None:
    """Sign a letter being issued before it is mailed, when the issuer holds the signing
    permission and the agency's certificate is configured; otherwise it goes unsigned (it
    can be signed later from the register). A signature that fails leaves the letter
    unsigned and says why in ``letter.unsigned_reason``: the mail still goes."""
    letter.unsigned_reason = None
    if signing_configured() and signing.may_sign(actor):
        try:
            sign(letter, actor)
        except LetterError as error:
            db.session.rollback()
            current_app.logger.warning("letter %s not signed: %s", letter.number, error)
            letter.unsigned_reason = str(error)


def attachment(letter: Letter) -> mail.Attachment:
    """The letter as a mail attachment, named after its number."""
    name = documents.file_name(_("letter"), letter.number, f"{letter.year}")
    return mail.Attachment(name, letter_pdf(letter), "application/pdf")


def _mailed(letter: Letter, actor, sent: int) -> None:
    with audit.change(letter, actor, MAILED):
        letter.emails = (letter.emails or 0) + sent
    db.session.commit()


# --- the meeting invitation ------------------------------------------------------------------


def issue_meeting_invitation(meeting, actor, submission: str | None = None) -> Letter:
    """Issue the invitation letter of a meeting and mail it, with the agenda and the calendar
    file, to every member sitting on the day (the meeting's invitations, letter attached).
    Refused, before any number is taken, for a cancelled or past meeting or when no member
    has an email address. Pressed twice, the letter is issued and mailed once."""
    with submissions.once(submission, actor) as claim:
        try:
            invitations.check_sendable(meeting)
        except invitations.InvitationError as error:
            raise LetterError(str(error)) from None
        claim.made(meeting)
        letter = issue(
            LetterKind.MEETING_INVITATION, meeting, printing.meeting_invitation(meeting), actor
        )
    _sign_if_able(letter, actor)
    try:
        sent = invitations.send(meeting, actor, attachments=[attachment(letter)])
    except invitations.InvitationError as error:
        raise LetterError(
            _(
                "Letter %(number)s was issued, but: %(reason)s",
                number=letter.number,
                reason=str(error),
            )
        ) from None
    _mailed(letter, actor, sent)
    return letter


# --- the cover letter of an agreement draft --------------------------------------------------


def sendable_parties(agreement) -> list:
    """The parties a draft may be sent to: every one but the agency itself."""
    own = (OrganisationKind.OWN_AGENCY, OrganisationKind.OWN_CENTRE)
    return [party for party in agreement.parties if party.organisation.kind not in own]


def check_draft_sendable(agreement) -> None:
    """Only a draft or one in review is sent for review (a signed agreement is not a draft)."""
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW):
        raise LetterError(_("Only a draft, or an agreement in review, is sent for review."))
    if not sendable_parties(agreement):
        raise LetterError(_("The agreement has no partner to send the draft to."))


def send_agreement_draft(
    agreement,
    party_id: int,
    recipient: str,
    email: str,
    actor,
    submission: str | None = None,
) -> Letter:
    """Issue the cover letter that sends an agreement's draft to one partner and mail both,
    the letter and the draft's PDF (Thai), to ``email``. Refused before any number is taken
    for an agreement past review, a party that is not a partner, a missing recipient or a
    bad address. Pressed twice, the letter is issued and mailed once."""
    check_draft_sendable(agreement)
    party = next((p for p in sendable_parties(agreement) if p.id == party_id), None)
    if party is None:
        raise LetterError(_("Choose the partner to send the draft to."), "party")
    recipient = " ".join((recipient or "").split())
    if not recipient:
        raise LetterError(_("Enter whom the letter is addressed to."), "recipient")
    if len(recipient) > 300:
        raise LetterError(_("At most %(n)d characters.", n=300), "recipient")
    email = (email or "").strip()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise LetterError(_("Enter one valid email address."), "email")

    variant = agreement_printing.variants_for(agreement, archival=False)[0]
    draft = agreement_printing.publish(agreement, variant, actor)  # stored (commits) first
    draft_name = agreement_printing.file_name(draft).name
    draft_pdf = documents.file_path(draft).read_bytes()
    with submissions.once(submission, actor) as claim:
        claim.made(agreement)
        letter = issue(
            LetterKind.AGREEMENT_COVER,
            agreement,
            printing.agreement_cover(agreement, party, recipient),
            actor,
            organisation_id=party.organisation_id,
        )
    _sign_if_able(letter, actor)
    subject = letter.subject
    body = "\n".join(
        [
            _("Dear %(name)s,", name=recipient),
            "",
            _(
                "Please find attached our letter No. %(number)s and the draft %(reference)s "
                "for your review.",
                number=letter.number,
                reference=agreement.reference,
            ),
            "",
            config.particulars().unit,
            config.particulars().agency,
        ]
    )
    try:
        mail.send(
            [email],
            subject,
            body,
            attachments=[
                attachment(letter),
                mail.Attachment(draft_name, draft_pdf, "application/pdf"),
            ],
        )
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.error("letter %s: mail server failed: %s", letter.number, error)
        raise LetterError(
            _(
                "Letter %(number)s was issued, but the mail server failed; send it again later.",
                number=letter.number,
            )
        ) from None
    _mailed(letter, actor, 1)
    return letter


def letters_about(record_type: str, record_id: int) -> list[Letter]:
    """The letters issued about a record, newest first."""
    return list(
        db.session.scalars(
            sa.select(Letter)
            .where(Letter.record_type == record_type, Letter.record_id == record_id)
            .order_by(Letter.id.desc())
        )
    )
