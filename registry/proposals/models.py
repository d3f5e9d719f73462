"""Proposals, their categories, attachments and status history, the endorsements associations
give them, and their annexing to agreements.

A proposal moves submitted → screening → on_agenda → recommended → forwarded →
in_implementation → completed, or ends rejected or withdrawn (see ``services.TRANSITIONS``);
every step leaves a ``StatusChange`` with who, when and why. An organisation endorses a
proposal at most once at a time: a withdrawn endorsement stays in the record, and the
organisation may endorse again later. ``Proposal.endorsement_count`` counts the endorsements
not withdrawn; the endorsement services keep it in step in the same transaction.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..db import TimestampMixin, VersionedMixin, db, enum_column, utcnow
from ..organisations.models import Contact, Organisation, search_key

#: The search index SQLite has for proposals (an FTS5 trigram table, made by migration 0010).
SQLITE_SEARCH_TABLE = "proposals_search"


class ProposalKind(enum.StrEnum):
    """What sort of proposal it is."""

    PROBLEM_STATEMENT = "problem_statement"  # โจทย์ปัญหาจากหน่วยงานของรัฐ
    DRAFT_PROJECT = "draft_project"  # ร่างข้อเสนอโครงการ
    RECOMMENDATION = "recommendation"  # ข้อเสนอแนะ


class ProposalStatus(enum.StrEnum):
    """Where a proposal stands (see ``services.TRANSITIONS``)."""

    SUBMITTED = "submitted"
    SCREENING = "screening"
    ON_AGENDA = "on_agenda"
    RECOMMENDED = "recommended"
    FORWARDED = "forwarded"
    IN_IMPLEMENTATION = "in_implementation"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


#: The statuses in which nothing more happens to a proposal.
CLOSED = frozenset({ProposalStatus.COMPLETED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN})
#: The statuses in which a proposal can no longer be endorsed.
NOT_ENDORSABLE = CLOSED


class Category(TimestampMixin, VersionedMixin, db.Model):
    """A field a proposal belongs to: AI, IoT, embedded systems ... (staff may add more)."""

    __tablename__ = "proposal_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A fixed code for the categories the migration made (ai, iot, ...); empty for others.
    code: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    #: The name in Thai.
    name_th: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: The name in English.
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    #: Whether new proposals may be filed under it (old ones keep it).
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name_th

    def display_name(self, lang: str = "th") -> str:
        """The name in the reader's language, falling back to Thai."""
        return (self.name_en if lang == "en" and self.name_en else self.name_th) or ""


class Proposal(TimestampMixin, VersionedMixin, db.Model):
    """A problem statement, draft project or recommendation put to the DGTi joint committee."""

    __tablename__ = "proposals"
    __audit_ignore__ = frozenset({"search_text", "endorsement_count"})
    #: The list's two orders, so a deep page does not sort the whole table; and the same
    #: within one status, the filter used most (it serves finding a status too).
    __table_args__ = (
        sa.Index("ix_proposals_endorsement_count_id", "endorsement_count", "id"),
        sa.Index("ix_proposals_created_at_id", "created_at", "id"),
        sa.Index("ix_proposals_status_endorsement_count_id", "status", "endorsement_count", "id"),
        sa.Index("ix_proposals_status_created_at_id", "status", "created_at", "id"),
        sa.Index("ix_proposals_category_id_created_at_id", "category_id", "created_at", "id"),
        sa.Index("ix_proposals_status_category_id", "status", "category_id"),
        sa.CheckConstraint("endorsement_count >= 0", name="endorsement_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Problem statement, draft project or recommendation.
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind, 30))
    #: A short title.
    title: Mapped[str] = mapped_column(sa.String(300))
    #: What it is about, in a paragraph.
    summary: Mapped[str] = mapped_column(sa.Text)
    #: The problem it addresses.
    problem: Mapped[str | None] = mapped_column(sa.Text)
    #: The approach or technology proposed.
    approach: Mapped[str | None] = mapped_column(sa.Text)
    #: The support asked for (budget, people, data, access ...).
    requested_support: Mapped[str | None] = mapped_column(sa.Text)
    #: The organisation that submits it (an agency, an association ...).
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: The person to contact about it, one of the organisation's people.
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="RESTRICT"), index=True
    )
    #: The field it belongs to.
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal_categories.id", ondelete="RESTRICT")
    )
    #: Where it stands.
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, 20), default=ProposalStatus.SUBMITTED
    )
    #: The body it was forwarded to (another committee, an agency), once forwarded.
    forwarded_to: Mapped[str | None] = mapped_column(sa.String(300))
    #: The account that submitted it.
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: How many endorsements it has that are not withdrawn (kept by the services).
    endorsement_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: What the search box looks in: the title, the summary and the submitting
    #: organisation's names, one per line, as ``search_key`` writes them. Kept in step after
    #: every flush (see ``refresh_search_text``); never shown.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Contact | None] = relationship()
    category: Mapped[Category] = relationship()
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="proposal", order_by="Attachment.id"
    )
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="proposal", order_by="StatusChange.id"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def closed(self) -> bool:
        """Whether nothing more happens to it (completed, rejected or withdrawn)."""
        return self.status in CLOSED

    @property
    def endorsable(self) -> bool:
        """Whether organisations may still endorse it."""
        return self.status not in NOT_ENDORSABLE

    @property
    def editable(self) -> bool:
        """Whether the submitting association may still change it (only while submitted)."""
        return self.status is ProposalStatus.SUBMITTED


