"""Finding agreements: the list's filters and rows, the expiring ones, what a representative
may read, the organisations that have an agreement in force, and the agreement page's plain
rows (the agreement with its parties, its text, and what the page lists beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..dates import DateInputError, parse_date
from ..db import SQLITE_SEARCH_TABLE as ORGANISATIONS_INDEX
from ..db import contains_text, db, read
from ..documents.models import DocumentVersion
from ..formats import query_text
from ..organisations.models import Organisation, search_key
from .models import (
    EXPIRING_DAYS,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Amendment,
    Clause,
    Witness,
)
from .printing import RECORD_TYPE
from .reviews import AgreementReview
from .services import today

#: Status filter values beyond the statuses: what the dates say of signed agreements
#: ("terminating": a termination recorded that takes effect later).
DERIVED = ("active", "expiring", "expired", "terminating")

#: The statuses a representative sees of their own organisation's agreements: the text
#: agreed for signing and after. Drafts and texts in review are DGTi's working papers.
VISIBLE_TO_REPRESENTATIVES = (
    AgreementStatus.APPROVED,
    AgreementStatus.SIGNED,
    AgreementStatus.TERMINATED,
)


def _parse_date(text: str) -> tuple[date | None, str]:
    """A date typed in a filter (in the page's era, or ISO) and, when it is not one, why."""
    try:
        return parse_date(text), ""
    except DateInputError as error:
        return None, str(error)


@dataclass(frozen=True)
class Filters:
    """What the list asks for, every value checked (unknown values are ignored)."""

    status: str = ""
    kind: str = ""
    partner: int | None = None
    #: Words of a party's name or acronym (a large register has thousands of partners: too
    #: many for a drop-down list).
    partner_name: str = ""
    expiring_before: date | None = None
    q: str = ""
    #: Why the date typed in "ending on or before" was not read (the filter is then left out).
    expiring_before_error: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read the filters from a query string, dropping values that mean nothing."""
        status = args.get("status", "")
        kind = args.get("kind", "")
        partner = args.get("partner", "")
        expiring_before, expiring_before_error = _parse_date(args.get("expiring_before", "")[:20])
        return cls(
            status=status if status in {*(s.value for s in AgreementStatus), *DERIVED} else "",
            kind=kind if kind in {k.value for k in AgreementKind} else "",
            partner=int(partner) if partner.isdigit() and len(partner) < 10 else None,
            partner_name=query_text(args.get("partner_name"), 100),
            expiring_before=expiring_before,
            q=query_text(args.get("q"), 100),
            expiring_before_error=expiring_before_error,
        )

    def args(self) -> dict:
        """The filters as query-string arguments (for the export links)."""
        values = {
            "status": self.status,
            "kind": self.kind,
            "partner": self.partner or "",
            "partner_name": self.partner_name,
            "expiring_before": self.expiring_before.isoformat() if self.expiring_before else "",
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value}


#: The tables' columns: conditions and plain-row statements on them need no ORM set-up per
#: request (an ORM select of ``Agreement`` takes them as they are).
_AGREEMENTS = Agreement.__table__.c
_PARTIES = AgreementParty.__table__.c
_ORGANISATIONS = Organisation.__table__.c


def terminating(on: date):
    """The condition for an agreement whose recorded termination takes effect after a day
    (``Agreement.terminating``): still signed and in force that day."""
    return sa.and_(_AGREEMENTS.status == AgreementStatus.TERMINATED, _AGREEMENTS.terminated_on > on)


def terminated(on: date):
    """The condition for an agreement whose termination has taken effect by a day."""
    return sa.and_(
        _AGREEMENTS.status == AgreementStatus.TERMINATED,
        sa.or_(_AGREEMENTS.terminated_on.is_(None), _AGREEMENTS.terminated_on <= on),
    )


def signed(on: date):
    """The condition for an agreement shown as signed on a day (``Agreement.status_on``):
    signed, or terminated from a later day."""
    return sa.or_(_AGREEMENTS.status == AgreementStatus.SIGNED, terminating(on))


def in_force(on: date):
    """The condition for an agreement signed, started and not yet ended on a day (one whose
    termination takes effect later is still in force)."""
    start = sa.func.coalesce(_AGREEMENTS.effective_from, _AGREEMENTS.signed_on)
    return sa.and_(
        signed(on),
        sa.or_(start.is_(None), start <= on),
        sa.or_(_AGREEMENTS.effective_until.is_(None), _AGREEMENTS.effective_until >= on),
    )


def _conditions(filters: Filters, on: date) -> list:
    """The WHERE conditions of the filters (shared by the list, its export and the API)."""
    conditions = []
    if filters.status == "active":
        conditions.append(in_force(on))
    elif filters.status == "expiring":
        conditions += [
            in_force(on),
            _AGREEMENTS.status == AgreementStatus.SIGNED,
            _AGREEMENTS.effective_until <= on + timedelta(days=EXPIRING_DAYS),
        ]
    elif filters.status == "expired":
        conditions += [
            _AGREEMENTS.status == AgreementStatus.SIGNED,
            _AGREEMENTS.effective_until < on,
        ]
    elif filters.status == "terminating":
        conditions.append(terminating(on))
    elif filters.status == "terminated":
        conditions.append(terminated(on))
    elif filters.status == "signed":
        conditions.append(signed(on))
    elif filters.status:
        conditions.append(_AGREEMENTS.status == AgreementStatus(filters.status))
    if filters.kind:
        conditions.append(_AGREEMENTS.kind == AgreementKind(filters.kind))
    if filters.partner:
        conditions.append(
            _AGREEMENTS.id.in_(
                sa.select(_PARTIES.agreement_id).where(_PARTIES.organisation_id == filters.partner)
            )
        )
    if filters.partner_name and (key := search_key(filters.partner_name)):
        named = sa.select(_ORGANISATIONS.id).where(
            contains_text(
                _ORGANISATIONS.id, _ORGANISATIONS.search_text, key, sqlite_index=ORGANISATIONS_INDEX
            )
        )
        conditions.append(
            _AGREEMENTS.id.in_(
                sa.select(_PARTIES.agreement_id).where(_PARTIES.organisation_id.in_(named))
            )
        )
    if filters.expiring_before:
        conditions += [
            _AGREEMENTS.status == AgreementStatus.SIGNED,
            _AGREEMENTS.effective_until.is_not(None),
            _AGREEMENTS.effective_until <= filters.expiring_before,
        ]
    if filters.q:
        conditions.append(
            sa.or_(
                _AGREEMENTS.reference.icontains(filters.q, autoescape=True),
                _AGREEMENTS.title_th.icontains(filters.q, autoescape=True),
                _AGREEMENTS.title_en.icontains(filters.q, autoescape=True),
            )
        )
    return conditions


#: The list's order: those made last first.
_NEWEST_FIRST = (_AGREEMENTS.created_at.desc(), _AGREEMENTS.id.desc())


def search(filters: Filters, on: date | None = None) -> sa.Select:
    """Agreements matching the filters, the newest first, with their parties (and each
    party's organisation) and the member of staff responsible loaded (the export, the API)."""
    return (
        sa.select(Agreement)
        .options(
            selectinload(Agreement.parties).joinedload(AgreementParty.organisation),
            selectinload(Agreement.responsible),
        )
        .where(*_conditions(filters, on or today()))
        .order_by(*_NEWEST_FIRST)
    )


def search_ids(filters: Filters, on: date | None = None) -> sa.Select:
    """The ids of the agreements ``search`` finds, in the same order: a page of the list is
    one page of these, and ``listed`` then reads what the list shows of them."""
    return (
        sa.select(_AGREEMENTS.id)
        .where(*_conditions(filters, on or today()))
        .order_by(*_NEWEST_FIRST)
    )


class Listed:
    """An agreement as the list shows it: plain values from one row per party, with the
    names of its parties (acronym, else Thai name) joined in their order, and its status,
    state and first day on the day listed (as ``Agreement`` gives them: its own methods,
    used on these values)."""

    __slots__ = (
        "id",
        "reference",
        "title_th",
        "status",
        "signed_on",
        "effective_from",
        "effective_until",
        "terminated_on",
        "party_names",
        "status_today",
        "state_today",
    )

    starts_on = Agreement.starts_on
    terminating = Agreement.terminating
    status_on = Agreement.status_on
    state = Agreement.state

    def __init__(self, row) -> None:
        for name in _LISTED_FIELDS:
            setattr(self, name, getattr(row, name))
        self.party_names: list[str] = []


#: The agreement's own columns the list shows.
_LISTED_FIELDS = Listed.__slots__[:8]

#: The statement of ``listed``, built once: what the list shows of each agreement, a row
#: per party with the party's organisation's names, in the parties' order.
_LISTED = (
    sa.select(
        *(_AGREEMENTS[name] for name in _LISTED_FIELDS),
        _ORGANISATIONS.acronym,
        _ORGANISATIONS.name_th,
    )
    .select_from(Agreement.__table__)
    .outerjoin(AgreementParty.__table__, _PARTIES.agreement_id == _AGREEMENTS.id)
    .outerjoin(Organisation.__table__, _ORGANISATIONS.id == _PARTIES.organisation_id)
    .where(_AGREEMENTS.id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_AGREEMENTS.id, _PARTIES.position)
)


def listed(ids: list[int], on: date | None = None) -> list[Listed]:
    """The agreements with these ids, in this order, with what the list shows of each: the
    names of its parties joined (``party_names``), its status and state on the day
    (``status_today``, ``state_today``; today by default). One statement, on the request's
    connection; no other column is read."""
    if not ids:
        return []
    on = on or today()
    found: dict[int, Listed] = {}
    for row in read(_LISTED, {"ids": ids}):
        agreement = found.get(row.id)
        if agreement is None:
            agreement = found[row.id] = Listed(row)
        if row.name_th is not None:
            agreement.party_names.append(row.acronym or row.name_th)
    agreements = [found[ident] for ident in ids if ident in found]
    for agreement in agreements:
        agreement.party_names = ", ".join(agreement.party_names)
        agreement.status_today = agreement.status_on(on)
        agreement.state_today = agreement.state(on)
    return agreements


def expiring(within_days: int = EXPIRING_DAYS, on: date | None = None) -> list[Agreement]:
    """Agreements in force whose last day falls within the next days, soonest first."""
    on = on or today()
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(
                in_force(on),
                Agreement.status == AgreementStatus.SIGNED,  # a terminating one ends earlier
                Agreement.effective_until <= on + timedelta(days=within_days),
            )
            .order_by(Agreement.effective_until, Agreement.id)
        )
    )


