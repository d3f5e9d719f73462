"""Finding organisations: the search box, the filters and the sort order of the list, and
the same result as a table for the CSV and XLSX export."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import Bundle

from .. import tabular
from ..dates import file_date
from ..db import SQLITE_SEARCH_TABLE, contains_text, db, page_of, paged, read
from ..formats import REGISTRATION_NUMBER_MAX, is_registration_number, query_text
from ..i18n import BANGKOK, current_language, to_local
from ..tabular import Column
from .labels import KIND_LABELS, STATUS_LABELS
from .models import Contact, Organisation, OrganisationKind, OrganisationStatus, search_key
from .provinces import BY_CODE, province_name

#: Status filter value for prospects and active partners together (the default).
CURRENT = "current"
#: Status filter value for every organisation.
ALL = "all"
#: Sort orders: by Thai name, or most recently changed first.
SORTS = ("name", "changed")
#: The longest search text used; the rest is ignored.
MAX_QUERY = 100


@dataclass(frozen=True)
class Filters:
    """What the list asks for, every value checked (unknown values are ignored)."""

    q: str = ""
    kind: str = ""
    status: str = CURRENT
    province: str = ""
    sort: str = "name"
    #: "active": only organisations party to an agreement in force.
    mou: str = ""
    #: One registration number, exactly ("ชบ.123/2565"); not a well-formed one is ignored.
    registration_number: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read the filters from a query string, dropping values that mean nothing."""
        kind = args.get("kind", "")
        status = args.get("status", CURRENT)
        province = args.get("province", "")
        sort = args.get("sort", "name")
        return cls(
            q=query_text(args.get("q"), MAX_QUERY),
            kind=kind if kind in {k.value for k in OrganisationKind} else "",
            status=status
            if status in {CURRENT, ALL, *(s.value for s in OrganisationStatus)}
            else CURRENT,
            province=province if province in BY_CODE else "",
            sort=sort if sort in SORTS else "name",
            mou="active" if args.get("mou") == "active" else "",
            registration_number=_registration_number(args.get("registration_number")),
        )

    def as_args(self) -> dict[str, str]:
        """The filters as a query string, leaving out the defaults (for links and the log)."""
        defaults = asdict(Filters())
        return {key: value for key, value in asdict(self).items() if value != defaults[key]}


def _registration_number(text: str | None) -> str:
    """A registration number asked for, as the register stores it (upper case), or "" when
    it is not one (``formats.is_registration_number``)."""
    text = (text or "").strip()
    if len(text) > REGISTRATION_NUMBER_MAX or not is_registration_number(text):
        return ""
    return text.upper()


def search(filters: Filters, *, mou_parties: sa.Select | None = None) -> sa.Select:
    """Organisations matching the filters, in the order asked for.

    ``mou_parties`` selects the ids of the organisations party to an agreement in force
    (``agreements.queries.organisation_ids_with_active_agreement``); the "mou" filter needs
    it, and the caller, which sits above both, hands it over (agreements build on
    organisations, so organisations never look agreements up themselves).

    The search text matches anywhere inside the Thai name, the English name, the
    acronym, or the written name ("ดร.สมชาย ใจดี") of one of the organisation's people
    who has not been erased, ignoring case: Thai is written without spaces between
    words, so a word is found inside a longer name. % and _ match themselves. It looks
    in ``Organisation.search_text``, which holds all of these for one organisation, so
    one pass over the organisations answers it; every condition is part of the one
    statement, so a page costs the same number of queries whatever its size.
    """
    conditions = _conditions(filters, mou_parties)
    return sa.select(Organisation).where(*conditions).order_by(*_order(filters))


#: What a row of the list shows, read as one plain row per organisation (no ORM object, and
#: none of the long columns: notes, address, search text); one "column", so that a page of
#: them is read as a page of any statement is.
LISTED = Bundle(
    "organisation",
    Organisation.id,
    Organisation.name_th,
    Organisation.name_en,
    Organisation.acronym,
    Organisation.kind,
    Organisation.status,
    Organisation.province,
    Organisation.updated_at,
)


def listed(filters: Filters, *, mou_parties: sa.Select | None = None) -> sa.Select:
    """As ``search``, but each organisation as the list shows it (``LISTED``): the same
    conditions and order, a row instead of a loaded record."""
    return sa.select(LISTED).where(*_conditions(filters, mou_parties)).order_by(*_order(filters))


