"""Finding proposals: who may read what, the list's search, filters and orders (and the same
result as a CSV or XLSX table), what the proposal page shows, and the forms' choices.

Staff and secretaries read every proposal in full. A representative reads every proposal's
public part (title, kind, category, submitting organisation, status, summary, the problem,
the approach, and the endorsements with their statements), and the rest (contact person,
support requested, every attachment, the status history with its reasons, the committee's
resolutions once the minutes are certified) only for their own association's proposals;
another association's attachment only when its uploader made it public, an endorsement
letter only their own association's.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, load_only, selectinload

from .. import tabular
from ..agreements.models import Agreement
from ..auth.models import User
from ..committees.models import Committee
from ..committees.queries import secretary_committee_ids
from ..dates import file_date
from ..db import contains_text, db, page_of, paged, paginate, read
from ..formats import query_text
from ..i18n import BANGKOK, current_language, format_date, to_local
from ..meetings.models import AgendaItem, Meeting, MeetingStatus
from ..organisations.models import Contact, Organisation, OrganisationStatus, search_key
from ..organisations.queries import picker_label
from ..organisations.services import personal_data_source
from ..tabular import Column
from . import services
from .labels import KIND_LABELS, STATUS_LABELS
from .models import (
    CLOSED,
    SQLITE_SEARCH_TABLE,
    AgreementAnnex,
    Attachment,
    Category,
    Endorsement,
    Proposal,
    ProposalKind,
    ProposalStatus,
    StatusChange,
)

#: Status filter value for the proposals still under way (not completed, rejected or withdrawn).
OPEN = "open"
#: Sort orders: most endorsements first, newest first, oldest first.
SORTS = ("newest", "endorsements", "oldest")
#: The longest search text used; the rest is ignored.
MAX_QUERY = 100
#: The most organisations the list's filters offer (the rest are reached by links).
FILTER_ORGANISATIONS = 300
#: The endorsements ``endorsements`` gives before "every".
ENDORSEMENTS_SHOWN = 100
#: The endorsements the proposal page lists on each of its pages.
ENDORSEMENTS_PER_PAGE = 25


# --- who may read what -------------------------------------------------------------------------


def reads_all(user) -> bool:
    """Whether the user reads every proposal in full (staff, admins, secretaries)."""
    return user.can("proposals.view")


def reads_in_full(user, proposal: Proposal) -> bool:
    """Whether the user reads the whole proposal (staff, secretaries, its association)."""
    return reads_all(user) or services.owns(user, proposal)


@functools.cache
def _proposal() -> sa.Select:
    """The statement of ``proposal_for``, built once (its one value is a parameter) and on
    first use (its loader options need every model mapped)."""
    return (
        sa.select(Proposal)
        .where(Proposal.id == sa.bindparam("proposal_id"))
        .options(
            joinedload(Proposal.organisation),
            joinedload(Proposal.category),
            joinedload(Proposal.contact),
        )
    )


def proposal_for(user, proposal_id: int) -> Proposal:
    """A proposal the user may open (every signed-in user with a proposals permission may
    read at least its public part); otherwise "not found"."""
    if not (reads_all(user) or user.can("proposals.own")):
        abort(404)
    proposal = db.session.scalar(_proposal(), {"proposal_id": proposal_id})
    if proposal is None:
        abort(404)
    return proposal


def attachment_for(user, proposal_id: int, attachment_id: int) -> Attachment:
    """An attachment the user may read: staff and secretaries any, the submitting association
    its own, other associations only public ones; otherwise "not found"."""
    proposal = proposal_for(user, proposal_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id:
        abort(404)
    if not (reads_in_full(user, proposal) or attachment.public):
        abort(404)
    return attachment


def endorsement_for(user, proposal_id: int, endorsement_id: int) -> Endorsement:
    """An endorsement of the proposal (anyone who may open the proposal sees it)."""
    proposal = proposal_for(user, proposal_id)
    endorsement = db.session.get(Endorsement, endorsement_id)
    if endorsement is None or endorsement.proposal_id != proposal.id:
        abort(404)
    return endorsement


def may_read_letter(user, endorsement: Endorsement) -> bool:
    """Staff and secretaries read every letter; a representative their association's."""
    return reads_all(user) or services.represents(user, endorsement.organisation_id)


