"""Importing organisations and contacts from CSV and XLSX: every row is checked first, a file
with any problem imports nothing and is reported row by row, bad files are refused with a
reason, and a good file is written in one transaction with its audit events."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.db import db
from registry.organisations import imports, services
from registry.organisations.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PdpaBasis,
)
from tests.conftest import add_account, sign_in_client

HEADER = [
    "name_th", "name_en", "acronym", "kind", "status", "registration_number", "province",
    "email", "phone", "notes", "contact_title", "contact_first_name", "contact_last_name",
    "contact_position", "contact_email", "contact_phone", "contact_pdpa_basis",
    "contact_consent_date",
]  # fmt: skip

#: Two organisations; the second has two contacts (its second row repeats only its name).
GOOD_ROWS = [
    ["สมาคมปัญญาประดิษฐ์ทดสอบ", "Test AI Association", "TAIA", "สมาคม", "active", "1234/2566",
     "ชลบุรี", "Info@TAIA.example", "038 123 456", "", "ดร.", "สมชาย", "ใจดี", "นายกสมาคม",
     "Somchai@TAIA.example", "081 234 5678", "ความยินยอมของเจ้าของข้อมูล", "21/10/2569"],
    ["สมาคมไอโอทีทดสอบ", "Test IoT Association", "TIOT", "association", "", "", "Bangkok",
     "", "", "", "นางสาว", "สมหญิง", "รักดี", "เลขาธิการ", "somying@tiot.example", "",
     "contract", ""],
    ["สมาคมไอโอทีทดสอบ", "", "", "", "", "", "", "", "", "", "นาย", "สมศักดิ์", "มั่นคง",
     "อุปนายก", "", "02 987 6543", "legitimate_interest", ""],
]  # fmt: skip


def csv_bytes(rows, header=HEADER, bom=True, delimiter=",") -> bytes:
    """A CSV file as Excel's "CSV UTF-8" writes it (with a byte-order mark unless told)."""
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    """A workbook with the rows on its first sheet (and a decoy second sheet)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("notes").append(["not", "read"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def post_file(client, data: bytes, filename: str, check: bool = False):
    button = {"check": "Check only"} if check else {"submit": "Import"}
    return client.post(
        "/organisations/import",
        data={"file": (io.BytesIO(data), filename), **button},
        content_type="multipart/form-data",
    )


@pytest.fixture
def register(app):
    """The organisations in the register, by Thai name, with their contacts (detached)."""

    def read() -> dict[str, tuple[Organisation, list[Contact]]]:
        with app.app_context():
            organisations = db.session.scalars(sa.select(Organisation)).all()
            found = {o.name_th: (o, list(o.contacts)) for o in organisations}
            db.session.expunge_all()
            return found

    return read


@pytest.fixture
def counts(app):
    """How many organisations, contacts and audit events there are."""

    def read() -> tuple[int, int, int]:
        with app.app_context():
            return tuple(
                db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (Organisation, Contact, AuditEvent)
            )

    return read


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


def page(response) -> str:
    return response.get_data(as_text=True)


def report_rows(response) -> list[list[str]]:
    """The row-by-row report of a page, as the text of each cell (row, column, value, problem)."""
    text = page(response)
    assert 'data-testid="import-report"' in text
    body = text.split('data-testid="import-report"', 1)[1].split("</tbody>", 1)[0]
    rows = body.split("<tbody>", 1)[1].split("</tr>")[:-1]
    return [
        [
            html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
            for cell in row.split("</td>")[:-1]
        ]
        for row in rows
    ]


def in_english(client):
    client.post("/language", data={"locale": "en"})


# --- good files ----------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "without-bom"])
def test_a_good_csv_imports_organisations_and_contacts_with_thai_intact(
    app, client, staff, register, bom
):
    response = post_file(client, csv_bytes(GOOD_ROWS, bom=bom), "partners.csv")
    assert response.status_code == 302, page(response)[:2000]
    assert response.headers["Location"].startswith("/organisations/")
    found = register()
    ai, ai_contacts = found["สมาคมปัญญาประดิษฐ์ทดสอบ"]
    assert ai.kind is OrganisationKind.ASSOCIATION
    assert ai.status is OrganisationStatus.ACTIVE
    assert ai.province == "20"
    assert ai.email == "info@taia.example"
    assert ai.registration_number == "1234/2566"
    (somchai,) = ai_contacts
    assert somchai.full_name == "ดร.สมชาย ใจดี"
    assert somchai.position == "นายกสมาคม"
    assert somchai.pdpa_basis is PdpaBasis.CONSENT
    assert somchai.consent_date == date(2026, 10, 21)  # 21/10/2569 in the Buddhist Era
    iot, iot_contacts = found["สมาคมไอโอทีทดสอบ"]
    assert iot.status is OrganisationStatus.PROSPECT
    assert iot.province == "10"
    assert sorted(c.full_name for c in iot_contacts) == ["นางสาวสมหญิง รักดี", "นายสมศักดิ์ มั่นคง"]
    with client.get(response.headers["Location"]) as listing:
        assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in page(listing)
        assert "partners.csv" in page(listing)  # the flash names the file


def test_an_import_leaves_one_audit_event_per_record_and_one_for_the_file(
    app, client, staff, register
):
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv")
    assert response.status_code == 302
    found = register()
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        created = {(e.record_type, e.record_id) for e in events if e.action == "created"}
        (summary,) = [e for e in events if e.action == "imported"]
    for organisation, contacts in found.values():
        assert ("organisations", organisation.id) in created
        assert {("contacts", c.id) for c in contacts} <= created
    assert len(created - {("users", staff)}) == 5  # two organisations, three contacts
    changes = {(e.record_type, e.record_id): e.changes for e in events if e.action == "created"}
    ai, (somchai,) = found["สมาคมปัญญาประดิษฐ์ทดสอบ"]
    assert changes["organisations", ai.id]["name_th"] == [None, "สมาคมปัญญาประดิษฐ์ทดสอบ"]
    assert changes["organisations", ai.id]["status"] == [None, "active"]
    assert changes["contacts", somchai.id]["consent_date"] == [None, "2026-10-21"]
    assert changes["contacts", somchai.id]["organisation_id"] == [None, ai.id]
    assert summary.actor_id == staff
    assert summary.record_type == "imports"
    assert summary.record_label == "partners.csv"
    assert summary.changes["rows"] == [None, 3]
    assert summary.changes["organisations"] == [None, 2]
    assert summary.changes["contacts"] == [None, 3]
    assert summary.changes["source"] == [None, "web"]


def test_a_good_xlsx_imports_with_date_cells_number_cells_and_thai_headers(
    app, client, staff, register
):
    header = ["ชื่อภาษาไทย", "ประเภท", "สถานะ", "จังหวัด", "โทรศัพท์", "เลขทะเบียน", "ชื่อผู้ติดต่อ",
              "contact_pdpa_basis", "วันที่ให้ความยินยอม"]  # fmt: skip
    rows = [
        ["สหพันธ์ทดสอบ", "Federation or council", "ภาคีที่ร่วมมืออยู่", "TH-50", 21234567, 42,
         "สมใจ", "consent", datetime(2026, 3, 1)],
        ["บริษัท ทดสอบ จำกัด", "company", None, "จังหวัดเชียงราย", None, None, None, None, None],
    ]  # fmt: skip
    response = post_file(client, xlsx_bytes(rows, header), "partners.xlsx")
    assert response.status_code == 302, page(response)[:2000]
    found = register()
    federation, (person,) = found["สหพันธ์ทดสอบ"]
    assert federation.kind is OrganisationKind.FEDERATION
    assert federation.status is OrganisationStatus.ACTIVE
    assert federation.province == "50"
    assert federation.phone == "021234567"  # the leading zero Excel dropped is back
    assert federation.registration_number == "42"
    assert person.consent_date == date(2026, 3, 1)
    company, contacts = found["บริษัท ทดสอบ จำกัด"]
    assert company.kind is OrganisationKind.COMPANY and company.province == "57"
    assert contacts == []


def test_a_semicolon_separated_csv_is_read(client, staff, register):
    response = post_file(client, csv_bytes(GOOD_ROWS, delimiter=";"), "partners.csv")
    assert response.status_code == 302
    assert len(register()) == 2


def test_formula_looking_text_is_stored_as_text(app, client, staff, register):
    rows = [["สมาคมสูตร", "=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM", "association",
             "", "", "", "", "", "+cmd|' /C calc'!A0", "", "", "", "", "", "", "", ""]]  # fmt: skip
    response = post_file(client, csv_bytes(rows), "formulas.csv")
    assert response.status_code == 302, page(response)[:2000]
    workbook = openpyxl.Workbook()
    workbook.active.append(["name_th", "kind", "notes"])
    workbook.active.append(["สมาคมสูตรในสมุดงาน", "association", None])
    workbook.active["C2"].value = "=1+1"
    workbook.active["C2"].data_type = "s"  # text that looks like a formula
    out = io.BytesIO()
    workbook.save(out)
    response = post_file(client, out.getvalue(), "formulas.xlsx")
    assert response.status_code == 302, page(response)[:2000]
    found = register()
    organisation, _ = found["สมาคมสูตร"]
    assert organisation.name_en == '=HYPERLINK("http://evil.example","x")'
    assert organisation.acronym == "@SUM"
    assert organisation.notes == "+cmd|' /C calc'!A0"
    assert found["สมาคมสูตรในสมุดงาน"][0].notes == "=1+1"


def test_workbook_formulas_are_refused_at_their_cell(client, staff, counts):
    # A formula is neither evaluated nor stored as its source: the row is reported.
    rows = [["สมาคมสูตร", "association", '=A2&" (ประเทศไทย)"']]
    before = counts()
    response = post_file(client, xlsx_bytes(rows, ["name_th", "kind", "name_en"]), "f.xlsx")
    assert response.status_code == 422
    assert counts() == before
    ((row, column, value, _problem),) = report_rows(response)
    assert (row, column, value) == ("2", "C name_en", '=A2&" (ประเทศไทย)"')


def test_check_only_reports_what_would_be_imported_and_saves_nothing(client, staff, counts):
    before = counts()
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv", check=True)
    assert response.status_code == 200
    assert 'data-testid="import-checked"' in page(response)
    assert counts() == before


def test_the_templates_download_and_import_as_they_are(client, staff, counts):
    before = counts()
    for extension in ("csv", "xlsx"):
        with client.get(f"/organisations/import/template.{extension}") as response:
            assert response.status_code == 200
            assert "attachment" in response.headers["Content-Disposition"]
            data = response.data
        if extension == "csv":
            assert data.startswith(b"\xef\xbb\xbf")
            assert data.decode("utf-8-sig").splitlines()[0].startswith("ชื่อภาษาไทย,")
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            assert sheet["A1"].value == "ชื่อภาษาไทย"
        checked = post_file(client, data, f"template.{extension}", check=True)
        assert checked.status_code == 200, page(checked)[:2000]
        assert 'data-testid="import-checked"' in page(checked)
    assert counts() == before


def test_the_english_template_uses_the_column_keys(client, staff):
    in_english(client)
    with client.get("/organisations/import/template.csv") as response:
        assert response.data.decode("utf-8-sig").splitlines()[0].startswith("name_th,name_en,")


def test_the_page_explains_the_columns_and_the_list_links_to_it(client, staff):
    with client.get("/organisations/import") as response:
        assert response.status_code == 200
        text = page(response)
    for column in imports.COLUMNS:
        assert column.key in text and column.thai in text
    assert "/organisations/import/template.xlsx" in text
    with client.get("/organisations/") as listing:
        assert 'href="/organisations/import"' in page(listing)


# --- rows with problems ----------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_every_problem_of_the_row_is_reported(
    client, staff, counts
):
    bad = ["สมาคมผิดพลาด", "", "", "สมาคม", "", "", "ดาวอังคาร", "not-an-email", "123", "",
           "", "", "ไม่มีชื่อ", "", "also@bad", "", "consent", "31/02/2569"]  # fmt: skip
    before = counts()
    response = post_file(client, csv_bytes([*GOOD_ROWS, bad]), "partners.csv")
    assert response.status_code == 422
    assert counts() == before
    rows = report_rows(response)
    # Row 5 as Excel numbers it (the header is row 1), every problem of the row.
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("5", "G province", "ดาวอังคาร"),
        ("5", "H email", "not-an-email"),
        ("5", "I phone", "123"),
        ("5", "L contact_first_name", ""),
        ("5", "O contact_email", "also@bad"),
        ("5", "R contact_consent_date", "31/02/2569"),
    ]
    assert "กรุณากรอกอีเมลให้ถูกต้อง" in rows[1][3]  # the register's own message, in Thai
    assert "กรุณากรอกชื่อของบุคคล" in rows[3][3]


def test_the_report_names_rows_and_columns_as_the_file_does(app):
    rows = [["สมาคมหนึ่ง", "association", "x"], ["", "club", "y"]]
    with app.test_request_context():
        table = imports.read_file(csv_bytes(rows, ["ชื่อภาษาไทย", "kind", "email"]), "a.csv")
        report, _ = imports.check_table(table)
    where = [(p.row, p.letter, p.column, p.value) for p in report.problems]
    assert where == [
        (2, "C", "email", "x"),
        (3, "A", "ชื่อภาษาไทย", ""),
        (3, "B", "kind", "club"),
        (3, "C", "email", "y"),
    ]


def test_duplicates_of_the_register_are_reported_with_a_link(
    client, staff, make_organisation, counts
):
    by_name = make_organisation("สมาคมที่มีอยู่แล้ว")
    by_number = make_organisation(registration_number="9999/2560")
    rows = [
        ["สมาคม\u200bที่มีอยู่แล้ว ", "", "", "association", "", "", "", "", "", "", "", "", "",
         "", "", "", "", ""],
        ["สมาคมใหม่", "", "", "association", "", "9999/2560", "", "", "", "", "", "", "", "",
         "", "", "", ""],
    ]  # fmt: skip
    before = counts()
    response = post_file(client, csv_bytes(rows), "dup.csv")
    assert response.status_code == 422
    assert counts() == before
    text = page(response)
    assert f'href="/organisations/{by_name}"' in text
    assert f'href="/organisations/{by_number}"' in text


def test_duplicates_inside_the_file_are_reported(client, staff, counts):
    blank = [""] * (len(HEADER) - 4)
    rows = [
        ["สมาคมซ้ำ", "", "", "association", *blank],
        ["สมาคมซ้ำ", "", "", "association", *blank],  # repeated without a new contact
        ["สมาคมอื่น", "", "", "association", "", "1/2560", *blank[2:]],
        ["สมาคมอีกแห่ง", "", "", "association", "", "1/2560", *blank[2:]],  # same number
        ["สมาคมซ้ำ", "", "", "company", *blank],  # same name, different details
    ]
    before = counts()
    with_rows = post_file(client, csv_bytes(rows), "dup.csv")
    assert with_rows.status_code == 422
    assert counts() == before
    where = [(row[0], row[1]) for row in report_rows(with_rows)]
    # Row 3 repeats row 2 without a contact, row 5 has row 4's registration number,
    # row 6 repeats row 2 with a different kind and without a contact.
    assert where == [
        ("3", "A name_th"),
        ("5", "F registration_number"),
        ("6", "A name_th"),
        ("6", "D kind"),
    ]


def test_the_same_person_twice_for_one_organisation_is_reported(app):
    header = ["name_th", "kind", "contact_first_name", "contact_last_name", "contact_pdpa_basis"]
    rows = [
        ["สมาคมหนึ่ง", "association", "สมชาย", "ใจดี", "contract"],
        ["สมาคมหนึ่ง", "", "สมหญิง", "ใจดี", "contract"],
        ["สมาคมหนึ่ง", "สมาคม", "สมชาย", " ใจดี", "contract"],
    ]
    with app.test_request_context():
        report, groups = imports.check_table(imports.read_file(csv_bytes(rows, header), "a.csv"))
    assert [(p.row, p.key) for p in report.problems] == [(4, "contact_first_name")]
    assert report.merged_rows == 1 and len(groups) == 1


# --- files refused as a whole ----------------------------------------------------------


def refusal(response) -> str:
    text = page(response)
    assert 'data-testid="import-refused"' in text
    return text.split('data-testid="import-refused"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "blank.csv", "The file is empty."),
        (",".join(HEADER).encode() + b"\r\n", "header.csv", "no rows to import"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", "not CSV text"),
        (b"name_th,kind\nA,association\n", "old.xls", "Files of type .xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xlsx", "old-format"),
        (b"name_th,kind\nA,association\n", "text.xlsx", "not an Excel workbook"),
        (b"\xff\xfen\x00a\x00", "unicode.csv", "UTF-16"),
        ("ชื่อภาษาไทย,ประเภท\nสมาคม,สมาคม\n".encode("cp874"), "thai.csv", "TIS-620"),
        (b"name_th,kind\nok,association\nbad \xe9t\xe9,association\n", "latin.csv", "row 3"),
        (b"name_th,kind,colour,size\nA,association,red,L\n", "extra.csv", "colour"),
        (b"name_en,kind\nA,association\n", "noname.csv", "name_th"),
        (b"name_th,kind,name_th\nA,association,B\n", "twice.csv", "appears twice"),
        (b"name_th,kind,\nA,association,stray\n", "stray.csv", "column C"),
    ],
    ids=["empty", "blank", "header-only", "png", "xls-named", "ole", "text-as-xlsx", "utf16",
         "cp874", "latin1", "unknown-columns", "missing-name", "twice", "unnamed-column"],
)  # fmt: skip
def test_bad_files_are_refused_with_a_reason_and_nothing_imported(
    client, staff, counts, data, filename, reason
):
    in_english(client)
    before = counts()
    response = post_file(client, data, filename)
    assert counts() == before
    if filename.endswith((".csv", ".xlsx")):
        assert response.status_code == 422
        assert reason in refusal(response)
    else:  # the form refuses a name it does not accept, at the field
        assert response.status_code == 422
        assert "Choose a CSV or XLSX file." in page(response)


def test_unknown_columns_are_refused_when_the_table_is_checked(app):
    with app.test_request_context():
        table = imports.read_file(b"name_th,kind,colour,size\nA,association,red,L\n", "x.csv")
        with pytest.raises(imports.ImportRefused) as refused:
            imports.check_table(table)
    message = str(refused.value)
    assert "C “colour”" in message and "D “size”" in message


def test_a_zip_that_is_not_a_workbook_is_refused(client, staff, counts):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("readme.txt", "hello")
    before = counts()
    response = post_file(client, archive.getvalue(), "archive.xlsx")
    assert response.status_code == 422
    assert counts() == before
    assert "Excel" in refusal(response)


def test_a_damaged_workbook_is_refused(client, staff):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("xl/workbook.xml", "<not a workbook")
    response = post_file(client, archive.getvalue(), "damaged.xlsx")
    assert response.status_code == 422
    refusal(response)


def test_no_file_and_a_picture_are_refused_at_the_field(client, staff):
    in_english(client)
    response = client.post(
        "/organisations/import", data={"submit": "Import"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a file to import." in page(response)
    response = post_file(client, b"\x89PNG\r\n\x1a\n", "logo.png")
    assert response.status_code == 422
    assert "Choose a CSV or XLSX file." in page(response)


def test_a_file_over_the_upload_limit_is_refused(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    add_account(app, "staff@example.go.th")
    client = sign_in_client(app.test_client(), "staff@example.go.th")
    big = csv_bytes(GOOD_ROWS * 20)
    assert len(big) > 2048
    response = post_file(client, big, "big.csv")
    assert response.status_code == 413
    with app.app_context(), force_locale("en"):
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
        with pytest.raises(imports.ImportRefused, match="larger than the limit"):
            imports.read_file(big, "big.csv")


def test_a_file_with_too_many_rows_is_refused(make_app):
    app = make_app(IMPORT_MAX_ROWS=2)
    with app.test_request_context(), force_locale("en"):
        imports.read_file(csv_bytes(GOOD_ROWS[:2]), "two.csv")
        with pytest.raises(imports.ImportRefused, match="more than 2 rows"):
            imports.read_file(csv_bytes(GOOD_ROWS), "three.csv")


# --- all or nothing --------------------------------------------------------------------


@pytest.fixture
def fail_on_second_batch(monkeypatch):
    """Write one record per batch, and fail with the given error on the second batch."""

    def arm(error: Exception) -> list:
        written = []
        real = imports.writing._flush_created

        def flush(records, actor):
            if written and records:
                raise error
            real(records, actor)
            written.extend(records)

        monkeypatch.setattr(imports.writing, "WRITE_BATCH", 1)
        monkeypatch.setattr(imports.writing, "_flush_created", flush)
        return written

    return arm


def test_a_refusal_while_writing_rolls_everything_back(client, staff, counts, fail_on_second_batch):
    written = fail_on_second_batch(services.ContactError("simulated refusal"))
    before = counts()
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv")
    assert response.status_code == 422
    assert "simulated refusal" in refusal(response)
    assert isinstance(written[0], Organisation)  # the first organisation had been written ...
    assert counts() == before  # ... and is gone with the rest


def test_an_unexpected_error_while_writing_saves_nothing(app, staff, counts, fail_on_second_batch):
    written = fail_on_second_batch(RuntimeError("disk on fire"))
    before = counts()
    with app.test_request_context(), pytest.raises(RuntimeError):
        imports.import_file(csv_bytes(GOOD_ROWS), "partners.csv", None)
    assert written
    assert counts() == before


def test_a_duplicate_saved_after_the_check_is_refused_while_writing(
    client, staff, counts, make_organisation, monkeypatch
):
    # Someone registers the same organisation between the check and the write: the
    # register is looked up again inside the transaction, and nothing is saved.
    monkeypatch.setattr(imports._Checker, "_look_up_register", lambda self: None)
    existing = make_organisation("สมาคมไอโอทีทดสอบ")
    before = counts()
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv")
    assert response.status_code == 422
    assert f'href="/organisations/{existing}"' in refusal(response)
    assert counts() == before


def test_a_duplicate_only_the_database_sees_is_refused_too(
    client, staff, counts, make_organisation, monkeypatch
):
    # The last line of defence: the unique index, when the lookups miss a duplicate.
    monkeypatch.setattr(imports._Checker, "_look_up_register", lambda self: None)
    monkeypatch.setattr(imports.writing, "_refuse_what_the_register_now_holds", lambda groups: None)
    make_organisation(registration_number="1234/2566")
    in_english(client)
    before = counts()
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv")
    assert response.status_code == 422
    assert "the database refused a value" in refusal(response)
    assert counts() == before


# --- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.SECRETARY])
def test_only_staff_and_admins_may_import(client, sign_in, counts, role):
    sign_in(role)
    before = counts()
    with client.get("/organisations/import") as response:
        assert response.status_code == 403
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv")
    assert response.status_code == 403
    with client.get("/organisations/import/template.csv") as response:
        assert response.status_code == 403
    assert counts() == before


def test_anonymous_users_are_sent_to_sign_in(client, counts):
    before = counts()
    response = post_file(client, csv_bytes(GOOD_ROWS), "partners.csv")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert counts() == before


def test_admins_may_import(client, sign_in, register):
    sign_in(Role.ADMIN)
    response = post_file(client, csv_bytes(GOOD_ROWS[:1]), "one.csv")
    assert response.status_code == 302
    assert "สมาคมปัญญาประดิษฐ์ทดสอบ" in register()


# --- reading values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-21", date(2026, 11, 21)),
        ("21/11/2569", date(2026, 11, 21)),
        ("๒๑/๑๑/๒๕๖๙", date(2026, 11, 21)),
        ("1/2/2026", date(2026, 2, 1)),
        ("2569-11-21", date(2026, 11, 21)),
        ("2026-11-21 00:00:00", date(2026, 11, 21)),
        (datetime(2026, 1, 2, 0, 0), date(2026, 1, 2)),
        (date(2026, 1, 2), date(2026, 1, 2)),
    ],
)
def test_dates_are_read_in_the_common_and_the_buddhist_era(value, expected):
    assert imports.parse_date(value) == expected


@pytest.mark.parametrize("value", ["21/11/69", "31/02/2569", "tomorrow", "2026/13/01", "1/1/1500"])
def test_dates_that_are_not_dates_are_refused(value):
    with pytest.raises(ValueError):
        imports.parse_date(value)
