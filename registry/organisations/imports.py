"""Importing organisations and their contacts from a CSV or XLSX file.

The file is read and every row checked first, with the same rules as the forms
(``services.organisation_values`` and ``services.contact_values``); duplicates
within the file and against the register are problems of their row. A file with
any problem imports nothing and gets a row-by-row report. A clean file is
written in one transaction: one audit event per record and one "imported"
event for the file, then a single commit.

One row is one organisation, optionally with one contact. Rows that repeat an
organisation's Thai name add further contacts to it; such a row must repeat the
organisation's other columns exactly or leave them empty.

Shared by the web page (``views.import_file``) and ``flask registry import``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import openpyxl
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from wtforms import SubmitField

from .. import audit, submissions
from ..audit import services as audit_services
from ..db import db
from ..forms import CreateForm
from ..i18n import current_language
from ..rules import RuleError
from . import services, spreadsheet
from .labels import KIND_LABELS, PDPA_BASIS_LABELS, STATUS_LABELS
from .models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
    name_key,
)
from .provinces import PROVINCES
from .spreadsheet import Formula

#: File types accepted, by name ending.
EXTENSIONS = ("csv", "xlsx")
#: The report shows at most this many problems on the web page.
REPORT_LIMIT = 1000

Progress = Callable[[str, list], Iterable]


def _no_progress(_label: str, items: list) -> Iterable:
    return items


# --- the columns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column a file may have: its key (the English header), its Thai header, its label."""

    key: str
    thai: str
    label: object
    #: What the column takes; for chosen values the template lists the choices after it.
    help: object = None
    required: bool = False

    @property
    def contact(self) -> bool:
        """Whether the column belongs to the row's contact rather than its organisation."""
        return self.key.startswith("contact_")

    @property
    def field(self) -> str:
        """The service field the column fills."""
        return self.key.removeprefix("contact_")


_PHONE_HELP = _l("A Thai telephone number, for example 02 123 4567 or 081 234 5678.")

