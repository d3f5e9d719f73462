"""What each role's home page shows: one function per panel, each a fixed number of queries
whatever the size of the register (the lists are cut to a few rows, the figures are counted
by the database), so the home page answers in the same time on a large register.

Staff and admins see the whole registry; a secretary the committees where they hold a
sitting secretary seat; a representative only their own association's records (the filters
come from each domain's queries module, the same ones the pages use).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..agreements.models import (
    EXPIRING_DAYS,
    Agreement,
    AgreementParty,
    AgreementStatus,
)
from ..agreements.queries import VISIBLE_TO_REPRESENTATIVES, in_force
from ..audit.models import AuditEvent
from ..auth.models import User
from ..committees.models import Committee, MemberRole, Membership
from ..committees.queries import (
    manages_all,
    organisation_committee_ids,
    secretary_committee_ids_bound,
    sitting_condition,
)
from ..committees.services import today
from ..db import db, read
from ..i18n import current_language
from ..meetings.models import ActionItem, AgendaItem, Meeting, MeetingStatus
from ..meetings.queries import LIST_ROW, meeting_list, scheduled_from_day
from ..organisations.models import Contact, Organisation, OrganisationKind
from ..proposals.models import Category, Endorsement, Proposal, ProposalStatus

#: Rows each list panel shows (the rest are a link away).
SHOWN = 8
#: Signed agreements the staff timeline draws at most (those ending soonest first).
TIMELINE_ROWS = 14
#: Months of endorsements the statistics page draws, this one included.
ENDORSEMENT_MONTHS = 24
#: Audit record types a staff member may read on the home page: the registry's own
#: records, each with a page of its own. Sign-ins, accounts, settings, backups and people's
#: personal data stay in the administrator's audit log.
STAFF_ACTIVITY = ("organisations", "agreements", "committees", "meetings", "proposals")
#: The page that shows each record type, and the name of its id in the URL.
RECORD_PAGES = {
    "organisations": ("organisations.show", "organisation_id"),
    "agreements": ("agreements.show", "agreement_id"),
    "committees": ("committees.show", "committee_id"),
    "meetings": ("meetings.show", "meeting_id"),
    "proposals": ("proposals.show", "proposal_id"),
}
#: The statuses of an agreement in force (``agreements.queries.in_force``: signed, or
#: terminated from a later day).
IN_FORCE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)
#: Organisation kinds of the DGA/DGTi side (never "partners").
OWN_KINDS = (OrganisationKind.OWN_AGENCY, OrganisationKind.OWN_CENTRE)


def kind_of_home(user: User) -> str:
    """Which home page the user gets: "staff" (staff and admins), "secretary",
    "representative", or "plain" (an account with none of these permissions)."""
    if user.can("committees.manage"):
        return "staff"
    if user.can("committees.own"):
        return "secretary"
    if user.can("agreements.own") and user.organisation_id is not None:
        return "representative"
    return "plain"


def _grouped(query) -> dict:
    return {key: count for key, count in db.session.execute(query)}


# --- staff ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """The figures at the top of the staff home."""

    organisations: dict
    agreements: dict
    agreements_in_force: int
    committees: int
    upcoming_meetings: int
    proposals: dict
    #: category id -> proposals
    proposals_by_category: dict


def agreement_state_expression(on: date):
    """SQL for where an agreement stands on a day: its status, and for a signed one what
    the dates say (pending, active, expiring, expired) — ``Agreement.state`` in SQL."""
    start = sa.func.coalesce(Agreement.effective_from, Agreement.signed_on)
    signed = Agreement.status == AgreementStatus.SIGNED
    return sa.case(
        (
            sa.and_(Agreement.status == AgreementStatus.TERMINATED, Agreement.terminated_on > on),
            "terminating",
        ),
        (sa.and_(signed, start.is_not(None), start > on), "pending"),
        (sa.and_(signed, Agreement.effective_until < on), "expired"),
        (
            sa.and_(signed, Agreement.effective_until <= on + timedelta(days=EXPIRING_DAYS)),
            "expiring",
        ),
        (signed, "active"),
        else_=Agreement.status,
    )


def counts(on: date | None = None) -> Counts:
    """Organisations by status, agreements by state, active committees, upcoming meetings,
    proposals by status and by category (five queries)."""
    on = on or today()
    state = agreement_state_expression(on).label("state")
    agreements = _grouped(sa.select(state, sa.func.count()).group_by(state))
    in_force_count = sum(agreements.get(key, 0) for key in ("active", "expiring", "terminating"))
    proposals_by_status, proposals_by_category = _proposal_counts()
    return Counts(
        organisations=_grouped(
            sa.select(Organisation.status, sa.func.count()).group_by(Organisation.status)
        ),
        agreements=agreements,
        agreements_in_force=in_force_count,
        committees=db.session.scalar(
            sa.select(sa.func.count(Committee.id)).where(Committee.dissolved_on.is_(None))
        ),
        upcoming_meetings=db.session.scalar(
            sa.select(sa.func.count(Meeting.id)).where(
                Meeting.held_on >= on, Meeting.status == MeetingStatus.SCHEDULED
            )
        ),
        proposals=dict(proposals_by_status),
        proposals_by_category=dict(proposals_by_category),
    )


def _proposal_counts() -> tuple[Counter, Counter]:
    """Proposals per status and per category, in one pass over their (status, category)
    index."""
    by_status, by_category = Counter(), Counter()
    rows = db.session.execute(
        sa.select(Proposal.status, Proposal.category_id, sa.func.count()).group_by(
            Proposal.status, Proposal.category_id
        )
    )
    for status, category_id, count in rows:
        by_status[status] += count
        by_category[category_id] += count
    return by_status, by_category


@dataclass(frozen=True)
class Expiring:
    """Agreements in force ending soon: for each band (within 30, 60 and 90 days, each band
    once) how many there are and the first of them, soonest first, at most ``SHOWN`` in all
    (the agreements' expiring page lists them all)."""

    counts: dict[int, int]
    #: rows of id, reference, title_th and effective_until, per band
    soonest: dict[int, list[sa.Row]]

    @property
    def total(self) -> int:
        """How many agreements end within 90 days."""
        return sum(self.counts.values())

    @property
    def shown(self) -> int:
        """How many of them the panel lists."""
        return sum(len(agreements) for agreements in self.soonest.values())


@lru_cache(maxsize=2)
def _expiring(on: date) -> sa.CompoundSelect:
    """The statement of ``expiring_agreements`` for a day, built once a day: the soonest few
    (rows of id, reference, title_th and effective_until, their band and count empty), then
    the count per band (rows of band and count, the agreement's columns empty)."""
    # The end date's range is written out (not left to ``in_force``'s "no end or not yet
    # ended") beside each status an agreement in force can have, so that the database reads
    # the few agreements ending soon from its (status, end date) index, a range per status,
    # instead of every signed agreement.
    window = Agreement.effective_until.between(on, on + timedelta(days=EXPIRING_DAYS))
    ending = sa.and_(
        in_force(on),
        sa.or_(*(sa.and_(Agreement.status == status, window) for status in IN_FORCE_STATUSES)),
    )
    band = sa.case(
        (Agreement.effective_until <= on + timedelta(days=30), 30),
        (Agreement.effective_until <= on + timedelta(days=60), 60),
        else_=90,
    ).label("band")
    soonest = (
        sa.select(Agreement.id, Agreement.reference, Agreement.title_th, Agreement.effective_until)
        .where(ending)
        .order_by(Agreement.effective_until, Agreement.id)
        .limit(SHOWN)
        .subquery("soonest")
    )
    empty_integer = sa.cast(sa.null(), sa.Integer)
    return sa.union_all(
        sa.select(soonest, empty_integer.label("band"), empty_integer.label("count")),
        sa.select(
            empty_integer,
            sa.cast(sa.null(), Agreement.reference.type),
            sa.cast(sa.null(), Agreement.title_th.type),
            sa.cast(sa.null(), Agreement.effective_until.type),
            band,
            sa.func.count(),
        )
        .where(ending)
        .group_by(band),
    )


def expiring_agreements(on: date | None = None) -> Expiring:
    """The home page's summary of ``agreements.queries.expiring_by_threshold``, bounded
    (one query: the soonest few, and the count per band)."""
    on = on or today()
    counts: dict[int, int] = {}
    shown = []
    for row in read(_expiring(on)):
        if row.id is None:
            counts[row.band] = row.count
        else:
            shown.append(row)
    shown.sort(key=lambda agreement: (agreement.effective_until, agreement.id))
    soonest: dict[int, list[sa.Row]] = {30: [], 60: [], 90: []}
    for agreement in shown:
        left = (agreement.effective_until - on).days
        soonest[30 if left <= 30 else 60 if left <= 60 else 90].append(agreement)
    return Expiring({days: counts.get(days, 0) for days in (30, 60, 90)}, soonest)


#: The statements of the staff panels that depend on nothing but the register: built once,
#: each reading the few columns its panel shows as plain rows.
_IN_REVIEW = (
    sa.select(Agreement.id, Agreement.reference, Agreement.title_th, Agreement.updated_at)
    .where(Agreement.status == AgreementStatus.IN_REVIEW)
    .order_by(Agreement.updated_at, Agreement.id)
    .limit(SHOWN)
)
_TO_SCREEN = (
    sa.select(
        Proposal.id,
        Proposal.title,
        Proposal.created_at,
        Organisation.name_th,
        Organisation.name_en,
    )
    .join(Organisation, Organisation.id == Proposal.organisation_id)
    .where(Proposal.status == ProposalStatus.SUBMITTED)
    .order_by(Proposal.created_at, Proposal.id)
    .limit(SHOWN)
)
_LATEST_EVENTS = sa.select(
    AuditEvent.at, AuditEvent.actor_label, AuditEvent.action, AuditEvent.record_type,
    AuditEvent.record_id, AuditEvent.record_label,
).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())  # fmt: skip
_ACTIVITY = {
    True: _LATEST_EVENTS.limit(SHOWN),
    False: _LATEST_EVENTS.where(AuditEvent.record_type.in_(STAFF_ACTIVITY)).limit(SHOWN),
}


