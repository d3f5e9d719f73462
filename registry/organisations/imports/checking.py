"""Checking an import table row by row with the same rules as the forms
(``services.organisation_values`` and ``services.contact_values``): every problem of every
row, duplicates within the file and against the register, and the organisations to create."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ...db import db
from .. import services
from ..labels import KIND_LABELS, PDPA_BASIS_LABELS, STATUS_LABELS
from ..models import (
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
    name_key,
)
from ..spreadsheet import Formula
from .columns import (
    COLUMNS,
    CONTACT_COLUMNS,
    MAX_LENGTHS,
    ORGANISATION_COLUMNS,
    THAI_DIGITS,
    aliases,
    fold,
    header_aliases,
    province_aliases,
)
from .reading import ImportRefused, Table, cell_text

#: The report shows at most this many problems on the web page.
REPORT_LIMIT = 1000

Progress = Callable[[str, list], Iterable]


def get_column_letter(index: int) -> str:
    """The spreadsheet letters of column ``index`` (1 is A), as openpyxl names them (loaded
    by the first import checked, not by every server process)."""
    from openpyxl.utils import get_column_letter as letter

    return letter(index)


def _no_progress(_label: str, items: list) -> Iterable:
    return items


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (row, column), the value, and what is wrong."""

    message: str
    row: int | None = None
    #: The column's key (name_th, contact_email, ...), when the problem is in one.
    key: str | None = None
    #: The column's name as the file writes it.
    column: str | None = None
    letter: str | None = None
    value: str | None = None
    existing_id: int | None = None


@dataclass
class _Contact:
    """A contact of the file: its row, the cells as read, the values the rules returned."""

    row: int
    details: dict
    values: dict | None


@dataclass
class _Group:
    """One organisation of the file, from its first row, with the contacts of all its rows."""

    row: int
    details: dict
    #: The profile as the services' rules returned it; None when the row has a problem.
    values: dict | None
    status: OrganisationStatus
    compared: dict
    contacts: list[_Contact] = field(default_factory=list)