COLUMNS: tuple[Column, ...] = (
    Column(
        "name_th",
        "ชื่อภาษาไทย",
        _l("Name in Thai"),
        _l("Rows with the same Thai name add more contacts to one organisation."),
        required=True,
    ),
    Column("name_en", "ชื่อภาษาอังกฤษ", _l("Name in English")),
    Column("acronym", "ชื่อย่อ", _l("Acronym")),
    Column("kind", "ประเภท", _l("Kind"), _l("One of:"), required=True),
    Column("status", "สถานะ", _l("Status"), _l("One of (prospect when empty):")),
    Column(
        "registration_number",
        "เลขทะเบียน",
        _l("Registration number"),
        _l(
            "Letters, digits, dots (.), dashes (-) and slashes (/), without spaces, for example "
            "ชบ.123/2565."
        ),
    ),
    Column(
        "province",
        "จังหวัด",
        _l("Province"),
        _l("The Thai or English name, or the two-digit code, for example ชลบุรี, Chon Buri or 20."),
    ),
    Column("address", "ที่อยู่", _l("Address")),
    Column("website", "เว็บไซต์", _l("Website"), _l("Starting with https:// or http://.")),
    Column("email", "อีเมล", _l("Email")),
    Column("phone", "โทรศัพท์", _l("Telephone"), _PHONE_HELP),
    Column("notes", "หมายเหตุ", _l("Notes")),
    Column(
        "contact_title", "คำนำหน้าชื่อผู้ติดต่อ", _l("Contact: title"), _l("For example นาย, นางสาว, ดร.")
    ),
    Column(
        "contact_first_name",
        "ชื่อผู้ติดต่อ",
        _l("Contact: given name"),
        _l("Needed when the row has a contact; leave every contact column empty for none."),
    ),
    Column("contact_last_name", "นามสกุลผู้ติดต่อ", _l("Contact: family name")),
    Column("contact_position", "ตำแหน่งผู้ติดต่อ", _l("Contact: position")),
    Column("contact_email", "อีเมลผู้ติดต่อ", _l("Contact: email")),
    Column("contact_phone", "โทรศัพท์ผู้ติดต่อ", _l("Contact: telephone"), _PHONE_HELP),
    Column(
        "contact_pdpa_basis",
        "ฐานทางกฎหมายผู้ติดต่อ",
        _l("Contact: lawful basis (PDPA)"),
        _l("Needed when the row has a contact. One of:"),
    ),
    Column(
        "contact_consent_date",
        "วันที่ให้ความยินยอม",
        _l("Contact: date of consent"),
        _l("Needed when the basis is consent: 2026-11-21 or 21/11/2569 (Buddhist year)."),
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}


def column_choices() -> dict[str, list]:
    """The labels a column chosen from a list accepts (its value in English works too)."""
    return {
        "kind": list(KIND_LABELS.values()),
        "status": [
            STATUS_LABELS[OrganisationStatus.PROSPECT],
            STATUS_LABELS[OrganisationStatus.ACTIVE],
        ],
        "contact_pdpa_basis": list(PDPA_BASIS_LABELS.values()),
    }


ORGANISATION_COLUMNS = tuple(c for c in COLUMNS if not c.contact)
CONTACT_COLUMNS = tuple(c for c in COLUMNS if c.contact)

#: Columns read as they are written; the others are chosen from lists or are dates.
_CHOSEN = {"kind", "status", "province", "contact_pdpa_basis", "contact_consent_date"}

#: Longest text each column may hold (the database's limits, and the forms' for long text).
MAX_LENGTHS = {
    **{
        c.key: (Contact if c.contact else Organisation).__table__.c[c.field].type.length
        for c in COLUMNS
        if c.key not in _CHOSEN
    },
    "address": 1000,
    "notes": 5000,
}

#: Characters no one means to put in a cell: C0 controls other than tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _fold(text: str) -> str:
    """Text as compared loosely: NFKC, case-folded, without spaces, _ - * . and brackets."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-*.()]+", "", text)


def _labels_in(labels: dict, value) -> set[str]:
    """The label of one value in Thai and in English."""
    found = set()
    for lang in ("th", "en"):
        with force_locale(lang):
            found.add(str(labels[value]))
    return found


def _aliases(labels: dict) -> dict[str, str]:
    """Folded spelling -> value, for an enum given by its value or its Thai or English label."""
    table = {}
    for value in labels:
        for spelling in {value.value, *_labels_in(labels, value)}:
            table[_fold(spelling)] = value.value
    return table


def _header_aliases() -> dict[str, str]:
    """Folded header -> column key: the key, the Thai header, the label in Thai or English."""
    table = {}
    for column in COLUMNS:
        table[_fold(column.key)] = column.key
        table[_fold(column.thai)] = column.key
    for column in COLUMNS:
        for lang in ("en", "th"):
            with force_locale(lang):
                table.setdefault(_fold(str(column.label)), column.key)
    return table


def _province_aliases() -> dict[str, str]:
    table = {}
    for province in PROVINCES:
        for spelling in (province.code, f"TH-{province.code}", province.name_th, province.name_en):
            table[_fold(spelling)] = province.code
        table[_fold("จังหวัด" + province.name_th)] = province.code
    for spelling in ("กรุงเทพฯ", "กรุงเทพ", "กทม", "Bangkok Metropolis", "Krung Thep Maha Nakhon"):
        table[_fold(spelling)] = "10"
    return table


# --- reading the file ----------------------------------------------------------------


class ImportRefused(RuleError):
    """A file the import refuses as a whole: the wrong type, empty, unreadable, bad columns."""


@dataclass
class Table:
    """A file's first row (the headers) and its other rows, each with its number in the file."""

    filename: str
    headers: list[str]
    rows: list[tuple[int, list]]

    @property
    def data_rows(self) -> int:
        """How many rows hold anything."""
        return len(self.rows)


def max_rows() -> int:
    """The most data rows a file may hold (IMPORT_MAX_ROWS)."""
    return int(current_app.config["IMPORT_MAX_ROWS"])


def max_bytes() -> int:
    """The largest file accepted, the upload limit (MAX_UPLOAD_MB)."""
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024)


