"""Agreements (MOU / MOA) with partner organisations: the record, its parties, clauses,
witnesses, amendments after signing, the signed scan and the expiry reminders sent."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin, db, enum_column, utcnow
from ..organisations.models import Organisation

#: A signed agreement ending within this many days is "expiring".
EXPIRING_DAYS = 90
#: The days before the end at which reminders are mailed, largest first.
REMINDER_THRESHOLDS = (90, 60, 30)


class AgreementKind(enum.StrEnum):
    """Memorandum of understanding, or memorandum of agreement."""

    MOU = "MOU"
    MOA = "MOA"


class AgreementStatus(enum.StrEnum):
    """Where the agreement stands in its lifecycle (see ``services.TRANSITIONS``)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SIGNED = "signed"
    TERMINATED = "terminated"


class AgreementLanguage(enum.StrEnum):
    """The language(s) the agreement is written in."""

    TH = "th"
    EN = "en"
    BOTH = "both"


class AgreementState(enum.StrEnum):
    """What the dates and the status say about an agreement today."""

    NOT_SIGNED = "not_signed"
    PENDING = "pending"  # signed, not yet in force
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    TERMINATING = "terminating"  # notice given: in force until the termination takes effect
    TERMINATED = "terminated"


class Agreement(TimestampMixin, db.Model):
    """An MOU or MOA between DGA/DGTi and one or more partner organisations."""

    __tablename__ = "agreements"
    __table_args__ = (
        sa.UniqueConstraint(
            "reference_year", "reference_number", name="uq_agreements_reference_year_number"
        ),
        sa.CheckConstraint("copies >= 1", name="copies_positive"),
        sa.CheckConstraint("notice_days >= 0", name="notice_days_not_negative"),
        sa.CheckConstraint(
            "effective_until IS NULL OR effective_from IS NULL "
            "OR effective_until >= effective_from",
            name="ends_after_start",
        ),
        # The list, newest first; the agreements in force that end soonest (home, expiring).
        sa.Index("ix_agreements_created_at_id", "created_at", "id"),
        sa.Index("ix_agreements_status_effective_until", "status", "effective_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: MOU or MOA.
    kind: Mapped[AgreementKind] = mapped_column(
        enum_column(AgreementKind, 10), default=AgreementKind.MOU
    )
    #: The reference number, made from the configured pattern when the record is created.
    reference: Mapped[str] = mapped_column(sa.String(60), unique=True)
    #: The Buddhist-Era year the running number belongs to.
    reference_year: Mapped[int] = mapped_column()
    #: The running number within that year (1, 2, 3 ...).
    reference_number: Mapped[int] = mapped_column()
    #: Title in Thai (after "บันทึกข้อตกลงความร่วมมือ เรื่อง").
    title_th: Mapped[str] = mapped_column(sa.String(500))
    #: Title in English.
    title_en: Mapped[str | None] = mapped_column(sa.String(500))
    #: Where the agreement is (to be) signed.
    signing_place: Mapped[str | None] = mapped_column(sa.String(300))
    #: The day it was signed; before signing, the day planned (may be empty).
    signed_on: Mapped[date | None] = mapped_column()
    #: First day in force; empty means the day of signing.
    effective_from: Mapped[date | None] = mapped_column()
    #: Last day in force; empty means open-ended.
    effective_until: Mapped[date | None] = mapped_column(index=True)
    #: The objectives (วัตถุประสงค์), Thai.
    objectives_th: Mapped[str | None] = mapped_column(sa.Text)
    #: The objectives, English.
    objectives_en: Mapped[str | None] = mapped_column(sa.Text)
    #: How many originals are signed.
    copies: Mapped[int] = mapped_column(default=2)
    #: Thai, English or both.
    language: Mapped[AgreementLanguage] = mapped_column(
        enum_column(AgreementLanguage, 10), default=AgreementLanguage.TH
    )
    #: Days of written notice a party gives to end the agreement early.
    notice_days: Mapped[int] = mapped_column(default=30)
    #: The agreement this one renews.
    predecessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreements.id"), index=True)
    #: Lifecycle status.
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus), default=AgreementStatus.DRAFT, index=True
    )
    #: The day an early termination takes effect (the first day no longer in force); it may
    #: lie ahead, when the termination was recorded on receiving the notice.
    terminated_on: Mapped[date | None] = mapped_column()
    #: The day the notice of termination was given.
    termination_notice_on: Mapped[date | None] = mapped_column()
    #: Why it was terminated.
    termination_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: The staff member who looks after the agreement (and receives the expiry reminders).
    responsible_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Raised by every save; a form carries it so a stale save is refused, not applied.
    lock_version: Mapped[int] = mapped_column(default=1)
    #: The signed scan: where it is stored, relative to STORAGE_DIR.
    scan_path: Mapped[str | None] = mapped_column(sa.String(300))
    #: The file name as uploaded.
    scan_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: SHA-256 (hex) of the scan.
    scan_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: Size of the scan in bytes.
    scan_size: Mapped[int | None] = mapped_column()
    #: Who uploaded the scan.
    scan_uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When the scan was uploaded (UTC).
    scan_uploaded_at: Mapped[datetime | None] = mapped_column()

    __mapper_args__ = {"version_id_col": lock_version}

    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement",
        order_by="AgreementParty.position",
        cascade="all, delete-orphan",
    )
    clauses: Mapped[list[Clause]] = relationship(
        back_populates="agreement", order_by="Clause.position", cascade="all, delete-orphan"
    )
    witnesses: Mapped[list[Witness]] = relationship(
        back_populates="agreement", order_by="Witness.position", cascade="all, delete-orphan"
    )
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="agreement", order_by="Amendment.number", cascade="all, delete-orphan"
    )
    predecessor: Mapped[Agreement | None] = relationship(
        remote_side=[id], foreign_keys=[predecessor_id]
    )
    responsible = relationship("User", foreign_keys=[responsible_id])
    scan_uploaded_by = relationship("User", foreign_keys=[scan_uploaded_by_id])

    def __str__(self) -> str:
        return f"{self.reference} {self.title_th}"

    @property
    def clause_tree(self) -> list[tuple[Clause, list[Clause]]]:
        """The numbered clauses (ข้อ 1, 2, ...), each with its sub-clauses (1.1, 1.2, ...)."""
        tops = [c for c in self.clauses if c.parent is None]
        return [(top, [c for c in self.clauses if c.parent is top]) for top in tops]

    @property
    def starts_on(self) -> date | None:
        """The first day in force: the effective date, else the day of signing."""
        return self.effective_from or self.signed_on

    @property
    def editable(self) -> bool:
        """Whether the content may still be changed (only drafts; signed text is locked)."""
        return self.status is AgreementStatus.DRAFT

    @property
    def has_scan(self) -> bool:
        """Whether the signed copy has been filed."""
        return bool(self.scan_path)

    def terminating(self, today: date) -> bool:
        """Whether a termination was recorded that takes effect after today: until that day
        the agreement is still signed and in force."""
        return (
            self.status is AgreementStatus.TERMINATED
            and self.terminated_on is not None
            and self.terminated_on > today
        )

    def status_on(self, today: date) -> AgreementStatus:
        """The status as shown today: "signed" until a recorded termination takes effect,
        "terminated" from that day (derived from the date, so nothing has to run)."""
        return AgreementStatus.SIGNED if Agreement.terminating(self, today) else self.status

    def state(self, today: date) -> AgreementState:
        """What the status and the dates say today: active, expiring, expired, terminating
        (notice given, not yet effective), terminated ..."""
        if self.status is AgreementStatus.TERMINATED:
            if Agreement.terminating(self, today):
                return AgreementState.TERMINATING
            return AgreementState.TERMINATED
        if self.status is not AgreementStatus.SIGNED:
            return AgreementState.NOT_SIGNED
        start = self.starts_on
        if start is not None and today < start:
            return AgreementState.PENDING
        if self.effective_until is None:
            return AgreementState.ACTIVE
        if today > self.effective_until:
            return AgreementState.EXPIRED
        if self.effective_until - today <= timedelta(days=EXPIRING_DAYS):
            return AgreementState.EXPIRING
        return AgreementState.ACTIVE

    def days_left(self, today: date) -> int | None:
        """Days until the last day in force (0 on the day itself), when it has one."""
        if self.effective_until is None:
            return None
        return (self.effective_until - today).days

    def party_for(self, organisation_id: int) -> AgreementParty | None:
        """The party row of an organisation, if it is a party."""
        return next((p for p in self.parties if p.organisation_id == organisation_id), None)


