"""The rules for meetings: scheduling (numbered ครั้งที่ n/พ.ศ.), the agenda, attendance and
quorum, holding the meeting, resolutions and action items, drafting and certifying the
minutes, and the amendments recorded once they are locked.

Every change is audited and committed here; a refusal raises ``MeetingError`` (a
``RuleError``) before anything is written, so the caller only has to roll back. Numbers are
given, and amendments numbered, after locking the committee row, so two secretaries
scheduling at the same moment cannot take the same number.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, submissions, versions
from ..audit.services import snapshot
from ..committees.models import Committee, MemberRole, Membership
from ..committees.queries import sitting_members
from ..committees.services import lock_committee, today
from ..db import db
from ..formats import is_web_address
from ..i18n import format_date
from ..rules import RuleError, clean_text, plausible_date
from .models import (
    BE_OFFSET,
    COUNTS_FOR_QUORUM,
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

#: The steps a meeting may take from each status; the minutes are certified (drafted →
#: certified) by a later meeting, see ``certify_minutes``.
TRANSITIONS = {
    MeetingStatus.SCHEDULED: (MeetingStatus.HELD, MeetingStatus.CANCELLED),
    MeetingStatus.HELD: (MeetingStatus.MINUTES_DRAFTED,),
    MeetingStatus.MINUTES_DRAFTED: (MeetingStatus.MINUTES_CERTIFIED,),
    MeetingStatus.MINUTES_CERTIFIED: (),
    MeetingStatus.CANCELLED: (),
}

#: The fields the scheduling form sets.
MEETING_FIELDS = ("held_on", "starts_at", "ends_at", "venue", "electronic", "online_link")

#: The fields of the minutes' particulars (times, who took and reviewed them, quorum note).
MINUTES_FIELDS = (
    "opened_at",
    "closed_at",
    "minute_taker_name",
    "minute_taker_position",
    "reviewer_name",
    "reviewer_position",
    "quorum_note",
)

#: The outcomes a certifying item may record without certifying (certification has its action).
NOT_CERTIFYING = (Outcome.DEFERRED, Outcome.REJECTED)

#: The highest vote count accepted on one side.
MAX_VOTES = 9999

# The wording the agenda and minutes print. They are official Thai text stored with the
# record, like the section headings (models.SECTION_TITLES_TH), whatever the reader's language.
CERTIFY_TITLE_TH = "รับรองรายงานการประชุม ครั้งที่ {number} เมื่อ{day}"
FOLLOW_UP_TITLE_TH = "ติดตามผลการดำเนินงานตามมติที่ประชุม ครั้งที่ {number} วาระที่ {item} เรื่อง {title}"
CERTIFIED_TH = "ที่ประชุมรับรองรายงานการประชุม ครั้งที่ {number} โดยไม่มีการแก้ไข"
CERTIFIED_WITH_CHANGES_TH = "ที่ประชุมรับรองรายงานการประชุม ครั้งที่ {number} โดยมีการแก้ไข ดังนี้\n{changes}"


class MeetingError(RuleError):
    """A change to a meeting, its agenda, attendance or minutes that the rules refuse."""


class AttendanceError(MeetingError):
    """A refused attendance line; ``membership_id`` names the seat it concerns."""

    def __init__(self, message: str, field: str | None, membership_id: int | None):
        super().__init__(message, field)
        self.membership_id = membership_id


def be_year(day: date) -> int:
    """The Buddhist year of a day (the "/พ.ศ." of a meeting number)."""
    return day.year + BE_OFFSET


def _text(value) -> str | None:
    return clean_text(value) if isinstance(value, str) else value


def _ensure_editable(meeting: Meeting) -> None:
    """Refuse any change to a cancelled meeting or to certified minutes."""
    if meeting.status is MeetingStatus.MINUTES_CERTIFIED:
        raise MeetingError(
            _("The minutes of this meeting have been certified and can no longer be changed; "
              "record a correction as an amendment.")
        )  # fmt: skip
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("This meeting was cancelled; it can no longer be changed."))


def _ensure_held(meeting: Meeting) -> None:
    _ensure_editable(meeting)
    if not meeting.was_held:
        raise MeetingError(_("Mark the meeting as held first."))


# --- scheduling ---------------------------------------------------------------------------------


def meeting_values(committee: Committee, details: dict) -> dict:
    """A meeting's date, times and place normalised and checked; raises at the first fault."""
    values = {key: _text(details.get(key)) for key in MEETING_FIELDS}
    values["electronic"] = bool(values["electronic"])
    _limited(values["venue"], 300, "venue")
    _limited(values["online_link"], 500, "online_link")
    held_on = values["held_on"]
    plausible_date(held_on, "held_on", MeetingError)
    if held_on is None:
        raise MeetingError(_("Enter the day of the meeting."), "held_on")
    if held_on < committee.established_on:
        raise MeetingError(
            _("The committee was established on %(day)s; a meeting cannot be held before that.",
              day=format_date(committee.established_on)),
            "held_on",
        )  # fmt: skip
    if committee.dissolved_on is not None and held_on >= committee.dissolved_on:
        raise MeetingError(
            _("The committee was dissolved on %(day)s; a meeting cannot be held from that day on.",
              day=format_date(committee.dissolved_on)),
            "held_on",
        )  # fmt: skip
    if not isinstance(values["starts_at"], time):
        raise MeetingError(_("Enter the time the meeting starts."), "starts_at")
    if values["ends_at"] is not None and values["ends_at"] <= values["starts_at"]:
        raise MeetingError(_("The meeting must end after it starts."), "ends_at")
    if values["online_link"] and not is_web_address(values["online_link"]):
        raise MeetingError(
            _("Enter the link starting with https:// or http://, for example "
              "https://meet.example.go.th/abc."),
            "online_link",
        )  # fmt: skip
    if values["online_link"] and not values["electronic"]:
        raise MeetingError(
            _("Tick “electronic meeting” for a meeting with a link, or remove the link."),
            "electronic",
        )
    if values["electronic"] and not values["online_link"]:
        raise MeetingError(_("Enter the link members use to join the meeting."), "online_link")
    if not values["venue"] and not values["electronic"]:
        raise MeetingError(
            _("Enter where the meeting takes place, or make it an electronic meeting."), "venue"
        )
    return values