def _kind_of_bytes(data: bytes) -> str:
    """What the bytes are, by their first bytes: zip, ole (old Excel), binary, or text."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16"
    if b"\x00" in data[:8192] or data.startswith((b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff")):
        return "binary"
    return "text"


def read_file(data: bytes, filename: str) -> Table:
    """Read a CSV or XLSX file into a table, or refuse it with the reason."""
    name = PurePath(filename or "").name or "file"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        if extension in {"xls", "xlsm", "xlsb", "ods", "numbers"}:
            raise ImportRefused(
                _(
                    "Files of type .%(extension)s cannot be imported. Open the file in Excel "
                    "and save it as an Excel workbook (.xlsx) or as CSV UTF-8.",
                    extension=extension,
                )
            )
        raise ImportRefused(_("Only CSV and XLSX files can be imported."))
    if not data or not data.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        raise ImportRefused(_("The file is empty."))
    if len(data) > max_bytes():
        raise ImportRefused(
            _(
                "The file is larger than the limit of %(mb)d MB. Split it into smaller files.",
                mb=max_bytes() // (1024 * 1024),
            )
        )
    kind = _kind_of_bytes(data)
    if kind == "ole":
        raise ImportRefused(
            _(
                "This is an old-format (.xls) or password-protected Excel file. Remove the "
                "password and save it as an Excel workbook (.xlsx) or as CSV UTF-8."
            )
        )
    if extension == "xlsx":
        if kind != "zip":
            raise ImportRefused(_("The file is named .xlsx but is not an Excel workbook."))
        headers, rows = _read_xlsx(data)
    else:
        if kind == "zip":
            raise ImportRefused(
                _(
                    "The file is named .csv but is not text; if it is an Excel workbook, "
                    "name it .xlsx or save it as CSV UTF-8."
                )
            )
        if kind == "utf16":
            raise ImportRefused(
                _(
                    "The file is in UTF-16 (Unicode text), not UTF-8. In Excel choose Save As, "
                    "then 'CSV UTF-8 (Comma delimited)', and import that file."
                )
            )
        if kind == "binary":
            raise ImportRefused(_("The file is not CSV text. Choose a CSV (UTF-8) or XLSX file."))
        headers, rows = _read_csv(data)
    return _table(name, headers, rows)


def _table(name: str, headers: list, rows: Iterator[list]) -> Table:
    """Keep the rows that hold anything, numbered as a spreadsheet numbers them."""
    limit = max_rows()
    kept = []
    for number, cells in enumerate(rows, start=2):
        if any(_cell_text(cell) for cell in cells):
            kept.append((number, list(cells)))
            if len(kept) > limit:
                raise ImportRefused(
                    _(
                        "The file has more than %(max)s rows. Split it into files of at most "
                        "%(max)s rows.",
                        max=f"{limit:,}",
                    )
                )
    if not kept:
        raise ImportRefused(
            _("The file has no rows to import: only the column names in its first row.")
        )
    return Table(name, [_cell_text(h) or "" for h in headers], kept)


def _read_xlsx(data: bytes) -> tuple[list, Iterator[list]]:
    """The first sheet's rows, read within limits (``spreadsheet``) before memory grows."""
    limits = spreadsheet.Limits.for_import(max_rows(), len(data), max_bytes())
    try:
        rows = spreadsheet.read_first_sheet(data, limits)
    except spreadsheet.Refused as error:
        raise ImportRefused(str(error)) from None
    if not rows:
        raise ImportRefused(_("The file is empty."))
    return rows[0], iter(rows[1:])