#: The columns a row of the list shows (``LISTED``'s), for statements built once.
_LISTED_COLUMNS = tuple(LISTED.clauses)
#: The list's statements built once, by shape (``_list_shape``): a page (``page_limit``,
#: ``page_offset``) and the count, the filters' values bound parameters.
_LIST_STATEMENTS: dict[tuple, tuple[sa.Select, sa.Select]] = {}


def _list_shape(filters: Filters, dialect: str) -> tuple:
    """What the list's statement depends on besides its values: the database, how the text
    is looked for (``db.contains_text``'s choice), which filters are given, and the order."""
    if not filters.q:
        text = ""
    elif dialect == "postgresql":
        text = "strpos"
    elif dialect == "sqlite" and len(search_key(filters.q)) >= 3:
        text = "index"
    else:
        text = "like"
    status = filters.status if filters.status in (CURRENT, ALL) else "one"
    given = (bool(filters.kind), bool(filters.province), bool(filters.registration_number))
    return (dialect, text, status, *given, filters.sort)


def _list_statements(shape: tuple) -> tuple[sa.Select, sa.Select]:
    """A page of the list and its count for one shape (see ``_conditions``, which they
    follow, with the values as bound parameters)."""
    built = _LIST_STATEMENTS.get(shape)
    if built is not None:
        return built
    _dialect, text, status, kind, province, registration_number, sort = shape
    conditions = []
    if text == "strpos":
        key = sa.bindparam("q_key", type_=sa.String)
        conditions.append(sa.func.strpos(Organisation.search_text, key) > 0)
    elif text == "index":
        found = (
            sa.select(sa.literal_column("rowid"))
            .select_from(sa.table(SQLITE_SEARCH_TABLE))
            .where(
                sa.literal_column(SQLITE_SEARCH_TABLE).op("MATCH")(
                    sa.bindparam("q_phrase", type_=sa.String)
                )
            )
        )
        conditions.append(Organisation.id.in_(found))
    elif text == "like":
        pattern = sa.bindparam("q_like", type_=sa.String)
        conditions.append(Organisation.search_text.like(pattern, escape="/"))
    if kind:
        conditions.append(Organisation.kind == sa.bindparam("kind"))
    if status == CURRENT:
        conditions.append(Organisation.status != OrganisationStatus.INACTIVE)
    elif status == "one":
        conditions.append(Organisation.status == sa.bindparam("status"))
    if province:
        conditions.append(Organisation.province == sa.bindparam("province"))
    if registration_number:
        conditions.append(Organisation.registration_number == sa.bindparam("registration_number"))
    page = sa.select(*_LISTED_COLUMNS).where(*conditions).order_by(*_order(Filters(sort=sort)))
    count = sa.select(sa.func.count()).select_from(Organisation).where(*conditions)
    built = _LIST_STATEMENTS[shape] = (paged(page), count)
    return built


def _list_values(filters: Filters) -> dict:
    """The values of the list's bound parameters for these filters."""
    values: dict = {}
    if filters.q:
        key = search_key(filters.q)
        values["q_key"] = key
        values["q_phrase"] = '"' + key.replace('"', '""') + '"'
        escaped = key.replace("/", "//").replace("%", "/%").replace("_", "/_")
        values["q_like"] = f"%{escaped}%"
    if filters.kind:
        values["kind"] = OrganisationKind(filters.kind)
    if filters.status not in (CURRENT, ALL):
        values["status"] = OrganisationStatus(filters.status)
    if filters.province:
        values["province"] = filters.province
    if filters.registration_number:
        values["registration_number"] = filters.registration_number
    return values


def list_page(filters: Filters, *, per_page: int) -> Pagination:
    """One page (``?page=``) of the list for filters without the "mou" one (which
    ``listed`` serves), as rows of ``LISTED``'s columns: the same rows, order and total as
    ``listed``, from statements built once. A page beyond ``MAX_PAGE``: 404."""
    if filters.mou:
        raise TypeError("the filter for an MOU in force is served by listed()")
    shape = _list_shape(filters, db.session.get_bind().dialect.name)
    page, count = _list_statements(shape)
    values = _list_values(filters)
    return page_of(
        page,
        count,
        per_page=per_page,
        values=values,
        total_key=("organisations list", shape, tuple(sorted(values.items()))),
        rows=True,
    )