@dataclass
class ImportReport:
    """What the check found, and what was (or would be) imported."""

    filename: str
    rows: int = 0
    organisations: int = 0
    contacts: int = 0
    #: Rows that added a contact to an organisation named in an earlier row.
    merged_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: Whether the records were written (not for a check only, nor a refused file).
    imported: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file has no problems."""
        return not self.problems


class _Checker:
    """Checks the rows of a table one by one, collecting every problem of every row."""

    def __init__(self, table: Table):
        self.table = table
        self.report = ImportReport(table.filename, rows=table.data_rows)
        self.groups: dict[str, _Group] = {}
        self.numbers: dict[str, int] = {}
        self.kinds = aliases(KIND_LABELS)
        self.statuses = aliases(STATUS_LABELS)
        self.bases = aliases(PDPA_BASIS_LABELS)
        self.provinces = province_aliases()
        self.positions: dict[str, int] = {}
        self.registered_names: dict[str, int] = {}
        self.registered_numbers: dict[str, int] = {}
        self._map_headers()

    # headers -----------------------------------------------------------------------

    def _map_headers(self) -> None:
        aliases = header_aliases()
        unknown, seen = [], {}
        for index, header in enumerate(self.table.headers):
            if not header:
                continue
            key = aliases.get(fold(header))
            if key is None:
                unknown.append(f"{get_column_letter(index + 1)} “{header[:60]}”")
            elif key in seen:
                raise ImportRefused(
                    _(
                        "The column %(name)s appears twice (columns %(first)s and %(second)s).",
                        name=key,
                        first=get_column_letter(seen[key] + 1),
                        second=get_column_letter(index + 1),
                    )
                )
            else:
                seen[key] = index
        if unknown:
            raise ImportRefused(
                _(
                    "The file has columns the import does not know: %(columns)s. Use the "
                    "column names of the template, or remove these columns.",
                    columns=", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else ""),
                )
            )
        missing = [c.key for c in COLUMNS if c.required and c.key not in seen]
        if missing:
            raise ImportRefused(
                _(
                    "The file lacks required columns: %(columns)s. The first row must hold the "
                    "column names of the template.",
                    columns=", ".join(missing),
                )
            )
        self.positions = seen
        named = set(seen.values())
        for number, cells in self.table.rows:
            for index, cell in enumerate(cells):
                if index not in named and cell_text(cell):
                    raise ImportRefused(
                        _(
                            "Row %(row)s has a value in column %(letter)s, which has no name in "
                            "the first row. Name the column or remove the value.",
                            row=number,
                            letter=get_column_letter(index + 1),
                        )
                    )

    # rows --------------------------------------------------------------------------

    def _raw(self, cells: list, key: str):
        index = self.positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def _problem(self, number: int, cells: list, key: str | None, message: str, existing=None):
        index = self.positions.get(key) if key else None
        self.report.problems.append(
            Problem(
                message=message,
                row=number,
                key=key,
                column=(self.table.headers[index] if index is not None else key),
                letter=get_column_letter(index + 1) if index is not None else None,
                value=(cell_text(self._raw(cells, key)) or "")[:200] if key else None,
                existing_id=existing,
            )
        )

    def check(self, progress: Progress) -> None:
        """Check every row; problems go to the report."""
        self._look_up_register()
        for number, cells in progress(_("Checking rows"), self.table.rows):
            self._check_row(number, cells)
        order = {column.key: index for index, column in enumerate(COLUMNS)}
        self.report.problems.sort(key=lambda p: (p.row or 0, order.get(p.key, len(order))))
        self.report.organisations = len(self.groups)
        self.report.contacts = sum(len(group.contacts) for group in self.groups.values())

    def _check_row(self, number: int, cells: list) -> None:
        texts = {c.key: cell_text(self._raw(cells, c.key)) for c in COLUMNS}
        problems: dict[str, str] = {}
        for key in texts:
            if isinstance(self._raw(cells, key), Formula):
                problems[key] = _(
                    "This cell holds a formula; the import takes values only. In Excel, copy "
                    "the cells and paste them as values."
                )
                texts[key] = None
        for key, text in texts.items():
            limit = MAX_LENGTHS.get(key)
            if text and limit and len(text) > limit:
                problems[key] = _("At most %(max)d characters.", max=limit)
                texts[key] = None
        details, status = self._organisation_details(cells, texts, problems)
        contact = self._contact_details(cells, texts, problems)
        for key, message in problems.items():
            self._problem(number, cells, key, message)
        key = name_key(details["name_th"] or "")
        group = self.groups.get(key) if key else None
        if group is not None:
            self._check_repeat(number, cells, group, details, status, contact, problems)
            return
        values = self._check_organisation(number, cells, details, problems)
        registration = details["registration_number"]
        if registration and "registration_number" not in problems:
            registration = registration.upper()
            first = self.numbers.setdefault(registration, number)
            if first != number:
                self._problem(
                    number,
                    cells,
                    "registration_number",
                    _("Row %(row)s has the same registration number.", row=first),
                )
        contact_values = None
        if contact is not None:
            contact_values = self._check_contact(number, cells, contact, problems)
        if key:
            compared = {name: _compare_form(value) for name, value in details.items()}
            group = _Group(number, details, values, status, compared)
            if contact is not None:
                group.contacts.append(_Contact(number, contact, contact_values))
            self.groups[key] = group

    def _organisation_details(
        self, cells: list, texts: dict, problems: dict
    ) -> tuple[dict, OrganisationStatus]:
        details = {c.key: texts[c.key] for c in ORGANISATION_COLUMNS if c.key != "status"}
        if texts["kind"]:
            details["kind"] = self.kinds.get(fold(texts["kind"]))
            if details["kind"] is None:
                problems["kind"] = _(
                    "Unknown kind of organisation. Use one of: %(choices)s.",
                    choices=", ".join(str(label) for label in KIND_LABELS.values()),
                )
        status = OrganisationStatus.PROSPECT
        if texts["status"]:
            value = self.statuses.get(fold(texts["status"]))
            if value is None:
                problems["status"] = _(
                    "Unknown status. Use %(prospect)s or %(active)s.",
                    prospect=STATUS_LABELS[OrganisationStatus.PROSPECT],
                    active=STATUS_LABELS[OrganisationStatus.ACTIVE],
                )
            elif value == OrganisationStatus.INACTIVE:
                problems["status"] = _("A new organisation cannot start as inactive.")
            else:
                status = OrganisationStatus(value)
        if texts["province"]:
            details["province"] = self.provinces.get(fold(texts["province"]))
            if details["province"] is None:
                problems["province"] = _(
                    "Unknown province. Write its Thai or English name, or its two-digit code "
                    "(for example ชลบุรี, Chon Buri or 20)."
                )
        if texts["phone"]:
            details["phone"] = _phone_text(self._raw(cells, "phone"))
        return details, status

    def _contact_details(self, cells: list, texts: dict, problems: dict) -> dict | None:
        """The row's contact, or None when every contact column is empty."""
        if not any(texts[c.key] or c.key in problems for c in CONTACT_COLUMNS):
            return None
        details = {c.field: texts[c.key] for c in CONTACT_COLUMNS}
        if texts["contact_pdpa_basis"]:
            details["pdpa_basis"] = self.bases.get(fold(texts["contact_pdpa_basis"]))
            if details["pdpa_basis"] is None:
                problems["contact_pdpa_basis"] = _(
                    "Unknown lawful basis. Use one of: %(choices)s.",
                    choices=", ".join(str(label) for label in PDPA_BASIS_LABELS.values()),
                )
        if texts["contact_consent_date"]:
            try:
                details["consent_date"] = parse_date(self._raw(cells, "contact_consent_date"))
            except ValueError:
                problems["contact_consent_date"] = _(
                    "Write the date as 2026-11-21 or 21/11/2569 (day/month/Buddhist year)."
                )
                details["consent_date"] = None
        if texts["contact_phone"]:
            details["phone"] = _phone_text(self._raw(cells, "contact_phone"))
        return details

    def _check_organisation(
        self, number: int, cells: list, details: dict, known: dict
    ) -> dict | None:
        """Run the register's own rules on the row, collecting each field's problem in turn.

        The rules stop at the first problem; the field at fault is then set aside
        (emptied, or given a stand-in) and the rules run again, so that one pass
        over the file reports everything wrong with each row. Duplicates of the
        register are looked up for the whole file at once (see ``_look_up_register``).
        Returns the values to save, or None when the row has a problem.
        """
        trial = dict(details)
        clean = not known
        values = None
        for key in known:
            if key in trial:
                trial[key] = _ORGANISATION_STAND_INS.get(key, lambda: None)()
        for _attempt in range(len(trial) + 1):
            try:
                values = services.organisation_values(trial, against_register=False)
                break
            except services.OrganisationError as error:
                clean = False
                if error.field in known:  # reported already
                    break
                self._problem(number, cells, error.field, str(error), error.existing_id)
                if error.field not in trial:
                    break
                known[error.field] = str(error)
                trial[error.field] = _ORGANISATION_STAND_INS.get(error.field, lambda: None)()
        existing = self.registered_names.get(name_key(details["name_th"] or ""))
        if existing and "name_th" not in known:
            message = _("An organisation with this name is already registered.")
            known["name_th"] = message
            self._problem(number, cells, "name_th", message, existing)
        existing = self.registered_numbers.get((details["registration_number"] or "").upper())
        if existing and "registration_number" not in known:
            message = _("Another organisation already has this registration number.")
            known["registration_number"] = message
            self._problem(number, cells, "registration_number", message, existing)
        return values if clean and not known else None

    def _look_up_register(self) -> None:
        """Find, in a few queries, the organisations the file's names and numbers already have."""
        names, numbers = set(), set()
        for _number, cells in self.table.rows:
            names.add(name_key(cell_text(self._raw(cells, "name_th")) or ""))
            numbers.add((cell_text(self._raw(cells, "registration_number")) or "").upper())
        self.registered_names = ids_by(Organisation.name_key, names - {""})
        self.registered_numbers = ids_by(Organisation.registration_number, numbers - {""})

    def _check_contact(self, number: int, cells: list, details: dict, known: dict) -> dict | None:
        """Run the contact rules on the row's contact, like ``_check_organisation``."""
        trial = dict(details)
        known = {key.removeprefix("contact_") for key in known if key.startswith("contact_")}
        for key in known:
            trial[key] = _CONTACT_STAND_INS.get(key)
        if "consent_date" in known:  # the basis needs no date while its own is reported
            trial["pdpa_basis"] = PdpaBasis.CONTRACT.value
        for _attempt in range(len(trial) + 1):
            try:
                values = services.contact_values(trial)
                return None if known else values
            except services.ContactError as error:
                if error.field in known:  # reported already
                    return None
                column = f"contact_{error.field}" if error.field else None
                self._problem(number, cells, column, str(error))
                if error.field not in trial:
                    return None
                known.add(error.field)
                trial[error.field] = _CONTACT_STAND_INS.get(error.field)
        return None

    def _check_repeat(  # noqa: PLR0913 (the row, as read)
        self, number, cells, group: _Group, details, status, contact, problems
    ) -> None:
        """A row naming an organisation of an earlier row: it adds a contact, nothing else."""
        different = _(
            "Row %(row)s has the same organisation with a different value in this column. "
            "A row that adds another contact must repeat the organisation's details exactly, "
            "or leave them empty.",
            row=group.row,
        )
        for key, value in details.items():
            changed = _compare_form(value) != group.compared.get(key)
            if key != "name_th" and value is not None and changed:
                self._problem(number, cells, key, different)
        if cell_text(self._raw(cells, "status")) and status is not group.status:
            self._problem(number, cells, "status", different)
        if contact is None:
            self._problem(
                number,
                cells,
                "name_th",
                _(
                    "This organisation is already in row %(row)s. Remove the repeated row, "
                    "or give it another contact.",
                    row=group.row,
                ),
            )
            return
        problems_before = len(self.report.problems)
        values = self._check_contact(number, cells, contact, problems)
        for other in group.contacts:
            if _same_person(other.details, contact):
                self._problem(
                    number,
                    cells,
                    "contact_first_name",
                    _(
                        "This person is already listed for this organisation in row %(row)s.",
                        row=other.row,
                    ),
                )
                break
        if len(self.report.problems) == problems_before and not problems:
            group.contacts.append(_Contact(number, contact, values))
            self.report.merged_rows += 1


