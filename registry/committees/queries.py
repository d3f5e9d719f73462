"""Finding committees and seats: who sits on a day, what each role may see, the choices the
forms offer; and what committees add to an organisation's timeline and a person's PDPA
export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import Role, User
from ..db import counted, db, page_of, paged, read
from ..organisations import timeline
from ..organisations.models import Contact, Organisation
from ..organisations.queries import picker_label
from ..organisations.services import personal_data_source
from .models import (
    ROLE_RANK,
    ROLE_TITLES_TH,
    SECRETARIAT,
    Committee,
    CommitteeKind,
    MemberRole,
    Membership,
    QuorumRule,
)
from .services import today


def sitting_condition(on_day: date):
    """The SQL condition for a seat held on a day: started, not ended early, term not over."""
    return sa.and_(
        Membership.term_start <= on_day,
        sa.or_(Membership.ended_on.is_(None), Membership.ended_on > on_day),
        sa.or_(Membership.term_end.is_(None), Membership.term_end >= on_day),
    )


def _seat_order(seat: Membership | SeatRow | SittingSeat):
    return (ROLE_RANK[seat.role], seat.term_start, seat.id)


def _with_person() -> tuple:
    """Each seat's person, organisation and account, joined (each seat has one of each)."""
    return (
        joinedload(Membership.contact, innerjoin=True),
        joinedload(Membership.organisation, innerjoin=True),
        joinedload(Membership.user),
    )


@cache
def _sitting() -> sa.Select:
    """The statement of ``sitting_members``, built once (its values are parameters) and on
    first use (its loader options need every model mapped)."""
    return (
        sa.select(Membership)
        .where(
            Membership.committee_id == sa.bindparam("committee_id"),
            sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
        )
        .options(*_with_person())
    )


@cache
def _seats() -> sa.Select:
    """The statement of ``_with_people``, built once, on first use."""
    return (
        sa.select(Membership)
        .where(Membership.committee_id == sa.bindparam("committee_id"))
        .options(*_with_person())
    )


def sitting_members(committee: Committee, on_day: date | None = None) -> list[Membership]:
    """The seats held on a day (today by default), chair first, with person, organisation
    and account, in one statement (each seat has one of each, so joined, not three more).

    The meetings use this for the attendance list and the quorum.
    """
    seats = db.session.scalars(
        _sitting(), {"committee_id": committee.id, "on_day": on_day or today()}
    ).all()
    return sorted(seats, key=_seat_order)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A seat's person as a page names them, written as ``Contact.full_name`` writes it."""

    title: str | None
    first_name: str
    last_name: str | None
    erased_at: datetime | None

    full_name = Contact.full_name


@dataclass(frozen=True, slots=True)
class OrganisationName:
    """The organisation a seat's person sits for, by its Thai name."""

    name_th: str


@dataclass(frozen=True, slots=True)
class SittingSeat:
    """A seat held on a day as the meeting page lists it (``seat.contact.full_name``,
    ``seat.title_th``, ``seat.organisation.name_th``, as a ``Membership`` reads), from one
    plain row: no seat, person or organisation objects built."""

    id: int
    role: MemberRole
    term_start: date
    contact: PersonName
    organisation: OrganisationName

    title_th = Membership.title_th