class Attachment(db.Model):
    """A PDF filed with a proposal (a study, a drawing, a letter)."""

    __tablename__ = "proposal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal.
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    #: Where the file is, under STORAGE_DIR.
    path: Mapped[str] = mapped_column(sa.String(300))
    #: SHA-256 of the file.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Its size in bytes.
    size: Mapped[int] = mapped_column()
    #: The name it was uploaded under.
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: Whether other associations may read it too (the submitter and staff always may).
    public: Mapped[bool] = mapped_column(default=False)
    #: Who uploaded it.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When (UTC).
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])

    def __str__(self) -> str:
        return self.filename


def _status_type(name: str) -> sa.Enum:
    """A status column's type, its CHECK constraint named after the column (two status
    columns in one table would otherwise share one constraint name, which PostgreSQL
    refuses)."""
    return sa.Enum(
        ProposalStatus,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        name=name,
        validate_strings=True,
    )


class StatusChange(db.Model):
    """One step of a proposal's way: from which status to which, who, when and why."""

    __tablename__ = "proposal_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal.
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    #: The status before (empty for the submission itself).
    from_status: Mapped[ProposalStatus | None] = mapped_column(_status_type("from_status"))
    #: The status after.
    to_status: Mapped[ProposalStatus] = mapped_column(_status_type("to_status"))
    #: Why, as the person who made the change wrote it (empty for the submission).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Who made it.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: When (UTC).
    at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="history")
    actor = relationship("User", foreign_keys=[actor_id])

    def __str__(self) -> str:
        return f"{self.from_status or ''} → {self.to_status}"


