"""Finding anything from the header's search box.

One query per kind of record (organisations, contacts, agreements, proposals, committees,
meetings), each limited to what the signed-in user may see on that kind's own pages, with
the rules those pages use (``organisations.views._reachable``,
``agreements.queries.visible_to_representative``, ``committees.queries``' secretary and
member scopes, ``meetings.queries.visible_meetings``). A kind the user may not see is not
searched at all: not even a count of it shows.

Text is matched anywhere, ignoring case, as the organisation list matches it: Thai is
written without spaces between words, so a word is found inside a longer name, and one or
two characters find whatever holds them. Organisations and proposals are looked up in
their ``search_text`` (an FTS5 trigram index on SQLite for three characters or more); the
other kinds are small enough (5,000 agreements, 200 committees, 5,000 meetings) or narrowed
by an index first (contacts: through a trigram index of their own, an FTS5 table on SQLite
and their folded text on PostgreSQL, as organisations and proposals), and are
read with LIKE on SQLite and ``strpos`` on PostgreSQL. See bench/search.py for the timings.

On PostgreSQL, organisations and proposals are looked up in two parts, newest first: the
newest ``RECENT`` records are read directly (a common word is found there and the search
stops), the older ones through a trigram index on their folded text (``search_fold``,
migration 0012: Thai letters written as Latin ones, which pg_trgm indexes as words), which
finds a rare word at once; every match is then checked with ``strpos`` on the text itself.

A query of one or two characters has no trigram to look up: it reads the text itself, and
in the two largest kinds (contacts and proposals) only that of the newest ``SHORT_SCOPE``
records; the page says so.

A kind's query asks for its first ``COUNTED + 1`` matches at most (newest first; meetings
latest first), read in an order an index gives, so a common word stops early and costs no
more than a rare one; what is found is counted up to ``COUNTED`` ("more than 100" beyond),
and a page of results costs one statement per kind, whatever it finds. Organisations,
proposals and meetings are counted by their ids alone in the statement that reads the few
rows shown (``_first``); the other kinds' rows beyond those shown are counted as the driver
gives them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from types import SimpleNamespace
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..agreements.labels import KIND_LABELS as AGREEMENT_KINDS
from ..agreements.labels import STATE_LABELS as AGREEMENT_STATES
from ..agreements.labels import STATUS_LABELS as AGREEMENT_STATUSES
from ..agreements.models import Agreement, AgreementState, AgreementStatus
from ..agreements.queries import VISIBLE_TO_REPRESENTATIVES, for_organisation
from ..agreements.services import today
from ..committees.labels import KIND_LABELS as COMMITTEE_KINDS
from ..committees.models import SECRETARIAT, Committee, Membership
from ..committees.queries import manages_all, sitting_condition
from ..db import SQLITE_SEARCH_TABLE as ORGANISATIONS_INDEX
from ..db import db, folded_column
from ..db.search import SQLITE_CONTACTS_SEARCH_TABLE as CONTACTS_INDEX
from ..i18n import catalogue, current_language, format_date, kept_strings
from ..meetings.labels import STATUS_LABELS as MEETING_STATUSES
from ..meetings.models import Meeting, MeetingStatus
from ..organisations.labels import KIND_LABELS as ORGANISATION_KINDS
from ..organisations.labels import STATUS_LABELS as ORGANISATION_STATUSES
from ..organisations.models import Contact, Organisation, OrganisationStatus, search_key
from ..proposals.labels import KIND_LABELS as PROPOSAL_KINDS
from ..proposals.labels import STATUS_COLOURS as PROPOSAL_COLOURS
from ..proposals.labels import STATUS_LABELS as PROPOSAL_STATUSES
from ..proposals.models import SQLITE_SEARCH_TABLE as PROPOSALS_INDEX
from ..proposals.models import Proposal

#: The longest search text used; the rest is dropped (and the page says so).
MAX_QUERY = 100
#: Results of each kind shown on the page of all kinds.
SHOWN = 5
#: What is found is counted up to this many; beyond, "more than" it.
COUNTED = 100
#: Results per page when one kind is shown alone.
PER_PAGE = 25
#: The deepest page of one kind (25 x 200 = 5,000 results); past it, narrow the search.
MAX_PAGE = 200

#: PostgreSQL: the newest records of a kind read directly before the trigram index serves.
RECENT = 3000
#: A key shorter than this has no trigram: it is compared with the text itself.
TRIGRAM = 3
#: A query shorter than TRIGRAM looks through this many of the newest contacts and proposals.
SHORT_SCOPE = 5000

#: The kinds of record, in the order the page shows them.
KINDS = ("organisations", "contacts", "agreements", "proposals", "committees", "meetings")

#: Unicode categories never meant in a search: control, format, surrogate and private-use
#: characters (a NUL, say, which PostgreSQL refuses in a text parameter).
_UNWANTED = {"Cc", "Cf", "Cs", "Co"}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: "ครั้งที่ 3/2569", "3/2569", "no. 3/2569", "๓/๒๕๖๙": a meeting's number.
_MEETING_NUMBER = re.compile(r"^(?:ครั้งที่|(?:meeting\s*)?no\.?)?\s*(\d{1,3})\s*/\s*(\d{4})$")
#: The Buddhist Era is the Common Era plus this many years.
_BE = 543


def clean(text: str) -> tuple[str, bool]:
    """The query as searched: control characters dropped, spaces collapsed, at most
    MAX_QUERY characters; and whether it had to be shortened."""
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _UNWANTED
    )
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY:
        return text, False
    return text[:MAX_QUERY].rstrip(), True


@dataclass(frozen=True)
class Query:
    """What was asked: the text as shown back, and the two forms it is compared in."""

    #: The cleaned text, as the search box shows it again.
    text: str = ""
    #: Whether the text was longer than MAX_QUERY and was shortened.
    truncated: bool = False
    #: The text as ``search_key`` writes the ``search_text`` columns (NFKC, case-folded).
    key: str = ""
    #: The same for columns stored as typed: case-folded but not NFKC-normalised (which
    #: reorders the marks above and below a Thai letter and splits sara am in two, so it
    #: would miss text typed the usual way); sara am typed in two parts is joined.
    plain: str = ""

    @classmethod
    def parse(cls, raw: str | None) -> Query:
        """Read a query from what the user typed (anything at all)."""
        text, truncated = clean(raw or "")
        plain = text.casefold().replace("\u0e4d\u0e32", "\u0e33")
        return cls(text, truncated, search_key(text), plain)

    def __bool__(self) -> bool:
        return bool(self.key)

    @cached_property
    def encoded(self) -> str:
        """The text as an address's query string carries it ("q=..."), as ``url_for`` writes
        it."""
        return url_for("search.index", q=self.text).partition("?")[2]

    @cached_property
    def shape(self) -> tuple:
        """What a statement depends on in the text (see ``_shape``): too short for a
        trigram, a letter with a case, all ASCII, and a meeting named."""
        plain = self.plain
        return (
            self.short,
            plain.upper() != plain,
            plain.isascii(),
            self.meeting_number() is not None,
        )

    @property
    def short(self) -> bool:
        """Too short for a trigram: the largest kinds are searched among their newest
        ``SHORT_SCOPE`` records only."""
        return len(self.key) < TRIGRAM

    def meeting_number(self) -> tuple[int, int] | None:
        """(number, Buddhist year) when the text names a meeting: "ครั้งที่ 3/2569"."""
        found = _MEETING_NUMBER.match(self.key.translate(_THAI_DIGITS))
        if not found:
            return None
        number, year = int(found.group(1)), int(found.group(2))
        return number, year + _BE if year < 2400 else year


@dataclass
class Hit:
    """One record found, as the results list shows it."""

    url: str
    title: str
    #: Context: the organisation of a contact, a meeting's committee, a reference ...
    details: list[str] = field(default_factory=list)
    #: (label, Bootstrap colour) badges: statuses.
    badges: list[tuple[str, str]] = field(default_factory=list)
    #: The language of the title when it is not the page's (an English name).
    lang: str | None = None


@dataclass
class Group:
    """What one kind of record gave."""

    kind: str
    label: str
    hits: list[Hit]
    #: How many were found, or None: more than COUNTED.
    found: int | None
    #: Where all of them are listed: the kind's own list filtered by the same words, or
    #: this kind alone on the search page.
    more_url: str
    #: Whether the kind's own list is where ``more_url`` goes (else the search page).
    own_list: bool = False
    #: On the page of one kind: whether a next page exists.
    has_next: bool = False


@dataclass(frozen=True)
class _Source:
    """How to search one kind for one user: how to build the statement (without its limit),
    how a row becomes a hit, and the kind's own list filtered by the query, when there is one.

    The statement holds the searched text, the user's account and association and the day as
    bound parameters (``_values``); ``shape`` names everything else it depends on (the
    database, the length, case and script of the text, the kind of scope), so that one
    statement serves every search of that shape and is built once."""

    build: Callable[[], sa.Select]
    hit: Callable[[sa.Row], Hit]
    list_url: str | None = None
    shape: tuple = ()
    #: For a kind whose matches can be found from its own table (or its index: see
    #: ``_indexed_ids``): the ids of its first ``window`` matches, in its order (None when
    #: this search has no such lookup), and the statement of the rows whose ids a select of
    #: ids gives, in the same order (its joins are to a record's required parent, so they
    #: drop no id). The page of all kinds then counts the ids alone and reads, joins and
    #: converts only the rows it shows (``_first``).
    ids: Callable[[], sa.Select | None] | None = None
    among: Callable[[sa.Select], sa.Select] | None = None


class _Param(str):
    """A text searched for, as a statement holds it: its value, for the choices the
    statement's shape depends on (length, case, script), and the name of the bound parameter
    that carries it (``_values``)."""

    name: str

    def __new__(cls, value: str, name: str) -> _Param:
        text = super().__new__(cls, value)
        text.name = name
        return text


def _params(query: Query) -> tuple[_Param, _Param]:
    """The query's two forms as bound parameters: ``key`` and ``plain`` (see ``Query``)."""
    return _Param(query.key, "key"), _Param(query.plain, "plain")