def expiring_by_threshold(on: date | None = None) -> dict[int, list[Agreement]]:
    """Agreements in force ending within 30, 60 and 90 days (each band once: 0–30, 31–60,
    61–90)."""
    on = on or today()
    bands: dict[int, list[Agreement]] = {30: [], 60: [], 90: []}
    for agreement in expiring(90, on):
        left = (agreement.effective_until - on).days
        bands[30 if left <= 30 else 60 if left <= 60 else 90].append(agreement)
    return bands


def organisation_ids_with_active_agreement(on: date | None = None) -> sa.Select:
    """The ids of organisations that are a party to an agreement in force (signed, within
    its dates, not terminated), for the organisations list filter."""
    return (
        sa.select(AgreementParty.organisation_id)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(in_force(on or today()))
        .distinct()
    )


def for_organisation(organisation_id: int, statuses=None) -> sa.Select:
    """The agreements an organisation is a party to, newest first (read in the order of the
    ``(created_at, id)`` index, each checked for the party: the newest few of an agency that
    is party to thousands come at once, where "id IN (its agreements)" sorts them all)."""
    query = sa.select(Agreement).where(
        sa.exists().where(
            AgreementParty.agreement_id == Agreement.id,
            AgreementParty.organisation_id == organisation_id,
        )
    )
    if statuses is not None:
        query = query.where(Agreement.status.in_(statuses))
    return query.order_by(Agreement.created_at.desc(), Agreement.id.desc())


