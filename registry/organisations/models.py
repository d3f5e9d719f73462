"""Partner organisations: associations, federations, companies, universities, agencies."""

from __future__ import annotations

import enum
import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from ..collation import sort_column, sort_key
from ..db import TimestampMixin, VersionedMixin, db, enum_column
from ..formats import query_text
from .provinces import province_name

#: Characters that change nothing a reader sees: zero-width spaces and joiners, BOM.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


def name_key(name: str | None) -> str:
    """A name as compared for duplicates: Unicode-normalised, case-folded, single-spaced.

    NFKC makes the two ways of typing sara am (ำ) equal; zero-width spaces,
    common in Thai text pasted from the web, are dropped.
    """
    text = unicodedata.normalize("NFKC", name or "").translate(_INVISIBLE)
    return " ".join(text.casefold().split())[:600]


def search_key(text: str | None) -> str:
    """Text as the search compares it: like ``name_key``, without a length limit, and
    control characters read as spaces."""
    text = unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE)
    return query_text(text.casefold(), len(text))


class OrganisationKind(enum.StrEnum):
    """What sort of body an organisation is."""

    ASSOCIATION = "association"
    FEDERATION = "federation"
    COMPANY = "company"
    UNIVERSITY = "university"
    GOVERNMENT_AGENCY = "government_agency"
    OWN_AGENCY = "own_agency"
    OWN_CENTRE = "own_centre"


class OrganisationStatus(enum.StrEnum):
    """Where the relationship with the organisation stands."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    INACTIVE = "inactive"


class Organisation(TimestampMixin, VersionedMixin, db.Model):
    """A partner organisation, or the DGA/DGTi side itself."""

    __tablename__ = "organisations"
    __audit_ignore__ = frozenset({"search_text", "sort_key"})
    #: The two orders of the list, so a deep page does not sort the whole register.
    __table_args__ = (
        sa.Index("ix_organisations_sort_key_id", "sort_key", "id"),
        sa.Index("ix_organisations_updated_at_id", "updated_at", "id"),
        sa.Index("ix_organisations_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Official name in Thai.
    name_th: Mapped[str] = mapped_column(sa.String(300))
    #: Official name in English.
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    #: Short name, for example AIAT or DGA.
    acronym: Mapped[str | None] = mapped_column(sa.String(30))
    #: What sort of body it is.
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, 30))
    #: Prospect, active or inactive.
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_column(OrganisationStatus), default=OrganisationStatus.PROSPECT
    )
    #: The Thai name as compared for duplicates (see ``name_key``); set with the name.
    name_key: Mapped[str] = mapped_column(sa.String(600), unique=True)
    #: The Thai name as sorted in dictionary order (see ``registry.collation``); set with it.
    sort_key: Mapped[str] = mapped_column(sort_column(), default="", server_default="")
    #: Registration number with the registrar (associations vary in form); upper case.
    registration_number: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    #: Province of the head office: a code from ``provinces.PROVINCES``.
    province: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    #: Postal address of the head office.
    address: Mapped[str | None] = mapped_column(sa.Text)
    #: Website, an http or https address.
    website: Mapped[str | None] = mapped_column(sa.String(300))
    #: The organisation's general email address.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: The organisation's general telephone number, as written.
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    #: Staff notes about the organisation.
    notes: Mapped[str | None] = mapped_column(sa.Text)
    #: What the search box looks in: the names, the acronym and the written names of the
    #: organisation's people (not erased ones), one per line, as ``search_key`` writes them.
    #: Kept in step after every flush (see ``refresh_search_text``); never shown.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    #: The organisation's people, current ones first.
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation", order_by="(Contact.active.desc(), Contact.id)"
    )

    def __str__(self) -> str:
        return self.name_th

    @validates("name_th")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = name_key(value)
        self.sort_key = sort_key(value)
        return value

    @property
    def active(self) -> bool:
        """Whether the organisation is still a current partner or prospect."""
        return self.status is not OrganisationStatus.INACTIVE

    def province_name(self, lang: str = "th") -> str:
        """The name of the province in the reader's language."""
        return province_name(self.province, lang)

    @property
    def website_link(self) -> str | None:
        """The website, when it is safe to link to (http or https only)."""
        url = self.website or ""
        return url if url.lower().startswith(("http://", "https://")) else None

    def display_name(self, lang: str = "th") -> str:
        """The name in the reader's language, falling back to Thai."""
        return (self.name_en if lang == "en" and self.name_en else self.name_th) or ""