def _next_number(committee: Committee, year: int) -> int:
    """The next number in a Buddhist year (cancelled meetings keep theirs); lock held."""
    highest = db.session.scalar(
        sa.select(sa.func.max(Meeting.number)).where(
            Meeting.committee_id == committee.id, Meeting.year_be == year
        )
    )
    return (highest or 0) + 1


#: Above any real number: where renumbered meetings wait while the others move, so two
#: meetings never hold the same number at a flush (numbers are unique per year).
_ASIDE = 100_000


@dataclass(frozen=True)
class Renumbering:
    """A meeting given another number so that the year's numbers follow the dates."""

    meeting: Meeting
    old_label: str
    new_label: str


@dataclass(frozen=True)
class Scheduled:
    """A meeting just scheduled or moved, and the other meetings renumbered for it."""

    meeting: Meeting
    renumbered: list[Renumbering]


def _order(meeting: Meeting, held_on: date | None = None, starts_at: time | None = None):
    """Where a meeting stands in its year: by day, start time, then when it was scheduled."""
    return (
        held_on or meeting.held_on,
        starts_at or meeting.starts_at,
        meeting.id if meeting.id is not None else sys.maxsize,
    )


def _number_year(
    committee: Committee, year: int, actor, placing: Meeting | None = None, at=None
) -> tuple[int | None, list[Renumbering]]:
    """Number a committee's meetings of a Buddhist year in the order of their dates, with
    ``placing`` (a meeting being scheduled or moved, standing at ``at``) among them.

    Held meetings keep their numbers, and so does every meeting dated before the last of
    them; the meetings after it that were not held (scheduled or cancelled) are numbered on
    from the highest number kept, by day and start time. A meeting placed before a held
    meeting of the year is refused: its number would break the order of numbers already
    printed in minutes. Returns the number for ``placing`` and the others renumbered (each
    audited "renumbered"). The caller holds the committee lock and audits ``placing``."""
    others = [
        meeting
        for meeting in db.session.scalars(
            sa.select(Meeting).where(Meeting.committee_id == committee.id, Meeting.year_be == year)
        )
        if meeting is not placing
    ]
    last_held = max((m for m in others if m.was_held), key=_order, default=None)
    if placing is not None and last_held is not None and at < _order(last_held):
        raise MeetingError(
            _("Meeting %(number)s was held on %(day)s, and the numbers of held meetings do not "
              "change: a meeting of the same year cannot come before it. Choose a later day "
              "or time.", number=last_held.number_label, day=format_date(last_held.held_on)),
            "held_on",
        )  # fmt: skip
    moving = [
        meeting
        for meeting in others
        if not meeting.was_held and (last_held is None or _order(meeting) > _order(last_held))
    ]
    base = max((meeting.number for meeting in others if meeting not in moving), default=0)
    line = sorted(
        [(_order(meeting), meeting) for meeting in moving]
        + ([(at, placing)] if placing is not None else []),
        key=lambda pair: pair[0],
    )
    numbers = {id(meeting): base + place for place, (_key, meeting) in enumerate(line, 1)}
    number = numbers[id(placing)] if placing is not None else None
    changed = [meeting for meeting in moving if meeting.number != numbers[id(meeting)]]
    if not changed:
        return number, []
    old_labels = {id(meeting): meeting.number_label for meeting in changed}
    waiting = list(changed)
    if placing is not None and sa.inspect(placing).persistent:
        waiting.append(placing)  # its old number may be one the others take
    with ExitStack() as stack:
        for meeting in changed:
            stack.enter_context(audit.change(meeting, actor, "renumbered"))
        for place, meeting in enumerate(waiting, 1):
            meeting.number = _ASIDE + place
        db.session.flush()
        for meeting in changed:
            meeting.number = numbers[id(meeting)]
    changed.sort(key=_order)
    return number, [
        Renumbering(meeting, old_labels[id(meeting)], meeting.number_label) for meeting in changed
    ]


def schedule_meeting(
    committee: Committee, *, actor, submission: str | None = None, **details
) -> Meeting:
    """Schedule a meeting (see ``schedule``); the meeting."""
    return schedule(committee, actor=actor, submission=submission, **details).meeting


def schedule(committee: Committee, *, actor, submission: str | None = None, **details) -> Scheduled:
    """Schedule a meeting, numbered ครั้งที่ n/พ.ศ. in the order of the year's dates (the
    unheld meetings after it are renumbered, and said so), with sections 2 and 3 of its
    agenda filled from the earlier meetings. ``submission``: the form's one-time token,
    claimed before the number is taken; the same form sent again raises
    ``submissions.AlreadySaved`` and takes no number, so the numbers stay consecutive."""
    with submissions.once(submission, actor) as claim:
        if not committee.active:
            raise MeetingError(_("This committee has been dissolved; it no longer meets."))
        values = meeting_values(committee, details)
        lock_committee(committee)
        year = be_year(values["held_on"])
        meeting = Meeting(committee_id=committee.id, year_be=year, number=0, **values)
        number, renumbered = _number_year(
            committee, year, actor, meeting, _order(meeting, values["held_on"], values["starts_at"])
        )
        meeting.number = number
        meeting.committee = committee
        with audit.change(meeting, actor, "scheduled"):
            pass
        _take_over_certification(meeting, actor)
        _fill_from_earlier(meeting, actor)
        claim.made(meeting)
    db.session.commit()
    return Scheduled(meeting, renumbered)