def visible_to_representative(user) -> sa.Select:
    """The agreements a representative may read: their organisation's, once approved."""
    return for_organisation(user.organisation_id, VISIBLE_TO_REPRESENTATIVES)


def representative_agreement_or_404(user, agreement_id: int) -> Agreement:
    """One agreement a representative may read; anything else is not found."""
    agreement = db.session.scalar(
        visible_to_representative(user).where(Agreement.id == agreement_id)
    )
    if agreement is None or user.organisation_id is None:
        abort(404)
    return agreement


# --- the agreement page: plain rows of what it shows ---------------------------------------

#: The agreement that renews another, the agreement it renews, and the accounts it names:
#: aliases joined beside the agreement in the page's first statement.
_SUCCESSORS = Agreement.__table__.alias("successors")
_PREDECESSORS = Agreement.__table__.alias("predecessors")
_RESPONSIBLE = User.__table__.alias("responsible")
_SCAN_UPLOADER = User.__table__.alias("scan_uploader")
_USERS = User.__table__.c


def _successor(column: str) -> sa.ScalarSelect:
    return (
        sa.select(_SUCCESSORS.c[column])
        .where(_SUCCESSORS.c.predecessor_id == _AGREEMENTS.id)
        .limit(1)
        .scalar_subquery()
    )