def _conditions(filters: Filters, mou_parties: sa.Select | None) -> list:
    conditions = []
    if filters.q:
        # Both sides case-folded; a trigram index serves it on either database.
        conditions.append(
            contains_text(
                Organisation.id,
                Organisation.search_text,
                search_key(filters.q),
                sqlite_index=SQLITE_SEARCH_TABLE,
            )
        )
    if filters.kind:
        conditions.append(Organisation.kind == OrganisationKind(filters.kind))
    if filters.status == CURRENT:
        conditions.append(Organisation.status != OrganisationStatus.INACTIVE)
    elif filters.status != ALL:
        conditions.append(Organisation.status == OrganisationStatus(filters.status))
    if filters.province:
        conditions.append(Organisation.province == filters.province)
    if filters.registration_number:
        conditions.append(Organisation.registration_number == filters.registration_number)
    if filters.mou == "active":
        if mou_parties is None:
            raise TypeError("the filter for an MOU in force needs mou_parties")
        conditions.append(Organisation.id.in_(mou_parties))
    return conditions


def _order(filters: Filters) -> tuple:
    if filters.sort == "changed":
        return Organisation.updated_at.desc(), Organisation.id.desc()
    return Organisation.sort_key, Organisation.id


# --- the export ------------------------------------------------------------------------


def export_rows(filters: Filters, *, mou_parties: sa.Select | None = None) -> list[sa.Row]:
    """Every organisation the list finds (all pages, same order), with its current contacts
    (``mou_parties`` as for ``search``).

    Current contacts are those still active and not erased; they are counted in one
    grouped subquery, so the export is one statement however many rows it has.
    """
    counts = (
        sa.select(Contact.organisation_id, sa.func.count().label("contacts"))
        .where(Contact.active.is_(True), Contact.erased_at.is_(None))
        .group_by(Contact.organisation_id)
        .subquery()
    )
    query = (
        sa.select(
            Organisation.acronym,
            Organisation.name_th,
            Organisation.name_en,
            Organisation.kind,
            Organisation.status,
            Organisation.registration_number,
            Organisation.province,
            Organisation.website,
            Organisation.email,
            Organisation.phone,
            sa.func.coalesce(counts.c.contacts, 0).label("contacts"),
            Organisation.updated_at,
        )
        .select_from(Organisation)
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .where(*_conditions(filters, mou_parties))
        .order_by(*_order(filters))
    )
    return list(db.session.execute(query))


def export_columns() -> list[Column]:
    """The export's columns, headed and labelled in the reader's language.

    "Last changed" is Bangkok time, as ISO 8601 in CSV and a date cell in XLSX:
    both sort and filter correctly. A Buddhist-Era text date is left out on
    purpose: programs read "2569-11-21" as the Common-Era year 2569.
    """
    lang = current_language()
    kinds = {kind: str(label) for kind, label in KIND_LABELS.items()}
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    return [
        Column(_("Acronym"), lambda row: row.acronym),
        Column(_("Name in Thai"), lambda row: row.name_th),
        Column(_("Name in English"), lambda row: row.name_en),
        Column(_("Kind"), lambda row: kinds[row.kind]),
        Column(_("Status"), lambda row: statuses[row.status]),
        Column(_("Registration number"), lambda row: row.registration_number),
        Column(_("Province"), lambda row: province_name(row.province, lang)),
        Column(_("Website"), lambda row: row.website),
        Column(_("Email"), lambda row: row.email),
        Column(_("Telephone"), lambda row: row.phone),
        Column(_("Current contacts"), lambda row: row.contacts),
        Column(_("Last changed"), lambda row: to_local(row.updated_at).replace(tzinfo=None)),
    ]


def export_summary(filters: Filters, file_format: str, rows: int) -> str:
    """What an export held, for the audit log: format, row count and the filters."""
    parts = [f"{file_format.upper()}, {rows} rows"]
    parts += [f"{key}={value}" for key, value in asdict(filters).items() if value]
    return "; ".join(parts)[:300]


def export_file(
    filters: Filters, file_format: str, *, mou_parties: sa.Select | None = None
) -> tuple[bytes, int]:
    """The export as a CSV or XLSX file, and how many organisations it holds (``mou_parties``
    as for ``search``)."""
    rows = export_rows(filters, mou_parties=mou_parties)
    return tabular.write(file_format, export_columns(), rows, _("Organisations")), len(rows)


def export_filename(file_format: str, now: datetime | None = None) -> str:
    """The file's name, dated in the reader's era: organisations-2569-11-21.csv on a Thai
    page, organisations-2026-11-21.csv on an English one (``dates.file_date``)."""
    day = (now or datetime.now(BANGKOK)).astimezone(BANGKOK).date()
    return f"organisations-{file_date(day)}.{file_format}"


