"""Export of the organisation list's current result as CSV and XLSX: every page, the same
filters and order, Thai intact, formulas neutralised, logged, staff only."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.db import db
from registry.i18n import BANGKOK
from registry.organisations.models import OrganisationKind, OrganisationStatus
from registry.organisations.views import PER_PAGE

HEADER_TH = [
    "ชื่อย่อ",
    "ชื่อภาษาไทย",
    "ชื่อภาษาอังกฤษ",
    "ประเภท",
    "สถานะ",
    "เลขทะเบียน",
    "จังหวัด",
    "เว็บไซต์",
    "อีเมล",
    "โทรศัพท์",
    "จำนวนผู้ติดต่อปัจจุบัน",
    "แก้ไขล่าสุด",
]


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


@pytest.fixture
def aiat(make_organisation, make_contact):
    """AIAT with two current contacts, one who has left and one erased."""
    organisation = make_organisation(
        "สมาคมปัญญาประดิษฐ์ประเทศไทย",
        name_en="Artificial Intelligence Association of Thailand",
        acronym="AIAT",
        status=OrganisationStatus.ACTIVE,
        registration_number="กท.1234/2560",
        province="10",
        website="https://www.aiat.or.th",
        email="info@aiat.example",
        phone="02 123 4567",
        updated_at=datetime(2026, 1, 1, 17, 30),  # UTC: 00.30 on 2 January in Bangkok
    )
    make_contact(organisation, first_name="สมชาย")
    make_contact(organisation, first_name="สมหญิง")
    make_contact(organisation, first_name="ลาออก", active=False)
    make_contact(organisation, first_name="—", erased_at=datetime(2026, 1, 1))
    return organisation


def _csv(client, **params) -> list[list[str]]:
    with client.get("/organisations/export.csv", query_string=params) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        data = response.get_data()
    assert data.startswith("\ufeff".encode())  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx(client, **params):
    with client.get("/organisations/export.xlsx", query_string=params) as response:
        assert response.status_code == 200
        assert response.mimetype == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def test_the_csv_holds_the_organisation_in_thai(staff_client, aiat):
    rows = _csv(staff_client, q="AIAT")
    assert rows[0] == HEADER_TH
    assert rows[1:] == [
        [
            "AIAT",
            "สมาคมปัญญาประดิษฐ์ประเทศไทย",
            "Artificial Intelligence Association of Thailand",
            "สมาคม",
            "ภาคีที่ร่วมมืออยู่",
            "กท.1234/2560",
            "กรุงเทพมหานคร",
            "https://www.aiat.or.th",
            "info@aiat.example",
            "02 123 4567",
            "2",  # current contacts: not the one who left, not the erased one
            "2026-01-02 00:30",  # Bangkok time, ISO 8601
        ]
    ]


def test_the_xlsx_holds_the_same_with_typed_cells(staff_client, aiat):
    sheet = _xlsx(staff_client, q="AIAT")
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER_TH
    assert rows[1][:3] == (
        "AIAT",
        "สมาคมปัญญาประดิษฐ์ประเทศไทย",
        "Artificial Intelligence Association of Thailand",
    )
    assert rows[1][10] == 2
    assert rows[1][11] == datetime(2026, 1, 2, 0, 30)
    assert len(rows) == 2
    assert sheet.title == "องค์กร"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"]
    assert all(6 <= width <= 60 for width in widths)
    assert widths[1] > widths[0]  # the Thai name is wider than the acronym


def test_the_file_is_named_by_the_buddhist_era_date(staff_client, aiat):
    today = datetime.now(BANGKOK).date()
    for extension in ("csv", "xlsx"):
        with staff_client.get(f"/organisations/export.{extension}") as response:
            disposition = response.headers["Content-Disposition"]
            assert response.headers["Cache-Control"] == "no-store"
        name = re.search(r'filename="([^"]+)"', disposition).group(1)
        assert name == f"organisations-{today.year + 543}-{today:%m-%d}.{extension}"


def test_the_export_has_every_page_in_the_lists_order(staff_client, make_organisation):
    made = [make_organisation(f"สมาคมส่งออก {n:02d}") for n in range(PER_PAGE + 5)]
    rows = _csv(staff_client, q="ส่งออก", page="2")  # the page shown does not matter
    assert [row[1] for row in rows[1:]] == [f"สมาคมส่งออก {n:02d}" for n in range(len(made))]
    by_change = _csv(staff_client, q="ส่งออก", sort="changed")
    assert [row[1] for row in by_change[1:]] == [
        f"สมาคมส่งออก {n:02d}" for n in reversed(range(len(made)))
    ]


def test_the_export_keeps_the_filters(staff_client, aiat, make_organisation):
    make_organisation(
        "มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
        kind=OrganisationKind.UNIVERSITY,
        province="20",
        status=OrganisationStatus.ACTIVE,
    )
    make_organisation("สมาคมที่เลิกแล้วส่งออก", status=OrganisationStatus.INACTIVE)

    def names(**params) -> set[str]:
        return {row[1] for row in _csv(staff_client, **params)[1:]}

    assert names(kind="university") >= {"มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา"}
    assert "สมาคมปัญญาประดิษฐ์ประเทศไทย" not in names(kind="university")
    assert names(province="20", q="ศรีราชา") == {"มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา"}
    assert names(q="สมชาย") >= {"สมาคมปัญญาประดิษฐ์ประเทศไทย"}  # found by a person's name
    assert "สมาคมที่เลิกแล้วส่งออก" not in names(q="เลิกแล้วส่งออก")
    assert names(q="เลิกแล้วส่งออก", status="inactive") == {"สมาคมที่เลิกแล้วส่งออก"}
    assert _csv(staff_client, q="ไม่มีองค์กรนี้เลย") == [HEADER_TH]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name_th", '=HYPERLINK("http://evil.example","คลิก")'),
        ("name_en", "+1+cmd|' /C calc'!A0"),
        ("acronym", "-2+3"),
        ("phone", "@SUM(A1)"),
        ("email", "\t=1+1"),
        ("website", "\r=1+1"),
    ],
)
def test_formulas_are_neutralised(staff_client, make_organisation, field, value):
    fields = {"name_th": "สมาคมสูตรอันตราย", field: value}
    make_organisation(fields.pop("name_th"), **fields)
    column = {"name_th": 1, "name_en": 2, "acronym": 0, "phone": 9, "email": 8, "website": 7}[field]
    rows = _csv(staff_client, q="=" if field == "name_th" else "สูตรอันตราย", status="all")
    assert rows[1][column] == "'" + value  # a spreadsheet shows it as text
    sheet = _xlsx(staff_client, q="=" if field == "name_th" else "สูตรอันตราย", status="all")
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.value == value.replace("\r", "\n")  # a cell's line break is LF, whoever wrote it
    assert cell.data_type == "s"  # stored as text, not as a formula
    assert cell.quotePrefix


def test_english_readers_get_english_headers_and_labels(staff_client, aiat):
    staff_client.post("/language", data={"locale": "en"}).close()
    rows = _csv(staff_client, q="AIAT")
    assert rows[0][:4] == ["Acronym", "Name in Thai", "Name in English", "Kind"]
    assert rows[1][3:5] == ["Association", "Active partner"]
    assert rows[1][6] == "Bangkok"
    assert rows[1][1] == "สมาคมปัญญาประดิษฐ์ประเทศไทย"  # the data itself is as held


def test_an_export_is_logged_with_its_filters(app, staff_client, aiat):
    _csv(staff_client, q="AIAT", kind="association")
    _xlsx(staff_client)
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "exported").order_by(AuditEvent.id)
        ).all()
        assert [(e.record_type, e.record_id) for e in events] == [("organisations", None)] * 2
        assert events[0].record_label.startswith("CSV, 1 rows;")
        assert "q=AIAT" in events[0].record_label and "kind=association" in events[0].record_label
        assert events[1].record_label.startswith("XLSX,")
        assert events[0].actor_label.startswith("staff")


@pytest.mark.parametrize("role", ["representative", "secretary", None])
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_only_staff_may_export(app, client, sign_in, aiat, role, extension):
    if role:
        sign_in(role)
    with client.get(f"/organisations/export.{extension}") as response:
        assert response.status_code == (403 if role else 302)
        assert b"AIAT" not in response.data
        assert "attachment" not in response.headers.get("Content-Disposition", "")
    with app.app_context():
        logged = db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "exported")
        )
        assert logged == 0


def test_the_list_offers_the_export_of_its_current_result(staff_client, aiat):
    body = staff_client.get("/organisations/?q=AIAT&kind=association&page=1&junk=1").get_data(True)
    links = re.findall(r'href="(/organisations/export\.(?:csv|xlsx)[^"]*)"', body)
    assert len(links) == 2
    for link in links:
        assert "q=AIAT" in link and "kind=association" in link
        assert "page=" not in link and "junk" not in link
    empty = staff_client.get("/organisations/?q=ไม่มีองค์กรนี้เลย").get_data(True)
    assert "/organisations/export." not in empty


def test_an_export_of_many_rows_is_one_statement_for_the_rows(
    app, staff_client, make_organisation, make_contact
):
    for n in range(12):
        make_contact(make_organisation(f"สมาคมนับคำสั่ง {n:02d}"))
    seen = []

    def record(*_args):
        seen.append(1)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        few = _csv(staff_client, q="นับคำสั่ง 0")
        before = len(seen)
        many = _csv(staff_client, q="นับคำสั่ง")
        after = len(seen) - before
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert len(few) == 11 and len(many) == 13
    assert after == before


def test_dates_are_bangkok_time_even_across_midnight(staff_client, make_organisation):
    utc = datetime(2026, 11, 20, 17, 0) + timedelta(minutes=1)
    make_organisation("สมาคมเที่ยงคืน", updated_at=utc)
    assert _csv(staff_client, q="เที่ยงคืน")[1][11] == "2026-11-21 00:01"
