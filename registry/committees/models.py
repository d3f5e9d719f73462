"""Committees and their members: the joint committee, its subcommittees and working groups,
and the seats people hold on them over time.

A seat (``Membership``) is never deleted: it is ended, with the day and the reason, and
stays in the committee's history. Whether a seat is *sitting* on a day follows from its
dates only (see ``Membership.sitting_on`` and ``queries.sitting_condition``), so the meetings
can ask who sat on the day of a meeting, past or future.
"""

from __future__ import annotations

import enum
import math
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..collation import sort_column, sort_key
from ..db import TimestampMixin, VersionedMixin, db, enum_column
from ..organisations.models import Contact, Organisation, name_key


class CommitteeKind(enum.StrEnum):
    """What sort of body a committee is."""

    JOINT = "joint_committee"
    SUBCOMMITTEE = "subcommittee"
    WORKING_GROUP = "working_group"


#: The kinds that sit under a parent committee.
NEEDS_PARENT = (CommitteeKind.SUBCOMMITTEE, CommitteeKind.WORKING_GROUP)


class QuorumRule(enum.StrEnum):
    """How many sitting members make a quorum."""

    MORE_THAN_HALF = "more_than_half"
    TWO_THIRDS = "two_thirds"
    FIXED = "fixed_number"


class MemberRole(enum.StrEnum):
    """The seat a person holds on a committee, in the order the minutes list them."""

    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    SECRETARY = "secretary"
    ASSISTANT_SECRETARY = "assistant_secretary"


#: The official Thai titles of the seats, as printed in orders and minutes whatever the
#: reader's language.
ROLE_TITLES_TH = {
    MemberRole.CHAIR: "ประธานกรรมการ",
    MemberRole.VICE_CHAIR: "รองประธานกรรมการ",
    MemberRole.MEMBER: "กรรมการ",
    MemberRole.SECRETARY: "กรรมการและเลขานุการ",
    MemberRole.ASSISTANT_SECRETARY: "ผู้ช่วยเลขานุการ",
}

#: The seats that run the committee's meetings: a secretary account linked to one of these
#: manages the committee.
SECRETARIAT = (MemberRole.SECRETARY, MemberRole.ASSISTANT_SECRETARY)

#: The order seats are listed in (chair first).
ROLE_RANK = {role: rank for rank, role in enumerate(MemberRole)}