def update_meeting(
    meeting: Meeting, *, actor, lock_version: int | None = None, **details
) -> list[Renumbering]:
    """Change a scheduled meeting's date, times or place. A new day or time renumbers it and
    the unheld meetings of its year (and of the year it left) in date order; returns those
    others renumbered. Attendance lines of seats not held on the new day are removed.
    ``lock_version``: the version the form was read at; a save from an older one is refused."""
    with versions.saving(meeting, lock_version):
        if meeting.status is not MeetingStatus.SCHEDULED:
            _ensure_editable(meeting)
            raise MeetingError(_("Only a scheduled meeting can be changed."))
        current = {key: getattr(meeting, key) for key in MEETING_FIELDS}
        values = meeting_values(meeting.committee, current | details)
        lock_committee(meeting.committee)
        renumbered: list[Renumbering] = []
        moved = (values["held_on"], values["starts_at"]) != (meeting.held_on, meeting.starts_at)
        with audit.change(meeting, actor, "updated"):
            old_year = meeting.year_be
            year = be_year(values["held_on"])
            if moved:
                at = _order(meeting, values["held_on"], values["starts_at"])
                number, renumbered = _number_year(meeting.committee, year, actor, meeting, at)
                meeting.year_be, meeting.number = year, number
            for key, value in values.items():
                setattr(meeting, key, value)
        if moved and year != old_year:
            renumbered += _number_year(meeting.committee, old_year, actor)[1]
        sitting = {seat.id for seat in sitting_members(meeting.committee, meeting.held_on)}
        for line in list(meeting.attendance):
            if line.membership_id is not None and line.membership_id not in sitting:
                _delete(line, actor)
        if moved:
            _take_over_certification(meeting, actor)
        db.session.commit()
    return renumbered


def cancel_meeting(
    meeting: Meeting, actor, *, reason: str | None, lock_version: int | None = None
) -> None:
    """Cancel a scheduled meeting; it keeps its number, and the reason is recorded.
    ``lock_version``: the version the form was read at; one older is refused."""
    reason = _text(reason)
    with versions.saving(meeting, lock_version):
        if MeetingStatus.CANCELLED not in TRANSITIONS[meeting.status]:
            raise MeetingError(_("Only a scheduled meeting can be cancelled."))
        if not reason:
            raise MeetingError(_("Say why the meeting is cancelled."), "reason")
        with audit.change(meeting, actor, "cancelled"):
            meeting.status = MeetingStatus.CANCELLED
            meeting.cancel_reason = reason
        db.session.commit()


# --- the agenda ----------------------------------------------------------------------------------


def _section(value) -> AgendaSection:
    try:
        return AgendaSection(int(value))
    except (TypeError, ValueError):
        raise MeetingError(_("Choose the section of the agenda."), "section") from None


def _item_text(title, body) -> tuple[str, str | None]:
    title = _text(title)
    if not title:
        raise MeetingError(_("Enter the title of the item."), "title")
    if len(title) > 500:
        raise MeetingError(_("At most %(max)d characters.", max=500), "title")
    return title, _text(body)


def _next_position(meeting: Meeting, section: int) -> int:
    positions = [item.position for item in meeting.items if item.section == section]
    return max(positions, default=0) + 1


def _renumber(meeting: Meeting, section: int, actor) -> None:
    """Close the gaps in a section's positions (1, 2, 3 ...)."""
    items = sorted(
        (item for item in meeting.items if item.section == section),
        key=lambda item: (item.position, item.id),
    )
    for position, item in enumerate(items, 1):
        if item.position != position:
            with audit.change(item, actor, "moved"):
                item.position = position