def _limited(rows: Iterable) -> Iterator:
    """The rows, refusing a sheet with far more rows than the limit (blank rows count too)."""
    ceiling = max_rows() * 10 + 1000
    for count, row in enumerate(rows):
        if count > ceiling:
            raise ImportRefused(
                _(
                    "The file has more than %(max)s rows. Split it into files of at most "
                    "%(max)s rows.",
                    max=f"{max_rows():,}",
                )
            )
        yield row


def _looks_thai_windows(data: bytes) -> bool:
    """Whether the bytes read as Thai text in TIS-620 / Windows-874.

    Thai text is mostly consonants; Latin-1 accents (é, à) read as lone Thai vowels
    and tone marks, so those alone do not count.
    """
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        return False
    foreign = [char for char in text if ord(char) > 0x7F]
    consonants = sum("\u0e01" <= char <= "\u0e2e" for char in foreign)
    return consonants >= 2 and consonants * 3 >= len(foreign)


def _read_csv(data: bytes) -> tuple[list, Iterator[list]]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = {"row": data.count(b"\n", 0, error.start) + 1, "byte": error.start + 1}
        if _looks_thai_windows(data):
            raise ImportRefused(
                _(
                    "The file is not in UTF-8 (the text cannot be read at row %(row)s, byte "
                    "%(byte)s): it looks like Thai Windows encoding (TIS-620 or Windows-874). "
                    "In Excel choose Save As, then 'CSV UTF-8 (Comma delimited)', and import "
                    "that file.",
                    **where,
                )
            ) from None
        raise ImportRefused(
            _(
                "The file is not in UTF-8: the text cannot be read at row %(row)s (byte "
                "%(byte)s). Save it as CSV UTF-8 and import it again.",
                **where,
            )
        ) from None
    if "\x00" in text:
        raise ImportRefused(_("The file is not CSV text. Choose a CSV (UTF-8) or XLSX file."))
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        rows = list(_limited(reader))
    except csv.Error as error:
        raise ImportRefused(
            _(
                "The CSV text is malformed near row %(row)s (%(reason)s).",
                row=reader.line_num,
                reason=str(error),
            )
        ) from None
    if not rows:
        raise ImportRefused(_("The file is empty."))
    return rows[0], iter(rows[1:])


def _delimiter(header_line: str) -> str:
    """The separator that makes the most known column names of the first line (comma wins ties).

    Excel writes semicolons or tabs in some settings.
    """
    aliases = _header_aliases()

    def known(separator: str) -> int:
        return sum(_fold(part.strip('"')) in aliases for part in header_line.split(separator))

    return max((",", ";", "\t"), key=known)


