"""Finding meetings: who may reach which meeting, the lists, and the meeting's attendance
and agenda arranged the way the pages and the minutes print them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import cache, lru_cache
from types import SimpleNamespace

import sqlalchemy as sa
from flask import abort
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import Bundle, aliased, joinedload, selectinload

from ..auth.models import User
from ..committees.models import ROLE_RANK, Committee, MemberRole, Membership, QuorumRule
from ..committees.queries import (
    OrganisationName,
    PersonName,
    SittingSeat,
    committee_for,
    manages_all,
    may_work_with,
    organisation_committee_ids,
    organisation_committee_ids_bound,
    secretary_committee_ids,
    secretary_committee_ids_bound,
    sitting_condition,
    sitting_members,
    sitting_seats,
)
from ..committees.services import today
from ..db import counted, db, page_of, paged, read
from ..documents.models import DocumentVersion
from ..organisations.models import Contact, Organisation
from .models import (
    RECORD_TYPES,
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
from .services import before

#: Meetings per page of the list.
PER_PAGE = 30


# --- who may reach what -----------------------------------------------------------------------


def manages(user: User) -> bool:
    """Whether the user runs meetings (staff: all; a secretary: their committees')."""
    return user.can("committees.view") or user.can("committees.own")


def meeting_for(user: User, meeting_id: int) -> Meeting:
    """A meeting of a committee the user works with (staff: any; a secretary: the committees
    where they hold a sitting secretary seat); otherwise "not found"."""
    meeting = db.get_or_404(Meeting, meeting_id, options=[joinedload(Meeting.committee)])
    committee_for(user, meeting.committee_id)  # the committee read with the meeting
    return meeting


@dataclass(frozen=True, slots=True)
class CommitteeRow:
    """The committee of a meeting as its page uses it: its name and its quorum rule (the
    rule itself is ``Committee.quorum_needed``'s, borrowed, not copied)."""

    id: int
    name_th: str
    quorum_rule: QuorumRule
    quorum_number: int | None

    quorum_needed = Committee.quorum_needed


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    """A line of a meeting's attendance as its page lists it (the names of ``Attendance``),
    read as a plain row; ``membership`` is the seat of a line whose seat no longer sat on the
    meeting day (None otherwise: the sitting seat is the page's)."""

    id: int
    membership_id: int | None
    kind: AttendanceKind
    absence_reason: str | None
    name: str | None
    position: str | None
    organisation_name: str | None
    membership: SittingSeat | None = None

    counts_for_quorum = Attendance.counts_for_quorum


@dataclass(slots=True)
class MeetingRow:
    """A meeting as its page shows it, read as one plain row with its committee and the
    meeting that certified its minutes: the names of ``Meeting``'s columns, and its number,
    ``locked`` and ``was_held`` worked out by ``Meeting``'s own properties."""

    id: int
    committee_id: int
    number: int
    year_be: int
    held_on: date
    starts_at: time
    ends_at: time | None
    venue: str | None
    electronic: bool
    online_link: str | None
    status: MeetingStatus
    cancel_reason: str | None
    opened_at: time | None
    closed_at: time | None
    quorum_note: str | None
    minute_taker_name: str | None
    minute_taker_position: str | None
    reviewer_name: str | None
    reviewer_position: str | None
    certified_at_meeting_id: int | None
    certified_on: date | None
    certification_changes: str | None
    invitations_sent_at: datetime | None
    committee: CommitteeRow
    certified_at_meeting: MeetingNumber | None
    #: The attendance lines, in the order they were recorded (``Meeting.attendance``'s).
    attendance: list[AttendanceLine] = field(default_factory=list)

    number_label = Meeting.number_label
    locked = Meeting.locked
    was_held = Meeting.was_held


@cache
def _meeting_page() -> tuple[sa.Select, sa.Select, sa.Select]:
    """The statements of ``meeting_page``, built once: the meeting with its committee and
    the meeting that certified its minutes, in one row; its attendance lines; and the seats
    of lines whose seat did not sit on the meeting day (asked only when there are any)."""
    certified = aliased(Meeting)
    meeting = (
        sa.select(
            Meeting.id, Meeting.committee_id, Meeting.number, Meeting.year_be, Meeting.held_on,
            Meeting.starts_at, Meeting.ends_at, Meeting.venue, Meeting.electronic,
            Meeting.online_link, Meeting.status, Meeting.cancel_reason, Meeting.opened_at,
            Meeting.closed_at, Meeting.quorum_note, Meeting.minute_taker_name,
            Meeting.minute_taker_position, Meeting.reviewer_name, Meeting.reviewer_position,
            Meeting.certified_at_meeting_id, Meeting.certified_on,
            Meeting.certification_changes, Meeting.invitations_sent_at,
            Committee.id, Committee.name_th, Committee.quorum_rule, Committee.quorum_number,
            certified.number, certified.year_be,
        )  # fmt: skip
        .join(Committee, Committee.id == Meeting.committee_id)
        .outerjoin(certified, certified.id == Meeting.certified_at_meeting_id)
        .where(Meeting.id == sa.bindparam("meeting_id"))
    )
    lines = (
        sa.select(
            Attendance.id, Attendance.membership_id, Attendance.kind, Attendance.absence_reason,
            Attendance.name, Attendance.position, Attendance.organisation_name,
        )  # fmt: skip
        .where(Attendance.meeting_id == sa.bindparam("meeting_id"))
        .order_by(Attendance.id)
    )
    seats = (
        sa.select(
            Membership.id, Membership.role, Membership.term_start, Contact.title,
            Contact.first_name, Contact.last_name, Contact.erased_at, Organisation.name_th,
        )  # fmt: skip
        .join(Contact, Contact.id == Membership.contact_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.id.in_(sa.bindparam("seat_ids", expanding=True)))
    )
    return meeting, lines, seats


@dataclass(frozen=True, slots=True)
class MeetingPage:
    """What the meeting page reads of the meeting itself: the meeting (``MeetingRow``, its
    attendance lines in it) and the seats held on its day, chair first (``sitting_seats``)."""

    meeting: MeetingRow
    seats: list[SittingSeat]


def meeting_page(user: User, meeting_id: int) -> MeetingPage:
    """A meeting the user works with (as ``meeting_for``; otherwise "not found"), as plain
    rows of what its page shows: the meeting with its committee and the meeting that
    certified its minutes (one statement), its attendance lines (one) and the seats held on
    its day (one); no meeting, committee, line or seat objects built."""
    meeting_statement, lines_statement, seats_statement = _meeting_page()
    params = {"meeting_id": meeting_id}
    row = read(meeting_statement, params).first()
    if row is None or not may_work_with(user, row[1]):
        abort(404)
    certified_by = MeetingNumber(row[19], row[27], row[28]) if row[19] is not None else None
    meeting = MeetingRow(*row[:23], CommitteeRow(*row[23:27]), certified_by)
    seats = sitting_seats(meeting.committee, meeting.held_on)
    lines = [AttendanceLine(*values) for values in read(lines_statement, params)]
    sitting = {seat.id for seat in seats}
    stray = {line.membership_id for line in lines if line.membership_id} - sitting
    if stray:  # a line of a seat no longer held that day (the meeting was moved)
        found = {
            seat_id: SittingSeat(seat_id, role, start, PersonName(*person), OrganisationName(name))
            for seat_id, role, start, *person, name in read(seats_statement, {"seat_ids": stray})
        }
        lines = [
            replace(line, membership=found[line.membership_id])
            if line.membership_id in stray
            else line
            for line in lines
        ]
    meeting.attendance = lines
    return MeetingPage(meeting, seats)


@dataclass(frozen=True, slots=True)
class AmendmentRow:
    """An amendment of the minutes as the meeting page lists it, read as one plain row."""

    number: int
    text: str
    created_at: datetime
    #: The name of who recorded it (None: the account is gone).
    created_by_name: str | None


#: The statement of ``amendment_rows``, built once.
_AMENDMENTS = (
    sa.select(
        MinutesAmendment.number, MinutesAmendment.text, MinutesAmendment.created_at,
        User.full_name,
    )  # fmt: skip
    .outerjoin(User, User.id == MinutesAmendment.created_by_id)
    .where(MinutesAmendment.meeting_id == sa.bindparam("meeting_id"))
    .order_by(MinutesAmendment.number)
)


def amendment_rows(meeting: Meeting) -> list[AmendmentRow]:
    """The amendments of the meeting's minutes, in their order, each with who recorded it:
    one statement, no amendment or account objects built."""
    rows = read(_AMENDMENTS, {"meeting_id": meeting.id})
    return [AmendmentRow(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class VersionRow:
    """A stored agenda or minutes PDF as the meeting page lists it (the names of
    ``DocumentVersion``'s columns), read as one plain row."""

    id: int
    record_type: str
    version: int
    variant: str
    final: bool
    created_at: datetime


#: The statement of ``document_versions``, built once.
_DOCUMENT_VERSIONS = (
    sa.select(
        DocumentVersion.id, DocumentVersion.record_type, DocumentVersion.version,
        DocumentVersion.variant, DocumentVersion.final, DocumentVersion.created_at,
    )  # fmt: skip
    .where(
        DocumentVersion.record_type.in_(RECORD_TYPES),
        DocumentVersion.record_id == sa.bindparam("meeting_id"),
    )
    .order_by(DocumentVersion.created_at.desc(), DocumentVersion.id.desc())
)


def document_versions(meeting: Meeting | MeetingRow) -> list[VersionRow]:
    """Every stored agenda and minutes PDF of the meeting, newest first (as
    ``printing.versions`` lists them), as plain rows: one statement, no objects built."""
    return [VersionRow(*row) for row in read(_DOCUMENT_VERSIONS, {"meeting_id": meeting.id})]


def item_for(user: User, meeting_id: int, item_id: int) -> AgendaItem:
    """An agenda item of a meeting the user works with; otherwise "not found"."""
    meeting = meeting_for(user, meeting_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def action_for(user: User, meeting_id: int, action_id: int) -> ActionItem:
    """An action item of a meeting the user works with; otherwise "not found"."""
    meeting = meeting_for(user, meeting_id)
    action = db.session.get(ActionItem, action_id)
    if action is None or action.agenda_item.meeting_id != meeting.id:
        abort(404)
    return action


def attendance_for(user: User, meeting_id: int, attendance_id: int) -> Attendance:
    """An attendance line of a meeting the user works with; otherwise "not found"."""
    meeting = meeting_for(user, meeting_id)
    line = db.session.get(Attendance, attendance_id)
    if line is None or line.meeting_id != meeting.id:
        abort(404)
    return line


def representative_meeting_or_404(user: User, meeting_id: int) -> Meeting:
    """A meeting of a committee where the representative's association holds a seat;
    any other answers "not found"."""
    if user.organisation_id is None:
        abort(404)
    meeting = db.session.scalar(
        sa.select(Meeting).where(
            Meeting.id == meeting_id,
            Meeting.committee_id.in_(organisation_committee_ids(user.organisation_id)),
        )
    )
    if meeting is None:
        abort(404)
    return meeting


def minutes_public(meeting: Meeting) -> bool:
    """Whether members' associations may read the minutes: only once certified."""
    return meeting.status is MeetingStatus.MINUTES_CERTIFIED


# --- lists --------------------------------------------------------------------------------------


def _visible_committee_ids(user: User) -> sa.Select | None:
    """The committees whose meetings the user may list (None: every committee)."""
    if manages_all(user):
        return None
    if user.can("committees.own"):
        return secretary_committee_ids(user)
    if user.can("committees.member") and user.organisation_id is not None:
        return organisation_committee_ids(user.organisation_id)
    return sa.select(Committee.id).where(sa.false())


def _in_scope(query: sa.Select, user: User) -> sa.Select:
    """The statement limited to the meetings of the committees the user may list."""
    committees = _visible_committee_ids(user)
    if committees is not None:
        query = query.where(Meeting.committee_id.in_(committees))
    return query


def _list_order(on_day: date) -> tuple:
    """The list's order: upcoming first (soonest first), then the past ones (latest first)."""
    upcoming = Meeting.held_on >= on_day
    return (
        upcoming.desc(),
        sa.case((upcoming, Meeting.held_on)),
        Meeting.held_on.desc(),
        Meeting.starts_at,
        Meeting.id.desc(),
    )


def visible_meetings(user: User) -> sa.Select:
    """The meetings the user may see: upcoming first (soonest first), then the past ones
    (latest first)."""
    query = sa.select(Meeting).options(selectinload(Meeting.committee))
    return _in_scope(query, user).order_by(*_list_order(today()))


@cache
def scheduled_from_day(scope: str) -> sa.Select:
    """The scheduled meetings from a day on (``on_day``), in the list's order, as the list
    reads them (``LIST_ROW``: run with ``scalars``); built once per scope: "all" (staff),
    "secretary" (the committees where the account ``user_id`` holds a sitting secretarial
    seat that day)."""
    on_day = sa.bindparam("on_day", type_=sa.Date)
    query = (
        sa.select(LIST_ROW)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(Meeting.held_on >= on_day, Meeting.status == MeetingStatus.SCHEDULED)
    )
    if scope == "secretary":
        query = query.where(Meeting.committee_id.in_(secretary_committee_ids_bound()))
    return query.order_by(*_list_order(on_day))


#: What the meetings list shows of a meeting, read as one row (``ListRow``): no meeting or
#: committee object is built.
LIST_ROW = Bundle(
    "meeting", Meeting.id, Meeting.number, Meeting.year_be, Meeting.held_on, Meeting.starts_at,
    Meeting.ends_at, Meeting.venue, Meeting.electronic, Meeting.status,
    Committee.name_th.label("committee_name"),
)  # fmt: skip


@lru_cache(maxsize=2)
def _meeting_list(on_day: date) -> sa.Select:
    """The statement of ``meeting_list`` for every meeting, built once a day (the day is in
    the order)."""
    return (
        sa.select(LIST_ROW)
        .join(Committee, Committee.id == Meeting.committee_id)
        .order_by(*_list_order(on_day))
    )


def _list_scope(user: User) -> tuple[str, dict]:
    """Whose meetings the list shows the user, as ``_visible_committee_ids`` decides it: the
    scope's name (every committee's, a secretary's, an association's, none) and its values."""
    if manages_all(user):
        return "all", {}
    if user.can("committees.own"):
        return "secretary", {"user_id": user.id}
    if user.can("committees.member") and user.organisation_id is not None:
        return "member", {"organisation_id": user.organisation_id}
    return "none", {}


@cache
def _listed(scope: str) -> tuple[sa.Select, sa.Select]:
    """The statements of ``meeting_list_page`` for one scope (see ``_list_scope``), built
    once: a page of the list's columns in its order, and its total. The day (``on_day``)
    and the scope's account or association are values."""
    on_day = sa.bindparam("on_day", type_=sa.Date)
    query = sa.select(
        Meeting.id, Meeting.number, Meeting.year_be, Meeting.held_on, Meeting.starts_at,
        Meeting.ends_at, Meeting.venue, Meeting.electronic, Meeting.status,
        Committee.name_th.label("committee_name"),
    ).join(Committee, Committee.id == Meeting.committee_id)  # fmt: skip
    if scope == "secretary":
        query = query.where(Meeting.committee_id.in_(secretary_committee_ids_bound()))
    elif scope == "member":
        query = query.where(Meeting.committee_id.in_(organisation_committee_ids_bound()))
    elif scope == "none":
        query = query.where(Meeting.committee_id.in_(sa.select(Committee.id).where(sa.false())))
    query = query.order_by(*_list_order(on_day))
    return paged(query), counted(query)


def meeting_list_page(user: User, per_page: int = PER_PAGE) -> SelectPagination:
    """One page of the meetings list (``?page=``): the meetings of ``meeting_list``, the same
    order and scope, as rows of the columns it shows (id, number, year_be, held_on,
    starts_at, ends_at, venue, electronic, status, committee_name), read with statements
    built once; the total counted only when the page cannot tell it, kept until the next
    write."""
    scope, values = _list_scope(user)
    on_day = today()
    return page_of(
        *_listed(scope),
        per_page=per_page,
        values={"on_day": on_day, **values},
        total_key=("meetings list", scope, *values.values(), on_day),
        rows=True,
    )


def meeting_list(user: User) -> sa.Select:
    """``visible_meetings`` as the list shows them: one ``LIST_ROW`` per meeting (id, number,
    year_be, held_on, starts_at, ends_at, venue, electronic, status and committee_name), in
    the same order, with the same scope."""
    return _in_scope(_meeting_list(today()), user)


@cache
def _committee_meetings() -> sa.Select:
    """The statement of ``committee_meetings``, built once (its values are parameters)."""
    upcoming = Meeting.held_on >= sa.bindparam("today", type_=sa.Date)
    return (
        sa.select(
            Meeting.id, Meeting.number, Meeting.year_be, Meeting.held_on, Meeting.starts_at,
            Meeting.ends_at, Meeting.venue, Meeting.electronic, Meeting.status,
        )  # fmt: skip
        .where(Meeting.committee_id == sa.bindparam("committee_id"))
        .order_by(
            upcoming.desc(),
            sa.case((upcoming, Meeting.held_on)),
            Meeting.held_on.desc(),
            Meeting.id.desc(),
        )
    )


def committee_meetings(committee: Committee) -> list[sa.Row]:
    """A committee's meetings, the same order as the list (for the committee page): rows of
    the columns its table shows (id, number, year_be, held_on, starts_at, ends_at, venue,
    electronic, status), no meeting objects built."""
    params = {"committee_id": committee.id, "today": today()}
    return read(_committee_meetings(), params).all()


# --- one meeting, arranged ------------------------------------------------------------------


@dataclass
class SeatLine:
    """A sitting seat with its attendance line (None while not recorded)."""

    seat: Membership
    line: Attendance | None


@dataclass
class AttendanceSheet:
    """The attendance as the minutes list it: present (with substitutes), absent, guests; and
    the seats not recorded yet."""

    seats: list[SeatLine] = field(default_factory=list)
    present: list[SeatLine] = field(default_factory=list)
    absent: list[SeatLine] = field(default_factory=list)
    unrecorded: list[SeatLine] = field(default_factory=list)
    guests: list[Attendance] = field(default_factory=list)


def attendance_sheet(meeting: Meeting, seats: list[Membership] | None = None) -> AttendanceSheet:
    """Every seat held on the meeting day (chair first) with how it took part, and the guests.

    Lines of seats no longer held that day (the meeting was moved) are listed with the present
    or absent members they record, so nothing recorded disappears from the minutes."""
    seats = sitting_members(meeting.committee, meeting.held_on) if seats is None else seats
    by_seat = {line.membership_id: line for line in meeting.attendance if line.membership_id}
    sheet = AttendanceSheet()
    listed = set()
    for seat in seats:
        sheet.seats.append(SeatLine(seat, by_seat.get(seat.id)))
        listed.add(seat.id)
    stray = [line for seat_id, line in by_seat.items() if seat_id not in listed]
    stray.sort(key=lambda line: (ROLE_RANK[line.membership.role], line.membership_id))
    for entry in sheet.seats + [SeatLine(line.membership, line) for line in stray]:
        if entry.line is None:
            sheet.unrecorded.append(entry)
        elif entry.line.kind is AttendanceKind.ABSENT:
            sheet.absent.append(entry)
        else:
            sheet.present.append(entry)
    sheet.guests = [line for line in meeting.attendance if line.kind is AttendanceKind.GUEST]
    return sheet


@cache
def _agenda() -> sa.Select:
    """The statement of ``agenda_by_section``, built once, on first use: the items with the
    meetings and items they refer to (a few per agenda), then one statement each for their
    action items and those of the items followed."""
    return (
        sa.select(AgendaItem)
        .where(AgendaItem.meeting_id == sa.bindparam("meeting_id"))
        .order_by(AgendaItem.section, AgendaItem.position, AgendaItem.id)
        .options(
            selectinload(AgendaItem.actions),
            joinedload(AgendaItem.certifies_meeting),
            joinedload(AgendaItem.follows_item).joinedload(AgendaItem.meeting),
            joinedload(AgendaItem.follows_item).selectinload(AgendaItem.actions),
        )
    )


def agenda_by_section(meeting: Meeting) -> list[tuple[AgendaSection, list[AgendaItem]]]:
    """The five sections in order, each with its items (an empty section is listed too)."""
    items = db.session.scalars(_agenda(), {"meeting_id": meeting.id}).all()
    return [
        (section, [item for item in items if item.section == section]) for section in AgendaSection
    ]


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action item as the meeting pages list it, read as one plain row."""

    id: int
    agenda_item_id: int
    text: str
    owner: str
    due_on: date | None
    done_on: date | None

    open = ActionItem.open


@dataclass(frozen=True, slots=True)
class MeetingNumber:
    """The meeting an agenda item refers to: the one whose minutes it certifies (with its
    status and where its minutes were certified) or the one of the item it follows up."""

    id: int
    number: int
    year_be: int
    status: MeetingStatus | None = None
    certified_at_meeting_id: int | None = None

    number_label = Meeting.number_label


@dataclass(frozen=True, slots=True)
class FollowedItem:
    """The earlier meeting's item whose open action items an item follows up."""

    id: int
    section: int
    position: int
    meeting_id: int
    meeting: MeetingNumber
    actions: list[ActionRow]

    number_label = AgendaItem.number_label


@dataclass(frozen=True, slots=True)
class ItemRow:
    """An agenda item as the meeting pages show it (``meetings/_agenda.html``), read as plain
    rows: the same names as ``AgendaItem``'s, its number and votes worked out the same way."""

    id: int
    section: int
    position: int
    title: str
    body: str | None
    resolution: str | None
    outcome: Outcome | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    certifies_meeting: MeetingNumber | None
    follows_item: FollowedItem | None
    actions: list[ActionRow]

    number_label = AgendaItem.number_label
    has_votes = AgendaItem.has_votes


@cache
def _agenda_rows() -> tuple[sa.Select, sa.Select]:
    """The two statements of ``agenda_rows``, built once: the items, each with the meeting
    whose minutes it certifies and the item it follows up (with that item's meeting), in one
    row; then the action items of those items."""
    certified = aliased(Meeting)
    followed = aliased(AgendaItem)
    followed_meeting = aliased(Meeting)
    items = (
        sa.select(
            AgendaItem.id, AgendaItem.section, AgendaItem.position, AgendaItem.title,
            AgendaItem.body, AgendaItem.resolution, AgendaItem.outcome, AgendaItem.votes_for,
            AgendaItem.votes_against, AgendaItem.votes_abstain,
            certified.id, certified.number, certified.year_be, certified.status,
            certified.certified_at_meeting_id,
            followed.id, followed.section, followed.position, followed.meeting_id,
            followed_meeting.number, followed_meeting.year_be,
        )  # fmt: skip
        .outerjoin(certified, certified.id == AgendaItem.certifies_meeting_id)
        .outerjoin(followed, followed.id == AgendaItem.follows_item_id)
        .outerjoin(followed_meeting, followed_meeting.id == followed.meeting_id)
        .where(AgendaItem.meeting_id == sa.bindparam("meeting_id"))
        .order_by(AgendaItem.section, AgendaItem.position, AgendaItem.id)
    )
    actions = (
        sa.select(
            ActionItem.id, ActionItem.agenda_item_id, ActionItem.text, ActionItem.owner,
            ActionItem.due_on, ActionItem.done_on,
        )  # fmt: skip
        .where(ActionItem.agenda_item_id.in_(sa.bindparam("item_ids", expanding=True)))
        .order_by(ActionItem.id)
    )
    return items, actions


def agenda_rows(meeting: Meeting) -> list[tuple[AgendaSection, list[ItemRow]]]:
    """``agenda_by_section`` as plain rows (``ItemRow``), for the meeting pages: the same
    sections, items, referred meetings and action items, in two statements (one when the
    agenda is empty) that build no objects."""
    items_statement, actions_statement = _agenda_rows()
    found = read(items_statement, {"meeting_id": meeting.id}).all()
    actions: dict[int, list[ActionRow]] = {}
    if found:
        ids = [row[0] for row in found] + [row[15] for row in found if row[15] is not None]
        for values in read(actions_statement, {"item_ids": ids}):
            action = ActionRow(*values)
            actions.setdefault(action.agenda_item_id, []).append(action)
    items = []
    for row in found:
        certifies = MeetingNumber(*row[10:15]) if row[10] is not None else None
        follows = None
        if row[15] is not None:
            number = MeetingNumber(row[18], row[19], row[20])
            follows = FollowedItem(*row[15:19], number, actions.get(row[15], []))
        items.append(ItemRow(*row[:10], certifies, follows, actions.get(row[0], [])))
    return [
        (section, [item for item in items if item.section == section]) for section in AgendaSection
    ]


def open_actions(item: AgendaItem) -> list[ActionItem]:
    """The action items of an item that are still to be done."""
    return [action for action in item.actions if action.open]


@dataclass(frozen=True)
class Neighbour:
    """A meeting just before or after another, as the meeting page links to it."""

    id: int
    number: int
    year_be: int
    held_on: date

    @property
    def number_label(self) -> str:
        """ "3/2569", as ``Meeting.number_label``."""
        return f"{self.number}/{self.year_be}"


def _neighbours() -> sa.CompoundSelect:
    """The statement of ``previous_and_next``, built once: the committee's meeting just before
    and the one just after a meeting (``later`` 0 and 1), with the columns of their links.
    Its values are parameters, so a page spends no time building it again."""
    this = SimpleNamespace(
        held_on=sa.bindparam("held_on"),
        starts_at=sa.bindparam("starts_at"),
        id=sa.bindparam("meeting_id"),
    )
    base = sa.select(Meeting.id, Meeting.number, Meeting.year_be, Meeting.held_on).where(
        Meeting.committee_id == sa.bindparam("committee_id"), Meeting.id != this.id
    )
    earlier = (
        base.add_columns(sa.literal(0).label("later"))
        .where(before(this))
        .order_by(Meeting.held_on.desc(), Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
        .subquery()
    )
    later = (
        base.add_columns(sa.literal(1).label("later"))
        .where(sa.not_(before(this)))
        .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)
        .limit(1)
        .subquery()
    )
    return sa.union_all(sa.select(earlier), sa.select(later))


_NEIGHBOURS = _neighbours()


def previous_and_next(meeting: Meeting) -> tuple[Neighbour | None, Neighbour | None]:
    """The committee's meetings just before and after this one, in date order (day, start
    time, then the order they were scheduled in: the order that numbers them); one statement
    reading only the columns the page's links show (no meeting objects built)."""
    found: list[Neighbour | None] = [None, None]
    rows = read(
        _NEIGHBOURS,
        {
            "committee_id": meeting.committee_id,
            "meeting_id": meeting.id,
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
        },
    )
    for *values, is_later in rows:
        found[is_later] = Neighbour(*values)
    return found[0], found[1]


# --- attendance over time ---------------------------------------------------------------------


#: The meetings whose attendance counts: those that took place.
HELD = (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFTED, MeetingStatus.MINUTES_CERTIFIED)


@dataclass(frozen=True, slots=True)
class MemberName:
    """A seat as the attendance picture names it: its order (role, first day, id) and the
    person's name, written as ``Contact.full_name`` writes it, from one plain row."""

    id: int
    role: MemberRole
    term_start: date
    title: str | None
    first_name: str
    last_name: str | None
    erased_at: datetime | None

    full_name = Contact.full_name


@cache
def _attendance_rows() -> sa.Select:
    """The seats' statement of ``attendance_rows``, built once: ``MemberName``'s columns of
    the seats counted or sitting on a day (the values are parameters)."""
    return (
        sa.select(
            Membership.id, Membership.role, Membership.term_start, Contact.title,
            Contact.first_name, Contact.last_name, Contact.erased_at,
        )  # fmt: skip
        .join(Contact, Contact.id == Membership.contact_id)
        .where(
            Membership.committee_id == sa.bindparam("committee_id"),
            sa.or_(
                Membership.id.in_(sa.bindparam("counted", expanding=True)),
                sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
            ),
        )
    )


def attendance_rows(
    committee: Committee, seats: Iterable | None = None
) -> list[tuple[MemberName, dict[AttendanceKind, int]]]:
    """``attendance_counts`` as plain rows: each seat's order and person's name instead of
    the seat and person objects (two statements, no objects built), for the picture.

    ``seats``: every seat of the committee as the committee page has read them
    (``committees.queries.SeatRow``, with the person's name parts); the seats counted or
    sitting today are then taken from them, and only the counts are read (one statement)."""
    counted = _attendance_statements()[0]
    counts: dict[int, dict[AttendanceKind, int]] = {}
    for membership_id, kind, number in read(counted, {"committee_id": committee.id}):
        counts.setdefault(membership_id, {})[kind] = number
    on_day = today()
    if seats is not None:
        seats = [
            MemberName(s.id, s.role, s.term_start, s.title, s.first_name, s.last_name,
                       s.erased_at)  # fmt: skip
            for s in seats
            if s.id in counts or s.sitting_on(on_day)
        ]
    else:
        params = {"committee_id": committee.id, "counted": list(counts), "on_day": on_day}
        seats = [MemberName(*row) for row in read(_attendance_rows(), params)]
    seats.sort(key=lambda s: (ROLE_RANK[s.role], s.term_start, s.id))
    return [(seat, counts.get(seat.id, {})) for seat in seats]


@cache
def _attendance_statements() -> tuple[sa.Select, sa.Select]:
    """The two statements of ``attendance_counts``, built once (their values are parameters)
    and on first use (the second's loader option needs every model mapped)."""
    counts = (
        sa.select(Attendance.membership_id, Attendance.kind, sa.func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Meeting.committee_id == sa.bindparam("committee_id"),
            Meeting.status.in_(HELD),
            Attendance.membership_id.is_not(None),
        )
        .group_by(Attendance.membership_id, Attendance.kind)
    )
    seats = (
        sa.select(Membership)
        .where(
            Membership.committee_id == sa.bindparam("committee_id"),
            sa.or_(
                Membership.id.in_(sa.bindparam("counted", expanding=True)),
                sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
            ),
        )
        .options(joinedload(Membership.contact))
    )
    return counts, seats


def attendance_counts(committee: Committee) -> list[tuple[Membership, dict[AttendanceKind, int]]]:
    """How each seat took part in the committee's meetings held so far: for every seat with
    an attendance line or sitting today, the number of meetings at which it was present,
    sent a substitute or was absent (two queries, whatever the number of meetings)."""
    counted, seated = _attendance_statements()
    counts: dict[int, dict[AttendanceKind, int]] = {}
    for membership_id, kind, number in db.session.execute(counted, {"committee_id": committee.id}):
        counts.setdefault(membership_id, {})[kind] = number
    seats = db.session.scalars(
        seated, {"committee_id": committee.id, "counted": list(counts), "on_day": today()}
    ).all()
    seats = sorted(seats, key=lambda s: (ROLE_RANK[s.role], s.term_start, s.id))
    return [(seat, counts.get(seat.id, {})) for seat in seats]