class Endorsement(db.Model):
    """An organisation's backing of a proposal, with its statement and, optionally, a signed
    letter; withdrawn, never deleted."""

    __tablename__ = "proposal_endorsements"
    __table_args__ = (
        # One endorsement in force per organisation per proposal; withdrawn ones stay beside it.
        sa.Index(
            "uq_proposal_endorsements_active",
            "proposal_id",
            "organisation_id",
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        ),
        sa.Index("ix_proposal_endorsements_proposal_id_id", "proposal_id", "id"),
        sa.Index("ix_proposal_endorsements_organisation_id_proposal_id", "organisation_id",
                 "proposal_id"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal endorsed.
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    #: The organisation that endorses it.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    #: What the organisation says in support.
    statement: Mapped[str] = mapped_column(sa.Text)
    #: The day of the endorsement (of the letter, for one received on paper).
    endorsed_on: Mapped[date] = mapped_column()
    #: The representative who endorsed it, or the staff member who recorded it.
    endorsed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Whether staff recorded it from a letter received on paper.
    recorded_by_staff: Mapped[bool] = mapped_column(default=False)
    #: The signed letter (a PDF under STORAGE_DIR), when one was given.
    letter_path: Mapped[str | None] = mapped_column(sa.String(300))
    letter_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    letter_size: Mapped[int | None] = mapped_column()
    letter_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: When it was recorded (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was withdrawn; empty while in force.
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    #: Who withdrew it.
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Why it was withdrawn.
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    proposal: Mapped[Proposal] = relationship()
    organisation: Mapped[Organisation] = relationship()
    endorsed_by = relationship("User", foreign_keys=[endorsed_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    def __str__(self) -> str:
        return f"{self.organisation.name_th if self.organisation else ''}"

    @property
    def active(self) -> bool:
        """Whether it is in force (not withdrawn)."""
        return self.withdrawn_at is None

    @property
    def has_letter(self) -> bool:
        """Whether a signed letter is filed with it."""
        return bool(self.letter_path)


class AgreementAnnex(db.Model):
    """A proposal annexed to an agreement (MOU/MOA): the project the parties take up."""

    __tablename__ = "agreement_annexes"

    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: Who annexed it.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    agreement = relationship("Agreement")

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.proposal_id}"


# --- the search text -----------------------------------------------------------------------


def refresh_search_text(connection: sa.Connection, proposal_ids) -> None:
    """Write the search text of the given proposals from their title, summary and the
    submitting organisation's names.

    Plain SQL on the caller's connection and transaction, so it runs inside a flush and
    leaves the audit log and ``updated_at`` alone.
    """
    ids = sorted(set(proposal_ids))
    proposals = Proposal.__table__
    organisations = Organisation.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = connection.execute(
            sa.select(
                proposals.c.id,
                proposals.c.title,
                proposals.c.summary,
                organisations.c.name_th,
                organisations.c.name_en,
                organisations.c.acronym,
            )
            .join(organisations, organisations.c.id == proposals.c.organisation_id)
            .where(proposals.c.id.in_(chunk))
        ).all()
        values = [{"key": row.id, "text": search_text_of(*row[1:])} for row in rows]
        if values:
            connection.execute(
                proposals.update()
                .where(proposals.c.id == sa.bindparam("key"))
                # updated_at as it was: the search text is no change a reader would see.
                .values(search_text=sa.bindparam("text"), updated_at=proposals.c.updated_at),
                values,
            )


def search_text_of(title, summary, name_th, name_en, acronym) -> str:
    """The search text of one proposal, from its parts."""
    parts = (title, summary, name_th, name_en, acronym)
    return "\n".join(search_key(part) for part in parts if part)


#: The fields whose change touches a proposal's search text.
_PROPOSAL_FIELDS = ("title", "summary", "organisation_id", "organisation")
_ORGANISATION_FIELDS = ("name_th", "name_en", "acronym")


def _changed(record, fields) -> bool:
    state = sa.inspect(record)
    return any(state.attrs[name].history.has_changes() for name in fields)


@sa.event.listens_for(Session, "after_flush")
def _note_search_changes(session: Session, _context) -> None:
    """Remember which proposals, and which organisations' proposals, this flush touched."""
    proposals = session.info.setdefault("proposal_search_due", set())
    organisations = session.info.setdefault("proposal_search_organisations_due", set())
    for record in session.new:
        if isinstance(record, Proposal) and record.id is not None:
            proposals.add(record.id)
    for record in session.dirty:
        if isinstance(record, Proposal) and _changed(record, _PROPOSAL_FIELDS):
            proposals.add(record.id)
        elif isinstance(record, Organisation) and _changed(record, _ORGANISATION_FIELDS):
            organisations.add(record.id)


@sa.event.listens_for(Session, "after_flush_postexec")
def _refresh_search_text(session: Session, _context) -> None:
    """Bring the touched proposals' search text up to date, in the same transaction."""
    due = session.info.pop("proposal_search_due", None) or set()
    renamed = session.info.pop("proposal_search_organisations_due", None)
    connection = None
    if renamed:
        connection = session.connection()
        due |= set(
            connection.scalars(
                sa.select(Proposal.__table__.c.id).where(
                    Proposal.__table__.c.organisation_id.in_(sorted(renamed))
                )
            )
        )
    if due:
        refresh_search_text(connection or session.connection(), due)