class PageParty:
    """A party as the agreement page shows it: its organisation's name in the reader's
    language, the names the text calls it by, who signs, and its responsibilities."""

    __slots__ = (
        "id",
        "organisation_name",
        "short_name_th",
        "short_name_en",
        "signatory_name",
        "signatory_position",
        "responsibility_items_th",
    )

    def __init__(self, row, lang: str) -> None:
        self.id = row.party_id
        self.organisation_name = (
            row.name_en if lang == "en" and row.name_en else row.name_th
        ) or ""
        self.short_name_th = row.short_name_th
        self.short_name_en = row.short_name_en
        self.signatory_name = row.signatory_name
        self.signatory_position = row.signatory_position
        self.responsibility_items_th = AgreementParty._items(row.responsibilities_th)


#: The agreement's own columns the page shows (and its lifecycle steps need).
_PAGE_FIELDS = (
    "id",
    "kind",
    "reference",
    "title_th",
    "title_en",
    "language",
    "signing_place",
    "signed_on",
    "effective_from",
    "effective_until",
    "copies",
    "notice_days",
    "status",
    "terminated_on",
    "termination_notice_on",
    "termination_reason",
    "objectives_th",
    "objectives_en",
    "scan_path",
    "scan_filename",
    "scan_sha256",
    "scan_size",
    "scan_uploaded_at",
)


class AgreementPage:
    """An agreement as its page shows it, from plain rows: its own values, its parties, the
    agreements it renews and that renew it (``id`` and ``reference``, or None), the names of
    the staff member responsible and of who filed the scan, and the clauses, witnesses and
    amendments; the status, state and first day as ``Agreement`` gives them (its own
    methods, used on these values)."""

    __slots__ = (
        *_PAGE_FIELDS,
        "parties",
        "predecessor",
        "successor",
        "responsible_name",
        "scan_uploaded_by_name",
        "clause_tree",
        "witnesses",
        "amendments",
    )

    starts_on = Agreement.starts_on
    editable = Agreement.editable
    has_scan = Agreement.has_scan
    terminating = Agreement.terminating
    status_on = Agreement.status_on
    state = Agreement.state


@dataclass(frozen=True, slots=True)
class Linked:
    """Another agreement as a page links to it."""

    id: int
    reference: str


#: The first statement of ``agreement_page``, built once: the agreement, a row per party
#: (in the parties' order) with its organisation's names, beside the agreements it renews
#: and that renew it and the names of the accounts it refers to.
_PAGE = (
    sa.select(
        *(_AGREEMENTS[name] for name in _PAGE_FIELDS),
        _PREDECESSORS.c.id.label("predecessor_id"),
        _PREDECESSORS.c.reference.label("predecessor_reference"),
        _successor("id").label("successor_id"),
        _successor("reference").label("successor_reference"),
        _RESPONSIBLE.c.full_name.label("responsible_name"),
        _SCAN_UPLOADER.c.full_name.label("scan_uploaded_by_name"),
        _PARTIES.id.label("party_id"),
        _PARTIES.short_name_th,
        _PARTIES.short_name_en,
        _PARTIES.signatory_name,
        _PARTIES.signatory_position,
        _PARTIES.responsibilities_th,
        _ORGANISATIONS.name_th,
        _ORGANISATIONS.name_en,
    )
    .select_from(Agreement.__table__)
    .outerjoin(_PREDECESSORS, _PREDECESSORS.c.id == _AGREEMENTS.predecessor_id)
    .outerjoin(_RESPONSIBLE, _RESPONSIBLE.c.id == _AGREEMENTS.responsible_id)
    .outerjoin(_SCAN_UPLOADER, _SCAN_UPLOADER.c.id == _AGREEMENTS.scan_uploaded_by_id)
    .outerjoin(AgreementParty.__table__, _PARTIES.agreement_id == _AGREEMENTS.id)
    .outerjoin(Organisation.__table__, _ORGANISATIONS.id == _PARTIES.organisation_id)
    .where(_AGREEMENTS.id == sa.bindparam("agreement_id"))
    .order_by(_PARTIES.position)
)