def add_item(
    meeting: Meeting, *, actor, section, title, body=None, submission: str | None = None
) -> AgendaItem:
    """Add an item at the end of a section of the agenda. ``submission``: the form's one-time
    token; the same form sent again raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        item = new_item(meeting, actor=actor, section=section, title=title, body=body)
        claim.made(item)
    db.session.commit()
    return item


def new_item(
    meeting: Meeting, *, actor, section, title, body=None, proposal_id: int | None = None
) -> AgendaItem:
    """An item at the end of a section, audited, not yet committed (for a caller that
    writes more in the same transaction, such as placing a proposal on the agenda)."""
    _ensure_editable(meeting)
    section = _section(section)
    title, body = _item_text(title, body)
    item = AgendaItem(
        meeting=meeting,
        section=int(section),
        position=_next_position(meeting, int(section)),
        title=title,
        body=body,
        proposal_id=proposal_id,
    )
    with audit.change(item, actor, "created"):
        pass
    return item


def update_item(
    item: AgendaItem, *, actor, section, title, body=None, lock_version: int | None = None
) -> None:
    """Change an item's title, text or section (moved to the end of a new section).
    ``lock_version``: the version the form was read at; a save from an older one is refused."""
    meeting = item.meeting
    _ensure_editable(meeting)
    with versions.saving(item, lock_version):
        section = int(_section(section))
        title, body = _item_text(title, body)
        if section != item.section and (item.certifies_meeting_id or item.follows_item_id):
            raise MeetingError(
                _("This item was added from an earlier meeting; it stays in its section."),
                "section",
            )
        old_section = item.section
        with audit.change(item, actor, "updated"):
            if section != old_section:
                item.position = _next_position(meeting, section)
                item.section = section
            item.title, item.body = title, body
        if section != old_section:
            _renumber(meeting, old_section, actor)
        db.session.commit()


def move_item(item: AgendaItem, actor, *, direction: str) -> None:
    """Swap an item with the one above ("up") or below ("down") it in its section."""
    meeting = item.meeting
    _ensure_editable(meeting)
    if direction not in ("up", "down"):
        raise MeetingError(_("Choose up or down."))
    siblings = [other for other in meeting.items if other.section == item.section]
    siblings.sort(key=lambda other: (other.position, other.id))
    index = siblings.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise MeetingError(_("The item is already at that end of its section."))
    other = siblings[target]
    with audit.change(item, actor, "moved"), audit.change(other, actor, "moved"):
        item.position, other.position = other.position, item.position
        if item.position == other.position:  # equal positions (never expected): separate them
            item.position += -1 if direction == "up" else 1
    db.session.commit()


def delete_item(item: AgendaItem, actor) -> None:
    """Remove an item from the agenda; refused while it has action items."""
    meeting = item.meeting
    _ensure_editable(meeting)
    if item.actions:
        raise MeetingError(_("This item has action items; remove them first."))
    certified = item.certifies_meeting
    if certified is not None and certified.certified_at_meeting_id == meeting.id:
        raise MeetingError(
            _("The minutes of meeting %(number)s were certified under this item; it stays on "
              "the agenda.", number=certified.number_label)
        )  # fmt: skip
    section = item.section
    meeting.items.remove(item)
    _delete(item, actor)
    _renumber(meeting, section, actor)
    db.session.commit()


def _delete(record, actor) -> None:
    audit.record_event(
        actor, "deleted", record, {k: [v, None] for k, v in snapshot(record).items()}
    )
    db.session.delete(record)
    db.session.flush()


def before(meeting: Meeting):
    """The condition for the meetings that come before this one in date order (day, start
    time, then the order they were scheduled in), the order that numbers them."""
    return sa.or_(
        Meeting.held_on < meeting.held_on,
        sa.and_(Meeting.held_on == meeting.held_on, Meeting.starts_at < meeting.starts_at),
        sa.and_(
            Meeting.held_on == meeting.held_on,
            Meeting.starts_at == meeting.starts_at,
            Meeting.id < meeting.id,
        ),
    )


def _earlier(meeting: Meeting):
    """The condition for the committee's meetings held before this one."""
    return sa.and_(
        Meeting.committee_id == meeting.committee_id, Meeting.id != meeting.id, before(meeting)
    )


def _take_over_certification(meeting: Meeting, actor) -> None:
    """Keep each pending certification on the first scheduled meeting after the meeting it
    certifies: when a meeting is scheduled (or moved) before the one that had the item, the
    item moves to it (removed there, added here, both audited), and back when it moves on."""
    db.session.flush()
    scheduled = sorted(
        db.session.scalars(
            sa.select(Meeting).where(
                Meeting.committee_id == meeting.committee_id,
                Meeting.status == MeetingStatus.SCHEDULED,
            )
        ),
        key=_order,
    )
    pending = db.session.scalars(
        sa.select(AgendaItem)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            Meeting.committee_id == meeting.committee_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            AgendaItem.certifies_meeting_id.is_not(None),
            AgendaItem.resolution.is_(None),
        )
    ).all()
    for item in pending:
        earlier = item.certifies_meeting
        target = next((m for m in scheduled if _order(m) > _order(earlier)), None)
        source = item.meeting
        if target is None or target is source:
            continue
        if all(other.certifies_meeting_id != earlier.id for other in target.items):
            moved = AgendaItem(
                meeting=target,
                section=int(AgendaSection.CERTIFY_MINUTES),
                position=_next_position(target, int(AgendaSection.CERTIFY_MINUTES)),
                title=certify_title(earlier),
                certifies_meeting_id=earlier.id,
            )
            with audit.change(moved, actor, "added automatically"):
                pass
        source.items.remove(item)
        _delete(item, actor)
        _renumber(source, int(AgendaSection.CERTIFY_MINUTES), actor)


def minutes_to_certify(meeting: Meeting) -> list[Meeting]:
    """Earlier meetings that were held and whose minutes are not certified, unless another
    meeting still to be held already has them on its agenda; oldest first."""
    pending_elsewhere = (
        sa.select(AgendaItem.certifies_meeting_id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            AgendaItem.certifies_meeting_id.is_not(None),
            Meeting.id != meeting.id,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
    )
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                _earlier(meeting),
                Meeting.status.in_((MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFTED)),
                Meeting.id.not_in(pending_elsewhere),
            )
            .order_by(Meeting.held_on, Meeting.id)
        )
    )


def items_to_follow(meeting: Meeting) -> list[AgendaItem]:
    """Items of earlier held meetings that still have open action items; oldest first."""
    open_actions = sa.select(ActionItem.agenda_item_id).where(ActionItem.done_on.is_(None))
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(
                _earlier(meeting),
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.status != MeetingStatus.SCHEDULED,
                AgendaItem.id.in_(open_actions),
            )
            .order_by(Meeting.held_on, Meeting.id, AgendaItem.section, AgendaItem.position)
        )
    )


def certify_title(earlier: Meeting) -> str:
    """The title of the item that certifies an earlier meeting's minutes."""
    day = format_date(earlier.held_on, "formal", lang="th", use_thai_digits=False)
    return CERTIFY_TITLE_TH.format(number=earlier.number_label, day=day)