def agreements_in_review() -> list[sa.Row]:
    """Drafts sent for review, the longest waiting first: rows of id, reference, title_th and
    updated_at (one query)."""
    return read(_IN_REVIEW).all()


@cache
def _upcoming(scope: str) -> sa.Select:
    """The statement of ``upcoming_meetings`` for a scope ("all", "secretary"), built once."""
    return scheduled_from_day(scope).limit(SHOWN)


def upcoming_meetings(user: User, on: date | None = None) -> list:
    """The next scheduled meetings of the committees the user works with, soonest first, as
    the meetings list reads them (``meetings.queries.LIST_ROW``, the committee's name
    joined; one query)."""
    on = on or today()
    if manages_all(user):
        scope = "all"
    elif user.can("committees.own"):
        scope = "secretary"
    else:  # no home page shows this panel to another role: the meetings list's own scope
        query = meeting_list(user).where(
            Meeting.held_on >= on, Meeting.status == MeetingStatus.SCHEDULED
        )
        return list(db.session.scalars(query.limit(SHOWN)))
    return read(_upcoming(scope), {"on_day": on, "user_id": user.id}).all()


@dataclass(frozen=True, slots=True)
class ToScreen:
    """A proposal waiting for screening as its panel shows it."""

    id: int
    title: str
    created_at: datetime
    #: The proposing organisation's name in the reader's language.
    organisation: str


