"""Committee meetings: the meeting (ครั้งที่ n/พ.ศ.), its agenda in the five customary
sections, who attended, what was resolved, the action items that follow, and the corrections
made to minutes after they were certified.

A meeting moves scheduled → held → minutes drafted → minutes certified (or is cancelled
while still scheduled). Once certified, the minutes are locked: agenda, attendance and
resolutions no longer change, and a later correction is recorded as a ``MinutesAmendment``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..committees.models import Committee, Membership
from ..db import TimestampMixin, VersionedMixin, db, enum_column, utcnow

#: The Buddhist Era is the Common Era plus this many years.
BE_OFFSET = 543


class MeetingStatus(enum.StrEnum):
    """Where a meeting stands (see ``services.TRANSITIONS``)."""

    SCHEDULED = "scheduled"
    HELD = "held"
    MINUTES_DRAFTED = "minutes_drafted"
    MINUTES_CERTIFIED = "minutes_certified"
    CANCELLED = "cancelled"


class AgendaSection(enum.IntEnum):
    """The five customary sections (ระเบียบวาระ) of a Thai government meeting, in order."""

    ANNOUNCEMENTS = 1  # เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
    CERTIFY_MINUTES = 2  # เรื่องรับรองรายงานการประชุม
    MATTERS_ARISING = 3  # เรื่องสืบเนื่อง
    FOR_CONSIDERATION = 4  # เรื่องเพื่อพิจารณา
    OTHER = 5  # เรื่องอื่น ๆ


#: The sections' official Thai headings, printed whatever the reader's language.
SECTION_TITLES_TH = {
    AgendaSection.ANNOUNCEMENTS: "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
    AgendaSection.CERTIFY_MINUTES: "เรื่องรับรองรายงานการประชุม",
    AgendaSection.MATTERS_ARISING: "เรื่องสืบเนื่อง",
    AgendaSection.FOR_CONSIDERATION: "เรื่องเพื่อพิจารณา",
    AgendaSection.OTHER: "เรื่องอื่น ๆ",
}


class Outcome(enum.StrEnum):
    """What the meeting decided on an agenda item."""

    NOTED = "noted"
    APPROVED = "approved"
    APPROVED_WITH_CHANGES = "approved_with_changes"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class AttendanceKind(enum.StrEnum):
    """How a member took part in a meeting, or that someone came as a guest."""

    PRESENT = "present"
    ABSENT = "absent"
    SUBSTITUTE = "substitute"  # มาประชุมแทน
    GUEST = "guest"  # ผู้เข้าร่วมประชุม


#: The kinds that count towards the quorum (a substitute attends in the member's place).
COUNTS_FOR_QUORUM = (AttendanceKind.PRESENT, AttendanceKind.SUBSTITUTE)

#: The record types under which the documents package keeps a meeting's PDFs (the agenda and
#: the minutes), known to the queries that list them and to the printing that stores them.
AGENDA_RECORD_TYPE = "meeting_agendas"
MINUTES_RECORD_TYPE = "meeting_minutes"
RECORD_TYPES = (AGENDA_RECORD_TYPE, MINUTES_RECORD_TYPE)


class Meeting(TimestampMixin, VersionedMixin, db.Model):
    """One meeting of a committee, numbered ครั้งที่ n/พ.ศ. per committee per Buddhist year."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.UniqueConstraint("committee_id", "year_be", "number", name="uq_meetings_number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "closed_at IS NULL OR opened_at IS NULL OR closed_at > opened_at",
            name="closed_after_opened",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The committee that meets.
    committee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committees.id", ondelete="RESTRICT"), index=True
    )
    #: The Buddhist year of the meeting date (the "/พ.ศ." of the number).
    year_be: Mapped[int] = mapped_column()
    #: 1, 2, 3 ... per committee per Buddhist year, given when the meeting is scheduled.
    number: Mapped[int] = mapped_column()
    #: The day of the meeting.
    held_on: Mapped[date] = mapped_column(index=True)
    #: The planned start time.
    starts_at: Mapped[time] = mapped_column()
    #: The planned end time.
    ends_at: Mapped[time | None] = mapped_column()
    #: Where it takes place (room and building), or the platform of an electronic meeting.
    venue: Mapped[str | None] = mapped_column(sa.String(300))
    #: Whether it is an electronic meeting (ประชุมผ่านสื่ออิเล็กทรอนิกส์), alone or beside a room.
    electronic: Mapped[bool] = mapped_column(default=False)
    #: The link members use to join an electronic meeting.
    online_link: Mapped[str | None] = mapped_column(sa.String(500))
    #: Scheduled, held, minutes drafted, minutes certified or cancelled.
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, 20), default=MeetingStatus.SCHEDULED, index=True
    )
    #: Why it was cancelled.
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: When the meeting actually began (เริ่มประชุมเวลา), recorded once held.
    opened_at: Mapped[time | None] = mapped_column()
    #: When it actually ended (เลิกประชุมเวลา).
    closed_at: Mapped[time | None] = mapped_column()
    #: The explicit note needed to record resolutions when no quorum was present.
    quorum_note: Mapped[str | None] = mapped_column(sa.Text)
    #: Who took the minutes (ผู้จดรายงานการประชุม): name and position as printed.
    minute_taker_name: Mapped[str | None] = mapped_column(sa.String(200))
    minute_taker_position: Mapped[str | None] = mapped_column(sa.String(300))
    #: Who reviewed them (ผู้ตรวจรายงานการประชุม).
    reviewer_name: Mapped[str | None] = mapped_column(sa.String(200))
    reviewer_position: Mapped[str | None] = mapped_column(sa.String(300))
    #: The meeting at which these minutes were certified.
    certified_at_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    #: The day they were certified.
    certified_on: Mapped[date | None] = mapped_column()
    #: The amendments the certifying meeting made, as it worded them (empty: none).
    certification_changes: Mapped[str | None] = mapped_column(sa.Text)
    #: When the invitations with the agenda were last mailed (UTC).
    invitations_sent_at: Mapped[datetime | None] = mapped_column()

    committee: Mapped[Committee] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="(AgendaItem.section, AgendaItem.position, AgendaItem.id)",
        foreign_keys="AgendaItem.meeting_id",
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.id"
    )
    amendments: Mapped[list[MinutesAmendment]] = relationship(
        back_populates="meeting", order_by="MinutesAmendment.number"
    )
    certified_at_meeting: Mapped[Meeting | None] = relationship(
        remote_side=[id], foreign_keys=[certified_at_meeting_id]
    )

    def __str__(self) -> str:
        return f"{self.number}/{self.year_be}"

    @property
    def number_label(self) -> str:
        """ "ครั้งที่ n/พ.ศ." without the words: "3/2569"."""
        return f"{self.number}/{self.year_be}"

    @property
    def locked(self) -> bool:
        """Whether the minutes are certified (or the meeting cancelled): nothing changes."""
        return self.status in (MeetingStatus.MINUTES_CERTIFIED, MeetingStatus.CANCELLED)

    @property
    def was_held(self) -> bool:
        """Whether the meeting has taken place."""
        return self.status in (
            MeetingStatus.HELD,
            MeetingStatus.MINUTES_DRAFTED,
            MeetingStatus.MINUTES_CERTIFIED,
        )