# --- the page of one organisation ------------------------------------------------------------


class Profile(NamedTuple):
    """An organisation as its page and My association show it: a row of the columns shown,
    not a loaded record (``profile``), with the model's own rules for what it derives."""

    id: int
    name_th: str
    name_en: str | None
    acronym: str | None
    kind: OrganisationKind
    status: OrganisationStatus
    registration_number: str | None
    province: str | None
    address: str | None
    website: str | None
    email: str | None
    phone: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def active(self) -> bool:
        """Whether the organisation is still a current partner or prospect (the model's rule)."""
        return Organisation.active.fget(self)

    @property
    def website_link(self) -> str | None:
        """The website, when it is safe to link to (the model's rule)."""
        return Organisation.website_link.fget(self)

    def province_name(self, lang: str = "th") -> str:
        """The name of the province in the reader's language."""
        return province_name(self.province, lang)


#: One organisation's ``Profile``, built once (the organisation a bound parameter).
_PROFILE = sa.select(*(getattr(Organisation, name) for name in Profile._fields)).where(
    Organisation.id == sa.bindparam("organisation_id")
)


def profile(organisation_id: int) -> Profile | None:
    """The organisation's ``Profile`` (None: there is none with that id), read as one row."""
    row = read(_PROFILE, {"organisation_id": organisation_id}).first()
    return None if row is None else Profile(*row)


#: Contacts per page on an organisation's profile (DGA has hundreds).
CONTACTS_PER_PAGE = 25


class ContactRow(NamedTuple):
    """A person as the contacts table shows them (a row, not a loaded record)."""

    id: int
    full_name: str
    position: str | None
    email: str | None
    phone: str | None
    active: bool


def contacts_of(organisation_id: int) -> sa.Select:
    """The organisation's people that are not erased, in the profile's order (current ones
    first, then by when they were added)."""
    return (
        sa.select(Contact)
        .where(Contact.organisation_id == organisation_id, Contact.erased_at.is_(None))
        .order_by(Contact.active.desc(), Contact.id)
    )


#: The organisation's people that are not erased, as ``contacts_of`` orders them: built once,
#: the organisation a bound parameter.
_CURRENT_PEOPLE = (
    Contact.organisation_id == sa.bindparam("organisation_id"),
    Contact.erased_at.is_(None),
)
#: One page of them: the columns of ``ContactRow`` and of the name (its bounds bound).
_CONTACT_PAGE = paged(
    sa.select(
        Contact.id,
        Contact.title,
        Contact.first_name,
        Contact.last_name,
        Contact.erased_at,
        Contact.position,
        Contact.email,
        Contact.phone,
        Contact.active,
    )  # fmt: skip
    .where(*_CURRENT_PEOPLE)
    .order_by(Contact.active.desc(), Contact.id)
)
#: How many they are.
_CONTACT_COUNT = sa.select(sa.func.count()).select_from(Contact).where(*_CURRENT_PEOPLE)


def _contact_row(row: sa.Row) -> ContactRow:
    """The table's person from a row of ``_CONTACT_PAGE`` (the name as the model writes it)."""
    name = Contact.full_name.fget(row)
    return ContactRow(row.id, name, row.position, row.email, row.phone, row.active)


def contacts_page(organisation_id: int) -> Pagination:
    """One page (``?page=``: not a number, the first; beyond the last, empty) of the
    organisation's people as ``ContactRow``: at most ``CONTACTS_PER_PAGE``."""
    return page_of(
        _CONTACT_PAGE,
        _CONTACT_COUNT,
        per_page=CONTACTS_PER_PAGE,
        values={"organisation_id": organisation_id},
        total_key=("organisation contacts", organisation_id),
        make=_contact_row,
        within_page=True,
    )


# --- people in drop-down lists ---------------------------------------------------------------


def picker_label(contact: Contact) -> str:
    """A person as a drop-down list names them: name, organisation and position, "นายสมชาย
    ใจดี — สมาคมปัญญาประดิษฐ์ประเทศไทย (นายกสมาคม)", so two people of the same name are
    told apart and the chosen one shows where they come from (the organisation is loaded)."""
    label = f"{contact.full_name} — {contact.organisation.display_name(current_language())}"
    return label + (f" ({contact.position})" if contact.position else "")