def _shape(query: Query) -> tuple:
    """What a statement depends on besides the values it is given: the database, whether
    the text is too short for a trigram, has a letter with a case, is all ASCII, and names a
    meeting."""
    return (_dialect(), *query.shape)


def _like_pattern(text: str) -> str:
    """``text`` anywhere, as a LIKE pattern escaped with "/" (as SQLAlchemy's
    ``contains(autoescape=True)`` escapes it): % and _ match themselves."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _folded_pattern(text: str) -> str:
    """``text`` anywhere, as a LIKE pattern with PostgreSQL's escape character (\\)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _values(query: Query, window: int, user) -> dict:
    """The values of a search's bound parameters (a statement reads those it holds)."""
    number = query.meeting_number()
    values = {
        "window": window,
        "shown": SHOWN,
        "organisation_id": getattr(user, "organisation_id", None),
        "user_id": getattr(user, "id", None),
        "on_day": today(),
        "recent": RECENT,
        "short_scope": SHORT_SCOPE,
    }
    for name, text in (("key", query.key), ("plain", query.plain)):
        values[name] = text
        values[f"{name}_like"] = _like_pattern(text)
        values[f"{name}_folded"] = _folded_pattern(text)
    values["phrase"] = '"' + query.key.replace('"', '""') + '"'
    values["plain_phrase"] = '"' + query.plain.replace('"', '""') + '"'
    if number is not None:
        values["number"], values["year"] = number
    return values


