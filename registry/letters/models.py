"""The outgoing-letter register: one row per issued letter, numbered per prefix and year."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, enum_column, utcnow


class LetterKind(enum.StrEnum):
    """What a letter is for."""

    MEETING_INVITATION = "meeting_invitation"
    AGREEMENT_COVER = "agreement_cover"


class Letter(db.Model):
    """An issued official letter (หนังสือภายนอก) as the register keeps it.

    A letter gets its number only when it is issued: a preview (the draft) is never stored
    and takes no number. Numbers run 1, 2, 3 ... per prefix and Buddhist-Era year and are
    never given twice (the unique constraint), nor reused: an issued letter is never deleted.
    """

    __tablename__ = "letters"
    __table_args__ = (
        sa.UniqueConstraint("prefix", "year", "sequence", name="uq_letters_number"),
        sa.Index("ix_letters_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the letter is for (an invitation to a meeting, the cover of an MOU draft).
    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind, 30))
    #: The record the letter is about: its table ("meetings", "agreements") ...
    record_type: Mapped[str] = mapped_column(sa.String(40))
    #: ... and its id.
    record_id: Mapped[int] = mapped_column()
    #: The organisation the letter is addressed to (its representatives may read it), if one.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    #: The agency's letter prefix at the time of issue, e.g. "ดศ 0101/".
    prefix: Mapped[str] = mapped_column(sa.String(40))
    #: The Buddhist-Era year the number belongs to.
    year: Mapped[int] = mapped_column(index=True)
    #: The running number within the prefix and year.
    sequence: Mapped[int] = mapped_column()
    #: The date printed on the letter (Bangkok).
    issued_on: Mapped[date] = mapped_column()
    #: To whom (เรียน ...), as printed.
    recipient: Mapped[str] = mapped_column(sa.String(300))
    #: The subject (เรื่อง ...), as printed.
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: How many addresses the letter was mailed to.
    emails: Mapped[int] = mapped_column(default=0)
    #: The stored PDF of the letter.
    document_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("document_versions.id", ondelete="SET NULL")
    )
    #: Who issued it.
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: When the row was written (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document = relationship("DocumentVersion")
    issued_by = relationship("User")
    organisation = relationship("Organisation")

    @property
    def number(self) -> str:
        """The number as printed after ที่: the prefix and the running number, e.g.
        "ดศ 0101/15"."""
        return f"{self.prefix}{self.sequence}"

    def __str__(self) -> str:
        return f"{self.number} ({self.year}) {self.subject}"[:300]