# --- the list ----------------------------------------------------------------------------------


def _digits(value) -> str:
    text = (value or "").strip()
    return text if text.isdigit() and len(text) < 10 else ""


#: The values the status and kind filters take.
_STATUS_VALUES = frozenset({OPEN, *(s.value for s in ProposalStatus)})
_KIND_VALUES = frozenset(k.value for k in ProposalKind)


@dataclass(frozen=True)
class Filters:
    """What the list asks for, every value checked (unknown values are ignored)."""

    q: str = ""
    status: str = ""
    kind: str = ""
    category: str = ""
    organisation: str = ""
    endorsed_by: str = ""
    sort: str = "newest"

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read the filters from a query string, dropping values that mean nothing."""
        status = args.get("status", "")
        kind = args.get("kind", "")
        sort = args.get("sort", "newest")
        return cls(
            q=query_text(args.get("q"), MAX_QUERY),
            status=status if status in _STATUS_VALUES else "",
            kind=kind if kind in _KIND_VALUES else "",
            category=_digits(args.get("category")),
            organisation=_digits(args.get("organisation")),
            endorsed_by=_digits(args.get("endorsed_by")),
            sort=sort if sort in SORTS else "newest",
        )

    def as_args(self) -> dict[str, str]:
        """The filters as a query string, leaving out the defaults (for links and the log)."""
        defaults = asdict(Filters())
        return {key: value for key, value in asdict(self).items() if value != defaults[key]}


#: The tables' columns: conditions and plain-row statements on them need no ORM set-up per
#: request (an ORM select of ``Proposal`` takes them as they are).
_PROPOSALS = Proposal.__table__.c
_ORGANISATIONS = Organisation.__table__.c
_ENDORSEMENTS = Endorsement.__table__.c


#: The conditions and orders the list's statements are made of, each built once (a filter's
#: value is then compared with a column, the rest taken as built).
_STILL_OPEN = _PROPOSALS.status.in_([s for s in ProposalStatus if s not in CLOSED])
_STATUS_IS = {status.value: _PROPOSALS.status == status for status in ProposalStatus}
_KIND_IS = {kind.value: _PROPOSALS.kind == kind for kind in ProposalKind}
_ENDORSED_BY = sa.select(_ENDORSEMENTS.proposal_id).where(_ENDORSEMENTS.withdrawn_at.is_(None))
_ORDERS = {
    "endorsements": (_PROPOSALS.endorsement_count.desc(), _PROPOSALS.id.desc()),
    "oldest": (_PROPOSALS.created_at, _PROPOSALS.id),
    "newest": (_PROPOSALS.created_at.desc(), _PROPOSALS.id.desc()),
}
#: The list's ids in each order, with no filter yet.
_IDS = {sort: sa.select(_PROPOSALS.id).order_by(*order) for sort, order in _ORDERS.items()}


def _conditions(filters: Filters) -> list:
    conditions = []
    if filters.q:
        conditions.append(
            contains_text(
                _PROPOSALS.id,
                _PROPOSALS.search_text,
                search_key(filters.q),
                sqlite_index=SQLITE_SEARCH_TABLE,
            )
        )
    if filters.status == OPEN:
        # IN, not NOT IN: the status index then counts the matches without a full scan.
        conditions.append(_STILL_OPEN)
    elif filters.status:
        conditions.append(_STATUS_IS[filters.status])
    if filters.kind:
        conditions.append(_KIND_IS[filters.kind])
    if filters.category:
        conditions.append(_PROPOSALS.category_id == int(filters.category))
    if filters.organisation:
        conditions.append(_PROPOSALS.organisation_id == int(filters.organisation))
    if filters.endorsed_by:
        conditions.append(
            _PROPOSALS.id.in_(
                _ENDORSED_BY.where(_ENDORSEMENTS.organisation_id == int(filters.endorsed_by))
            )
        )
    return conditions


def _order(filters: Filters) -> tuple:
    return _ORDERS.get(filters.sort, _ORDERS["newest"])


def search(filters: Filters) -> sa.Select:
    """Proposals matching the filters, in the order asked for, with their organisation and
    category loaded in the same statement (the export: every row at once).

    The search text matches anywhere inside the title, the summary or the submitting
    organisation's Thai or English name or acronym, ignoring case, as the organisations'
    search does (``Proposal.search_text``, an FTS5 trigram index on SQLite).
    """
    return (
        sa.select(Proposal)
        .options(joinedload(Proposal.organisation), joinedload(Proposal.category))
        .where(*_conditions(filters))
        .order_by(*_order(filters))
    )


def search_ids(filters: Filters) -> sa.Select:
    """The ids of the proposals ``search`` finds, in the same order: a page of the list is
    one page of these (read from the order's index, however deep the page) and then
    ``listed`` loads its rows, so a page costs the same statements whatever its size."""
    conditions = _conditions(filters)
    ids = _IDS.get(filters.sort, _IDS["newest"])
    return ids.where(*conditions) if conditions else ids


def list_page(filters: Filters, per_page: int) -> Pagination:
    """One page (``?page=``: not a number, the first; past the last, an empty one; beyond
    ``MAX_PAGE``, not found) of the ids ``search_ids`` finds, read on the request's
    connection; the total counted only for a full page and kept under the filters (the list
    is the same for every reader: the filters are the whole key)."""
    return paginate(search_ids(filters), per_page=per_page, total_key=("proposals list", filters))


def listed(ids: list[int]) -> list[Proposal]:
    """The proposals with these ids, in this order, with what the list shows of each and of
    its organisation and category (one statement; long texts are not read)."""
    if not ids:
        return []
    rows = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.id.in_(ids))
        .options(
            load_only(
                Proposal.kind,
                Proposal.title,
                Proposal.organisation_id,
                Proposal.category_id,
                Proposal.status,
                Proposal.endorsement_count,
                Proposal.created_at,
            ),
            joinedload(Proposal.organisation).load_only(
                Organisation.name_th, Organisation.name_en, Organisation.acronym
            ),
            joinedload(Proposal.category),
        )
    )
    found = {proposal.id: proposal for proposal in rows}
    return [found[ident] for ident in ids if ident in found]


#: The statement of ``list_rows``, built once, on the tables' columns.
_LIST_ROWS = (
    sa.select(
        _PROPOSALS.id,
        _PROPOSALS.kind,
        _PROPOSALS.title,
        _PROPOSALS.organisation_id,
        _PROPOSALS.category_id,
        _PROPOSALS.status,
        _PROPOSALS.endorsement_count,
        _PROPOSALS.created_at,
        _ORGANISATIONS.name_th.label("organisation_name"),
    )
    .join_from(
        Proposal.__table__, Organisation.__table__, _ORGANISATIONS.id == _PROPOSALS.organisation_id
    )
    .where(_PROPOSALS.id.in_(sa.bindparam("ids", expanding=True)))
)


def list_rows(ids: list[int]) -> list[sa.Row]:
    """What the list shows of the proposals with these ids, in this order, as plain rows
    (their submitting organisation's Thai name as ``organisation_name``; the category by
    ``category_id``, see ``list_categories``): one statement, built once."""
    if not ids:
        return []
    found = {row.id: row for row in read(_LIST_ROWS, {"ids": ids})}
    return [found[ident] for ident in ids if ident in found]


#: The statement of ``filter_organisations``, built once, on the tables' columns (plain
#: rows: no ORM entity to set up for a list of names).
_FILTER_ORGANISATIONS = (
    sa.select(_ORGANISATIONS.id, _ORGANISATIONS.name_th)
    .where(_ORGANISATIONS.status != OrganisationStatus.INACTIVE)
    .order_by(_ORGANISATIONS.sort_key, _ORGANISATIONS.id)
    .limit(FILTER_ORGANISATIONS)
)


def filter_organisations() -> list[sa.Row]:
    """The organisations the list's filters offer: current partners by Thai name (at most
    FILTER_ORGANISATIONS), as rows of ``id`` and ``name_th`` (see ``organisation_names``
    for those chosen that are not among them)."""
    return read(_FILTER_ORGANISATIONS).all()


#: The statement of ``organisation_names``, built once.
_ORGANISATION_NAMES = sa.select(_ORGANISATIONS.id, _ORGANISATIONS.name_th).where(
    _ORGANISATIONS.id.in_(sa.bindparam("ids", expanding=True))
)


def organisation_names(ids: list[int]) -> list[sa.Row]:
    """The organisations with these ids, as rows of ``id`` and ``name_th`` (in no order)."""
    return read(_ORGANISATION_NAMES, {"ids": ids}).all()


def category_choices(include: Category | None = None, lang: str | None = None):
    """Categories in use, seeded ones first and "other" last: (id, name)."""
    lang = lang or current_language()
    return [
        (category.id, category.display_name(lang))
        for category in all_categories()
        if category.active or category is include
    ]


_CATEGORIES = Category.__table__.c
#: The statement of ``list_categories``, built once: plain rows of what it needs.
_LIST_CATEGORIES = sa.select(
    _CATEGORIES.id, _CATEGORIES.code, _CATEGORIES.name_th, _CATEGORIES.name_en, _CATEGORIES.active
)


def list_categories(lang: str | None = None) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """For the list, from one statement: the category filter's choices (as
    ``category_choices``: those in use, in ``all_categories``' order) and every category's
    name in the reader's language, by id (a listed proposal may be in a category no longer
    in use)."""
    lang = lang or current_language()
    rows = read(_LIST_CATEGORIES).all()
    rows.sort(key=lambda c: (c.code == "other", c.code is None, c.id))
    names = {row.id: Category.display_name(row, lang) for row in rows}
    return [(row.id, names[row.id]) for row in rows if row.active], names


def all_categories() -> list[Category]:
    """Every category, for the admin page (seeded ones first, "other" last)."""
    categories = list(db.session.scalars(sa.select(Category)))
    categories.sort(key=lambda c: (c.code == "other", c.code is None, c.id))
    return categories


# --- the export --------------------------------------------------------------------------------


def export_rows(filters: Filters) -> list:
    """Every proposal the list finds (all pages, same order), one statement."""
    return list(db.session.scalars(search(filters)))


def export_columns() -> list[Column]:
    """The export's columns, headed and labelled in the reader's language (no personal data)."""
    lang = current_language()
    kinds = {kind: str(label) for kind, label in KIND_LABELS.items()}
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    return [
        Column(pgettext("identifier", "Number"), lambda p: p.id),
        Column(_("Submitted"), lambda p: to_local(p.created_at).replace(tzinfo=None)),
        Column(_("Kind"), lambda p: kinds[p.kind]),
        Column(pgettext("document", "Title"), lambda p: p.title),
        Column(_("Category"), lambda p: p.category.display_name(lang)),
        Column(_("Submitting organisation"), lambda p: p.organisation.name_th),
        Column(_("Acronym"), lambda p: p.organisation.acronym),
        Column(_("Status"), lambda p: statuses[p.status]),
        Column(_("Forwarded to"), lambda p: p.forwarded_to),
        Column(_("Endorsements"), lambda p: p.endorsement_count),
        Column(_("Summary"), lambda p: p.summary, width=60),
        Column(_("Last changed"), lambda p: to_local(p.updated_at).replace(tzinfo=None)),
    ]


def export_summary(filters: Filters, file_format: str, rows: int) -> str:
    """What an export held, for the audit log: format, row count and the filters."""
    parts = [f"{file_format.upper()}, {rows} rows"]
    parts += [f"{key}={value}" for key, value in asdict(filters).items() if value]
    return "; ".join(parts)[:300]


def export_file(filters: Filters, file_format: str) -> tuple[bytes, int]:
    """The export as a CSV or XLSX file, and how many proposals it holds."""
    rows = export_rows(filters)
    return tabular.write(file_format, export_columns(), rows, _("Proposals")), len(rows)


def export_filename(file_format: str, now: datetime | None = None) -> str:
    """The file's name, dated in the reader's era: proposals-2569-11-21.csv on a Thai page,
    proposals-2026-11-21.csv on an English one (``dates.file_date``)."""
    day = (now or datetime.now(BANGKOK)).astimezone(BANGKOK).date()
    return f"proposals-{file_date(day)}.{file_format}"


# --- the proposal page -------------------------------------------------------------------------


def endorsements(proposal: Proposal, *, every: bool = False) -> list[Endorsement]:
    """The proposal's endorsements, those in force first, newest first; at most
    ENDORSEMENTS_SHOWN unless ``every``. Two statements, or one for ``every``."""
    names = (Organisation.name_th, Organisation.name_en, Organisation.acronym)
    # The first page loads the organisations of the endorsements shown in a second statement:
    # joined, they would be read for every endorsement before the sort, not only for those
    # shown. All of them: joined, in the one statement.
    loader = joinedload if every else selectinload
    query = (
        sa.select(Endorsement)
        .where(Endorsement.proposal_id == proposal.id)
        .options(loader(Endorsement.organisation).load_only(*names))
        .order_by(
            Endorsement.withdrawn_at.is_not(None),
            Endorsement.endorsed_on.desc(),
            Endorsement.id.desc(),
        )
    )
    if not every:
        query = query.limit(ENDORSEMENTS_SHOWN)
    return list(db.session.scalars(query))


_CONTACTS = Contact.__table__.c
_ATTACHMENTS = Attachment.__table__.c
_ITEMS = AgendaItem.__table__.c
_ANNEXES = AgreementAnnex.__table__.c

#: What the proposal page shows of the proposal, of its organisation, category and contact,
#: whether the reader's association (``own``; none: NULL) endorses it now, and whether it
#: has files, agenda items and annexes at all (most have none: their statements are then
#: not sent): one statement, built once.
_PAGE_PROPOSAL = (
    sa.select(
        _PROPOSALS.id,
        _PROPOSALS.kind,
        _PROPOSALS.title,
        _PROPOSALS.summary,
        _PROPOSALS.problem,
        _PROPOSALS.approach,
        _PROPOSALS.requested_support,
        _PROPOSALS.organisation_id,
        _PROPOSALS.contact_id,
        _PROPOSALS.status,
        _PROPOSALS.forwarded_to,
        _PROPOSALS.endorsement_count,
        _PROPOSALS.created_at,
        _ORGANISATIONS.name_th.label("organisation_name"),
        _CATEGORIES.name_th.label("category_th"),
        _CATEGORIES.name_en.label("category_en"),
        _CONTACTS.title.label("contact_title"),
        _CONTACTS.first_name.label("contact_first_name"),
        _CONTACTS.last_name.label("contact_last_name"),
        _CONTACTS.position.label("contact_position"),
        _CONTACTS.email.label("contact_email"),
        _CONTACTS.phone.label("contact_phone"),
        _CONTACTS.erased_at.label("contact_erased_at"),
        sa.exists()
        .where(
            _ENDORSEMENTS.proposal_id == _PROPOSALS.id,
            _ENDORSEMENTS.organisation_id == sa.bindparam("own", type_=sa.Integer),
            _ENDORSEMENTS.withdrawn_at.is_(None),
        )
        .label("mine"),
        sa.exists().where(_ATTACHMENTS.proposal_id == _PROPOSALS.id).label("has_attachments"),
        sa.exists().where(_ITEMS.proposal_id == _PROPOSALS.id).label("has_agenda_items"),
        sa.exists().where(_ANNEXES.proposal_id == _PROPOSALS.id).label("has_annexes"),
    )
    .select_from(Proposal.__table__)
    .join(Organisation.__table__, _ORGANISATIONS.id == _PROPOSALS.organisation_id)
    .join(Category.__table__, _CATEGORIES.id == _PROPOSALS.category_id)
    .outerjoin(Contact.__table__, _CONTACTS.id == _PROPOSALS.contact_id)
    .where(_PROPOSALS.id == sa.bindparam("proposal_id"))
)


class ShownProposal:
    """A proposal as its page shows it, from one row of ``_PAGE_PROPOSAL``: the row's values
    as attributes, the category's name in the reader's language (``category_name``), the
    contact's name as ``Contact.full_name`` writes it (``contact_name``) and whether the
    contact's data is erased (``contact_erased``), and ``closed``, ``endorsable`` and
    ``editable`` as ``Proposal`` answers them (the services' checks take either)."""

    def __init__(self, row: sa.Row, lang: str):
        values = row._asdict()
        self.__dict__.update(values)
        english = values["category_en"]
        self.category_name = (english if lang == "en" and english else values["category_th"]) or ""
        erased_at = values["contact_erased_at"]
        self.contact_erased = erased_at is not None
        self.contact_name = Contact.full_name.fget(
            SimpleNamespace(
                title=values["contact_title"],
                first_name=values["contact_first_name"],
                last_name=values["contact_last_name"],
                erased_at=erased_at,
            )
        )

    closed = Proposal.closed
    endorsable = Proposal.endorsable
    editable = Proposal.editable


def proposal_page(user, proposal_id: int, own_organisation: int | None) -> ShownProposal:
    """What the proposal page shows of a proposal the user may open (as ``proposal_for``:
    otherwise "not found"), with whether ``own_organisation`` endorses it now (``mine``)."""
    if not (reads_all(user) or user.can("proposals.own")):
        abort(404)
    row = read(_PAGE_PROPOSAL, {"proposal_id": proposal_id, "own": own_organisation}).first()
    if row is None:
        abort(404)
    return ShownProposal(row, current_language())


#: ``endorsements_page``'s statement but for the proposal, built once: plain rows of what
#: the page shows of each endorsement, with its organisation's Thai name
#: (``organisation_name``) and its letter's path (``letter_path``: empty, no letter).
_PAGE_ENDORSEMENTS = (
    sa.select(
        _ENDORSEMENTS.id,
        _ENDORSEMENTS.organisation_id,
        _ENDORSEMENTS.statement,
        _ENDORSEMENTS.endorsed_on,
        _ENDORSEMENTS.recorded_by_staff,
        _ENDORSEMENTS.letter_path,
        _ENDORSEMENTS.letter_size,
        _ENDORSEMENTS.withdrawn_at,
        _ENDORSEMENTS.withdrawal_reason,
        _ORGANISATIONS.name_th.label("organisation_name"),
    )
    .join_from(
        Endorsement.__table__,
        Organisation.__table__,
        _ORGANISATIONS.id == _ENDORSEMENTS.organisation_id,
    )
    .order_by(
        _ENDORSEMENTS.withdrawn_at.is_not(None),
        _ENDORSEMENTS.endorsed_on.desc(),
        _ENDORSEMENTS.id.desc(),
    )
)


#: The page's statement: one page of one proposal's endorsements.
_ENDORSEMENTS_ON_PAGE = paged(
    _PAGE_ENDORSEMENTS.where(_ENDORSEMENTS.proposal_id == sa.bindparam("proposal_id"))
)
#: How many endorsements a proposal has had (withdrawn ones included), built once.
_ENDORSEMENT_COUNT = sa.select(sa.func.count()).where(
    _ENDORSEMENTS.proposal_id == sa.bindparam("proposal_id")
)


def endorsements_page(proposal_id: int) -> Pagination:
    """One page (``?page=``: not a number, the first; past the last or beyond ``MAX_PAGE``,
    an empty one) of the proposal's endorsements for its page, in the order of
    ``endorsements`` (those in force first, newest first), as plain rows (see
    ``_PAGE_ENDORSEMENTS``): ``ENDORSEMENTS_PER_PAGE`` at most, in one statement, and a
    count when the page is full, kept until the next write."""
    return page_of(
        _ENDORSEMENTS_ON_PAGE,
        _ENDORSEMENT_COUNT,
        per_page=ENDORSEMENTS_PER_PAGE,
        values={"proposal_id": proposal_id},
        total_key=("proposal endorsements", proposal_id),
        rows=True,
        within_page=True,
    )


def endorsement_total(proposal: Proposal) -> int:
    """How many endorsements the proposal has had, withdrawn ones included."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(Endorsement.proposal_id == proposal.id)
    )


_CHANGES = StatusChange.__table__.c
_USERS = User.__table__.c
#: The statement of ``history``, built once.
_HISTORY = (
    sa.select(
        _CHANGES.at,
        _CHANGES.from_status,
        _CHANGES.to_status,
        _CHANGES.reason,
        _CHANGES.actor_id,
        _USERS.full_name.label("actor_name"),
    )
    .select_from(StatusChange.__table__)
    .outerjoin(User.__table__, _USERS.id == _CHANGES.actor_id)
    .where(_CHANGES.proposal_id == sa.bindparam("proposal_id"))
    .order_by(_CHANGES.id)
)


def history(proposal_id: int) -> list[sa.Row]:
    """The proposal's status changes, oldest first, as plain rows: when (``at``), from and to
    which status, why, and who made each (``actor_id``, and ``actor_name``)."""
    return read(_HISTORY, {"proposal_id": proposal_id}).all()


_MEETINGS = Meeting.__table__.c
_COMMITTEES = Committee.__table__.c
#: The statement of ``agenda_items``, built once: what the page shows of each item, of its
#: meeting and of the meeting's committee.
_AGENDA_ITEMS = (
    sa.select(
        _ITEMS.meeting_id,
        _MEETINGS.number.label("meeting_number"),
        _MEETINGS.year_be.label("meeting_year"),
        _MEETINGS.held_on,
        _COMMITTEES.name_th.label("committee_name"),
        _ITEMS.section,
        _ITEMS.position,
        _ITEMS.resolution,
        _ITEMS.outcome,
    )
    .select_from(AgendaItem.__table__)
    .join(Meeting.__table__, _MEETINGS.id == _ITEMS.meeting_id)
    .join(Committee.__table__, _COMMITTEES.id == _MEETINGS.committee_id)
    .where(_ITEMS.proposal_id == sa.bindparam("proposal_id"))
    .order_by(_MEETINGS.held_on, _ITEMS.id)
)
#: The same, of the meetings whose minutes are certified only.
_CERTIFIED_AGENDA_ITEMS = _AGENDA_ITEMS.where(_MEETINGS.status == MeetingStatus.MINUTES_CERTIFIED)


def agenda_items(proposal_id: int, *, certified_only: bool = False) -> list[sa.Row]:
    """The agenda items that put the proposal to a meeting, earliest meeting first (only
    meetings whose minutes are certified, when asked), as plain rows: the meeting's id
    (``meeting_id``), number and Buddhist year (``meeting_number``, ``meeting_year``), day
    (``held_on``) and committee's Thai name (``committee_name``), and the item's
    ``section``, ``position``, ``resolution`` and ``outcome``."""
    statement = _CERTIFIED_AGENDA_ITEMS if certified_only else _AGENDA_ITEMS
    return read(statement, {"proposal_id": proposal_id}).all()


#: The statement of ``attachments``, built once.
_ATTACHMENTS_OF_PROPOSAL = (
    sa.select(_ATTACHMENTS.id, _ATTACHMENTS.filename, _ATTACHMENTS.size, _ATTACHMENTS.public)
    .where(_ATTACHMENTS.proposal_id == sa.bindparam("proposal_id"))
    .order_by(_ATTACHMENTS.id)
)


def attachments(proposal_id: int, *, public_only: bool = False) -> list[sa.Row]:
    """The proposal's files in the order filed (only those made public, when asked), as
    plain rows: ``id``, ``filename``, ``size`` and ``public``."""
    rows = read(_ATTACHMENTS_OF_PROPOSAL, {"proposal_id": proposal_id}).all()
    return [row for row in rows if row.public] if public_only else rows


_AGREEMENTS = Agreement.__table__.c
#: The statement of ``annexes``, built once.
_ANNEXES_OF_PROPOSAL = (
    sa.select(
        _ANNEXES.agreement_id, _AGREEMENTS.reference, _AGREEMENTS.title_th, _AGREEMENTS.status
    )
    .select_from(AgreementAnnex.__table__)
    .join(Agreement.__table__, _AGREEMENTS.id == _ANNEXES.agreement_id)
    .where(_ANNEXES.proposal_id == sa.bindparam("proposal_id"))
    .order_by(_ANNEXES.created_at)
)


def annexes(proposal_id: int) -> list[sa.Row]:
    """The agreements the proposal is annexed to, as plain rows: each agreement's id
    (``agreement_id``), reference, Thai title and status."""
    return read(_ANNEXES_OF_PROPOSAL, {"proposal_id": proposal_id}).all()


def annex_or_404(proposal: Proposal, agreement_id: int) -> AgreementAnnex:
    """The proposal's annex to that agreement; otherwise "not found"."""
    annex = db.session.get(AgreementAnnex, (agreement_id, proposal.id))
    if annex is None:
        abort(404)
    return annex


# --- the forms' choices ------------------------------------------------------------------------


def organisation_choices() -> list[tuple[int, str]]:
    """Organisations that may submit or endorse: every one not inactive, by Thai name."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name_th)
        .where(Organisation.status != OrganisationStatus.INACTIVE)
        .order_by(Organisation.sort_key, Organisation.id)
    )
    return [(row.id, row.name_th) for row in rows]


def contact_choices(organisation_id: int | None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Current people to name as the contact: of one organisation, or (organisation not
    chosen yet) of every organisation, grouped by it."""
    query = (
        sa.select(Contact)
        .join(Contact.organisation)
        .where(Contact.active.is_(True), Contact.erased_at.is_(None))
        .order_by(Organisation.sort_key, Organisation.id, Contact.sort_key, Contact.id)
        .options(selectinload(Contact.organisation))
    )
    if organisation_id is not None:
        query = query.where(Contact.organisation_id == organisation_id)
    groups: dict[str, list[tuple[int, str]]] = {}
    for contact in db.session.scalars(query):
        label = picker_label(contact)
        groups.setdefault(contact.organisation.name_th, []).append((contact.id, label))
    return list(groups.items())


def meeting_choices(user) -> list[tuple[int, str]]:
    """Scheduled meetings the user may put proposals to (staff: all; a secretary: their
    committees'), soonest first."""
    query = (
        sa.select(Meeting)
        .where(Meeting.status == MeetingStatus.SCHEDULED)
        .options(joinedload(Meeting.committee))
        .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)
        .limit(200)
    )
    if not user.can("committees.manage"):
        query = query.where(Meeting.committee_id.in_(secretary_committee_ids(user)))
    return [
        (
            meeting.id,
            f"{meeting.committee.name_th} — {_('Meeting %(number)s', number=meeting.number_label)}"
            f" ({format_date(meeting.held_on)})",
        )
        for meeting in db.session.scalars(query)
    ]