def proposals_to_screen() -> list[ToScreen]:
    """Proposals submitted and not yet screened, the longest waiting first, with their
    organisations' names in the reader's language (one query)."""
    lang = current_language()
    return [
        ToScreen(row.id, row.title, row.created_at, Organisation.display_name(row, lang))
        for row in read(_TO_SCREEN)
    ]


def recent_activity(user: User) -> list[sa.Row]:
    """The latest audit events: everything for those who may read the audit log, the changes
    to the registry's own records for other staff (one query): rows of at, actor_label,
    action, record_type, record_id and record_label."""
    return read(_ACTIVITY[bool(user.can("audit.read"))]).all()


def agreements_by_partner_kind() -> dict:
    """How many agreements each kind of partner organisation is party to (one query)."""
    return _grouped(
        sa.select(Organisation.kind, sa.func.count(sa.distinct(AgreementParty.agreement_id)))
        .join(Organisation, Organisation.id == AgreementParty.organisation_id)
        .where(Organisation.kind.not_in(OWN_KINDS))
        .group_by(Organisation.kind)
    )


def _timeline_query():
    """Signed agreements in force or not yet in force, or ended within the last year; and
    those terminated within the last year (in the order they end)."""
    on = today()
    year_ago = on - timedelta(days=365)
    return sa.select(Agreement).where(
        sa.or_(
            sa.and_(
                Agreement.status == AgreementStatus.SIGNED,
                sa.or_(Agreement.effective_until.is_(None), Agreement.effective_until >= year_ago),
            ),
            sa.and_(
                Agreement.status == AgreementStatus.TERMINATED,
                Agreement.terminated_on >= year_ago,
            ),
        ),
        sa.func.coalesce(Agreement.effective_from, Agreement.signed_on).is_not(None),
    )