_CLAUSES = Clause.__table__.c
_WITNESSES = Witness.__table__.c
_AMENDMENTS = Amendment.__table__.c


def _content_part(part: int, ident, ref, text, detail, party, day, place, agreement_id):
    """One part of ``_PAGE_CONTENT``: its rows in the shared columns (a column the part has
    not is NULL of the column's type)."""
    return sa.select(
        sa.literal_column(str(part), sa.Integer).label("part"),
        ident.label("id"),
        (ref if ref is not None else sa.cast(sa.null(), sa.Integer)).label("ref"),
        text.label("text"),
        (detail if detail is not None else sa.cast(sa.null(), sa.String)).label("detail"),
        (party if party is not None else sa.cast(sa.null(), sa.String)).label("party"),
        (day if day is not None else sa.cast(sa.null(), sa.Date)).label("day"),
        place.label("place"),
    ).where(agreement_id == sa.bindparam("agreement_id"))


#: The agreement's text beyond its own row, built once and read in one statement: its
#: clauses (part 1: id, the clause it is a sub-clause of as ``ref``, Thai text), its
#: witnesses (part 2: name as ``text``, position as ``detail``, their party's id as ``ref``
#: and Thai short name as ``party``) and its amendments (part 3: text, the day agreed as
#: ``day``), each part in its own order.
_PAGE_CONTENT = sa.union_all(
    _content_part(
        1, _CLAUSES.id, _CLAUSES.parent_id, _CLAUSES.text_th, None, None, None,
        _CLAUSES.position, _CLAUSES.agreement_id,
    ),
    _content_part(
        2, _WITNESSES.id, _PARTIES.id, _WITNESSES.name, _WITNESSES.witness_position,
        _PARTIES.short_name_th, None, _WITNESSES.position, _WITNESSES.agreement_id,
    ).select_from(
        Witness.__table__.outerjoin(AgreementParty.__table__, _PARTIES.id == _WITNESSES.party_id)
    ),
    _content_part(
        3, _AMENDMENTS.id, None, _AMENDMENTS.text, None, None, _AMENDMENTS.made_on,
        _AMENDMENTS.number, _AMENDMENTS.agreement_id,
    ),
).order_by(sa.literal_column("part"), sa.literal_column("place"))  # fmt: skip


class PageWitness:
    """A witness as the agreement page names them: name, position and party (its id and
    Thai short name, or None)."""

    __slots__ = ("name", "witness_position", "party_id", "party_short_name_th")

    def __init__(self, row) -> None:
        self.name, self.witness_position = row.text, row.detail
        self.party_id, self.party_short_name_th = row.ref, row.party


class PageAmendment:
    """An amendment as the agreement page lists it: the day it was agreed and its text."""

    __slots__ = ("made_on", "text")

    def __init__(self, row) -> None:
        self.made_on, self.text = row.day, row.text


class PageClause:
    """A clause as the agreement page lists it: id, the clause it is a sub-clause of, text."""

    __slots__ = ("id", "parent_id", "text_th")

    def __init__(self, row) -> None:
        self.id, self.parent_id, self.text_th = row.id, row.ref, row.text