#: Statements built once, by kind, shape and limit (see ``_Source``).
_BUILT: dict[tuple, sa.Select] = {}
#: The same statements by what they read (their cache key and its values): one object for
#: shapes that give the same SQL (see ``_one_of_a_kind``).
_ALIKE: dict[tuple, sa.Select] = {}


def _one_of_a_kind(statement: sa.Select) -> sa.Select:
    """``statement``, or the one built before that reads exactly the same (the same cache key
    and values). Several shapes give the same SQL (a Thai word and an English one, for
    meetings), and SQLAlchemy keeps one compiled form for them: a statement that is not
    the object compiled has its result columns matched to that one's at every execution
    (a comparison of every column), which the object compiled does not need."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:  # not cacheable: kept as it is
        return statement
    values = tuple(repr(bound.value) for bound in cache_key.bindparams)
    return _ALIKE.setdefault((_dialect(), cache_key.key, values), statement)


def _limited(kind: str, source: _Source, limit: int) -> sa.Select:
    """The source's statement cut to ``limit`` rows: built once for its shape."""
    key = (kind, source.shape, limit)
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = _one_of_a_kind(source.build().limit(limit))
    return statement


#: The column of a kind's first results that holds how many were found (``_first``).
_FOUND = "found_in_all"


def _first(kind: str, source: _Source) -> sa.Select:
    """The statement of a kind's results on the page of all kinds, built once for its shape.

    A kind an index looks up (``_Source.ids``) gives its first ``SHOWN`` rows, each with the
    count of the ids the index found (``COUNTED + 1`` at most, looked up once: a common
    table expression named twice is computed once) in a last column named ``_FOUND``: the
    rows beyond those shown are neither joined nor read. Any other kind gives its first
    ``COUNTED + 1`` rows (``_first_rows`` counts those it does not show)."""
    key = (kind, source.shape, "first")
    statement = _BUILT.get(key)
    if statement is None:
        ids = source.ids() if source.ids is not None else None
        if ids is None:
            statement = _limited(kind, source, COUNTED + 1)
        else:
            found = ids.cte("found")
            count = sa.select(sa.func.count()).select_from(found).scalar_subquery()
            statement = source.among(sa.select(found.c[0]))
            statement = statement.add_columns(count.label(_FOUND)).limit(_SHOWN)
            statement = _one_of_a_kind(statement)
        _BUILT[key] = statement
    return statement


def _paged(kind: str, source: _Source) -> sa.Select:
    """The source's statement for a page of one kind: built once for its shape, the page's
    offset and length bound parameters (``page_offset``, ``page_limit``)."""
    key = (kind, source.shape, "page")
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = _one_of_a_kind(
            source.build()
            .offset(sa.bindparam("page_offset", type_=sa.Integer))
            .limit(sa.bindparam("page_limit", type_=sa.Integer))
        )
    return statement


def _rows(statement: sa.Select, values: dict) -> list[sa.Row]:
    """The rows of a search statement, read on the session's connection: they are plain
    values, so the ORM's set-up for each statement (entities, loading) is not needed."""
    return db.session.connection().execute(statement, values).all()


def _first_rows(connection: sa.Connection, statement: sa.Select, values: dict, first: int):
    """The first ``first`` rows of a search statement (converted to Python values as the
    page shows them) and how many rows it gave in all: the rest are only counted, as the
    driver gives them, none converted (dates, statuses) for a page that shows none of them."""
    result = connection.execute(statement, values)
    try:
        rows = result.fetchmany(first)
        if len(rows) < first:
            return rows, len(rows)
        return rows, len(rows) + len(result.cursor.fetchall())
    finally:
        result.close()


def _kept() -> dict:
    """Where the search keeps what it translates, beside the strings of the catalogue of the
    language in use (``kept_strings``): translated once per language, not once per search."""
    return kept_strings(catalogue(), False)


def _translated(labels) -> Callable[[object], str]:
    """A look-up of ``labels`` (lazy translations by value) in the language in use: each value
    translated once per language and kept with its catalogue, not once per search or hit."""
    kept = _kept()
    key = (__name__, id(labels))  # the label tables are constants, kept as long as the process
    done = kept.get(key)
    if done is None:
        done = kept[key] = {value: str(label) for value, label in labels.items()}
    return done.__getitem__