def agreements_timeline() -> tuple[list[Agreement], int]:
    """The signed agreements the staff timeline draws, those ending soonest first, with how
    many more there are (three queries: the count, the agreements, their parties)."""
    query = _timeline_query()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    shown = db.session.scalars(
        query.order_by(Agreement.effective_until.is_(None), Agreement.effective_until, Agreement.id)
        .options(selectinload(Agreement.parties).joinedload(AgreementParty.organisation))
        .limit(TIMELINE_ROWS)
    ).all()
    return sorted(shown, key=lambda a: (a.starts_on, a.id)), max(total - len(shown), 0)


def proposals_by_category(counts: dict) -> list[tuple[int, str, int]]:
    """(category id, name in the reader's language, count), largest first, from the counts
    per category (``Counts.proposals_by_category``; one query: the few categories' names)."""
    categories = db.session.scalars(sa.select(Category).where(Category.id.in_(list(counts))))
    lang = current_language()
    rows = [(c.id, c.display_name(lang), counts[c.id]) for c in categories]
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def month_starts(months: int, on: date | None = None) -> list[date]:
    """The first days of the last ``months`` months, this one last."""
    on = on or today()
    index = on.year * 12 + on.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def endorsements_per_month(months: int = ENDORSEMENT_MONTHS) -> list[tuple[date, int]]:
    """Endorsements given in each of the last months, withdrawn ones included (one query).

    It reads every endorsement (no index has the date), so it is on the statistics page, not
    the home page: 0.25 s of CPU on 500,000 endorsements (bench/home.py)."""
    starts = month_starts(months)
    year = sa.extract("year", Endorsement.endorsed_on)
    month = sa.extract("month", Endorsement.endorsed_on)
    rows = db.session.execute(
        sa.select(year, month, sa.func.count())
        .where(Endorsement.endorsed_on >= starts[0])
        .group_by(year, month)
    )
    found = {(int(y), int(m)): n for y, m, n in rows}
    return [(start, found.get((start.year, start.month), 0)) for start in starts]


# --- secretary -----------------------------------------------------------------------------------