@cache
def _sitting_seats() -> sa.Select:
    """The statement of ``sitting_seats``, built once (its values are parameters)."""
    return (
        sa.select(
            Membership.id, Membership.role, Membership.term_start, Contact.title,
            Contact.first_name, Contact.last_name, Contact.erased_at, Organisation.name_th,
        )  # fmt: skip
        .join(Contact, Contact.id == Membership.contact_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(
            Membership.committee_id == sa.bindparam("committee_id"),
            sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
        )
    )


def sitting_seats(committee: Committee, on_day: date | None = None) -> list[SittingSeat]:
    """``sitting_members`` as plain rows, for the meeting page's attendance and quorum: the
    same seats in the same order (chair first), in one statement that builds no objects."""
    params = {"committee_id": committee.id, "on_day": on_day or today()}
    seats = [
        SittingSeat(seat_id, role, start, PersonName(*person), OrganisationName(organisation))
        for seat_id, role, start, *person, organisation in read(_sitting_seats(), params)
    ]
    return sorted(seats, key=_seat_order)


def _with_people(committee: Committee) -> list[Membership]:
    """Every seat of the committee, each with its person, organisation and account (one
    query, whatever the number of seats)."""
    return db.session.scalars(_seats(), {"committee_id": committee.id}).all()


def past_members(committee: Committee, on_day: date | None = None) -> list[Membership]:
    """The seats whose term is over or that were ended, most recently ended first."""
    on_day = on_day or today()
    seats = [s for s in _with_people(committee) if s.last_day is not None and s.last_day < on_day]
    return sorted(seats, key=lambda s: (s.last_day, s.id), reverse=True)


def future_members(committee: Committee, on_day: date | None = None) -> list[Membership]:
    """The seats whose term has not started yet."""
    on_day = on_day or today()
    seats = [
        s
        for s in _with_people(committee)
        if s.term_start > on_day and (s.last_day is None or s.last_day >= s.term_start)
    ]
    return sorted(seats, key=_seat_order)


@dataclass
class MemberLists:
    """A committee's seats for its page: sitting today (chair first), appointed but not
    started yet, and past (most recently ended first); and every seat, in any of the three
    or none (a seat ended before its term began), as read."""

    sitting: list[Membership] | list[SeatRow]
    upcoming: list[Membership] | list[SeatRow]
    past: list[Membership] | list[SeatRow]
    every: list[Membership] | list[SeatRow] = field(default_factory=list)


def member_lists(committee: Committee, on_day: date | None = None) -> MemberLists:
    """The three lists of ``sitting_members``, ``future_members`` and ``past_members`` from one
    load of the seats (one query, whatever the number of seats)."""
    return _three_lists(_with_people(committee), on_day or today())


def _three_lists(seats: list, on_day: date) -> MemberLists:
    """Seats (``Membership`` or ``SeatRow``) sorted into sitting, upcoming and past."""
    sitting = [s for s in seats if s.sitting_on(on_day)]
    upcoming = [
        s
        for s in seats
        if s.term_start > on_day and (s.last_day is None or s.last_day >= s.term_start)
    ]
    past = [s for s in seats if s.last_day is not None and s.last_day < on_day]
    return MemberLists(
        sorted(sitting, key=_seat_order),
        sorted(upcoming, key=_seat_order),
        sorted(past, key=lambda s: (s.last_day, s.id), reverse=True),
        seats,
    )


@dataclass(frozen=True, slots=True)
class SeatRow:
    """A seat as the committee page lists it, read as one plain row (no seat, person,
    organisation and account objects built): its days counted as ``Membership`` counts them,
    the person's name written as ``Contact.full_name`` writes it."""

    id: int
    committee_id: int
    role: MemberRole
    term_start: date
    term_end: date | None
    appointed_by: str | None
    ended_on: date | None
    end_reason: str | None
    #: The person: title prefix, names, when erased (PDPA), position.
    title: str | None
    first_name: str
    last_name: str | None
    erased_at: datetime | None
    position: str | None
    #: The name of the organisation the person sits for.
    organisation_name: str
    #: The name of the secretary account that runs the committee through the seat, if any.
    runner_name: str | None

    name = Contact.full_name
    last_day = Membership.last_day
    ended = Membership.ended
    sitting_on = Membership.sitting_on


@cache
def _seat_rows() -> sa.Select:
    """The statement of ``seat_lists``, built once (its value is a parameter): the columns of
    ``SeatRow``, the person, organisation and account joined."""
    return (
        sa.select(
            Membership.id, Membership.committee_id, Membership.role, Membership.term_start,
            Membership.term_end, Membership.appointed_by, Membership.ended_on,
            Membership.end_reason, Contact.title, Contact.first_name, Contact.last_name,
            Contact.erased_at, Contact.position, Organisation.name_th, User.full_name,
        )  # fmt: skip
        .join(Contact, Contact.id == Membership.contact_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .outerjoin(User, User.id == Membership.user_id)
        .where(Membership.committee_id == sa.bindparam("committee_id"))
    )


def seat_lists(committee: Committee | CommitteePage, on_day: date | None = None) -> MemberLists:
    """``member_lists`` as plain rows (``SeatRow``), for the committee page: the same three
    lists in the same order, from one statement that builds no objects."""
    rows = read(_seat_rows(), {"committee_id": committee.id})
    return _three_lists([SeatRow(*row) for row in rows], on_day or today())


def sitting_counts(
    on_day: date | None = None, committee_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """How many seats each committee (or each of ``committee_ids``) has held on a day (one
    query)."""
    on_day = on_day or today()
    query = (
        sa.select(Membership.committee_id, sa.func.count(Membership.id))
        .where(sitting_condition(on_day))
        .group_by(Membership.committee_id)
    )
    if committee_ids is not None:
        query = query.where(Membership.committee_id.in_(list(committee_ids)))
    rows = db.session.execute(query)
    return {committee_id: count for committee_id, count in rows}


# --- who may see what --------------------------------------------------------------------------


def secretary_committee_ids(user: User, on_day: date | None = None) -> sa.Select:
    """The committees a secretary runs: where a sitting secretarial seat is linked to them."""
    return sa.select(Membership.committee_id).where(
        Membership.user_id == user.id,
        Membership.role.in_(SECRETARIAT),
        sitting_condition(on_day or today()),
    )


@cache
def secretary_committee_ids_bound() -> sa.Select:
    """``secretary_committee_ids`` built once: the account (``user_id``) and the day
    (``on_day``) are bound parameters given when it runs."""
    return sa.select(Membership.committee_id).where(
        Membership.user_id == sa.bindparam("user_id"),
        Membership.role.in_(SECRETARIAT),
        sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
    )


@cache
def organisation_committee_ids_bound() -> sa.Select:
    """``organisation_committee_ids`` built once: the organisation (``organisation_id``) and
    the day (``on_day``) are bound parameters given when it runs."""
    return sa.select(Membership.committee_id).where(
        Membership.organisation_id == sa.bindparam("organisation_id"),
        sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
    )


def organisation_committee_ids(organisation_id: int, on_day: date | None = None) -> sa.Select:
    """The committees where an organisation holds a sitting seat."""
    return sa.select(Membership.committee_id).where(
        Membership.organisation_id == organisation_id, sitting_condition(on_day or today())
    )


def manages_all(user: User) -> bool:
    """Whether the user manages every committee (staff and admins)."""
    return user.can("committees.manage")


def visible_committees(user: User) -> sa.Select:
    """The committees a staff member (all) or a secretary (their own) works with, tops first."""
    query = sa.select(Committee).options(selectinload(Committee.parent))
    if not manages_all(user):
        query = query.where(Committee.id.in_(secretary_committee_ids(user)))
    return query.order_by(
        Committee.dissolved_on.is_not(None), Committee.parent_id.is_not(None), Committee.sort_key,
        Committee.id,
    )


def committees_page(user: User, *, per_page: int) -> Pagination:
    """One page of the committees list (``?page=``: past the end, empty; not a number, the
    first) as plain rows (id, names, kind, dissolved_on, parent_name_th, sitting): staff see
    every committee, a secretary those where a sitting secretary seat is linked to their
    account. One statement reads the page, its parents and its counts of sitting members;
    the total is counted only when the page cannot tell it, and kept until the next write."""
    on_day = today()
    if manages_all(user):
        own, values, key = False, {"on_day": on_day}, ("committees list",)
    else:
        values = {"on_day": on_day, "user_id": user.id}
        own, key = True, ("committees list", user.id, on_day)
    return page_of(
        _listed_page(own),
        _listed_count(own),
        per_page=per_page,
        values=values,
        total_key=key,
        rows=True,
    )


def _visible_committees(own: bool) -> sa.Select:
    """The committees the list shows, in its order (active before dissolved, committees before
    subcommittees, then by name): every one, or (``own``) those of the secretary account
    ``user_id`` on the day ``on_day`` (bound parameters). Selects the id and the order's
    columns."""
    committees = Committee.__table__.c
    query = sa.select(
        committees.id,
        committees.dissolved_on.is_not(None).label("is_dissolved"),
        committees.parent_id.is_not(None).label("is_sub"),
        committees.sort_key,
    )
    if own:
        query = query.where(committees.id.in_(secretary_committee_ids_bound()))
    return query


@cache
def _listed_count(own: bool) -> sa.Select:
    """How many committees ``_visible_committees(own)`` finds: built once."""
    return counted(_visible_committees(own))


@cache
def _listed_page(own: bool) -> sa.Select:
    """The statement of ``committees_page``, built once: the page's committees (chosen and
    ordered first, bounds bound as ``paged`` binds them) with their parent's name and the
    seats held on the day (``on_day``), counted as ``sitting_counts`` counts them (worked out
    for the page's rows only)."""
    visible = _visible_committees(own)
    page = paged(
        visible.order_by(
            visible.selected_columns.is_dissolved, visible.selected_columns.is_sub,
            visible.selected_columns.sort_key, visible.selected_columns.id,
        )  # fmt: skip
    ).subquery("page")
    committees = Committee.__table__.c
    parents = Committee.__table__.alias("parents")
    sitting = (
        sa.select(sa.func.count(Membership.id))
        .where(
            Membership.committee_id == committees.id,
            sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
        )
        .scalar_subquery()
    )
    return (
        sa.select(
            committees.id,
            committees.name_th,
            committees.name_en,
            committees.kind,
            committees.dissolved_on,
            parents.c.name_th.label("parent_name_th"),
            sitting.label("sitting"),
        )
        .select_from(page)
        .join(Committee.__table__, committees.id == page.c.id)
        .outerjoin(parents, parents.c.id == committees.parent_id)
        .order_by(page.c.is_dissolved, page.c.is_sub, page.c.sort_key, page.c.id)
    )


@dataclass(frozen=True, slots=True)
class CommitteeLink:
    """A committee another's page names and links to (its breadcrumb, its subcommittees)."""

    id: int
    name_th: str
    kind: CommitteeKind
    dissolved_on: date | None

    active = Committee.active


@dataclass(frozen=True, slots=True)
class CommitteePage:
    """A committee as its page shows it, read as plain rows (no committee objects built): its
    own columns, the committee it reports to, the chain above it (nearest first, as
    ``Committee.ancestors``) and its subcommittees (as ``Committee.children``)."""

    id: int
    kind: CommitteeKind
    parent_id: int | None
    name_th: str
    name_en: str | None
    mandate: str | None
    order_number: str | None
    order_date: date | None
    established_on: date
    quorum_rule: QuorumRule
    quorum_number: int | None
    dissolved_on: date | None
    dissolution_reason: str | None
    created_at: datetime
    parent: CommitteeLink | None
    lineage: tuple[CommitteeLink, ...]
    children: tuple[CommitteeLink, ...]

    active = Committee.active
    quorum_needed = Committee.quorum_needed

    def ancestors(self) -> list[CommitteeLink]:
        """The parent, its parent and so on, nearest first (as ``Committee.ancestors``)."""
        return list(self.lineage)


#: The columns of ``CommitteePage`` read from the committee's row, in its order.
_PAGE_COLUMNS = (
    "id", "kind", "parent_id", "name_th", "name_en", "mandate", "order_number", "order_date",
    "established_on", "quorum_rule", "quorum_number", "dissolved_on", "dissolution_reason",
    "created_at",
)  # fmt: skip

#: How far up the chain of parents the page looks (a chain is a few levels deep; the limit
#: only stops a loop, should one exist).
_LINEAGE_LIMIT = 64


@cache
def _committee_page() -> sa.CompoundSelect:
    """The statement of ``committee_page``, built once (the committee a bound parameter): the
    committee (depth 0), each committee above it (depth 1, 2 ...) and its subcommittees
    (depth -1, first, in the order of ``Committee.children``), in one statement."""
    table = Committee.__table__
    step = table.alias("step")
    up = sa.select(table.c.id, table.c.parent_id, sa.literal_column("0").label("depth")).where(
        table.c.id == sa.bindparam("committee_id")
    )
    up = up.cte("lineage", recursive=True)
    up = up.union_all(
        sa.select(step.c.id, step.c.parent_id, up.c.depth + sa.literal_column("1")).where(
            step.c.id == up.c.parent_id, up.c.depth < _LINEAGE_LIMIT
        )
    )
    columns = [table.c[name] for name in _PAGE_COLUMNS] + [table.c.sort_key]
    chain = sa.select(up.c.depth, *columns).join_from(up, table, table.c.id == up.c.id)
    children = sa.select(sa.literal_column("-1"), *columns).where(
        table.c.parent_id == sa.bindparam("committee_id")
    )
    return sa.union_all(chain, children).order_by("depth", "sort_key", "id")


def committee_page(user: User, committee_id: int) -> CommitteePage:
    """The committee for its page, when the user may work with it (as ``committee_for``;
    otherwise "not found"), as plain rows: one statement for staff, one more for a secretary
    (whose committees they are)."""
    rows = read(_committee_page(), {"committee_id": committee_id}).all()
    me = next((row for row in rows if row.depth == 0), None)
    if me is None or not may_work_with(user, committee_id):
        abort(404)
    lineage: list[CommitteeLink] = []
    children: list[CommitteeLink] = []
    parent = None
    for row in rows:
        if row.depth == 0:
            continue
        link = CommitteeLink(row.id, row.name_th, row.kind, row.dissolved_on)
        if row.depth < 0:
            children.append(link)
            continue
        if row.depth == 1:
            parent = link
        if row.id == committee_id or any(seen.id == row.id for seen in lineage):
            continue  # a loop: the chain stops where it turns back, as ``ancestors`` does
        if len(lineage) == row.depth - 1:
            lineage.append(link)
    own = [getattr(me, name) for name in _PAGE_COLUMNS]
    return CommitteePage(*own, parent, tuple(lineage), tuple(children))


def may_work_with(user: User, committee_id: int) -> bool:
    """Whether the user may work with a committee: staff any, a secretary the committees
    where they hold a sitting secretarial seat (one statement for a secretary, none for
    staff). The rule of ``committee_for``, for pages that read the committee as plain rows."""
    if manages_all(user):
        return True
    params = {"user_id": user.id, "on_day": today()}
    return committee_id in set(read(secretary_committee_ids_bound(), params).scalars())


def committee_for(user: User, committee_id: int) -> Committee:
    """The committee, when the user may work with it; otherwise "not found" (404)."""
    committee = db.get_or_404(Committee, committee_id)
    if not may_work_with(user, committee.id):
        abort(404)
    return committee


def seat_for(user: User, committee_id: int, membership_id: int) -> Membership:
    """A seat of a committee the user may work with; otherwise "not found"."""
    committee = committee_for(user, committee_id)
    seat = db.session.get(Membership, membership_id)
    if seat is None or seat.committee_id != committee.id:
        abort(404)
    return seat


def representative_committees(user: User) -> list[Committee]:
    """The committees where the representative's association holds a sitting seat."""
    if user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Committee)
            .where(Committee.id.in_(organisation_committee_ids(user.organisation_id)))
            .order_by(Committee.parent_id.is_not(None), Committee.sort_key, Committee.id)
        )
    )