class PdpaBasis(enum.StrEnum):
    """The lawful basis for keeping a person's data (PDPA section 24 and 26)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGITIMATE_INTEREST = "legitimate_interest"
    PUBLIC_TASK = "public_task"
    LEGAL_OBLIGATION = "legal_obligation"


#: What an erased contact is called from then on (names are replaced, history kept).
ERASED_NAME = "—"


class Contact(TimestampMixin, VersionedMixin, db.Model):
    """A person at an organisation: personal data, exportable and erasable on request."""

    __tablename__ = "contacts"
    __audit_ignore__ = frozenset({"sort_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organisation the person works for.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: Title prefix as the person uses it: นาย, นาง, นางสาว, ดร., ผศ.ดร., ...
    title: Mapped[str | None] = mapped_column(sa.String(60))
    #: Given name.
    first_name: Mapped[str] = mapped_column(sa.String(100))
    #: Family name.
    last_name: Mapped[str | None] = mapped_column(sa.String(100))
    #: Given and family name as sorted in dictionary order; set with them.
    sort_key: Mapped[str] = mapped_column(sort_column(), default="", server_default="")
    #: Position at the organisation, for example นายกสมาคม.
    position: Mapped[str | None] = mapped_column(sa.String(200))
    #: Work email address, lower case.
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    #: Telephone number, as written.
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    #: The lawful basis for holding the person's data.
    pdpa_basis: Mapped[PdpaBasis] = mapped_column(enum_column(PdpaBasis, 30))
    #: The day the person consented, when the basis is consent.
    consent_date: Mapped[date | None] = mapped_column()
    #: Whether the person is still a contact at the organisation.
    active: Mapped[bool] = mapped_column(default=True)
    #: When the person's data was erased on request (PDPA section 33); then nothing is held.
    erased_at: Mapped[datetime | None] = mapped_column()

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.full_name

    @validates("first_name", "last_name")
    def _keep_sort_key(self, key: str, value: str | None) -> str | None:
        first = value if key == "first_name" else self.first_name
        last = value if key == "last_name" else self.last_name
        self.sort_key = sort_key(first, last)
        return value

    @property
    def full_name(self) -> str:
        """Title, given and family name, written the Thai way (no space after the title)."""
        if self.erased_at is not None:
            return ERASED_NAME
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return f"{self.title or ''}{name}"

    @property
    def erased(self) -> bool:
        """Whether the person's data has been erased."""
        return self.erased_at is not None


class Invitation(TimestampMixin, db.Model):
    """A single-use link that lets a contact become their organisation's representative."""

    __tablename__ = "invitations"
    __audit_redact__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person invited.
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="RESTRICT"), index=True
    )
    #: The address the link was sent to.
    email: Mapped[str] = mapped_column(sa.String(254))
    #: SHA-256 of the secret in the link; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: After this moment (UTC) the link no longer works.
    expires_at: Mapped[datetime] = mapped_column()
    #: When the link was used; it works once.
    accepted_at: Mapped[datetime | None] = mapped_column()
    #: When staff withdrew the invitation, or a newer one replaced it.
    revoked_at: Mapped[datetime | None] = mapped_column()
    #: The staff member who sent it.
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The account the link created or opened.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    contact: Mapped[Contact] = relationship()

    def __str__(self) -> str:
        return self.email


# --- the search text -----------------------------------------------------------------


def refresh_search_text(connection: sa.Connection, organisation_ids) -> None:
    """Write the search text of the given organisations from their names and people.

    Plain SQL on the caller's connection and transaction, so it runs inside a flush and
    leaves the audit log and ``updated_at`` alone.
    """
    ids = sorted(set(organisation_ids))
    organisations = Organisation.__table__
    contacts = Contact.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        lines: dict[int, list[str]] = {}
        for row in connection.execute(
            sa.select(
                organisations.c.id,
                organisations.c.name_th,
                organisations.c.name_en,
                organisations.c.acronym,
            ).where(organisations.c.id.in_(chunk))
        ):
            lines[row.id] = [row.name_th, row.name_en or "", row.acronym or ""]
        for row in connection.execute(
            sa.select(
                contacts.c.organisation_id,
                contacts.c.title,
                contacts.c.first_name,
                contacts.c.last_name,
            )
            .where(contacts.c.organisation_id.in_(chunk), contacts.c.erased_at.is_(None))
            .order_by(contacts.c.id)
        ):
            name = " ".join(part for part in (row.first_name, row.last_name) if part)
            lines.setdefault(row.organisation_id, []).append(f"{row.title or ''}{name}")
        for organisation_id, parts in lines.items():
            text = "\n".join(search_key(part) for part in parts if part)
            connection.execute(
                organisations.update()
                .where(organisations.c.id == organisation_id)
                # updated_at as it was: the search text is no change a reader would see.
                .values(search_text=text, updated_at=organisations.c.updated_at)
            )


@sa.event.listens_for(Session, "after_flush")
def _note_search_changes(session: Session, _context) -> None:
    """Remember which organisations' names or people this flush touched."""
    touched = session.info.setdefault("search_text_due", set())
    for record in (*session.new, *session.dirty):
        if isinstance(record, Organisation) and record.id is not None:
            touched.add(record.id)
        elif isinstance(record, Contact) and record.organisation_id is not None:
            touched.add(record.organisation_id)


@sa.event.listens_for(Session, "after_flush_postexec")
def _refresh_search_text(session: Session, _context) -> None:
    """Bring the search text of the touched organisations up to date, in the same transaction."""
    due = session.info.pop("search_text_due", None)
    if due:
        refresh_search_text(session.connection(), due)