class AgreementParty(db.Model):
    """An organisation that is a party to an agreement, and who signs for it."""

    __tablename__ = "agreement_parties"
    __table_args__ = (
        sa.UniqueConstraint(
            "agreement_id", "organisation_id", name="uq_agreement_parties_agreement_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agreement.
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: The organisation.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: Order in the text: 1 is named first.
    position: Mapped[int] = mapped_column()
    #: The short name the text calls the party by, Thai (e.g. สพร., สมาคม).
    short_name_th: Mapped[str] = mapped_column(sa.String(100))
    #: The short name in English (e.g. DGA, the Association).
    short_name_en: Mapped[str | None] = mapped_column(sa.String(100))
    #: Who signs for the party, with title prefix.
    signatory_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: The signatory's position, Thai.
    signatory_position: Mapped[str | None] = mapped_column(sa.String(300))
    #: The signatory's name in English.
    signatory_name_en: Mapped[str | None] = mapped_column(sa.String(200))
    #: The signatory's position in English.
    signatory_position_en: Mapped[str | None] = mapped_column(sa.String(300))
    #: The party's responsibilities, Thai, one item per line.
    responsibilities_th: Mapped[str | None] = mapped_column(sa.Text)
    #: The party's responsibilities, English, one item per line.
    responsibilities_en: Mapped[str | None] = mapped_column(sa.Text)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def __str__(self) -> str:
        return self.short_name_th

    @staticmethod
    def _items(text: str | None) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    @property
    def responsibility_items_th(self) -> list[str]:
        """The responsibilities, Thai, as a list."""
        return self._items(self.responsibilities_th)

    @property
    def responsibility_items_en(self) -> list[str]:
        """The responsibilities, English, as a list."""
        return self._items(self.responsibilities_en)


class Clause(db.Model):
    """A numbered clause of the scope of cooperation (ข้อ 1), or a sub-clause of one (1.1)."""

    __tablename__ = "agreement_clauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agreement.
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: The clause this is a sub-clause of; empty for a numbered clause.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement_clauses.id", ondelete="CASCADE"), index=True
    )
    #: Order among its siblings, from 1.
    position: Mapped[int] = mapped_column()
    #: The text, Thai.
    text_th: Mapped[str] = mapped_column(sa.Text)
    #: The text, English.
    text_en: Mapped[str | None] = mapped_column(sa.Text)

    agreement: Mapped[Agreement] = relationship(back_populates="clauses")
    parent: Mapped[Clause | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.text_th[:80]


class Witness(db.Model):
    """A witness to the signing, for one party or for none."""

    __tablename__ = "agreement_witnesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agreement.
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: The party the witness signs for, when any.
    party_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement_parties.id", ondelete="SET NULL")
    )
    #: Order among the witnesses.
    position: Mapped[int] = mapped_column()
    #: Name with title prefix.
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Position.
    witness_position: Mapped[str | None] = mapped_column(sa.String(300))

    agreement: Mapped[Agreement] = relationship(back_populates="witnesses")
    party: Mapped[AgreementParty | None] = relationship()

    def __str__(self) -> str:
        return self.name


class Amendment(db.Model):
    """A change to a signed agreement, recorded beside the locked text."""

    __tablename__ = "agreement_amendments"
    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "number", name="uq_agreement_amendments_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agreement.
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 ... per agreement.
    number: Mapped[int] = mapped_column()
    #: The day the amendment was agreed.
    made_on: Mapped[date] = mapped_column()
    #: What was changed, as agreed.
    text: Mapped[str] = mapped_column(sa.Text)
    #: Who recorded it.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When it was recorded (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="amendments")
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __str__(self) -> str:
        return f"{self.number}: {self.text[:80]}"


class ReminderSent(db.Model):
    """An expiry reminder mailed for one agreement at one threshold, so it is mailed once."""

    __tablename__ = "agreement_reminders"
    __table_args__ = (
        sa.UniqueConstraint(
            "agreement_id",
            "threshold",
            "effective_until",
            name="uq_agreement_reminders_once",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agreement.
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: 90, 60 or 30 days before the end.
    threshold: Mapped[int] = mapped_column()
    #: The end date the reminder was about (a later end date is reminded of anew).
    effective_until: Mapped[date] = mapped_column()
    #: The addresses it went to.
    recipients: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: When it was sent (UTC).
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __str__(self) -> str:
        return f"{self.agreement_id}/{self.threshold}"