def agreement_page(agreement_id: int, lang: str) -> AgreementPage:
    """The agreement as its page shows it (``AgreementPage``; the parties' organisations named
    in ``lang``), else "not found": one statement for the agreement with its parties, the
    agreements it renews and that renew it and the accounts it names, then one for its
    clauses, witnesses and amendments (``_PAGE_CONTENT``), all plain rows."""
    values = {"agreement_id": agreement_id}
    rows = read(_PAGE, values).all()
    if not rows:
        abort(404)
    first = rows[0]
    page = AgreementPage()
    for name in _PAGE_FIELDS:
        setattr(page, name, getattr(first, name))
    page.parties = [PageParty(row, lang) for row in rows if row.party_id is not None]
    page.predecessor = (
        Linked(first.predecessor_id, first.predecessor_reference) if first.predecessor_id else None
    )
    page.successor = (
        Linked(first.successor_id, first.successor_reference) if first.successor_id else None
    )
    page.responsible_name = first.responsible_name
    page.scan_uploaded_by_name = first.scan_uploaded_by_name
    clauses, page.witnesses, page.amendments = [], [], []
    for row in read(_PAGE_CONTENT, values):
        if row.part == 1:
            clauses.append(PageClause(row))
        elif row.part == 2:
            page.witnesses.append(PageWitness(row))
        else:
            page.amendments.append(PageAmendment(row))
    page.clause_tree = [
        (top, [sub for sub in clauses if sub.parent_id == top.id])
        for top in clauses
        if top.parent_id is None
    ]
    return page


_VERSIONS = DocumentVersion.__table__.c
_REVIEWS = AgreementReview.__table__.c

#: The letters issued (``letters.models.Letter``), the proposals annexed to agreements
#: (``proposals.models.AgreementAnnex``) and the proposals themselves, named by their
#: tables: the letters and proposals packages build on this one, so this one does not
#: import their models.
_LETTERS = sa.table(
    "letters",
    sa.column("id"),
    sa.column("record_type"),
    sa.column("record_id"),
    sa.column("prefix"),
    sa.column("sequence"),
    sa.column("issued_on"),
    sa.column("recipient"),
)
_ANNEXES = sa.table(
    "agreement_annexes",
    sa.column("agreement_id"),
    sa.column("proposal_id"),
    sa.column("created_at"),
)
_PROPOSALS = sa.table(
    "proposals", sa.column("id"), sa.column("title"), sa.column("organisation_id")
)


def _typed(column, type_):
    """A part's column, or NULL of the shared column's type where the part has none."""
    return column if column is not None else sa.cast(sa.null(), type_)


def _panel_part(part: int, ident, number, text, detail, day, at, flag) -> sa.Select:
    """One part of ``_PAGE_PANELS``: its rows in the shared columns."""
    return sa.select(
        sa.literal_column(str(part), sa.Integer).label("part"),
        ident.label("id"),
        _typed(number, sa.Integer).label("number"),
        _typed(text, sa.String).label("text"),
        _typed(detail, sa.String).label("detail"),
        _typed(day, sa.Date).label("day"),
        _typed(at, sa.DateTime).label("at"),
        _typed(flag, sa.Boolean).label("flag"),
    )