def follow_up_title(earlier: AgendaItem) -> str:
    """The title of the item that follows up an earlier item's open action items."""
    title = FOLLOW_UP_TITLE_TH.format(
        number=earlier.meeting.number_label, item=earlier.number_label, title=earlier.title
    )
    return title if len(title) <= 500 else title[:499] + "…"


def _fill_from_earlier(meeting: Meeting, actor) -> int:
    """Add what sections 2 and 3 are missing; returns how many items were added."""
    db.session.flush()
    present_certify = {item.certifies_meeting_id for item in meeting.items}
    present_follow = {item.follows_item_id for item in meeting.items}
    missing = [
        (
            AgendaSection.CERTIFY_MINUTES,
            certify_title(earlier),
            {"certifies_meeting_id": earlier.id},
        )
        for earlier in minutes_to_certify(meeting)
        if earlier.id not in present_certify
    ] + [
        (AgendaSection.MATTERS_ARISING, follow_up_title(earlier), {"follows_item_id": earlier.id})
        for earlier in items_to_follow(meeting)
        if earlier.id not in present_follow
    ]
    for section, title, link in missing:
        item = AgendaItem(
            meeting=meeting,
            section=int(section),
            position=_next_position(meeting, int(section)),
            title=title,
            **link,
        )
        with audit.change(item, actor, "added automatically"):
            pass
    return len(missing)


def refresh_agenda(meeting: Meeting, actor) -> int:
    """Add the minutes to certify and the follow-ups the agenda is missing (no duplicates);
    returns how many items were added."""
    _ensure_editable(meeting)
    lock_committee(meeting.committee)
    added = _fill_from_earlier(meeting, actor)
    db.session.commit()
    return added


# --- attendance and quorum ----------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    """How the attendance stands against the quorum on the meeting day."""

    sitting: int
    needed: int
    attending: int
    recorded: bool

    @property
    def reached(self) -> bool:
        """Whether enough members (present or by substitute) attend."""
        return self.attending >= self.needed


def quorum(meeting: Meeting, seats: list[Membership] | None = None) -> Quorum:
    """The quorum of a meeting: sitting members on its day, how many are needed, how many
    attend in person or by substitute."""
    seats = sitting_members(meeting.committee, meeting.held_on) if seats is None else seats
    sitting = {seat.id for seat in seats}
    lines = [line for line in meeting.attendance if line.membership_id in sitting]
    attending = sum(1 for line in lines if line.kind in COUNTS_FOR_QUORUM)
    return Quorum(
        sitting=len(sitting),
        needed=meeting.committee.quorum_needed(len(sitting)),
        attending=attending,
        recorded=bool(lines),
    )


def _member_line(seat: Membership, line: dict) -> dict:
    """One seat's submitted attendance, checked and cleaned (kind None: not recorded)."""
    raw = (line.get("kind") or "").strip()
    try:
        kind = AttendanceKind(raw) if raw else None
    except ValueError:
        kind = AttendanceKind.GUEST  # refused just below, with the same message
    if kind is AttendanceKind.GUEST:
        raise AttendanceError(
            _("Choose present, absent or substitute for a member."), "kind", seat.id
        )
    values = {"kind": kind, "absence_reason": None, "name": None, "position": None}
    if kind is AttendanceKind.ABSENT:
        values["absence_reason"] = _limited(line.get("absence_reason"), 300, "absence_reason", seat)
    elif kind is AttendanceKind.SUBSTITUTE:
        values["name"] = _limited(line.get("name"), 200, "name", seat)
        values["position"] = _limited(line.get("position"), 300, "position", seat)
        if not values["name"]:
            raise AttendanceError(
                _("Enter the name of the person who attends in the member's place."),
                "name",
                seat.id,
            )
    return values


def _limited(value, limit: int, field: str, seat: Membership | None = None) -> str | None:
    value = _text(value)
    if value is not None and len(value) > limit:
        if seat is not None:
            raise AttendanceError(_("At most %(max)d characters.", max=limit), field, seat.id)
        raise MeetingError(_("At most %(max)d characters.", max=limit), field)
    return value


def record_attendance(meeting: Meeting, *, actor, lines: list[dict]) -> None:
    """Record, in one go, how each sitting member took part: present, absent (with the
    reason) or represented by a substitute (name and position). A seat left blank is not
    recorded. A seat that is not held on the meeting day is refused: add that person as a
    guest. A line may carry ``lock_version``, the version of the seat's line the form was
    read at (0: it had none; None: not checked): when one was changed since, nothing is saved
    (``versions.ConflictError``, with who changed which line)."""
    _ensure_editable(meeting)
    seats = {seat.id: seat for seat in sitting_members(meeting.committee, meeting.held_on)}
    read_at: dict[int, int | None] = {}
    for line in lines:
        seat_id = line.get("membership_id")
        seat = seats.get(seat_id) if isinstance(seat_id, int) else None
        if seat is None:
            raise AttendanceError(
                _("This person does not hold a seat on the committee on the day of the meeting; "
                  "add them as a guest instead."),
                "kind",
                seat_id if isinstance(seat_id, int) else None,
            )  # fmt: skip
        if seat.id in read_at:
            raise AttendanceError(_("Each member is listed once."), "kind", seat.id)
        read_at[seat.id] = line.get("lock_version")
    refusal = _outdated_lines(meeting, seats, read_at)
    if refusal is not None:
        raise refusal
    checked = {line["membership_id"]: _member_line(seats[line["membership_id"]], line)
               for line in lines}  # fmt: skip
    try:
        _write_attendance(meeting, actor, checked)
    except StaleDataError:
        db.session.rollback()
        raise _outdated_lines(meeting, seats, read_at) or versions.ConflictError() from None