class _Texts(NamedTuple):
    """The words the search writes itself, in the language in use (``_texts``)."""

    #: Each kind's name, as its group's heading.
    kinds: dict[str, str]
    former_contact: str
    dissolved: str
    #: "Order %(number)s" and "Meeting no. %(number)s", to be formatted with a number.
    order: str
    meeting_number: str


def _texts() -> _Texts:
    """The search's own words in the language in use, translated once per language and kept
    with its catalogue (``_kept``)."""
    kept = _kept()
    texts = kept.get((__name__, "texts"))
    if texts is None:
        texts = kept[(__name__, "texts")] = _Texts(
            {kind: str(label) for kind, (label, _build) in _SOURCES.items()},
            _("Former contact"),
            _("Dissolved"),
            _("Order %(number)s"),
            _("Meeting no. %(number)s"),
        )
    return texts


# --- matching text -------------------------------------------------------------------------

#: How many matches of a kind are wanted (a bound parameter: ``_values``).
_WINDOW = sa.bindparam("window", type_=sa.Integer)
#: How many of a kind the page of all kinds shows (``SHOWN``, read at each search).
_SHOWN = sa.bindparam("shown", type_=sa.Integer)
#: ``RECENT`` and ``SHORT_SCOPE``, read at each search.
_RECENT = sa.bindparam("recent", type_=sa.Integer)
_SHORT_SCOPE = sa.bindparam("short_scope", type_=sa.Integer)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _contains(text, key: _Param, *, folded: bool = False) -> sa.ColumnElement[bool]:
    """``text`` holds ``key`` anywhere, ignoring case (``folded``: the column is already
    lower case). As SQLite's LIKE compares, only Latin letters A-Z have a case, and % and _
    in the key match themselves. Both databases look for the key with a plain substring
    search (``strpos``, ``instr``: about a third quicker than LIKE on Thai text, measured
    on SQLite), and lower the column only when the key has a letter with a case (the key is
    case-folded): on PostgreSQL in the "C" collation, as SQLite's ``lower`` does (A-Z only),
    for lowering Thai text in the database's own collation is most of what such a search
    would cost (Thai has no case)."""
    lower = key.upper() != key and not folded
    found = sa.bindparam(key.name, type_=sa.String)
    if _dialect() == "postgresql":
        if lower:
            text = sa.func.lower(sa.collate(text, "C"))
        return sa.func.strpos(text, found) > 0
    if _dialect() == "sqlite":
        return sa.func.instr(sa.func.lower(text) if lower else text, found) > 0
    return text.like(sa.bindparam(f"{key.name}_like", type_=sa.String), escape="/")


def _any_contains(columns, key: _Param) -> sa.ColumnElement[bool]:
    """One of the columns holds ``key`` (one comparison each: no text is built for the row,
    and the first that matches ends it)."""
    return sa.or_(*(_contains(column, key) for column in columns))


def _indexed(column, id_column, index: str, key: _Param) -> sa.ColumnElement[bool]:
    """A ``search_text`` column holds ``key``, for a kind whose first ``window`` matches
    (newest first) are wanted: on SQLite, for three characters or more, the newest matches
    in its FTS5 trigram index; on PostgreSQL, the newest ``RECENT`` records read directly,
    then the older ones through the trigram index (``_recent_then_indexed``); else as
    ``_contains``."""
    newest = _indexed_ids(column, id_column, index, key)
    if newest is not None:
        return id_column.in_(newest)
    return _contains(column, key, folded=True)


def _indexed_ids(column, id_column, index: str, key: _Param) -> sa.Select | None:
    """The ids of the newest ``window`` records whose ``search_text`` column holds ``key``,
    as an index finds them (see ``_indexed``); None when no index serves the search (a key
    too short for a trigram, another database)."""
    if len(key) < TRIGRAM:
        return None
    if _dialect() == "sqlite":
        return _index_ids(index).order_by(sa.text("rowid DESC")).limit(_WINDOW)
    if _dialect() == "postgresql":
        holds = sa.func.strpos(column, sa.bindparam(key.name, type_=sa.String)) > 0
        return _recent_then_indexed(id_column, folded_column(column.table), holds, key)
    return None


def _recent_then_indexed(id_column, folded, holds, key: _Param) -> sa.Select:
    """PostgreSQL: the ids of the newest ``window`` records that meet ``holds`` (their text
    holds ``key``), whose folded copy of that text is ``folded``.

    The newest ``RECENT`` records are read directly; only when they hold fewer than
    ``window`` matches are the older ones looked up, through the trigram index on the
    folded text (migrations 0012 and 0013), each candidate checked on the text itself. So
    a common word costs a few thousand comparisons and a rare one an index lookup, where
    either plan alone is slow for the other (a planner cannot tell them apart)."""
    floor = sa.select(sa.func.max(id_column) - _RECENT).scalar_subquery()
    recent = sa.select(id_column).where(id_column > floor, holds)
    older = sa.select(id_column).where(id_column <= floor, _folded_like(folded, key), holds)
    newest_first = (
        recent.order_by(id_column.desc()).limit(_WINDOW),
        older.order_by(id_column.desc()).limit(_WINDOW),
    )
    both = sa.union_all(*(part.subquery().select() for part in newest_first)).subquery()
    return sa.select(both.c[0]).limit(_WINDOW)