class AgendaItem(VersionedMixin, db.Model):
    """An item of the agenda, in one of the five sections, with what was resolved on it."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        sa.CheckConstraint("section BETWEEN 1 AND 5", name="section_known"),
        sa.CheckConstraint("votes_for IS NULL OR votes_for >= 0", name="votes_for_not_negative"),
        sa.CheckConstraint(
            "votes_against IS NULL OR votes_against >= 0", name="votes_against_not_negative"
        ),
        sa.CheckConstraint(
            "votes_abstain IS NULL OR votes_abstain >= 0", name="votes_abstain_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: Which of the five sections (1-5, see ``AgendaSection``).
    section: Mapped[int] = mapped_column()
    #: Its place within the section (1, 2, 3 ...): printed as วาระที่ section.position.
    position: Mapped[int] = mapped_column()
    #: The item's title.
    title: Mapped[str] = mapped_column(sa.String(500))
    #: The background and what is put to the meeting.
    body: Mapped[str | None] = mapped_column(sa.Text)
    #: In section 2: the earlier meeting whose minutes this item certifies.
    certifies_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    #: In section 3: the earlier meeting's item whose open action items this one follows up.
    follows_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    #: The text of the resolution (มติที่ประชุม).
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    #: Noted, approved, approved with changes, rejected or deferred.
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, 30))
    #: Vote counts, when a vote was taken.
    votes_for: Mapped[int | None] = mapped_column()
    votes_against: Mapped[int | None] = mapped_column()
    votes_abstain: Mapped[int | None] = mapped_column()
    #: In section 4: the proposal the item puts to the meeting (see registry/proposals).
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="RESTRICT"), index=True
    )

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    proposal = relationship("Proposal", foreign_keys=[proposal_id])
    certifies_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[certifies_meeting_id])
    follows_item: Mapped[AgendaItem | None] = relationship(
        remote_side=[id], foreign_keys=[follows_item_id]
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="agenda_item",
        order_by="ActionItem.id",
        foreign_keys="ActionItem.agenda_item_id",
    )

    def __str__(self) -> str:
        return f"{self.section}.{self.position} {self.title[:80]}"

    @property
    def number_label(self) -> str:
        """The item's number as printed: "4.2"."""
        return f"{self.section}.{self.position}"

    @property
    def has_votes(self) -> bool:
        """Whether vote counts were recorded."""
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstain))