#: What the agreement page lists beside the agreement, built once and read in one
#: statement (the types of the shared columns are those of the first part):
#: 1. its printings (``number``: version, ``text``: variant, ``at``: made, ``flag``: final);
#: 2. the letters issued about it (``text``: prefix, ``number``: running number, ``day``:
#:    issued on, ``detail``: recipient);
#: 3. its reviewed drafts (``text``: file name, ``number``: size, ``at``: filed,
#:    ``detail``: who filed it);
#: 4. the proposals annexed to it (``id``: the proposal's, ``text``: its title,
#:    ``detail``: its organisation's Thai name, ``at``: annexed).
_PAGE_PANELS = sa.union_all(
    _panel_part(
        1, _VERSIONS.id, _VERSIONS.version, _VERSIONS.variant, None, None,
        _VERSIONS.created_at, _VERSIONS.final,
    ).where(
        _VERSIONS.record_type == RECORD_TYPE,
        _VERSIONS.record_id == sa.bindparam("agreement_id"),
    ),
    _panel_part(
        2, _LETTERS.c.id, _LETTERS.c.sequence, _LETTERS.c.prefix, _LETTERS.c.recipient,
        _LETTERS.c.issued_on, None, None,
    ).where(
        _LETTERS.c.record_type == RECORD_TYPE,
        _LETTERS.c.record_id == sa.bindparam("agreement_id"),
    ),
    _panel_part(
        3, _REVIEWS.id, _REVIEWS.size, _REVIEWS.filename, _USERS.full_name, None,
        _REVIEWS.uploaded_at, None,
    )
    .select_from(
        AgreementReview.__table__.outerjoin(User.__table__, _USERS.id == _REVIEWS.uploaded_by_id)
    )
    .where(_REVIEWS.agreement_id == sa.bindparam("agreement_id")),
    _panel_part(
        4, _ANNEXES.c.proposal_id, None, _PROPOSALS.c.title, _ORGANISATIONS.name_th, None,
        _ANNEXES.c.created_at, None,
    )
    .select_from(
        _ANNEXES.join(_PROPOSALS, _PROPOSALS.c.id == _ANNEXES.c.proposal_id).join(
            Organisation.__table__, _ORGANISATIONS.id == _PROPOSALS.c.organisation_id
        )
    )
    .where(_ANNEXES.c.agreement_id == sa.bindparam("agreement_id")),
).order_by(sa.literal_column("part"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageVersion:
    """A printing as the agreement page lists it."""

    id: int
    version: int
    variant: str
    created_at: datetime
    final: bool


@dataclass(frozen=True, slots=True)
class PageLetter:
    """A letter issued about the agreement: its number as printed after ที่ (as
    ``Letter.number`` writes it), the day it was issued and to whom."""

    id: int
    number: str
    issued_on: date
    recipient: str


@dataclass(frozen=True, slots=True)
class PageReview:
    """A reviewed draft: its file's name and size, when it was filed and by whom (None
    when the account is gone)."""

    id: int
    filename: str
    size: int
    uploaded_at: datetime
    uploaded_by_name: str | None


@dataclass(frozen=True, slots=True)
class PageAnnex:
    """A proposal annexed to the agreement: its id and title, and its organisation's Thai
    name."""

    proposal_id: int
    title: str
    organisation_name_th: str


@dataclass(slots=True)
class PagePanels:
    """What the agreement page lists beside the agreement, each list in its page's order:
    printings newest first, letters newest first, reviewed drafts newest first, annexed
    proposals in the order they were annexed."""

    versions: list[PageVersion]
    letters: list[PageLetter]
    reviews: list[PageReview]
    annexes: list[PageAnnex]


def page_panels(agreement_id: int) -> PagePanels:
    """The agreement's printings (as ``printing.versions``), the letters issued about it
    (as ``letters.services.letters_about``), its reviewed drafts (as
    ``reviews.reviews_of``) and the proposals annexed to it (as
    ``proposals.queries.agreement_annexes``), from one statement of plain rows."""
    panels = PagePanels([], [], [], [])
    annexes = []
    for row in read(_PAGE_PANELS, {"agreement_id": agreement_id}):
        if row.part == 1:
            panels.versions.append(PageVersion(row.id, row.number, row.text, row.at, row.flag))
        elif row.part == 2:
            panels.letters.append(
                PageLetter(row.id, f"{row.text}{row.number}", row.day, row.detail)
            )
        elif row.part == 3:
            panels.reviews.append(PageReview(row.id, row.text, row.number, row.at, row.detail))
        else:
            annexes.append(row)
    panels.versions.sort(key=lambda version: version.version, reverse=True)
    panels.letters.sort(key=lambda letter: letter.id, reverse=True)
    panels.reviews.sort(key=lambda review: (review.uploaded_at, review.id), reverse=True)
    annexes.sort(key=lambda row: row.at)
    panels.annexes = [PageAnnex(row.id, row.text, row.detail) for row in annexes]
    return panels


def partner_named(filters: Filters) -> Organisation | None:
    """The organisation the list is filtered to by id (a link from its page), if any."""
    return db.session.get(Organisation, filters.partner) if filters.partner else None


def partner_choices() -> list[Organisation]:
    """Every organisation, by Thai name, for the partner filter and the party rows."""
    query = sa.select(Organisation).order_by(Organisation.sort_key, Organisation.id)
    return list(db.session.scalars(query))
