"""An XLSX file is read within limits: refused at the first one passed (the zip's declared
sizes, the bytes really unpacked, shared strings, rows, cells, the text kept), quickly and
with its memory bounded, while a normal workbook still reads as openpyxl reads it."""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.db import db
from registry.organisations import imports, spreadsheet
from registry.organisations.models import Organisation
from tests.conftest import run_in_fresh_interpreter
from tests.organisations.test_import import (
    GOOD_ROWS,
    HEADER,
    page,
    post_file,
    refusal,
    xlsx_bytes,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: The most memory a worker may take above its base to read (or refuse) any workbook.
MEMORY_BOUND = 100 * 1024 * 1024


# --- workbooks made part by part ---------------------------------------------------------------


def _parts(strings: bool) -> dict[str, str]:
    extra = (f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" '
             'Target="sharedStrings.xml"/>') if strings else ""  # fmt: skip
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlforma'
            'ts-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
            'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlfo'
            'rmats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksh'
            'eets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spread'
            'sheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>'
        ),
    }


def workbook(
    sheet: Iterable[bytes], strings: Iterable[bytes] | None = None, target=None, level: int = 6
):
    """An XLSX file whose sheet rows (and shared strings) are streamed in as chunks of XML,
    so that a part of 100 MB never sits in memory; bytes, or written to ``target``."""
    out = target or io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in _parts(strings is not None).items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for chunk in sheet:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
        if strings is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for chunk in strings:
                    part.write(chunk)
                part.write(b"</sst>")
    return out.getvalue() if target is None else target


def text_cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def rows_of(cells_per_row: Iterable[str]) -> Iterable[bytes]:
    for number, cells in enumerate(cells_per_row, start=1):
        yield f'<row r="{number}">{cells}</row>'.encode()


def read(app, data: bytes, name: str = "book.xlsx"):
    """The table read from a workbook, in English."""
    with app.test_request_context(), force_locale("en"):
        return imports.read_file(data, name)


def refused(app, data: bytes) -> str:
    with pytest.raises(imports.ImportRefused) as refusal_:
        read(app, data)
    return str(refusal_.value)


def short_strings(total: int, seed: int = 8) -> Iterable[bytes]:
    """About ``total`` bytes of short shared strings, mixed just enough that the zip holds
    them at about 75 to 1 (under the old limit of 100 to 1): 1.3 MB for 100 MB."""
    rng = random.Random(seed)
    words = [f"<si><t>{word}</t></si>".encode() for word in ("ab", "cd", "ef", "gh")]
    block = b"".join(word * 4 for word in rng.choices(words, k=17_500))
    for _ in range(total // len(block)):
        yield block


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with one part's unpacked size rewritten in both of its headers (a lie)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    out = bytearray(data)
    struct.pack_into("<I", out, local + 22, size)
    end = out.rfind(b"PK\x05\x06")
    at = struct.unpack_from("<I", out, end + 16)[0]
    while out[at : at + 4] == b"PK\x01\x02":
        length, extra, comment = struct.unpack_from("<HHH", out, at + 28)
        if out[at + 46 : at + 46 + length].decode() == name:
            struct.pack_into("<I", out, at + 24, size)
        at += 46 + length + extra + comment
    return bytes(out)


# --- each limit --------------------------------------------------------------------------------


def test_a_normal_workbook_reads_as_openpyxl_reads_it(app):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ชื่อ", 1, 2.5, True, datetime(2026, 3, 1, 9, 30), date(2020, 1, 2),
                  "=SUM(B1:C1)", None, " ไทย  เว้นวรรค "])  # fmt: skip
    sheet["B3"] = "x"
    sheet["Z5"] = 7
    sheet["D7"] = time(10, 30)
    book.create_sheet("second")["A1"] = "not read"
    out = io.BytesIO()
    book.save(out)
    with app.app_context():
        limits = spreadsheet.Limits.for_import(5000, len(out.getvalue()), 20 * 1024 * 1024)
        mine = spreadsheet.read_first_sheet(out.getvalue(), limits)
    theirs = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    expected = [[cell.value for cell in row] for row in theirs.worksheets[0].iter_rows()]
    theirs.close()

    def trimmed(rows):
        rows = [list(row) for row in rows]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        return rows

    assert trimmed(mine) == trimmed(expected)
    assert isinstance(mine[0][6], spreadsheet.Formula)