class ActionItem(VersionedMixin, db.Model):
    """Something the meeting asked someone to do by a date; carried into later meetings'
    เรื่องสืบเนื่อง until it is done."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agenda item whose resolution asked for it.
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    #: What is to be done.
    text: Mapped[str] = mapped_column(sa.Text)
    #: Who is to do it (a person, a seat or an organisation, as the meeting named them).
    owner: Mapped[str] = mapped_column(sa.String(300))
    #: By when.
    due_on: Mapped[date | None] = mapped_column(index=True)
    #: The day it was reported done; empty while open.
    done_on: Mapped[date | None] = mapped_column(index=True)

    agenda_item: Mapped[AgendaItem] = relationship(
        back_populates="actions", foreign_keys=[agenda_item_id]
    )

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def open(self) -> bool:
        """Whether it is still to be done."""
        return self.done_on is None


class Attendance(VersionedMixin, db.Model):
    """One line of the attendance: a member present, absent (with the reason) or represented
    by a substitute, or a guest who is not a member."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "membership_id", name="uq_meeting_attendance_seat"),
        sa.CheckConstraint("(kind = 'guest') = (membership_id IS NULL)", name="seat_unless_guest"),
        sa.CheckConstraint(
            "kind NOT IN ('guest', 'substitute') OR name IS NOT NULL", name="name_when_needed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: The seat, for a member; empty for a guest.
    membership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committee_memberships.id", ondelete="RESTRICT"), index=True
    )
    #: Present, absent, substitute or guest.
    kind: Mapped[AttendanceKind] = mapped_column(enum_column(AttendanceKind, 20))
    #: Why the member was absent (ติดราชการ ...).
    absence_reason: Mapped[str | None] = mapped_column(sa.String(300))
    #: The person who came: the substitute, or the guest.
    name: Mapped[str | None] = mapped_column(sa.String(200))
    #: Their position.
    position: Mapped[str | None] = mapped_column(sa.String(300))
    #: The organisation a guest came from.
    organisation_name: Mapped[str | None] = mapped_column(sa.String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    membership: Mapped[Membership | None] = relationship()

    def __str__(self) -> str:
        # No personal name here: audit labels outlive a PDPA erasure of the person.
        return f"{self.kind.value}"

    @property
    def counts_for_quorum(self) -> bool:
        """Whether this line counts towards the quorum."""
        return self.kind in COUNTS_FOR_QUORUM


class MinutesAmendment(db.Model):
    """A correction to certified minutes, recorded beside the locked text with who and when."""

    __tablename__ = "minutes_amendments"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "number", name="uq_minutes_amendments_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting whose minutes are corrected.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 ... per meeting.
    number: Mapped[int] = mapped_column()
    #: The correction, as worded.
    text: Mapped[str] = mapped_column(sa.Text)
    #: Who recorded it.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When it was recorded (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="amendments")
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __str__(self) -> str:
        return f"{self.number}: {self.text[:80]}"
