"""Reading the first sheet of an XLSX workbook within limits, before memory grows.

A workbook is a zip of XML parts, and a small file can unpack to a great deal: 1 MB of
zip can hold 100 MB of shared strings. So the reader checks, in this order, each time
refusing at the first limit passed (``Refused``, with a message for the user):

1. the zip's end record (how many parts, how large a directory), before the zip is opened;
2. the sizes the zip's directory declares for its parts, before any part is unpacked;
3. the bytes really unpacked, counted while each part is streamed (a header may lie);
4. while the XML is parsed incrementally (expat, no tree, no DOCTYPE): the number of
   shared strings and their total length, the rows (blank ones too, and how far down the
   sheet they reach), the cells, and the length of any one cell.

Only the values are kept, as ``openpyxl`` in read-only mode gives them: text, numbers,
booleans, dates (numbers in a date format), and formulas as ``Formula`` (their source,
never evaluated). The rows come back numbered as the sheet numbers them: row n is at
index n - 1, missing rows as empty lists.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from xml.parsers import expat

from flask_babel import gettext as _

from ..rules import RuleError

#: Parts a workbook may have (a plain one has about ten; each picture or comment adds one).
MAX_PARTS = 1000
#: The largest zip directory read (about 100 bytes a part).
MAX_DIRECTORY_BYTES = 1024 * 1024
#: Unpacked bytes of all parts together, whatever the file's size.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: A workbook may unpack to this many times its own size (more below the upload limit).
MAX_UNPACK_RATIO = 100
#: Excel's own limit on the length of a cell's text.
MAX_CELL_CHARS = 32_767
#: Columns read; a sheet may claim thousands of empty formatted ones.
MAX_COLUMNS = 200
#: Cells that hold a value, per row the import may hold (the template has about twenty
#: columns).
CELLS_PER_ROW = 50
#: Cell styles a workbook may define (Excel's own limit is 64,000).
MAX_STYLES = 65_000
#: Bytes unpacked and parsed at a time.
CHUNK = 64 * 1024

_MAIN = "officeDocument/2006/relationships/officeDocument"
_SHEET_TYPE = "/worksheet"
_STRINGS_TYPE = "/sharedStrings"
_STYLES_TYPE = "/styles"


class Refused(RuleError):
    """A workbook refused as a whole; the message says why and what to do."""


class Formula(str):
    """A workbook cell that holds a formula (its source, "=..."): values, never formulas,
    are imported."""


@dataclass(frozen=True)
class Limits:
    """How much of a workbook is read before it is refused."""

    #: Data rows that hold anything (the first row, the column names, comes on top).
    rows: int
    #: Rows in the sheet, blank ones included, and how far down it they may reach.
    sheet_rows: int
    #: Cells that hold a value.
    cells: int
    #: Cell elements of any kind (formatted empty ones too).
    cell_elements: int
    #: Characters of text kept: shared strings, inline strings and formulas together.
    text_chars: int
    #: Bytes of every part together, unpacked.
    unpacked_bytes: int
    #: Columns read from the left.
    columns: int = MAX_COLUMNS

    @classmethod
    def for_import(cls, max_rows: int, file_size: int, upload_limit: int) -> Limits:
        """The limits for a file of ``file_size`` bytes that may hold ``max_rows`` rows."""
        cells = (max_rows + 1) * CELLS_PER_ROW
        return cls(
            rows=max_rows,
            sheet_rows=max_rows * 10 + 1000,
            cells=cells,
            cell_elements=cells * 4,
            text_chars=cells * 32,
            unpacked_bytes=min(
                max(file_size * MAX_UNPACK_RATIO, upload_limit), MAX_UNPACKED_BYTES
            ),
        )


# --- refusals ---------------------------------------------------------------------------------


def _not_a_workbook() -> Refused:
    return Refused(_("The file is named .xlsx but is not an Excel workbook."))


def _unreadable() -> Refused:
    return Refused(
        _(
            "The workbook could not be read. Open it in Excel, save it again as an Excel "
            "workbook (.xlsx), and import that file."
        )
    )


def _too_large() -> Refused:
    return Refused(_("The workbook is too large once unpacked. Split it into smaller files."))


def _too_many_rows(limits: Limits) -> Refused:
    return Refused(
        _(
            "The file has more than %(max)s rows. Split it into files of at most %(max)s rows.",
            max=f"{limits.rows:,}",
        )
    )


def _too_many_cells(limits: Limits) -> Refused:
    return Refused(
        _(
            "The workbook has more than %(max)s filled cells. Split it into smaller files.",
            max=f"{limits.cells:,}",
        )
    )


def _too_many_cell_elements(limits: Limits) -> Refused:
    return Refused(
        _(
            "The sheet has more than %(max)s cells, counting empty formatted ones. Clear the "
            "formatting of the rows and columns not used, or split the file.",
            max=f"{limits.cell_elements:,}",
        )
    )


def _too_many_strings(limits: Limits) -> Refused:
    return Refused(
        _(
            "The workbook holds more than %(max)s different texts. Split it into smaller files.",
            max=f"{limits.cells:,}",
        )
    )


def _too_much_text(limits: Limits) -> Refused:
    return Refused(
        _(
            "The workbook holds more than %(max)s characters of text. Split it into smaller "
            "files.",
            max=f"{limits.text_chars:,}",
        )
    )


def _cell_too_long() -> Refused:
    return Refused(
        _(
            "A cell of the workbook holds more than %(max)s characters, more than Excel "
            "allows. Save the workbook again from Excel and import that file.",
            max=f"{MAX_CELL_CHARS:,}",
        )
    )


# --- the zip ----------------------------------------------------------------------------------


def _check_directory(data: bytes) -> None:
    """Refuse a zip whose end record announces too many parts or too large a directory,
    before zipfile reads the directory into memory."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or len(data) < at + 22:
        raise _not_a_workbook()
    _disk, _start, _here, parts, size, _offset = struct.unpack("<HHHHII", data[at + 4 : at + 20])
    if parts == 0xFFFF or size == 0xFFFFFFFF:  # a zip64 directory: no workbook needs one
        raise _too_large()
    if parts > MAX_PARTS or size > MAX_DIRECTORY_BYTES:
        raise _too_large()