def _folded_like(folded, key: _Param) -> sa.ColumnElement[bool]:
    """PostgreSQL: a folded copy (``search_folded``) may hold ``key``: what its trigram index
    finds, to be checked on the text itself (the folding merges characters)."""
    pattern = sa.bindparam(f"{key.name}_folded", type_=sa.String)
    return folded.like(sa.func.search_fold(pattern))


def _newest(id_column) -> sa.ColumnElement[bool]:
    """The record is among the newest ``SHORT_SCOPE`` of its kind."""
    return id_column > sa.select(sa.func.max(id_column) - _SHORT_SCOPE).scalar_subquery()


def _index_ids(index: str, phrase: str = "phrase") -> sa.Select:
    """The rowids of an FTS5 trigram index whose text holds the key (the ``phrase`` value, or
    ``plain_phrase`` for the text as typed: matched as one phrase, so quotes and operators in
    it are only text)."""
    return (
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table(index))
        .where(sa.literal_column(index).op("MATCH")(sa.bindparam(phrase, type_=sa.String)))
    )


#: Addresses that are the same for every search, by application, script root and endpoint:
#: a list's path, or the beginning of a record's address that its id completes.
_PATHS: dict[tuple, str | None] = {}


def _kept_path(endpoint: str, name: str | None = None) -> str | None:
    """``endpoint``'s path (``name`` None), or the beginning of the address of one of its
    records that the record's id (``name`` in the URL) completes (None: its rule does not end
    with the id); made once per application and script root, not once per search."""
    key = (id(current_app.url_map), request.script_root, endpoint, name)
    if key in _PATHS:
        return _PATHS[key]
    if name is None:
        path = url_for(endpoint)
    else:
        url = url_for(endpoint, **{name: 0})
        path = url[:-1] if url.endswith("/0") else None
    _PATHS[key] = path
    return path


def _address(endpoint: str, name: str) -> Callable[[int], str]:
    """The address of one record of ``endpoint`` from its id (``name`` in the URL): its id
    appended to the beginning all its records' addresses share (``_kept_path``), rather than
    a ``url_for`` per hit (a rule that does not end with the id is built for every hit)."""
    prefix = _kept_path(endpoint, name)

    def address(record_id: int) -> str:
        if prefix is not None:
            return f"{prefix}{record_id}"
        return url_for(endpoint, **{name: record_id})

    return address


def _with_query(endpoint: str, query: Query, extra: str = "") -> str:
    """``endpoint``'s address searching for the query's text (``url_for(endpoint, q=...)``,
    then ``extra`` arguments, already encoded): the text encoded once per search."""
    return f"{_kept_path(endpoint)}?{query.encoded}{extra}"


# --- each kind -----------------------------------------------------------------------------


def _organisations(user, query: Query) -> _Source | None:
    """Staff every organisation (its list's search); a representative only their own."""
    key, _plain = _params(query)
    columns = (
        Organisation.id,
        Organisation.name_th,
        Organisation.name_en,
        Organisation.acronym,
        Organisation.kind,
        Organisation.status,
    )
    lang = current_language()
    if user.can("organisations.view"):
        scope = "all"

        def condition():
            return _indexed(Organisation.search_text, Organisation.id, ORGANISATIONS_INDEX, key)

        address = _address("organisations.show", "organisation_id")

        def link(row):
            return address(row.id)

        list_url = _with_query("organisations.index", query, "&status=all")
    elif user.can("own_organisation.edit") and user.organisation_id is not None:
        scope = "own"

        def condition():
            return sa.and_(
                Organisation.id == sa.bindparam("organisation_id"),
                _contains(Organisation.search_text, key, folded=True),
            )

        mine = _kept_path("organisations.mine")

        def link(_row):
            return mine

        list_url = None
    else:
        return None

    kind_label, status_label = _translated(ORGANISATION_KINDS), _translated(ORGANISATION_STATUSES)

    def hit(row) -> Hit:
        english = lang == "en" and bool(row.name_en)
        colour = "secondary" if row.status is OrganisationStatus.INACTIVE else "light"
        return Hit(
            link(row),
            row.name_en if english else row.name_th,
            [part for part in (row.acronym, kind_label(row.kind)) if part],
            [(status_label(row.status), colour)],
            "en" if english else None,
        )

    def rows(condition) -> sa.Select:
        return sa.select(*columns).where(condition).order_by(Organisation.id.desc())

    def build() -> sa.Select:
        return rows(condition())

    if scope != "all":
        return _Source(build, hit, list_url, (scope, *_shape(query)))

    def ids() -> sa.Select | None:
        return _indexed_ids(Organisation.search_text, Organisation.id, ORGANISATIONS_INDEX, key)

    def among(found: sa.Select) -> sa.Select:
        return rows(Organisation.id.in_(found))

    return _Source(build, hit, list_url, (scope, *_shape(query)), ids, among)