def _write_attendance(meeting: Meeting, actor, checked: dict[int, dict]) -> None:
    existing = {line.membership_id: line for line in meeting.attendance if line.membership_id}
    for seat_id, values in checked.items():
        line = existing.get(seat_id)
        if values["kind"] is None:
            if line is not None:
                meeting.attendance.remove(line)
                _delete(line, actor)
            continue
        if line is None:
            line = Attendance(meeting=meeting, membership_id=seat_id)
        elif all(getattr(line, key) == value for key, value in values.items()):
            continue
        with audit.change(line, actor, "recorded attendance"):
            for key, value in values.items():
                setattr(line, key, value)
    db.session.commit()


def _outdated_lines(
    meeting: Meeting, seats: dict[int, Membership], read_at: dict[int, int | None]
) -> versions.ConflictError | None:
    """The refusal of an attendance read before some of its lines changed (None: all as
    read): each changed line's saves since, named by its member."""
    existing = {line.membership_id: line for line in meeting.attendance if line.membership_id}
    refusal = None
    for seat_id, version in read_at.items():
        line = existing.get(seat_id)
        if version is None or version == (line.lock_version if line is not None else 0):
            continue
        subject = seats[seat_id].contact.full_name
        if version < 0:
            found = versions.ConflictError(known=False)
        elif line is None:
            match = {"meeting_id": meeting.id, "membership_id": seat_id}
            found = versions.ConflictError(
                versions.removal(Attendance.__tablename__, match, subject=subject)
            )
        else:
            changes, more = versions.changes_since(line, version, subject=subject)
            found = versions.ConflictError(changes, more=more)
        refusal = found if refusal is None else refusal + found
    return refusal


def add_guest(
    meeting: Meeting,
    *,
    actor,
    name,
    position=None,
    organisation_name=None,
    submission: str | None = None,
):
    """Record a guest (ผู้เข้าร่วมประชุม): someone who attends without a seat. ``submission``:
    the form's one-time token; the same form sent again raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        _ensure_editable(meeting)
        name = _limited(name, 200, "name")
        if not name:
            raise MeetingError(_("Enter the guest's name."), "name")
        line = Attendance(
            meeting=meeting,
            kind=AttendanceKind.GUEST,
            name=name,
            position=_limited(position, 300, "position"),
            organisation_name=_limited(organisation_name, 300, "organisation_name"),
        )
        with audit.change(line, actor, "created"):
            pass
        claim.made(line)
    db.session.commit()
    return line


def remove_guest(line: Attendance, actor) -> None:
    """Take a guest off the attendance."""
    meeting = line.meeting
    _ensure_editable(meeting)
    if line.kind is not AttendanceKind.GUEST:
        raise MeetingError(_("Only a guest can be removed this way."))
    meeting.attendance.remove(line)
    _delete(line, actor)
    db.session.commit()


# --- holding the meeting, the minutes' particulars ------------------------------------------------


def _times(opened_at, closed_at, *, needed: bool) -> None:
    if needed and not isinstance(opened_at, time):
        raise MeetingError(_("Enter the time the meeting began."), "opened_at")
    if opened_at is not None and closed_at is not None and closed_at <= opened_at:
        raise MeetingError(_("The meeting must end after it began."), "closed_at")
    if closed_at is not None and opened_at is None:
        raise MeetingError(_("Enter the time the meeting began."), "opened_at")


def secretary_seat(meeting: Meeting) -> Membership | None:
    """The seat of the committee's secretary (กรรมการและเลขานุการ) on the meeting day."""
    seats = sitting_members(meeting.committee, meeting.held_on)
    return next((seat for seat in seats if seat.role is MemberRole.SECRETARY), None)


def mark_held(
    meeting: Meeting,
    actor,
    *,
    opened_at: time | None,
    closed_at: time | None,
    lock_version: int | None = None,
) -> None:
    """Record that the meeting took place, with the times it began and ended; the minute-taker
    defaults to the committee's secretary. ``lock_version``: the version the form was read
    at; one older is refused."""
    with versions.saving(meeting, lock_version):
        if MeetingStatus.HELD not in TRANSITIONS[meeting.status]:
            _ensure_editable(meeting)
            raise MeetingError(_("Only a scheduled meeting can be marked as held."))
        if meeting.held_on > today():
            raise MeetingError(
                _("The meeting is on %(day)s; it can be marked as held from that day.",
                  day=format_date(meeting.held_on)),
                "opened_at",
            )  # fmt: skip
        _times(opened_at, closed_at, needed=True)
        seat = secretary_seat(meeting) if not meeting.minute_taker_name else None
        with audit.change(meeting, actor, "marked held"):
            meeting.status = MeetingStatus.HELD
            meeting.opened_at, meeting.closed_at = opened_at, closed_at
            if seat is not None:
                meeting.minute_taker_name = seat.contact.full_name
                meeting.minute_taker_position = seat.title_th
        db.session.commit()