def test_inline_strings_rich_text_and_numbered_rows_read_as_the_sheet_numbers_them(app):
    rich = '<c r="B3" t="inlineStr"><is><r><t>สมาคม</t></r><r><t>ทดสอบ</t></r>' \
           '<rPh><t>phonetic</t></rPh></is></c>'  # fmt: skip
    sheet = [f'<row r="1">{text_cell("name_th")}</row>'.encode(),
             f'<row r="3"><c r="A3"><v>42</v></c>{rich}</row>'.encode()]  # fmt: skip
    table = read(app, workbook(sheet))
    assert table.headers == ["name_th"]
    assert table.rows == [(3, [42, "สมาคมทดสอบ"])]


def test_a_sheet_with_more_rows_than_the_limit_is_refused_as_it_is_read(app):
    rows = (text_cell(f"r{n}") for n in range(5000 + 2))
    message = refused(app, workbook(rows_of(rows)))
    assert "more than 5,000 rows" in message


def test_a_sheet_whose_rows_reach_far_down_is_refused(app):
    far = [f'<row r="1">{text_cell("name_th")}</row>', f'<row r="1048576">{text_cell("x")}</row>']
    assert "more than 5,000 rows" in refused(app, workbook(row.encode() for row in far))


def test_a_sheet_with_more_cells_than_the_limit_is_refused(app):
    row = "<c><v>1</v></c>" * 300  # 300 filled cells a row, 1,000 rows: 300,000 cells
    message = refused(app, workbook(rows_of(row for _ in range(1000))))
    assert "more than 250,050 filled cells" in message


def test_empty_formatted_cells_count_too(app):
    row = '<c s="0"/>' * 1100  # nothing in them, but each costs a little to read
    message = refused(app, workbook(rows_of(row for _ in range(1000))))
    assert "counting empty formatted ones" in message


def test_more_text_than_the_limit_is_refused(app):
    text = "x" * 30_000
    strings = (f"<si><t>{text}</t></si>".encode() for _ in range(300))  # 9 million characters
    sheet = [b'<row r="1"><c t="s"><v>0</v></c></row>']
    assert "characters of text" in refused(app, workbook(sheet, strings))


def test_a_cell_longer_than_excel_allows_is_refused(app):
    sheet = [f'<row r="1">{text_cell("x" * 40_000)}</row>'.encode()]
    assert "more than 32,767 characters" in refused(app, workbook(sheet))