def agreement_choices(proposal: Proposal) -> list[tuple[int, str]]:
    """Agreements not yet signed that the proposal is not annexed to: (id, label)."""
    annexed = sa.select(AgreementAnnex.agreement_id).where(
        AgreementAnnex.proposal_id == proposal.id
    )
    rows = db.session.execute(
        sa.select(Agreement.id, Agreement.reference, Agreement.title_th)
        .where(Agreement.status.in_(services.ANNEXABLE), Agreement.id.not_in(annexed))
        .order_by(Agreement.reference_year.desc(), Agreement.reference_number.desc())
        .limit(300)
    )
    return [(row.id, f"{row.reference} {row.title_th}") for row in rows]


def endorsing_organisation_choices(proposal: Proposal) -> list[tuple[int, str]]:
    """Organisations that may still endorse the proposal (staff recording a letter)."""
    endorsing = sa.select(Endorsement.organisation_id).where(
        Endorsement.proposal_id == proposal.id, Endorsement.withdrawn_at.is_(None)
    )
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name_th)
        .where(
            Organisation.status != OrganisationStatus.INACTIVE,
            Organisation.id != proposal.organisation_id,
            Organisation.id.not_in(endorsing),
        )
        .order_by(Organisation.sort_key, Organisation.id)
    )
    return [(row.id, row.name_th) for row in rows]


# --- personal data (PDPA) ----------------------------------------------------------------------


@personal_data_source
def proposals_as_contact(contact: Contact) -> tuple[str, list[dict]]:
    """The proposals that name the person as their contact, for an access request."""
    rows = db.session.execute(
        sa.select(Proposal.id, Proposal.title, Proposal.status, Proposal.created_at)
        .where(Proposal.contact_id == contact.id)
        .order_by(Proposal.id)
    )
    return (
        "proposals_as_contact",
        [
            {
                "proposal": row.id,
                "title": row.title,
                "status": row.status.value,
                "submitted_at": row.created_at.isoformat(),
            }
            for row in rows
        ],
    )