def update_minutes(meeting: Meeting, *, actor, lock_version: int | None = None, **details):
    """Change the minutes' particulars: when the meeting began and ended, who took and who
    reviewed the minutes, and the note on the quorum. ``lock_version``: the version the form
    was read at; a save from an older one is refused."""
    with versions.saving(meeting, lock_version):
        _ensure_held(meeting)
        limits = {"minute_taker_name": 200, "reviewer_name": 200, "quorum_note": 5000}
        values = {}
        for key in MINUTES_FIELDS:
            value = details.get(key, getattr(meeting, key))
            values[key] = value if key in ("opened_at", "closed_at") else (
                _limited(value, limits.get(key, 300), key)
            )  # fmt: skip
        _times(values["opened_at"], values["closed_at"], needed=True)
        if values["reviewer_position"] and not values["reviewer_name"]:
            raise MeetingError(_("Enter the reviewer's name."), "reviewer_name")
        if values["minute_taker_position"] and not values["minute_taker_name"]:
            raise MeetingError(_("Enter the minute-taker's name."), "minute_taker_name")
        with audit.change(meeting, actor, "updated"):
            for key, value in values.items():
                setattr(meeting, key, value)
        db.session.commit()


def mark_minutes_drafted(meeting: Meeting, actor) -> None:
    """Record that the minutes are drafted, once they are complete: times, minute-taker,
    every sitting member's attendance and every item's resolution."""
    if MeetingStatus.MINUTES_DRAFTED not in TRANSITIONS[meeting.status]:
        _ensure_editable(meeting)
        raise MeetingError(_("Only the minutes of a held meeting can be marked as drafted."))
    if meeting.opened_at is None or meeting.closed_at is None:
        raise MeetingError(_("Record the times the meeting began and ended first."))
    if not meeting.minute_taker_name:
        raise MeetingError(_("Record who took the minutes first."))
    seats = sitting_members(meeting.committee, meeting.held_on)
    recorded = {line.membership_id for line in meeting.attendance}
    if any(seat.id not in recorded for seat in seats):
        raise MeetingError(_("Record the attendance of every sitting member first."))
    missing = [item.number_label for item in meeting.items if not item.resolution]
    if missing:
        raise MeetingError(
            _("Record the resolution of every item first (missing: %(items)s).",
              items=", ".join(missing))
        )  # fmt: skip
    with audit.change(meeting, actor, "marked minutes drafted"):
        meeting.status = MeetingStatus.MINUTES_DRAFTED
    db.session.commit()


# --- resolutions and certification ------------------------------------------------------------


def _quorum_note(meeting: Meeting, note, actor) -> None:
    """Without a quorum, a resolution needs the meeting's note on it (given now or before)."""
    note = _limited(note, 5000, "quorum_note")
    if quorum(meeting).reached:
        return
    if not note and not meeting.quorum_note:
        raise MeetingError(
            _("The attendance shows no quorum; record a note on how the meeting proceeded "
              "without one before recording resolutions."),
            "quorum_note",
        )  # fmt: skip
    if note and note != meeting.quorum_note:
        with audit.change(meeting, actor, "updated"):
            meeting.quorum_note = note


def _votes(values: dict, sitting: int) -> None:
    for key in ("votes_for", "votes_against", "votes_abstain"):
        value = values[key]
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_VOTES:
            raise MeetingError(_("Enter a whole number of votes, 0 or more."), key)
    total = sum(values[key] or 0 for key in ("votes_for", "votes_against", "votes_abstain"))
    if total > sitting:
        raise MeetingError(
            _("There are more votes (%(votes)s) than members (%(members)s).",
              votes=total, members=sitting),
            "votes_for",
        )  # fmt: skip


def record_resolution(
    item: AgendaItem,
    *,
    actor,
    resolution,
    outcome,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    quorum_note: str | None = None,
    lock_version: int | None = None,
) -> None:
    """Record what the meeting resolved on an item (มติที่ประชุม), its outcome and any votes.
    ``lock_version``: the version of the item the form was read at; one older is refused."""
    with versions.saving(item, lock_version):
        meeting = item.meeting
        _ensure_held(meeting)
        resolution = _text(resolution)
        if not resolution:
            raise MeetingError(_("Enter the resolution."), "resolution")
        if len(resolution) > 20000:
            raise MeetingError(_("At most %(max)d characters.", max=20000), "resolution")
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise MeetingError(_("Choose the outcome."), "outcome") from None
        if item.certifies_meeting is not None:
            if item.certifies_meeting.certified_at_meeting_id == meeting.id:
                raise MeetingError(
                    _("These minutes were certified at this meeting; the resolution follows from "
                      "the certification."),
                    "resolution",
                )  # fmt: skip
            if outcome not in NOT_CERTIFYING:
                raise MeetingError(
                    _("To certify the minutes use “Certify the minutes”; here only deferred or "
                      "rejected can be recorded."),
                    "outcome",
                )  # fmt: skip
        votes = {
            "votes_for": votes_for,
            "votes_against": votes_against,
            "votes_abstain": votes_abstain,
        }
        _votes(votes, quorum(meeting).sitting)
        _quorum_note(meeting, quorum_note, actor)
        with audit.change(item, actor, "recorded resolution"):
            item.resolution = resolution
            item.outcome = outcome
            for key, value in votes.items():
                setattr(item, key, value)
        db.session.commit()