def representative_committee_or_404(user: User, committee_id: int) -> Committee:
    """One of those committees; any other answers "not found"."""
    if user.organisation_id is None:
        abort(404)
    committee = db.session.scalar(
        sa.select(Committee).where(
            Committee.id == committee_id,
            Committee.id.in_(organisation_committee_ids(user.organisation_id)),
        )
    )
    if committee is None:
        abort(404)
    return committee


# --- the forms' choices ------------------------------------------------------------------------


def parent_choices(committee: Committee | None = None) -> list[tuple[int, str]]:
    """Committees a committee may report to: active ones, never itself or its descendants."""
    committees = db.session.scalars(
        sa.select(Committee).order_by(
            Committee.parent_id.is_not(None), Committee.sort_key, Committee.id
        )
    ).all()
    choices = []
    for candidate in committees:
        if committee is not None and (candidate is committee or committee in candidate.ancestors()):
            continue
        if candidate.active or (committee is not None and committee.parent_id == candidate.id):
            choices.append((candidate.id, candidate.name_th))
    return choices


def contact_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Current, not erased contacts, grouped by organisation (Thai name order)."""
    contacts = db.session.scalars(
        sa.select(Contact)
        .join(Contact.organisation)
        .where(Contact.active.is_(True), Contact.erased_at.is_(None))
        .order_by(Organisation.sort_key, Organisation.id, Contact.sort_key, Contact.id)
        .options(selectinload(Contact.organisation))
    ).all()
    groups: dict[str, list[tuple[int, str]]] = {}
    for contact in contacts:
        label = picker_label(contact)
        groups.setdefault(contact.organisation.name_th, []).append((contact.id, label))
    return list(groups.items())


def organisation_choices() -> list[tuple[int, str]]:
    """Organisations a person may represent."""
    rows = db.session.execute(sa.select(Organisation.id, Organisation.name_th).order_by(
        Organisation.sort_key, Organisation.id))  # fmt: skip
    return [(row.id, row.name_th) for row in rows]


def secretary_account_choices() -> list[tuple[int, str]]:
    """Active secretary accounts that may run a committee."""
    rows = db.session.scalars(
        sa.select(User)
        .where(User.role == Role.SECRETARY, User.active.is_(True))
        .order_by(User.sort_key, User.id)
    )
    return [(user.id, f"{user.full_name} ({user.email})") for user in rows]


# --- what committees add to other pages --------------------------------------------------------


#: The organisation's seats with what the timeline writes of each: the person's name parts and
#: the committee's name, in one statement built once (the organisation a bound parameter).
_SEATS = (
    sa.select(
        Membership.committee_id,
        Membership.role,
        Membership.term_start,
        Membership.term_end,
        Membership.ended_on,
        Committee.name_th,
        Contact.title,
        Contact.first_name,
        Contact.last_name,
        Contact.erased_at,
    )
    .join(Committee, Committee.id == Membership.committee_id)
    .join(Contact, Contact.id == Membership.contact_id)
    .where(Membership.organisation_id == sa.bindparam("organisation_id"))
    .order_by(Membership.id)
)


@timeline.provider
def seat_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """Seats the organisation took and ended on committees (one statement of plain rows)."""
    seats = db.session.execute(_SEATS, {"organisation_id": organisation.id}).all()
    if not seats:
        return
    on = today()
    may_open = current_user.is_authenticated and current_user.can("committees.view")
    # every committee link is the same address but for the id: built once, not once per seat
    prefix = url_for("committees.show", committee_id=0)[:-1] if may_open else None
    taken, ended_label = _("Committee seat taken"), _("Committee seat ended")
    full_name = Contact.full_name.fget  # the model's way of writing a name, on the row
    for seat in seats:
        url = f"{prefix}{seat.committee_id}" if may_open else None
        subject = f"{full_name(seat)}, {ROLE_TITLES_TH[seat.role]} {seat.name_th}"
        yield timeline.Entry(seat.term_start, taken, subject, url, "committee")
        if seat.ended_on is not None and seat.ended_on <= on:
            ended = seat.ended_on if seat.term_end is None else min(seat.ended_on, seat.term_end)
        elif seat.term_end is not None and seat.term_end < on:
            ended = seat.term_end
        else:
            continue
        yield timeline.Entry(ended, ended_label, subject, url, "committee")


@personal_data_source
def committee_seats(contact: Contact) -> tuple[str, list[dict]]:
    """The person's seats on committees, for an access request."""
    seats = db.session.scalars(
        sa.select(Membership)
        .where(Membership.contact_id == contact.id)
        .order_by(Membership.term_start, Membership.id)
        .options(selectinload(Membership.committee), selectinload(Membership.organisation))
    )
    return (
        "committee_seats",
        [
            {
                "committee": seat.committee.name_th,
                "role": seat.role.value,
                "title": seat.title_th,
                "organisation_represented": seat.organisation.name_th,
                "term_start": seat.term_start.isoformat(),
                "term_end": seat.term_end.isoformat() if seat.term_end else None,
                "appointed_by": seat.appointed_by,
                "ended_on": seat.ended_on.isoformat() if seat.ended_on else None,
                "end_reason": seat.end_reason,
            }
            for seat in seats
        ],
    )