@cache
def _secretary_panels() -> tuple[sa.Select, sa.Select, sa.Select]:
    """The statements of the secretary's committees, minutes to certify and overdue actions,
    built once (on first use: their loader options need every model mapped); the account
    (``user_id``) and the day (``on_day``) are bound parameters."""
    runs = secretary_committee_ids_bound()
    committees = (
        sa.select(Committee.id, Committee.name_th)
        .where(Committee.id.in_(runs))
        .order_by(
            Committee.dissolved_on.is_not(None),
            Committee.parent_id.is_not(None),
            Committee.sort_key,
            Committee.id,
        )
    )
    to_certify = (
        sa.select(LIST_ROW)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Meeting.committee_id.in_(runs),
            Meeting.status.in_((MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFTED)),
        )
        .order_by(Meeting.held_on, Meeting.id)
        .limit(SHOWN)
    )
    overdue = (
        sa.select(
            ActionItem.text,
            ActionItem.owner,
            ActionItem.due_on,
            AgendaItem.id.label("agenda_item_id"),
            Meeting.id.label("meeting_id"),
            Meeting.number,
            Meeting.year_be,
            Committee.name_th.label("committee_name"),
        )
        .join(AgendaItem, AgendaItem.id == ActionItem.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Meeting.committee_id.in_(runs),
            ActionItem.due_on < sa.bindparam("on_day", type_=sa.Date),
            ActionItem.done_on.is_(None),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(SHOWN * 2)
    )
    return committees, to_certify, overdue


def _secretary(user: User, on: date | None) -> dict:
    return {"user_id": user.id, "on_day": on or today()}


def secretary_committees(user: User, on: date | None = None) -> list[sa.Row]:
    """The committees the secretary runs, tops first: rows of id and name_th (one query)."""
    return read(_secretary_panels()[0], _secretary(user, on)).all()


def minutes_to_certify(user: User, on: date | None = None) -> list:
    """Meetings of the secretary's committees held, whose minutes are not certified yet,
    oldest first, as the meetings list reads them (``LIST_ROW``; one query)."""
    return read(_secretary_panels()[1], _secretary(user, on)).all()


def overdue_actions(user: User, on: date | None = None) -> list[sa.Row]:
    """Action items of the secretary's committees whose due date has passed and that are not
    done, the most overdue first: rows of text, owner, due_on, agenda_item_id, meeting_id,
    number, year_be and committee_name (one query)."""
    return read(_secretary_panels()[2], _secretary(user, on)).all()


# --- representative ------------------------------------------------------------------------------


#: The association's agreements a representative may read, newest first, as the panel and
#: its timeline show them: built once, the association a bound parameter. The agreements and
#: their order are ``agreements.queries.for_organisation``'s; they are found from the
#: association's parties (an association is party to a few agreements, read from the
#: parties' index), not by checking every agreement of the register for a party.
_OWN_AGREEMENTS = (
    sa.select(
        Agreement.id,
        Agreement.reference,
        Agreement.title_th,
        Agreement.status,
        Agreement.signed_on,
        Agreement.effective_from,
        Agreement.effective_until,
        Agreement.terminated_on,
    )
    .where(
        Agreement.id.in_(
            sa.select(AgreementParty.agreement_id).where(
                AgreementParty.organisation_id == sa.bindparam("organisation_id")
            )
        ),
        Agreement.status.in_(VISIBLE_TO_REPRESENTATIVES),
    )
    .order_by(Agreement.created_at.desc(), Agreement.id.desc())
    .limit(50)
)
#: The parties of some agreements (``ids``), in each agreement's order, with what the
#: timeline shows of their organisations.
_PARTIES = (
    sa.select(
        AgreementParty.agreement_id,
        Organisation.acronym,
        Organisation.name_th,
        Organisation.kind,
    )
    .join(Organisation, Organisation.id == AgreementParty.organisation_id)
    .where(AgreementParty.agreement_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(AgreementParty.agreement_id, AgreementParty.position, AgreementParty.id)
)


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A party of an agreement as the timeline reads it (``party.organisation``: a row of
    acronym, name_th and kind)."""

    organisation: sa.Row


@dataclass(slots=True)
class OwnAgreement:
    """One of the association's agreements, read as a row of the columns its line, badges
    and timeline show, with its parties; it answers ``starts_on``, ``status_on`` and
    ``state`` as the ``Agreement`` model does (the model's own code, on these values)."""

    id: int
    reference: str
    title_th: str
    status: AgreementStatus
    signed_on: date | None
    effective_from: date | None
    effective_until: date | None
    terminated_on: date | None
    parties: list[PartyRow]

    starts_on = Agreement.starts_on
    terminating = Agreement.terminating
    status_on = Agreement.status_on
    state = Agreement.state


def own_agreements(user: User) -> list[OwnAgreement]:
    """The association's agreements a representative may read (approved and after), newest
    first, with their parties (one query, and one for the parties when there are
    agreements)."""
    rows = read(_OWN_AGREEMENTS, {"organisation_id": user.organisation_id}).all()
    if not rows:
        return []
    parties: dict[int, list[PartyRow]] = {row.id: [] for row in rows}
    for party in read(_PARTIES, {"ids": list(parties)}):
        parties[party.agreement_id].append(PartyRow(party))
    return [OwnAgreement(*row, parties[row.id]) for row in rows]


#: The association's proposals and endorsements in force: built once, the association a
#: bound parameter. The panels show a few columns of each: read as plain rows.
_OWN_PROPOSAL = Proposal.organisation_id == sa.bindparam("organisation_id")
_OWN_PROPOSAL_COUNT = sa.select(sa.func.count(Proposal.id)).where(_OWN_PROPOSAL)
_OWN_ENDORSEMENT = sa.and_(
    Endorsement.organisation_id == sa.bindparam("organisation_id"),
    Endorsement.withdrawn_at.is_(None),
)
_OWN_ENDORSEMENT_COUNT = sa.select(sa.func.count(Endorsement.id)).where(_OWN_ENDORSEMENT)
_SHOWN_PROPOSALS = (
    sa.select(
        Proposal.id,
        Proposal.title,
        Proposal.status,
        Proposal.created_at,
        Proposal.endorsement_count,
    )
    .where(_OWN_PROPOSAL)
    .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    .limit(SHOWN)
    .subquery("shown")
)
_OWN_TOTALS = sa.select(
    _OWN_PROPOSAL_COUNT.scalar_subquery().label("proposal_total"),
    _OWN_ENDORSEMENT_COUNT.scalar_subquery().label("endorsement_total"),
).subquery("totals")
#: Both totals and the latest proposals in one statement: the one row of totals joined to
#: each proposal shown (a row of totals alone, the proposal's columns empty, when there is
#: none).
_OWN_PROPOSALS = (
    sa.select(_OWN_TOTALS, _SHOWN_PROPOSALS)
    .select_from(_OWN_TOTALS.outerjoin(_SHOWN_PROPOSALS, sa.true()))
    .order_by(_SHOWN_PROPOSALS.c.created_at.desc(), _SHOWN_PROPOSALS.c.id.desc())
)
_OWN_ENDORSEMENTS = (
    sa.select(Endorsement.proposal_id, Proposal.title, Endorsement.endorsed_on)
    .join(Proposal, Proposal.id == Endorsement.proposal_id)
    .where(_OWN_ENDORSEMENT)
    .order_by(Endorsement.endorsed_on.desc(), Endorsement.id.desc())
    .limit(SHOWN)
)


@dataclass(frozen=True)
class OwnProposals:
    """The association's latest proposals, and how many proposals and endorsements in force
    it has in all."""

    #: rows of id, title, status, created_at and endorsement_count, newest first
    latest: list[sa.Row]
    proposal_total: int
    endorsement_total: int


def own_proposals(user: User) -> OwnProposals:
    """The association's latest proposals, with how many it has submitted and how many
    endorsements it has in force (one query)."""
    rows = read(_OWN_PROPOSALS, {"organisation_id": user.organisation_id}).all()
    first = rows[0]
    latest = rows if first.id is not None else []
    return OwnProposals(latest, first.proposal_total, first.endorsement_total)


def own_endorsements(user: User) -> list[sa.Row]:
    """The association's endorsements in force, latest first: rows of proposal_id, the
    proposal's title and endorsed_on (one query; how many in all: ``own_proposals``)."""
    values = {"organisation_id": user.organisation_id}
    return read(_OWN_ENDORSEMENTS, values).all()


@lru_cache(maxsize=2)
def _own_seats_and_meetings(on: date) -> tuple[sa.Select, sa.Select]:
    """The statements of ``own_seats`` and ``own_next_meetings`` for a day, built once a day
    (the association a bound parameter)."""
    association = sa.bindparam("organisation_id")
    seats = (
        sa.select(
            Membership.committee_id,
            Membership.role,
            Committee.name_th,
            Contact.title,
            Contact.first_name,
            Contact.last_name,
            Contact.erased_at,
        )
        .where(Membership.organisation_id == association, sitting_condition(on))
        .join(Committee, Committee.id == Membership.committee_id)
        .join(Contact, Contact.id == Membership.contact_id)
        .order_by(Committee.sort_key, Committee.id, Membership.role, Membership.id)
    )
    meetings = (
        sa.select(LIST_ROW)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Meeting.committee_id.in_(organisation_committee_ids(association, on)),
            Meeting.held_on >= on,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)
        .limit(SHOWN)
    )
    return seats, meetings


@dataclass(frozen=True, slots=True)
class SeatRow:
    """A seat of the association as its panel shows it."""

    committee_id: int
    committee_name: str
    person: str
    role: MemberRole


def own_seats(user: User, on: date | None = None) -> list[SeatRow]:
    """The seats the association holds today (the organisation represented): the committee,
    the person's name and the role (one query of plain rows)."""
    statement = _own_seats_and_meetings(on or today())[0]
    full_name = Contact.full_name.fget  # the model's way of writing a name, on the row
    return [
        SeatRow(row.committee_id, row.name_th, full_name(row), row.role)
        for row in read(statement, {"organisation_id": user.organisation_id})
    ]


def own_next_meetings(user: User, on: date | None = None) -> list:
    """The next scheduled meetings of the committees where the association sits, as the
    meetings list reads them (``LIST_ROW``; one query)."""
    statement = _own_seats_and_meetings(on or today())[1]
    return read(statement, {"organisation_id": user.organisation_id}).all()
