"""Reading the outgoing-letter register: the letters of a year with filters, who may read a
letter, and the register as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy.orm import selectinload

from .. import tabular
from ..auth.models import Role
from ..committees.queries import committee_for
from ..db import db
from ..documents.models import SignedCopy
from ..i18n import be_year
from ..meetings.models import Meeting
from .labels import KIND_LABELS
from .models import Letter, LetterKind
from .services import today

#: The longest search text taken.
MAX_QUERY = 100


@dataclass
class Filters:
    """The register's filters, read from the query string (bad values are ignored)."""

    year: int
    kind: LetterKind | None = None
    text: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        """The filters in ``args``: the year (BE; this year by default), the kind, a text
        searched in the number, recipient and subject."""
        year = be_year(today().year)
        raw = (args.get("year") or "").strip()
        if raw.isdigit() and 2400 <= int(raw) <= 2800:
            year = int(raw)
        kind = None
        try:
            kind = LetterKind(args.get("kind") or "")
        except ValueError:
            kind = None
        text = " ".join((args.get("q") or "").split())[:MAX_QUERY].replace("\x00", "")
        return cls(year=year, kind=kind, text=text)

    def as_args(self) -> dict:
        """The filters as query-string arguments (for the export link)."""
        args = {"year": self.year}
        if self.kind:
            args["kind"] = self.kind.value
        if self.text:
            args["q"] = self.text
        return args


def register(filters: Filters) -> sa.Select:
    """The letters of the year, in number order within each prefix, filtered."""
    query = sa.select(Letter).where(Letter.year == filters.year)
    if filters.kind is not None:
        query = query.where(Letter.kind == filters.kind)
    if filters.text:
        pattern = (
            "%" + filters.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        number = Letter.prefix.concat(sa.cast(Letter.sequence, sa.String))
        query = query.where(
            sa.or_(
                Letter.recipient.ilike(pattern, escape="\\"),
                Letter.subject.ilike(pattern, escape="\\"),
                number.ilike(pattern, escape="\\"),
            )
        )
    # The stored PDF and the issuer of every letter listed, in one statement each.
    return query.options(selectinload(Letter.document), selectinload(Letter.issued_by)).order_by(
        Letter.prefix, Letter.sequence
    )


def signed_versions(letters) -> set[int]:
    """The stored PDFs, among those of ``letters``, that carry a signature (one statement
    for a page of the register rather than one per letter)."""
    ids = {letter.document_version_id for letter in letters if letter.document_version_id}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(SignedCopy.version_id).where(SignedCopy.version_id.in_(ids)).distinct()
        )
    )


def years() -> list[int]:
    """The years that have letters, newest first, with this year always offered."""
    found = set(db.session.scalars(sa.select(Letter.year).distinct()))
    found.add(be_year(today().year))
    return sorted(found, reverse=True)


def readable_letter_or_404(user, letter_id: int) -> Letter:
    """A letter the user may read: staff and administrators any; a secretary the letters of
    meetings of the committees they serve; a representative those addressed to their
    organisation. Anything else is "not found"."""
    letter = db.get_or_404(Letter, letter_id)
    if user.can("letters.view"):
        return letter
    if user.role is Role.REPRESENTATIVE:
        if user.organisation_id is not None and letter.organisation_id == user.organisation_id:
            return letter
        abort(404)
    if user.can("committees.own") and letter.record_type == "meetings":
        meeting = db.session.get(Meeting, letter.record_id)
        if meeting is not None:
            committee_for(user, meeting.committee_id)  # "not found" unless theirs
            return letter
    abort(404)


def columns() -> list[tabular.Column]:
    """The register's columns (ทะเบียนหนังสือส่ง), headers in the reader's language."""
    return [
        tabular.Column(pgettext("identifier", "Number"), lambda letter: letter.number),
        tabular.Column(_("Year"), lambda letter: letter.year),
        tabular.Column(_("Date"), lambda letter: letter.issued_on),
        tabular.Column(_("Addressed to"), lambda letter: letter.recipient),
        tabular.Column(_("Subject"), lambda letter: letter.subject),
        tabular.Column(_("Kind"), lambda letter: str(KIND_LABELS[letter.kind])),
        tabular.Column(_("Mailed to"), lambda letter: letter.emails),
        tabular.Column(
            _("Issued by"), lambda letter: letter.issued_by.full_name if letter.issued_by else None
        ),
        tabular.Column(
            _("SHA-256 of the letter"),
            lambda letter: letter.document.sha256 if letter.document else None,
        ),
    ]


def register_csv(filters: Filters) -> bytes:
    """The filtered register as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    return tabular.to_csv(columns(), db.session.scalars(register(filters)).all())


# --- the letters on a record's page -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedLetter:
    """A letter as a record's page lists it, read as one plain row: its number (written as
    ``Letter.number`` writes it), the day it was issued and how many it was mailed to."""

    id: int
    prefix: str
    sequence: int
    issued_on: date
    emails: int

    number = Letter.number


#: The statement of ``issued_about``, built once (its values are parameters).
_ISSUED_ABOUT = (
    sa.select(Letter.id, Letter.prefix, Letter.sequence, Letter.issued_on, Letter.emails)
    .where(
        Letter.record_type == sa.bindparam("record_type"),
        Letter.record_id == sa.bindparam("record_id"),
    )
    .order_by(Letter.id.desc())
)


def issued_about(record_type: str, record_id: int) -> list[IssuedLetter]:
    """The letters issued about a record, newest first (as ``services.letters_about``), as
    plain rows of what its page lists: one statement, no letter objects built."""
    rows = db.session.execute(_ISSUED_ABOUT, {"record_type": record_type, "record_id": record_id})
    return [IssuedLetter(*row) for row in rows]