def _cell_text(value) -> str | None:
    """A cell as the text it shows; empty cells as nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    text = _CONTROL.sub("", text).strip()
    return text or None


# --- checking the rows ---------------------------------------------------------------


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
        self.kinds = _aliases(KIND_LABELS)
        self.statuses = _aliases(STATUS_LABELS)
        self.bases = _aliases(PDPA_BASIS_LABELS)
        self.provinces = _province_aliases()
        self.positions: dict[str, int] = {}
        self.registered_names: dict[str, int] = {}
        self.registered_numbers: dict[str, int] = {}
        self._map_headers()

    # headers -----------------------------------------------------------------------

    def _map_headers(self) -> None:
        aliases = _header_aliases()
        unknown, seen = [], {}
        for index, header in enumerate(self.table.headers):
            if not header:
                continue
            key = aliases.get(_fold(header))
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
                if index not in named and _cell_text(cell):
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
                value=(_cell_text(self._raw(cells, key)) or "")[:200] if key else None,
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
        texts = {c.key: _cell_text(self._raw(cells, c.key)) for c in COLUMNS}
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
            details["kind"] = self.kinds.get(_fold(texts["kind"]))
            if details["kind"] is None:
                problems["kind"] = _(
                    "Unknown kind of organisation. Use one of: %(choices)s.",
                    choices=", ".join(str(label) for label in KIND_LABELS.values()),
                )
        status = OrganisationStatus.PROSPECT
        if texts["status"]:
            value = self.statuses.get(_fold(texts["status"]))
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
            details["province"] = self.provinces.get(_fold(texts["province"]))
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
            details["pdpa_basis"] = self.bases.get(_fold(texts["contact_pdpa_basis"]))
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
            names.add(name_key(_cell_text(self._raw(cells, "name_th")) or ""))
            numbers.add((_cell_text(self._raw(cells, "registration_number")) or "").upper())
        self.registered_names = _ids_by(Organisation.name_key, names - {""})
        self.registered_numbers = _ids_by(Organisation.registration_number, numbers - {""})

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
        if _cell_text(self._raw(cells, "status")) and status is not group.status:
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


def _ids_by(column, values: set[str]) -> dict[str, int]:
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
        return _fold(f"{details.get('first_name') or ''}{details.get('last_name') or ''}")

    same_email = one.get("email") and _fold(one["email"]) == _fold(other.get("email") or "")
    return bool(same_email or name(one) == name(other))


def _phone_text(value) -> str | None:
    """A phone number as text; a number cell lost its leading zero, which is put back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        return "0" + digits if len(digits) in (8, 9) else digits
    return _cell_text(value)


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
    text = (_cell_text(value) or "").translate(_THAI_DIGITS)
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


# --- importing -----------------------------------------------------------------------


def check_table(table: Table, progress: Progress = _no_progress) -> tuple[ImportReport, list]:
    """Check every row of a table; the report, and the organisations to create."""
    checker = _Checker(table)
    checker.check(progress)
    return checker.report, list(checker.groups.values())