class Committee(TimestampMixin, VersionedMixin, db.Model):
    """A joint committee, subcommittee or working group."""

    __tablename__ = "committees"
    __audit_ignore__ = frozenset({"sort_key"})
    __table_args__ = (
        sa.CheckConstraint(
            "kind = 'joint_committee' OR parent_id IS NOT NULL", name="parent_when_needed"
        ),
        sa.CheckConstraint(
            "quorum_rule <> 'fixed_number' OR quorum_number >= 1", name="quorum_number_set"
        ),
        sa.CheckConstraint(
            "dissolved_on IS NULL OR dissolved_on >= established_on", name="dissolved_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Joint committee, subcommittee or working group.
    kind: Mapped[CommitteeKind] = mapped_column(enum_column(CommitteeKind, 30))
    #: The committee a subcommittee or working group reports to.
    # (No ON DELETE RESTRICT here: it is checked row by row, and a restore empties the table
    # in one statement.)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    #: Name in Thai, as in the appointment order.
    name_th: Mapped[str] = mapped_column(sa.String(300))
    #: Name in English.
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    #: The Thai name as compared for duplicates (see ``organisations.models.name_key``).
    name_key: Mapped[str] = mapped_column(sa.String(600), unique=True)
    #: The Thai name as sorted in dictionary order (see ``registry.collation``); set with it.
    sort_key: Mapped[str] = mapped_column(sort_column(), default="", server_default="")
    #: The committee's powers and duties (อำนาจหน้าที่).
    mandate: Mapped[str | None] = mapped_column(sa.Text)
    #: The number of the order (คำสั่ง) that appointed it, for example ๑๒/๒๕๖๓.
    order_number: Mapped[str | None] = mapped_column(sa.String(60))
    #: The date of that order.
    order_date: Mapped[date | None] = mapped_column()
    #: The first day the committee exists; no seat starts before it.
    established_on: Mapped[date] = mapped_column()
    #: How the quorum is counted.
    quorum_rule: Mapped[QuorumRule] = mapped_column(
        enum_column(QuorumRule, 20), default=QuorumRule.MORE_THAN_HALF
    )
    #: The number of members that make a quorum, when the rule is a fixed number.
    quorum_number: Mapped[int | None] = mapped_column()
    #: The day the committee was dissolved; dissolved committees are kept, never deleted.
    dissolved_on: Mapped[date | None] = mapped_column()
    #: Why it was dissolved.
    dissolution_reason: Mapped[str | None] = mapped_column(sa.Text)

    parent: Mapped[Committee | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[Committee]] = relationship(
        back_populates="parent", order_by="Committee.sort_key"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="committee", order_by="Membership.id"
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
        """Whether the committee has not been dissolved."""
        return self.dissolved_on is None

    def display_name(self, lang: str = "th") -> str:
        """The name in the reader's language, falling back to Thai."""
        return (self.name_en if lang == "en" and self.name_en else self.name_th) or ""

    def quorum_needed(self, sitting: int) -> int:
        """How many members present make a quorum when ``sitting`` members hold seats."""
        if self.quorum_rule is QuorumRule.FIXED:
            return self.quorum_number or 1
        if self.quorum_rule is QuorumRule.TWO_THIRDS:
            return math.ceil(sitting * 2 / 3)
        return sitting // 2 + 1

    def ancestors(self) -> list[Committee]:
        """The parent, its parent and so on, nearest first (stops at a loop, should one exist)."""
        found: list[Committee] = []
        node = self.parent
        while node is not None and node not in found and node is not self:
            found.append(node)
            node = node.parent
        return found


class Membership(TimestampMixin, VersionedMixin, db.Model):
    """A seat a person holds on a committee for a term; ended, never deleted."""

    __tablename__ = "committee_memberships"
    __table_args__ = (
        sa.CheckConstraint(
            "term_end IS NULL OR term_end >= term_start", name="term_end_after_start"
        ),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= term_start", name="ended_after_start"),
        sa.CheckConstraint("ended_on IS NULL OR end_reason IS NOT NULL", name="ended_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The committee.
    committee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committees.id", ondelete="RESTRICT"), index=True
    )
    #: The person.
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="RESTRICT"), index=True
    )
    #: Chair, vice chair, member, member and secretary, assistant secretary.
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, 30))
    #: The organisation the person sits for (by default their own).
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: First day of the term.
    term_start: Mapped[date] = mapped_column()
    #: Last day of the term; empty means until further notice.
    term_end: Mapped[date | None] = mapped_column()
    #: The order (คำสั่ง) that appointed the person, as written.
    appointed_by: Mapped[str | None] = mapped_column(sa.String(300))
    #: The day the seat ended early (resignation, replacement ...); from that day it is not held.
    ended_on: Mapped[date | None] = mapped_column()
    #: Why it ended.
    end_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: The sign-in account that acts for the seat: a secretary account linked to a
    #: secretary or assistant-secretary seat manages the committee.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    committee: Mapped[Committee] = relationship(back_populates="memberships")
    contact: Mapped[Contact] = relationship()
    organisation: Mapped[Organisation] = relationship()
    user = relationship("User")

    def __str__(self) -> str:
        # No personal name here: audit labels outlive a PDPA erasure of the person.
        return f"{ROLE_TITLES_TH[self.role]} {self.committee.name_th if self.committee else ''}"

    @property
    def last_day(self) -> date | None:
        """The last day the seat is held: the term end, or the day before it ended early."""
        ends = [day for day in (self.term_end, _day_before(self.ended_on)) if day is not None]
        return min(ends) if ends else None

    def sitting_on(self, day: date) -> bool:
        """Whether the seat is held on a day."""
        last = self.last_day
        return self.term_start <= day and (last is None or day <= last)

    def overlaps(self, start: date, last: date | None) -> bool:
        """Whether the seat is held on any day from ``start`` to ``last`` (None: open-ended)."""
        mine = self.last_day
        return (mine is None or start <= mine) and (last is None or self.term_start <= last)

    @property
    def ended(self) -> bool:
        """Whether the seat was ended early (it stays in the history)."""
        return self.ended_on is not None

    @property
    def title_th(self) -> str:
        """The seat's official Thai title."""
        return ROLE_TITLES_TH[self.role]


def _day_before(day: date | None) -> date | None:
    return date.fromordinal(day.toordinal() - 1) if day is not None else None