def certify_minutes(
    item: AgendaItem,
    *,
    actor,
    changes: str | None = None,
    quorum_note: str | None = None,
    lock_version: int | None = None,
) -> None:
    """Certify, at this (held) meeting, the earlier meeting's minutes the section-2 item names,
    with or without amendments. The earlier minutes are locked from then on. ``lock_version``:
    the version of the item the form was read at; one older is refused."""
    with versions.saving(item, lock_version):
        certifying = item.meeting
        earlier = item.certifies_meeting
        if earlier is None:
            raise MeetingError(_("This item does not certify the minutes of an earlier meeting."))
        _ensure_editable(certifying)
        if not certifying.was_held:
            raise MeetingError(
                _("Minutes are certified at a meeting that has been held; mark this meeting as "
                  "held first.")
            )  # fmt: skip
        if earlier.status is MeetingStatus.MINUTES_CERTIFIED:
            raise MeetingError(_("Those minutes have already been certified."))
        if not earlier.was_held:
            raise MeetingError(_("That meeting was not held; it has no minutes to certify."))
        if earlier.status is not MeetingStatus.MINUTES_DRAFTED:
            raise MeetingError(_("The minutes of that meeting have not been drafted yet."))
        if earlier.committee_id != certifying.committee_id or earlier.held_on > certifying.held_on:
            raise MeetingError(_("Minutes are certified at a later meeting of the same committee."))
        changes = _text(changes)
        if changes and len(changes) > 20000:
            raise MeetingError(_("At most %(max)d characters.", max=20000), "changes")
        _quorum_note(certifying, quorum_note, actor)
        with audit.change(earlier, actor, "certified minutes"):
            earlier.status = MeetingStatus.MINUTES_CERTIFIED
            earlier.certified_at_meeting_id = certifying.id
            earlier.certified_on = certifying.held_on
            earlier.certification_changes = changes
        with audit.change(item, actor, "recorded resolution"):
            if changes:
                item.resolution = CERTIFIED_WITH_CHANGES_TH.format(
                    number=earlier.number_label, changes=changes
                )
                item.outcome = Outcome.APPROVED_WITH_CHANGES
            else:
                item.resolution = CERTIFIED_TH.format(number=earlier.number_label)
                item.outcome = Outcome.APPROVED
        db.session.commit()


# --- action items ---------------------------------------------------------------------------


def add_action(
    item: AgendaItem,
    *,
    actor,
    text,
    owner,
    due_on: date | None = None,
    submission: str | None = None,
) -> ActionItem:
    """Record what the meeting asked someone to do on an item, and by when. ``submission``:
    the form's one-time token; the same form sent again raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        action = _new_action(item, actor=actor, text=text, owner=owner, due_on=due_on)
        claim.made(action)
    db.session.commit()
    return action


def _new_action(item: AgendaItem, *, actor, text, owner, due_on: date | None) -> ActionItem:
    """The action item, checked and audited, not yet committed."""
    meeting = item.meeting
    _ensure_held(meeting)
    text = _limited(text, 5000, "text")
    owner = _limited(owner, 300, "owner")
    if not text:
        raise MeetingError(_("Enter what is to be done."), "text")
    if not owner:
        raise MeetingError(_("Enter who is to do it."), "owner")
    plausible_date(due_on, "due_on", MeetingError)
    if due_on is not None and due_on < meeting.held_on:
        raise MeetingError(_("The due date cannot be before the meeting."), "due_on")
    action = ActionItem(agenda_item=item, text=text, owner=owner, due_on=due_on)
    with audit.change(action, actor, "created"):
        pass
    return action


def delete_action(action: ActionItem, actor) -> None:
    """Remove an action item recorded by mistake (not once the minutes are certified)."""
    item = action.agenda_item
    _ensure_editable(item.meeting)
    item.actions.remove(action)
    _delete(action, actor)
    db.session.commit()


def mark_action_done(
    action: ActionItem, actor, *, done_on: date | None, lock_version: int | None = None
) -> None:
    """Record the day an action item was reported done; it is no longer followed up. Allowed
    after the minutes are certified: it is the follow-up, not the minutes. ``lock_version``:
    the version the form was read at; one older is refused."""
    meeting = action.agenda_item.meeting
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("This meeting was cancelled; it can no longer be changed."))
    with versions.saving(action, lock_version):
        if action.done_on is not None:
            raise MeetingError(_("This action item is already done."))
        plausible_date(done_on, "done_on", MeetingError)
        if done_on is None:
            raise MeetingError(_("Enter the day it was done."), "done_on")
        if done_on < meeting.held_on:
            raise MeetingError(
                _("It cannot be done before the meeting that asked for it."), "done_on"
            )
        if done_on > today():
            raise MeetingError(_("The day cannot be in the future."), "done_on")
        with audit.change(action, actor, "marked done"):
            action.done_on = done_on
        db.session.commit()


# --- amendments ------------------------------------------------------------------------------


def add_amendment(
    meeting: Meeting, *, actor, text, submission: str | None = None
) -> MinutesAmendment:
    """Record a correction to certified minutes, numbered, with who and when. ``submission``:
    the form's one-time token, claimed before the number is taken; the same form sent again
    raises ``submissions.AlreadySaved``."""
    with submissions.once(submission, actor) as claim:
        amendment = _new_amendment(meeting, actor=actor, text=text)
        claim.made(amendment)
    db.session.commit()
    return amendment


def _new_amendment(meeting: Meeting, *, actor, text) -> MinutesAmendment:
    """The amendment, checked, numbered and audited, not yet committed."""
    if meeting.status is not MeetingStatus.MINUTES_CERTIFIED:
        raise MeetingError(
            _("Amendments are recorded once the minutes are certified; until then, edit them.")
        )
    text = _text(text)
    if not text:
        raise MeetingError(_("Enter the correction."), "text")
    if len(text) > 20000:
        raise MeetingError(_("At most %(max)d characters.", max=20000), "text")
    lock_committee(meeting.committee)
    highest = db.session.scalar(
        sa.select(sa.func.max(MinutesAmendment.number)).where(
            MinutesAmendment.meeting_id == meeting.id
        )
    )
    amendment = MinutesAmendment(
        meeting=meeting,
        number=(highest or 0) + 1,
        text=text,
        created_by_id=getattr(actor, "id", None),
    )
    with audit.change(amendment, actor, "recorded amendment"):
        pass
    return amendment