#: Values put in place of a field whose problem is already reported, to check the rest.
_ORGANISATION_STAND_INS = {
    "name_th": lambda: f"import-check-{uuid.uuid4().hex}",
    "kind": lambda: OrganisationKind.ASSOCIATION.value,
}
_CONTACT_STAND_INS = {"first_name": "-", "pdpa_basis": PdpaBasis.CONTRACT.value}


def ids_by(column, values: set[str]) -> dict[str, int]:
    """Organisation ids by the value of a unique column, for the values that are taken."""
    found, values = {}, sorted(values)
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        rows = db.session.execute(sa.select(column, Organisation.id).where(column.in_(chunk)))
        found.update({value: ident for value, ident in rows})
    return found


def _compare_form(value) -> str | None:
    if value is None:
        return None
    return " ".join(str(value).split()).casefold()


def _same_person(one: dict, other: dict) -> bool:
    def name(details):
        return fold(f"{details.get('first_name') or ''}{details.get('last_name') or ''}")

    same_email = one.get("email") and fold(one["email"]) == fold(other.get("email") or "")
    return bool(same_email or name(one) == name(other))


def _phone_text(value) -> str | None:
    """A phone number as text; a number cell lost its leading zero, which is put back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        return "0" + digits if len(digits) in (8, 9) else digits
    return cell_text(value)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_date(value) -> date:
    """A date from a cell: a spreadsheet date, 2026-11-21, or 21/11/2569 (Buddhist Era).

    Years from 2400 are read as Buddhist Era; Thai digits are accepted.
    Raises ValueError when the text is not such a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (cell_text(value) or "").translate(THAI_DIGITS)
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(text)
    if year >= 2400:
        year -= 543
    if year < 1900:
        raise ValueError(text)
    return date(year, month, day)


def describe(problem: Problem) -> str:
    """A problem on one line, for the command line: row, column, value, what is wrong."""
    where = []
    if problem.row:
        where.append(_("row %(row)s", row=problem.row))
    if problem.column:
        where.append(
            _("column %(column)s", column=" ".join(filter(None, (problem.letter, problem.column))))
        )
    text = ", ".join(where)
    text = f"{text}: {problem.message}" if text else problem.message
    if problem.value:
        text += f" [{problem.value}]"
    if problem.existing_id:
        text += " " + _("(existing organisation no. %(id)s)", id=problem.existing_id)
    return text


def check_table(table: Table, progress: Progress = _no_progress) -> tuple[ImportReport, list]:
    """Check every row of a table; the report, and the organisations to create."""
    checker = _Checker(table)
    checker.check(progress)
    return checker.report, list(checker.groups.values())