def _contacts(user, query: Query) -> _Source | None:
    """People by written name, position or email: staff everyone's, a representative their
    own organisation's (as the contact pages allow); never an erased person."""
    if user.can("organisations.view") and user.can("contacts.edit"):
        own = False
    elif user.can("contacts.edit") and user.organisation_id is not None:
        own = True
    else:
        return None
    key, plain = _params(query)

    def build() -> sa.Select:
        scope = Contact.organisation_id == sa.bindparam("organisation_id") if own else None
        name = sa.func.coalesce(Contact.title, "") + Contact.first_name + " "
        name = name + sa.func.coalesce(Contact.last_name, "")
        alternatives = [_contains(name, plain), _contains(Contact.position, plain)]
        if plain.isascii():  # addresses are Latin letters, kept in lower case
            alternatives.append(_contains(Contact.email, plain, folded=True))
        condition = sa.or_(*alternatives)
        if scope is None and len(plain) >= TRIGRAM and _dialect() == "sqlite":
            # The people whose written name, position or email holds the text, as the FTS5
            # trigram index of contacts finds them (it folds more letters' case than LIKE,
            # so each is checked with LIKE as well): no comparison with every contact.
            found = _index_ids(CONTACTS_INDEX, "plain_phrase")
            condition = sa.and_(Contact.id.in_(found), condition)
        if scope is None and not query.short and _dialect() == "postgresql":
            # Through the trigram index of the contacts' folded names, positions and
            # addresses (migration 0013), newest first, each candidate checked on the text.
            folded = folded_column(Contact.__table__)
            condition = Contact.id.in_(_recent_then_indexed(Contact.id, folded, condition, plain))
        if query.short and scope is None:
            condition = sa.and_(_newest(Contact.id), condition)
        return (
            sa.select(
                Contact.id,
                Contact.title,
                Contact.first_name,
                Contact.last_name,
                Contact.position,
                Contact.email,
                Contact.active,
                Contact.erased_at,
                Organisation.name_th,
                Organisation.name_en,
            )
            .join(Organisation, Organisation.id == Contact.organisation_id)
            .where(Contact.erased_at.is_(None), condition, *([scope] if own else []))
            .order_by(Contact.id.desc())
        )

    lang, address = current_language(), _address("organisations.contact", "contact_id")
    former = _texts().former_contact

    def hit(row) -> Hit:
        organisation = row.name_en if lang == "en" and row.name_en else row.name_th
        return Hit(
            address(row.id),
            Contact.full_name.fget(row),  # the model's way of writing a name, on the row
            [part for part in (row.position, organisation, row.email) if part],
            [] if row.active else [(former, "secondary")],
        )

    shape = ("own" if own else "all", len(plain) >= TRIGRAM, *_shape(query))
    return _Source(build, hit, shape=shape)


#: The Bootstrap colour of each agreement status badge, and of the states that the dates
#: give a signed agreement (as the agreement pages colour them).
_AGREEMENT_COLOURS = {
    AgreementStatus.DRAFT: "secondary",
    AgreementStatus.IN_REVIEW: "info",
    AgreementStatus.APPROVED: "primary",
    AgreementStatus.SIGNED: "success",
    AgreementStatus.TERMINATED: "dark",
}
_STATE_COLOURS = {
    AgreementState.ACTIVE: "success",
    AgreementState.EXPIRING: "warning",
    AgreementState.EXPIRED: "danger",
    AgreementState.PENDING: "info",
    AgreementState.TERMINATING: "warning",
}


def _agreements(user, query: Query) -> _Source | None:
    """By reference or title, as the agreement list searches: staff every agreement, a
    representative their organisation's once approved."""
    columns = (
        Agreement.id,
        Agreement.reference,
        Agreement.kind,
        Agreement.title_th,
        Agreement.title_en,
        Agreement.status,
        Agreement.signed_on,
        Agreement.effective_from,
        Agreement.effective_until,
        Agreement.terminated_on,
    )
    _key, plain = _params(query)

    def matching() -> sa.Select:
        condition = _any_contains(
            (Agreement.reference, Agreement.title_th, Agreement.title_en), plain
        )
        return sa.select(*columns).where(condition).order_by(Agreement.id.desc())

    if user.can("agreements.view"):
        endpoint = "agreements.show"
        list_url = _with_query("agreements.index", query)
        build, shape = matching, ("all", *_shape(query))
    elif user.can("agreements.own") and user.organisation_id is not None:
        # what the representative's association may read, the association a bound parameter

        def build() -> sa.Select:
            visible = for_organisation(
                sa.bindparam("organisation_id", type_=sa.Integer), VISIBLE_TO_REPRESENTATIVES
            )
            visible = visible.with_only_columns(Agreement.id).order_by(None)
            return matching().where(Agreement.id.in_(visible))

        endpoint, list_url, shape = "agreements.mine_show", None, ("own", *_shape(query))
    else:
        return None
    lang, on, address = current_language(), today(), _address(endpoint, "agreement_id")
    kind_label = _translated(AGREEMENT_KINDS)
    status_label, state_label = _translated(AGREEMENT_STATUSES), _translated(AGREEMENT_STATES)

    def hit(row) -> Hit:
        english = lang == "en" and bool(row.title_en)
        dates = SimpleNamespace(
            status=row.status,
            starts_on=row.effective_from or row.signed_on,
            effective_until=row.effective_until,
            terminated_on=row.terminated_on,
        )
        state = Agreement.state(dates, on)  # the model's rule, on the row's dates
        status = Agreement.status_on(dates, on)
        badges = [(status_label(status), _AGREEMENT_COLOURS[status])]
        if state in _STATE_COLOURS:
            badges.append((state_label(state), _STATE_COLOURS[state]))
        return Hit(
            address(row.id),
            row.title_en if english else row.title_th,
            [row.reference, kind_label(row.kind)],
            badges,
            "en" if english else None,
        )

    return _Source(build, hit, list_url, shape)


