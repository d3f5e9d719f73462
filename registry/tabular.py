"""Tables written as spreadsheets: CSV that Excel opens with Thai intact, and XLSX.

A table is a list of ``Column`` (a header in the reader's language and how to read
the cell from a row) and the rows. Both formats neutralise formula injection: text
that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
carriage return) gets a leading apostrophe in CSV and is stored as text, marked
"quote prefix", in XLSX. Numbers stay numbers; dates and times are written as ISO
8601 in CSV and as real date cells in XLSX.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask import Response

if TYPE_CHECKING:
    from openpyxl.styles import Font

#: The file formats written, with their media types.
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Control characters no cell may hold (XML forbids them in XLSX); tab and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Thai vowel and tone marks written above or below a letter: they take no width.
_ZERO_WIDTH = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u200b-\u200d]")
#: Column widths in XLSX, in characters: never narrower or wider than these.
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Rows looked at to size the columns (the first ones are representative enough).
_SIZING_ROWS = 500


@dataclass(frozen=True)
class Column:
    """One column: its header (already in the reader's language) and its cell for a row."""

    header: str
    value: Callable[[Any], Any]
    #: The width in characters in XLSX; None fits it to the header and the first rows.
    width: int | None = None


def neutralise(text: str) -> str:
    """Text as a CSV cell that no spreadsheet runs as a formula, without control characters."""
    text = _CONTROL.sub("", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _cells(columns: Sequence[Column], rows: Iterable[Any]) -> list[list[Any]]:
    return [[column.value(row) for column in columns] for row in rows]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def to_csv(columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark (Excel then reads Thai), CRLF lines."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(column.header)) for column in columns])
    for cells in _cells(columns, rows):
        writer.writerow([_csv_value(value) for value in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def display_width(text: str) -> int:
    """How many character cells the text takes: Thai marks above and below take none."""
    return max((len(_ZERO_WIDTH.sub("", line)) for line in text.splitlines()), default=0)


def _width(column: Column, values: list[Any]) -> float:
    if column.width:
        return column.width
    widest = display_width(str(column.header))
    for value in values:
        if isinstance(value, datetime):
            widest = max(widest, 16)
        elif isinstance(value, date):
            widest = max(widest, 10)
        elif value is not None:
            widest = max(widest, display_width(str(value)))
    return min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)


def to_xlsx(columns: Sequence[Column], rows: Iterable[Any], title: str = "Sheet") -> bytes:
    """The table as an XLSX workbook: bold frozen header row, filter buttons, fitted widths."""
    # openpyxl is loaded by the first spreadsheet asked for, not by every server process.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cells = _cells(columns, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    for index, column in enumerate(columns, start=1):
        sample = [row[index - 1] for row in cells[:_SIZING_ROWS]]
        sheet.column_dimensions[get_column_letter(index)].width = _width(column, sample)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(cells) + 1}"
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, str(column.header), bold) for column in columns])
    for row in cells:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Any):
    """A cell; text is always stored as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        text = _CONTROL.sub("", value)
        return _text_cell(sheet, text) if text.startswith(FORMULA_START) else _lines(text)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _text_cell(sheet, text: str, font: Font | None = None):
    """A cell holding text as text: "=..." is not written as a formula, and is marked
    "quote prefix" so Excel keeps it as text even when someone edits the cell."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=_lines(_CONTROL.sub("", text)))
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _lines(text: str) -> str:
    """Line breaks as a spreadsheet cell holds them (LF): a carriage return would be kept as
    a stray character or read back as LF, depending on the XML library that wrote it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"


def write(file_format: str, columns: Sequence[Column], rows: Iterable[Any], title: str) -> bytes:
    """The table in the format asked for ("csv" or "xlsx")."""
    if file_format == "csv":
        return to_csv(columns, rows)
    if file_format == "xlsx":
        return to_xlsx(columns, rows, title)
    raise ValueError(f"unknown table format: {file_format!r}")


def download(data: bytes, file_format: str, filename: str) -> Response:
    """A response that saves the file under its name; never cached (it holds partner data)."""
    response = Response(data, mimetype=MEDIA_TYPES[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
