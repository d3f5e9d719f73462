"""The spreadsheet writer: CSV with a BOM for Excel, XLSX with typed cells, no formula runs."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from registry import tabular
from registry.tabular import Column

COLUMNS = [
    Column("ชื่อ", lambda row: row[0]),
    Column("จำนวน", lambda row: row[1]),
    Column("เมื่อ", lambda row: row[2]),
]
ROWS = [
    ("สมาคมไทยไอโอที", 3, datetime(2026, 11, 21, 9, 5)),
    ("=1+2", -4, date(2026, 1, 2)),
    (None, 1.5, None),
    ("กขค\x00\x07\x1bง", True, None),
]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+66 2 123 4567", "'+66 2 123 4567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("สมาคม=ไทย", "สมาคม=ไทย"),  # only the first character matters
        (" =1", " =1"),
        ("", ""),
        ("a\x00b\x1fc", "abc"),  # control characters go
        ("บรรทัด\nใหม่", "บรรทัด\nใหม่"),
    ],
)
def test_neutralise(text, written):
    assert tabular.neutralise(text) == written


def test_csv_is_utf8_with_a_bom_and_crlf_lines():
    data = tabular.to_csv(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == len(ROWS) + 1
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [
        ["ชื่อ", "จำนวน", "เมื่อ"],
        ["สมาคมไทยไอโอที", "3", "2026-11-21 09:05"],
        ["'=1+2", "-4", "2026-01-02"],  # numbers are not text: a negative number stays one
        ["", "1.5", ""],
        ["กขคง", "1", ""],
    ]


def test_csv_header_is_neutralised_too():
    data = tabular.to_csv([Column("=evil", lambda row: row)], [])
    assert data.decode("utf-8-sig") == "'=evil\r\n"


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_types_cells_and_keeps_formulas_as_text():
    sheet = _sheet(tabular.to_xlsx(COLUMNS, ROWS, "องค์กร"))
    assert sheet.title == "องค์กร"
    assert [c.value for c in sheet[1]] == ["ชื่อ", "จำนวน", "เมื่อ"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C5"
    assert sheet["A2"].value == "สมาคมไทยไอโอที"
    assert sheet["B2"].value == 3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == datetime(2026, 11, 21, 9, 5)
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    formula = sheet["A3"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+2", "s", True)
    assert sheet["B3"].value == -4
    assert sheet["C3"].value == datetime(2026, 1, 2) and sheet["C3"].number_format == "yyyy-mm-dd"
    assert sheet["A4"].value is None and sheet["B4"].value == 1.5
    assert sheet["A5"].value == "กขคง"  # control characters would make the file unreadable
    assert not sheet["A2"].quotePrefix


def test_xlsx_cells_hold_line_breaks_as_lf_whatever_the_xml_writer():
    rows = [("ข้อ 1\r\nข้อ 2\rข้อ 3", 1, None), ("\r=1+1", 2, None)]
    data = tabular.to_xlsx(COLUMNS, rows, "องค์กร")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"&#13;" not in archive.read("xl/worksheets/sheet1.xml")  # no stray CR kept
    sheet = _sheet(data)
    assert sheet["A2"].value == "ข้อ 1\nข้อ 2\nข้อ 3"
    assert (sheet["A3"].value, sheet["A3"].quotePrefix) == ("\n=1+1", True)  # still text


def test_xlsx_column_widths_fit_the_text_within_bounds():
    columns = [
        Column("ก", lambda row: row[0]),
        Column("ข", lambda row: row[1]),
        Column("ค", lambda row: row[2], width=12),
    ]
    rows = [("สมาคมปัญญาประดิษฐ์ประเทศไทย", "x" * 500, "")]
    sheet = _sheet(tabular.to_xlsx(columns, rows, "t"))
    # 27 code points, 3 of them marks above a letter (ั ิ ์) that take no width; 2 of margin
    assert sheet.column_dimensions["A"].width == 24 + 2
    assert sheet.column_dimensions["B"].width == tabular.MAX_WIDTH
    assert sheet.column_dimensions["C"].width == 12


def test_display_width_ignores_thai_marks():
    assert tabular.display_width("ปัญญาประดิษฐ์") == 10
    assert tabular.display_width("abc\nabcdef") == 6
    assert tabular.display_width("") == 0


@pytest.mark.parametrize(
    ("title", "written"),
    [("องค์กร", "องค์กร"), ("a/b:c*d?[e]", "a b c d  e"), ("x" * 40, "x" * 31), ("//", "Sheet")],
)
def test_sheet_titles_are_ones_excel_accepts(title, written):
    assert _sheet(tabular.to_xlsx(COLUMNS, [], title)).title == written


def test_write_picks_the_format_and_refuses_others():
    assert tabular.write("csv", COLUMNS, ROWS, "t").startswith(b"\xef\xbb\xbf")
    assert tabular.write("xlsx", COLUMNS, ROWS, "t").startswith(b"PK")  # a zip
    with pytest.raises(ValueError, match="unknown table format"):
        tabular.write("xls", COLUMNS, ROWS, "t")


def test_download_is_an_uncached_attachment():
    response = tabular.download(b"data", "xlsx", "organisations-2569-11-21.xlsx")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="organisations-2569-11-21.xlsx"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == tabular.MEDIA_TYPES["xlsx"]
    assert response.get_data() == b"data"