def _proposals(user, query: Query) -> _Source | None:
    """By title, summary or submitting organisation, as the proposal list searches; every
    user who may open the list sees every proposal's title and status there."""
    if not (user.can("proposals.view") or user.can("proposals.own")):
        return None
    key, _plain = _params(query)

    def rows(condition) -> sa.Select:
        return (
            sa.select(
                Proposal.id,
                Proposal.title,
                Proposal.kind,
                Proposal.status,
                Organisation.name_th,
                Organisation.name_en,
            )
            .join(Organisation, Organisation.id == Proposal.organisation_id)
            .where(condition)
            .order_by(Proposal.id.desc())
        )

    def build() -> sa.Select:
        condition = _indexed(Proposal.search_text, Proposal.id, PROPOSALS_INDEX, key)
        if query.short:
            condition = sa.and_(_newest(Proposal.id), condition)
        return rows(condition)

    def ids() -> sa.Select | None:
        return _indexed_ids(Proposal.search_text, Proposal.id, PROPOSALS_INDEX, key)

    def among(found: sa.Select) -> sa.Select:
        return rows(Proposal.id.in_(found))

    lang, address = current_language(), _address("proposals.show", "proposal_id")
    kind_label, status_label = _translated(PROPOSAL_KINDS), _translated(PROPOSAL_STATUSES)

    def hit(row) -> Hit:
        organisation = row.name_en if lang == "en" and row.name_en else row.name_th
        return Hit(
            address(row.id),
            row.title,
            [organisation, kind_label(row.kind)],
            [(status_label(row.status), PROPOSAL_COLOURS[row.status])],
        )

    list_url = _with_query("proposals.index", query)
    return _Source(build, hit, list_url, _shape(query), ids, among)


@cache
def _member_committee_ids() -> sa.Select:
    """The committees where the user's association holds a sitting seat (as
    ``committees.queries.organisation_committee_ids``), built once: the association
    (``organisation_id``) and the day (``on_day``) are bound parameters."""
    return sa.select(Membership.committee_id).where(
        Membership.organisation_id == sa.bindparam("organisation_id"),
        sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
    )


@cache
def _secretary_committee_ids() -> sa.Select:
    """The committees the user runs as a secretary (as
    ``committees.queries.secretary_committee_ids_bound``), built once: the account
    (``user_id``) and the day (``on_day``) are bound parameters, and the secretarial roles
    one fixed parameter each, for a list of values is written into the SQL at every search
    (an expanding parameter), which cost more than the lookup itself."""
    roles = [sa.literal(role, Membership.role.type) for role in SECRETARIAT]
    return sa.select(Membership.committee_id).where(
        Membership.user_id == sa.bindparam("user_id"),
        Membership.role.in_(roles),
        sitting_condition(sa.bindparam("on_day", type_=sa.Date)),
    )


def _committee_scope(user) -> tuple[str, sa.Select | None, str, str] | None:
    """The committees the user works with or sits on, as the committee and meeting pages
    scope them: (the scope's name; their ids, or None for all, the account, association
    and day bound parameters; the committee page; the meeting page)."""
    if manages_all(user):
        return "all", None, "committees.show", "meetings.show"
    if user.can("committees.own"):
        ids = _secretary_committee_ids()
        return "secretary", ids, "committees.show", "meetings.show"
    if user.can("committees.member") and user.organisation_id is not None:
        ids = _member_committee_ids()
        return "member", ids, "committees.mine_show", "meetings.mine_show"
    return None


def _committees(user, query: Query) -> _Source | None:
    """By name or appointment order number."""
    scope = _committee_scope(user)
    if scope is None:
        return None
    scope_name, ids, endpoint, _meeting_endpoint = scope
    _key, plain = _params(query)

    def build() -> sa.Select:
        condition = _any_contains(
            (Committee.name_th, Committee.name_en, Committee.order_number), plain
        )
        return (
            sa.select(
                Committee.id,
                Committee.kind,
                Committee.name_th,
                Committee.name_en,
                Committee.order_number,
                Committee.dissolved_on,
            )
            .where(condition, *([Committee.id.in_(ids)] if ids is not None else []))
            .order_by(Committee.dissolved_on.is_not(None), Committee.id.desc())
        )

    lang, address = current_language(), _address(endpoint, "committee_id")
    kind_label, texts = _translated(COMMITTEE_KINDS), _texts()

    def hit(row) -> Hit:
        english = lang == "en" and bool(row.name_en)
        details = [kind_label(row.kind)]
        if row.order_number:
            details.append(texts.order % {"number": row.order_number})
        return Hit(
            address(row.id),
            row.name_en if english else row.name_th,
            details,
            [(texts.dissolved, "secondary")] if row.dissolved_on else [],
            "en" if english else None,
        )

    return _Source(build, hit, shape=(scope_name, *_shape(query)))