class _Budget:
    """The unpacked bytes still allowed, spent as parts are streamed."""

    def __init__(self, total: int):
        self.left = total

    def spend(self, size: int) -> None:
        """Count bytes unpacked; refuse once past the limit."""
        self.left -= size
        if self.left < 0:
            raise _too_large()


def _stream(archive: zipfile.ZipFile, name: str, parser, budget: _Budget) -> None:
    """Feed one part to the parser a chunk at a time, counting the bytes really unpacked."""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            budget.spend(len(chunk))
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _parser(start: Callable, end: Callable | None = None, text: Callable | None = None):
    """An expat parser that refuses a DOCTYPE (and so every entity declaration). Names come
    as written ("c", or "x:c" under a prefix): handlers take the part after any colon."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def no_doctype(*_args):
        raise _unreadable()

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    return parser


def _local(name: str) -> str:
    """A name without its namespace prefix."""
    return name.rpartition(":")[2] if ":" in name else name


def _attribute(attrs: dict, local: str) -> str | None:
    """An attribute by its local name, with or without a prefix (r:id, id)."""
    if local in attrs:
        return attrs[local]
    for key, value in attrs.items():
        if key.endswith(":" + local):
            return value
    return None


def _count_ahead(archive, name: str, limits: dict[str, tuple[int, Refused]]) -> None:
    """Refuse a part that holds more of an element than its limit ({name: (limit,
    refusal)}), counted in its bytes at the speed of unpacking, before the slower parse."""
    patterns: dict[str, list[bytes]] = {}
    counts = dict.fromkeys(limits, 0)
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            if not patterns:  # the root element's prefix, if it has one ("x:" in <x:worksheet)
                found = re.search(rb"<([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*[\s>/]",
                                  chunk.split(b"?>", 1)[-1])  # fmt: skip
                prefix = (found.group(1) or b"") if found else b""
                patterns = {tag: [b"<" + prefix + tag.encode() + end for end in (b" ", b">", b"/")]
                            for tag in limits}  # fmt: skip
            window = carry + chunk
            for tag, (limit, refusal) in limits.items():
                counts[tag] += sum(window.count(pattern) for pattern in patterns[tag])
                if counts[tag] > limit:
                    raise refusal
            longest = max(len(pattern) for group in patterns.values() for pattern in group)
            carry = window[-(longest - 1) :]


# --- the workbook's parts ---------------------------------------------------------------------


def _relationships(archive, name: str, budget: _Budget) -> dict[str, tuple[str, str]]:
    """{id: (type, part name)} of a part's relationships file."""
    folder = PurePosixPath(name).parent
    rels_name = (folder / "_rels" / (PurePosixPath(name).name + ".rels")).as_posix()
    found: dict[str, tuple[str, str]] = {}

    def start(tag, attrs):
        if _local(tag) == "Relationship" and len(found) < MAX_PARTS:
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else _normal(folder / target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    if rels_name in archive.NameToInfo:
        _stream(archive, rels_name, _parser(start), budget)
    return found


def _normal(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _workbook(archive, budget: _Budget) -> tuple[str, str | None, str | None, datetime]:
    """The first worksheet's part, the shared strings' and styles' parts, and the epoch."""
    # openpyxl is loaded by the first workbook read, not by every server process.
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    main = _relationships(archive, "", budget)
    workbook = next((path for kind, path in main.values() if kind.endswith(_MAIN)),
                    "xl/workbook.xml")  # fmt: skip
    if workbook not in archive.NameToInfo:
        raise _not_a_workbook()
    sheets: list[str] = []
    epoch = [CALENDAR_WINDOWS_1900]

    def start(tag, attrs):
        tag = _local(tag)
        if tag == "sheet" and len(sheets) < MAX_PARTS:
            sheets.append(_attribute(attrs, "id") or "")
        elif tag == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            epoch[0] = CALENDAR_MAC_1904

    _stream(archive, workbook, _parser(start), budget)
    links = _relationships(archive, workbook, budget)
    worksheet = next(
        (links[ident][1] for ident in sheets
         if ident in links and links[ident][0].endswith(_SHEET_TYPE)),
        None,
    )  # fmt: skip
    if worksheet is None or worksheet not in archive.NameToInfo:
        raise _unreadable()
    strings = next((path for kind, path in links.values() if kind.endswith(_STRINGS_TYPE)), None)
    styles = next((path for kind, path in links.values() if kind.endswith(_STYLES_TYPE)), None)
    return worksheet, strings, styles, epoch[0]


def _date_styles(archive, name: str | None, budget: _Budget) -> tuple[set[int], set[int]]:
    """The cell styles whose number format is a date, and those that are a duration."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if not name or name not in archive.NameToInfo:
        return set(), set()
    formats = dict(BUILTIN_FORMATS)
    styles: list[int] = []
    inside = [False]

    def start(tag, attrs):
        tag = _local(tag)
        if tag == "numFmt" and len(formats) < MAX_STYLES:
            try:
                formats[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                raise _unreadable() from None
        elif tag == "cellXfs":
            inside[0] = True
        elif tag == "xf" and inside[0]:
            if len(styles) >= MAX_STYLES:
                raise _unreadable()
            try:
                styles.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                raise _unreadable() from None

    def end(tag):
        if _local(tag) == "cellXfs":
            inside[0] = False

    _stream(archive, name, _parser(start, end), budget)
    dates, durations = set(), set()
    for index, number in enumerate(styles):
        code = formats.get(number)
        if code and is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return dates, durations


class _Text:
    """Text kept from the workbook, counted against its limit."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.chars = 0

    def keep(self, text: str) -> str:
        """Count a kept text; refuse once past the limit."""
        if len(text) > MAX_CELL_CHARS:
            raise _cell_too_long()
        self.chars += len(text)
        if self.chars > self.limits.text_chars:
            raise _too_much_text(self.limits)
        return text


def _shared_strings(archive, name: str | None, budget: _Budget, text: _Text) -> list[str]:
    """The shared strings, refused past their count (counted ahead) or total length."""
    strings: list[str] = []
    if not name or name not in archive.NameToInfo:
        return strings
    limit = text.limits.cells  # never more different texts than the cells they fill
    _count_ahead(archive, name, {"si": (limit, _too_many_strings(text.limits))})
    parts: list[str] = []
    state = {"in_item": False, "in_text": False, "phonetic": 0, "length": 0}

    def start(tag, _attrs):
        tag = _local(tag)
        if tag == "si":
            if len(strings) >= limit:
                raise _too_many_strings(text.limits)
            state["in_item"], state["length"] = True, 0
            parts.clear()
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and state["in_item"] and not state["phonetic"]:
            state["in_text"] = True

    def end(tag):
        tag = _local(tag)
        if tag == "si":
            strings.append(text.keep("".join(parts)))
            state["in_item"] = False
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["in_text"] = False

    def characters(data):
        if state["in_text"]:
            state["length"] += len(data)
            if state["length"] > MAX_CELL_CHARS:
                raise _cell_too_long()
            parts.append(data)

    _stream(archive, name, _parser(start, end, characters), budget)
    return strings


# --- the sheet --------------------------------------------------------------------------------


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


class _Sheet:
    """The cells of a worksheet, gathered as its XML streams past.

    The handlers run once per element of a sheet that may hold a million of them, so they
    are kept lean: the cell being read is a few attributes, not an object."""

    def __init__(self, limits, strings, dates, durations, epoch, text: _Text):
        self.limits = limits
        self.strings = strings
        self.dates, self.durations, self.epoch = dates, durations, epoch
        self.text = text
        self.rows: list[list] = []
        self.row_number = 0
        self.filled_rows = 0
        self.cells = 0
        self.row: list | None = None
        self.row_filled = False
        self.column = 0
        #: The cell being read: its type and style, and its texts by part ("v", "f", "is").
        self.in_cell = False
        self.cell_type = "n"
        self.cell_style: str | None = None
        self.parts: dict[str, list[str]] = {}
        #: Which of the cell's texts the characters go to, if any.
        self.target: list[str] | None = None
        self.length = 0
        self.phonetic = 0

    # the parser's callbacks

    def start(self, tag: str, attrs: dict) -> None:
        """An element opens."""
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            self._start_cell(attrs)
        elif tag == "row":
            self._start_row(attrs.get("r"))
        elif not self.in_cell:
            return
        elif tag == "v" or tag == "f":
            self.target = self.parts.setdefault(tag, [])  # a shared formula's <f/> is empty
        elif tag == "is":
            self.parts["is"] = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and "is" in self.parts and not self.phonetic:
            self.target = self.parts["is"]

    def end(self, tag: str) -> None:
        """An element closes."""
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            if self.parts:
                self._end_cell()
            self.in_cell = False
        elif tag == "row":
            self._end_row()
        elif tag == "rPh":
            self.phonetic -= 1
        else:
            self.target = None

    def characters(self, data: str) -> None:
        """Text inside an element."""
        if self.target is not None:
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise _cell_too_long()
            self.target.append(data)

    # rows and cells

    def _start_row(self, number: str | None) -> None:
        try:
            row_number = int(number) if number else self.row_number + 1
        except ValueError:
            raise _unreadable() from None
        if row_number <= self.row_number:
            raise _unreadable()
        if row_number > self.limits.sheet_rows:
            raise _too_many_rows(self.limits)
        while len(self.rows) < row_number - 1:
            self.rows.append([])
        self.row_number = row_number
        self.row, self.row_filled, self.column = [], False, 0

    def _end_row(self) -> None:
        if self.row is not None:
            self.rows.append(self.row)
            if self.row_filled:
                self.filled_rows += 1
                if self.filled_rows > self.limits.rows + 1:  # the column names come on top
                    raise _too_many_rows(self.limits)
        self.row = None

    def _start_cell(self, attrs: dict) -> None:
        if self.row is None:
            raise _unreadable()
        reference = attrs.get("r")
        if reference:
            letters = reference.rstrip("0123456789")
            if not (0 < len(letters) <= 3 and letters.isascii() and letters.isupper()):
                raise _unreadable()
            self.column = _column(letters)
        else:
            self.column += 1
        self.in_cell = True
        self.cell_type = attrs.get("t", "n")
        self.cell_style = attrs.get("s")
        self.parts = {}
        self.target, self.length, self.phonetic = None, 0, 0

    def _end_cell(self) -> None:
        value = self._value({key: "".join(texts) for key, texts in self.parts.items()})
        self.parts, self.target = {}, None
        if value is None or value == "":
            return
        self.cells += 1
        if self.cells > self.limits.cells:
            raise _too_many_cells(self.limits)
        self.row_filled = True
        if self.column <= self.limits.columns:
            row = self.row
            if len(row) < self.column:
                row.extend([None] * (self.column - len(row)))
            row[self.column - 1] = value

    def _value(self, cell: dict):
        kind = self.cell_type
        if "f" in cell:
            return Formula(self.text.keep("=" + cell["f"]))
        if kind == "inlineStr":
            return self.text.keep(cell["is"]) if "is" in cell else None
        raw = cell.get("v")
        if raw is None or raw == "":
            return None
        try:
            if kind == "s":
                return self.strings[int(raw)]
            if kind == "b":
                return bool(int(raw))
            if kind in ("str", "e"):
                return self.text.keep(raw)
            if kind == "d":
                return datetime.fromisoformat(raw)
            value = _number(raw)
        except (ValueError, IndexError):
            raise _unreadable() from None
        style = int(self.cell_style) if (self.cell_style or "").isdigit() else 0
        if style in self.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(value, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return value


# --- reading ----------------------------------------------------------------------------------


def read_first_sheet(data: bytes, limits: Limits) -> list[list]:
    """The rows of the workbook's first worksheet (row n at index n - 1), refusing it
    (``Refused``) at the first limit passed."""
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_workbook() from None
    with archive:
        infos = archive.infolist()
        if "xl/workbook.xml" not in archive.NameToInfo and not any(
            info.filename.endswith("workbook.xml") for info in infos
        ):
            raise _not_a_workbook()
        if sum(info.file_size for info in infos) > limits.unpacked_bytes:
            raise _too_large()
        budget = _Budget(limits.unpacked_bytes)
        text = _Text(limits)
        try:
            worksheet, strings_part, styles_part, epoch = _workbook(archive, budget)
            dates, durations = _date_styles(archive, styles_part, budget)
            strings = _shared_strings(archive, strings_part, budget, text)
            _count_ahead(archive, worksheet, {
                "row": (limits.sheet_rows, _too_many_rows(limits)),
                "c": (limits.cell_elements, _too_many_cell_elements(limits)),
            })  # fmt: skip
            sheet = _Sheet(limits, strings, dates, durations, epoch, text)
            _stream(archive, worksheet, _parser(sheet.start, sheet.end, sheet.characters), budget)
        except Refused:
            raise
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, KeyError,
                NotImplementedError, RuntimeError, ValueError):  # fmt: skip
            raise _unreadable() from None
    return sheet.rows