def import_file(
    data: bytes,
    filename: str,
    actor,
    *,
    dry_run: bool = False,
    source: str = "web",
    progress: Progress = _no_progress,
    submission: str | None = None,
) -> ImportReport:
    """Check a file and, if every row is right and this is not a dry run, import it at once.

    Raises ImportRefused for a file refused as a whole; a file with bad rows
    returns a report with its problems and writes nothing. ``submission``: the form's
    one-time token; the same form sent again raises ``submissions.AlreadySaved``.
    """
    table = read_file(data, filename)
    report, groups = check_table(table, progress)
    if report.problems or dry_run:
        return report
    try:
        with submissions.once(submission, actor) as claim:
            _write(table, report, groups, actor, source, progress)
            claim.made(record_type="imports")
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        raise ImportRefused(
            _("Nothing was imported: %(reason)s", reason=str(error)), existing_id=error.existing_id
        ) from error
    except (sa.exc.IntegrityError, sa.exc.DataError) as error:
        db.session.rollback()
        current_app.logger.warning("import of %s refused by the database: %s", filename, error)
        raise ImportRefused(
            _(
                "Nothing was imported: the database refused a value. Another user may have "
                "saved the same organisation a moment ago; check the file again."
            )
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    report.imported = True
    return report


#: Records written per batch of INSERT statements.
WRITE_BATCH = 250


def _write(table: Table, report: ImportReport, groups: list, actor, source, progress) -> None:
    """Add every organisation and contact, each with its "created" audit event, and one
    "imported" event for the file.

    The values are those the services' own rules returned when the rows were checked;
    the register is looked up again, inside the transaction, for anything saved since.
    Records are inserted in batches: one flush per record (``audit.change``) takes
    minutes for a file of thousands of rows, longer than a web request may run.
    """
    _refuse_what_the_register_now_holds(groups)
    batch: list = []
    for group in progress(_("Importing"), groups):
        organisation = Organisation(status=group.status, **group.values)
        batch.append(organisation)
        batch += [
            Contact(organisation=organisation, **contact.values) for contact in group.contacts
        ]
        if len(batch) >= WRITE_BATCH:
            _flush_created(batch, actor)
            batch = []
    _flush_created(batch, actor)
    audit.record_event(
        actor,
        "imported",
        record_type="imports",
        label=table.filename,
        changes={
            "file": [None, table.filename],
            "rows": [None, report.rows],
            "organisations": [None, report.organisations],
            "contacts": [None, report.contacts],
            "source": [None, source],
        },
    )


def _flush_created(records: list, actor) -> None:
    """Insert the records, then record a "created" event for each, as ``audit.change`` does."""
    db.session.add_all(records)
    db.session.flush()
    for record in records:
        changes = audit_services.diff(record, {}, audit_services.snapshot(record))
        audit.record_event(actor, "created", record, changes)


def _refuse_what_the_register_now_holds(groups: list) -> None:
    """Refuse the file if another user saved one of its organisations since it was checked."""
    names = _ids_by(Organisation.name_key, {name_key(g.details["name_th"]) for g in groups})
    numbers = {(g.details["registration_number"] or "").upper() for g in groups}
    taken = names or _ids_by(Organisation.registration_number, numbers - {""})
    if taken:
        value, existing = next(iter(taken.items()))
        raise ImportRefused(
            _(
                "Nothing was imported: %(value)s was saved in the register by someone else "
                "after the file was checked. Check the file again.",
                value=value,
            ),
            existing_id=existing,
        )


# --- the template --------------------------------------------------------------------


def _example_row(lang: str) -> dict:
    with force_locale(lang):
        return {
            "name_th": "สมาคมตัวอย่างการนำเข้าข้อมูล",
            "name_en": "Example Import Association",
            "acronym": "EIA",
            "kind": str(KIND_LABELS[OrganisationKind.ASSOCIATION]),
            "status": str(STATUS_LABELS[OrganisationStatus.PROSPECT]),
            "registration_number": "1234/2566",
            "province": "ชลบุรี" if lang == "th" else "Chon Buri",
            "address": "99 ถนนสุขุมวิท อำเภอศรีราชา จังหวัดชลบุรี 20110",
            "website": "https://www.example.or.th",
            "email": "info@example.or.th",
            "phone": "038 123 456",
            "notes": "",
            "contact_title": "นาย",
            "contact_first_name": "สมชาย",
            "contact_last_name": "ใจดี",
            "contact_position": "นายกสมาคม",
            "contact_email": "somchai@example.or.th",
            "contact_phone": "081 234 5678",
            "contact_pdpa_basis": str(PDPA_BASIS_LABELS[PdpaBasis.CONSENT]),
            "contact_consent_date": "01/10/2569" if lang == "th" else "2026-10-01",
        }


def template_headers(lang: str | None = None) -> list[str]:
    """The column names of the template: Thai headers for Thai readers, keys otherwise."""
    lang = lang or current_language()
    return [column.thai if lang == "th" else column.key for column in COLUMNS]


def template_csv(lang: str | None = None) -> bytes:
    """A CSV template (UTF-8 with a byte-order mark, so Excel shows Thai) with one example."""
    lang = lang or current_language()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(template_headers(lang))
    example = _example_row(lang)
    writer.writerow([example[column.key] for column in COLUMNS])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx(lang: str | None = None) -> bytes:
    """An XLSX template with the column names, one example row, and text-formatted numbers."""
    lang = lang or current_language()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "organisations"
    sheet.append(template_headers(lang))
    example = _example_row(lang)
    sheet.append([example[column.key] for column in COLUMNS])
    text_columns = {"registration_number", "phone", "contact_phone", "contact_consent_date"}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = 24
        if column.key in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
            sheet[f"{letter}2"].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the upload form -----------------------------------------------------------------


class ImportForm(CreateForm, FlaskForm):
    """The file to import, and whether only to check it."""

    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(EXTENSIONS, message=_l("Choose a CSV or XLSX file.")),
        ],
    )
    check = SubmitField(_l("Check only"))
    submit = SubmitField(_l("Import"))