#: The Bootstrap colour of each meeting status badge (as the meeting pages colour them).
_MEETING_COLOURS = {
    MeetingStatus.SCHEDULED: "info",
    MeetingStatus.HELD: "primary",
    MeetingStatus.MINUTES_DRAFTED: "warning",
    MeetingStatus.MINUTES_CERTIFIED: "success",
    MeetingStatus.CANCELLED: "secondary",
}


def _meetings(user, query: Query) -> _Source | None:
    """By number (ครั้งที่ 3/2569), committee name or venue; the latest first."""
    scope = _committee_scope(user)
    if scope is None:
        return None
    scope_name, ids, _committee_endpoint, endpoint = scope
    _key, plain = _params(query)

    def condition() -> sa.ColumnElement[bool]:
        # A committee's names are compared once, not once for each of its meetings.
        named = sa.select(Committee.id).where(
            _any_contains((Committee.name_th, Committee.name_en), plain)
        )
        found = sa.or_(Meeting.committee_id.in_(named), _any_contains((Meeting.venue,), plain))
        if query.meeting_number() is not None:
            number = sa.and_(
                Meeting.number == sa.bindparam("number", type_=sa.Integer),
                Meeting.year_be == sa.bindparam("year", type_=sa.Integer),
            )
            found = sa.or_(found, number)
        if ids is not None:
            found = sa.and_(found, Meeting.committee_id.in_(ids))
        return found

    def rows(where) -> sa.Select:
        return (
            sa.select(
                Meeting.id,
                Meeting.number,
                Meeting.year_be,
                Meeting.held_on,
                Meeting.venue,
                Meeting.status,
                Committee.name_th,
                Committee.name_en,
            )
            .join(Committee, Committee.id == Meeting.committee_id)
            .where(where)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )

    def build() -> sa.Select:
        return rows(condition())

    def first_ids() -> sa.Select:
        # the meetings alone: their committee's names are read for those shown only
        return (
            sa.select(Meeting.id)
            .where(condition())
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
            .limit(_WINDOW)
        )

    def among(found: sa.Select) -> sa.Select:
        return rows(Meeting.id.in_(found))

    lang, address = current_language(), _address(endpoint, "meeting_id")
    status_label, numbered = _translated(MEETING_STATUSES), _texts().meeting_number

    def hit(row) -> Hit:
        committee = row.name_en if lang == "en" and row.name_en else row.name_th
        label = numbered % {"number": f"{row.number}/{row.year_be}"}
        details = [format_date(row.held_on)] + ([row.venue] if row.venue else [])
        return Hit(
            address(row.id),
            f"{label} · {committee}",
            details,
            [(status_label(row.status), _MEETING_COLOURS[row.status])],
        )

    return _Source(build, hit, None, (scope_name, *_shape(query)), first_ids, among)


_SOURCES = {
    "organisations": (_l("Organisations"), _organisations),
    "contacts": (_l("Contacts"), _contacts),
    "agreements": (_l("Agreements"), _agreements),
    "proposals": (_l("Proposals"), _proposals),
    "committees": (_l("Committees"), _committees),
    "meetings": (_l("Meetings"), _meetings),
}


# --- the page ------------------------------------------------------------------------------


def visible_kinds(user) -> list[str]:
    """The names of the kinds of record the user may find (no query is sent to know it)."""
    query = Query.parse("-")
    names = _texts().kinds
    return [
        names[kind] for kind, (_name, build) in _SOURCES.items() if build(user, query) is not None
    ]


def search(user, query: Query) -> list[Group]:
    """Every kind the user may see: the first SHOWN results of each, counted up to COUNTED,
    one statement per kind."""
    if not query:
        return []
    groups = []
    values = _values(query, COUNTED + 1, user)
    connection = db.session.connection()
    names = _texts().kinds
    for kind in KINDS:
        source = _SOURCES[kind][1](user, query)
        if source is None:
            continue
        statement = _first(kind, source)
        if _FOUND in statement.selected_columns:
            rows = connection.execute(statement, values).all()
            total = rows[0][-1] if rows else 0  # the count, in the last column
        else:
            rows, total = _first_rows(connection, statement, values, SHOWN)
        found = total if total <= COUNTED else None
        groups.append(
            Group(
                kind,
                names[kind],
                [source.hit(row) for row in rows],
                found,
                source.list_url or _with_query("search.index", query, f"&kind={kind}"),
                own_list=source.list_url is not None,
            )
        )
    return groups


def search_kind(user, query: Query, kind: str, page: int) -> Group | None:
    """One kind alone, a page of PER_PAGE results (None: a kind the user may not see)."""
    if kind not in _SOURCES or not query:
        return None
    offset = (page - 1) * PER_PAGE
    source = _SOURCES[kind][1](user, query)
    if source is None:
        return None
    values = _values(query, offset + PER_PAGE + 1, user)
    values["page_offset"], values["page_limit"] = offset, PER_PAGE + 1
    rows = _rows(_paged(kind, source), values)
    return Group(
        kind,
        _texts().kinds[kind],
        [source.hit(row) for row in rows[:PER_PAGE]],
        None,
        source.list_url or "",
        own_list=source.list_url is not None,
        has_next=len(rows) > PER_PAGE,
    )


def page_number(text: str | None) -> int:
    """The page asked for, within 1..MAX_PAGE (anything else: the first)."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 4:
        return 1
    return min(max(int(text), 1), MAX_PAGE)