def test_entities_are_refused(app):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')  # fmt: skip
    data = workbook([f'<row r="1">{text_cell("&lol2;")}</row>'.encode()])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = laughs.encode() + parts[name].split(b"?>", 1)[1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part, content in parts.items():
            target.writestr(part, content)
    assert "could not be read" in refused(app, out.getvalue())


def test_a_zip_of_too_many_parts_is_refused_before_it_is_opened(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in _parts(False).items():
            archive.writestr(name, text)
        for n in range(spreadsheet.MAX_PARTS + 1):
            archive.writestr(f"xl/media/{n}.bin", b"")
    assert "too large once unpacked" in refused(app, out.getvalue())


def test_a_part_that_declares_more_than_the_limit_is_refused_before_it_is_unpacked(app):
    data = workbook([b'<row r="1"><c t="s"><v>0</v></c></row>'],
                    short_strings(8 * 1024 * 1024))  # fmt: skip
    lying = declare_size(data, "xl/sharedStrings.xml", spreadsheet.MAX_UNPACKED_BYTES + 1)
    assert "too large once unpacked" in refused(app, lying)


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(app):
    data = workbook([b'<row r="1"><c t="s"><v>0</v></c></row>'],
                    short_strings(1024 * 1024))  # fmt: skip
    assert "could not be read" in refused(app, declare_size(data, "xl/sharedStrings.xml", 1000))


def _saved(app) -> tuple[set[str], int]:
    """The organisations' Thai names and the number of audit events."""
    with app.app_context():
        names = set(db.session.scalars(sa.select(Organisation.name_th)))
        return names, db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def test_a_refused_workbook_is_shown_at_the_form_and_nothing_is_saved(app, client, sign_in):
    sign_in(Role.STAFF)
    data = workbook(rows_of(text_cell(f"r{n}") for n in range(5000 + 2)))
    before = _saved(app)
    response = post_file(client, data, "many.xlsx")
    assert response.status_code == 422
    assert "5,000" in refusal(response)
    assert _saved(app) == before


def test_a_normal_workbook_still_imports(app, client, sign_in):
    sign_in(Role.STAFF)
    response = post_file(client, xlsx_bytes(GOOD_ROWS), "partners.xlsx")
    assert response.status_code == 302, page(response)[:2000]
    assert {"สมาคมปัญญาประดิษฐ์ทดสอบ", "สมาคมไอโอทีทดสอบ"} <= _saved(app)[0]


# --- memory and time, in a fresh worker --------------------------------------------------------

MEASURE = """
import json, resource, time
from pathlib import Path
from flask_babel import force_locale
from registry import create_app
from registry.organisations import imports

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

app = create_app({"TESTING": True})
results = {}
with app.test_request_context(), force_locale("en"):
    imports.read_file(Path(%(warm)r).read_bytes(), "warm.xlsx")
    base = peak()
    for name, path in %(cases)r:
        data = Path(path).read_bytes()
        started = time.perf_counter()
        try:
            outcome = "read %%d rows" %% imports.read_file(data, name + ".xlsx").data_rows
        except imports.ImportRefused as error:
            outcome = str(error)
        results[name] = {"outcome": outcome, "seconds": time.perf_counter() - started,
                         "above_base": peak() - base, "size": len(data)}
        del data
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict:
    """Each workbook read (or refused) in one fresh interpreter, as a server worker reads
    it: its outcome, its time, and the worker's peak memory above its base after it."""
    folder = tmp_path_factory.mktemp("workbooks")
    first_row = [b'<row r="1"><c t="s"><v>0</v></c></row>']
    bomb = workbook(first_row, short_strings(100 * 1024 * 1024), folder / "bomb.xlsx")
    data = bomb.read_bytes()
    (folder / "lying.xlsx").write_bytes(
        declare_size(data, "xl/sharedStrings.xml", 30 * 1024 * 1024)
    )
    header = "".join(text_cell(name) for name in HEADER)
    row = "".join(text_cell(f"ค่า{n}") for n in range(len(HEADER)))
    normal = workbook(rows_of([header] + [row] * 5000), target=folder / "normal.xlsx")
    warm = folder / "warm.xlsx"
    warm.write_bytes(xlsx_bytes(GOOD_ROWS))
    cases = [("bomb", str(bomb)), ("lying", str(folder / "lying.xlsx")),
             ("normal", str(normal))]  # fmt: skip
    script = MEASURE % {"warm": str(warm), "cases": cases}
    finished = run_in_fresh_interpreter(script, folder)
    results = json.loads(finished.stdout.strip().splitlines()[-1])
    results["bomb"]["unpacked"] = 100 * 1024 * 1024
    return results


def test_a_small_file_of_a_hundred_megabytes_of_strings_is_refused_quickly(measured):
    bomb = measured["bomb"]
    assert 1_000_000 < bomb["size"] < 2_000_000
    assert bomb["unpacked"] / bomb["size"] < 100  # under the old ratio limit
    assert "too large once unpacked" in bomb["outcome"]
    assert bomb["seconds"] < 5
    assert bomb["above_base"] < MEMORY_BOUND


def test_strings_behind_a_lying_header_are_refused_as_they_are_counted(measured):
    lying = measured["lying"]
    assert "more than 250,050 different texts" in lying["outcome"]
    assert lying["seconds"] < 15
    assert lying["above_base"] < MEMORY_BOUND


def test_a_workbook_at_the_row_limit_reads_within_the_memory_bound(measured):
    normal = measured["normal"]
    assert normal["outcome"] == "read 5000 rows"
    assert normal["above_base"] < MEMORY_BOUND
