"""Reading an import file into a table: CSV or XLSX, within the size and row limits (the
XLSX through the bounded reader in ``organisations.spreadsheet``), or refusing it with the
reason a user can act on."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _

from ...rules import RuleError
from .. import spreadsheet
from .columns import CONTROL, fold, header_aliases

#: File types accepted, by name ending.
EXTENSIONS = ("csv", "xlsx")


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
        if any(cell_text(cell) for cell in cells):
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
    return Table(name, [cell_text(h) or "" for h in headers], kept)


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
    aliases = header_aliases()

    def known(separator: str) -> int:
        return sum(fold(part.strip('"')) in aliases for part in header_line.split(separator))

    return max((",", ";", "\t"), key=known)


def cell_text(value) -> str | None:
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
    text = CONTROL.sub("", text).strip()
    return text or None
