"""The MOU draft as an editable Word file and the partner's reviewed drafts: the .docx read
back with python-docx (Sarabun 16 pt for every script, Thai language tags, the clause texts
and numbering of the PDF), reviewed drafts filed, listed and served to those who may see the
agreement; anything but a Word file refused with nothing stored. (The agreement tests read
messages in English: tests/agreements/conftest.py.)"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.agreements import printing, reviews, word
from registry.agreements.models import Agreement, AgreementStatus
from registry.agreements.reviews import AgreementReview
from registry.db import db
from registry.documents.services import file_path
from tests.conftest import audit_actions

DOCX = word.MIMETYPE


def plain(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def download(client, agreement_id: int, lang: str = "th") -> bytes:
    response = client.get(f"/agreements/{agreement_id}/draft.docx?lang={lang}")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == DOCX
    assert ".docx" in response.headers["Content-Disposition"]
    return response.data


def numbered_lines(document) -> list[str]:
    """The paragraphs that carry a clause number: "ข้อ n ...", "n.m ..." (or "Clause n")."""
    pattern = re.compile(r"^(ข้อ \d+|Clause \d+|\d+\.\d+ )")
    return [p.text for p in document.paragraphs if pattern.match(p.text)]


def test_the_word_draft_is_sarabun_16_pt_for_thai_and_latin(client, sign_in, make_agreement):
    agreement_id = make_agreement()
    sign_in("staff")
    document = Document(io.BytesIO(download(client, agreement_id)))

    normal = document.styles["Normal"]
    assert normal.font.name == "Sarabun" and normal.font.size.pt == 16
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(qn(attribute)) == "Sarabun", attribute
    assert normal.element.rPr.find(qn("w:szCs")).get(qn("w:val")) == "32"
    language = normal.element.rPr.find(qn("w:lang"))
    assert language.get(qn("w:val")) == "th-TH" and language.get(qn("w:bidi")) == "th-TH"
    section = document.sections[0]
    assert round(section.left_margin.cm, 1) == 3.0 and round(section.right_margin.cm, 1) == 2.0
    # every run names Sarabun for complex scripts (Word lays Thai out with w:cs)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run_fonts = run._element.rPr.find(qn("w:rFonts"))
            assert run_fonts.get(qn("w:cs")) == "Sarabun"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["วัตถุประสงค์", "ขอบเขตความร่วมมือ"]
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "บันทึกข้อตกลงความร่วมมือ"


def test_the_word_draft_has_the_clauses_and_numbering_of_the_pdf(
    app, client, sign_in, make_agreement
):
    agreement_id = make_agreement()
    sign_in("staff")
    document = Document(io.BytesIO(download(client, agreement_id)))
    lines = numbered_lines(document)
    assert lines[:4] == [
        "ข้อ 1 ร่วมกันพัฒนาบริการ",
        "1.1 แลกเปลี่ยนข้อมูล",
        "1.2 จัดกิจกรรมร่วมกัน",
        "ข้อ 2 ส่งเสริมผู้ประกอบการ",
    ]
    assert any(line.startswith("ข้อ 3 ") for line in lines)  # responsibilities follow

    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        version = printing.publish(agreement, "th", None)
        text = plain(pdf_text(file_path(version).read_bytes()))
    position = 0
    for line in lines:
        found = text.find(plain(line)[:30], position)
        assert found >= 0, f"not in the PDF, or not in its order: {line!r}"
        position = found
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            assert plain(paragraph.text) in text


def test_an_english_agreement_is_drafted_in_english(client, sign_in, make_agreement):
    agreement_id = make_agreement(language="both")
    sign_in("staff")
    english = Document(io.BytesIO(download(client, agreement_id, "en")))
    assert english.paragraphs[0].text == "Memorandum of Understanding"
    assert numbered_lines(english)[0] == "Clause 1 Develop services together"
    both = Document(io.BytesIO(download(client, agreement_id, "bilingual")))
    texts = [p.text for p in both.paragraphs]
    assert "บันทึกข้อตกลงความร่วมมือ" in texts and "Memorandum of Understanding" in texts
    assert client.get(f"/agreements/{agreement_id}/draft.docx?lang=fr").status_code == 404


# --- reviewed drafts -------------------------------------------------------------------------


def upload(client, agreement_id: int, data: bytes, name: str = "ร่างที่ตรวจแก้.docx"):
    """Send the upload form as a browser does (the body built in memory)."""
    token = _token(client, agreement_id)
    boundary, body = encode_multipart(
        {
            "submission": token,
            "file": FileStorage(io.BytesIO(data), filename=name, content_type=DOCX),
        }
    )
    return client.post(
        f"/agreements/{agreement_id}/reviews/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _token(client, agreement_id: int) -> str:
    from tests.conftest import form_token

    return form_token(client, f"/agreements/{agreement_id}/reviews/new")


def stored_reviews(app, agreement_id: int) -> list[AgreementReview]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(AgreementReview).where(AgreementReview.agreement_id == agreement_id)
        ).all()
        db.session.expunge_all()
        return list(found)


@pytest.fixture
def review_files(app):
    """The reviewed drafts stored since the test began."""
    folder = Path(app.config["STORAGE_DIR"]) / reviews.FOLDER

    def files() -> set[Path]:
        return set(folder.glob("*")) if folder.is_dir() else set()

    before = files()
    return lambda: sorted(files() - before)


def test_a_reviewed_draft_is_filed_listed_and_served_as_it_came(
    app, client, sign_in, make_agreement, review_files
):
    agreement_id = make_agreement()
    sign_in("staff")
    marked_up = download(client, agreement_id)  # the partner's file: a real .docx
    response = upload(client, agreement_id, marked_up)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    [review] = stored_reviews(app, agreement_id)
    assert review.filename == "ร่างที่ตรวจแก้.docx" and review.size == len(marked_up)
    assert len(review_files()) == 1
    assert audit_actions(app, "agreement_reviews", review.id) == ["filed reviewed draft"]

    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "ร่างที่ตรวจแก้.docx" in page
    with client.get(f"/agreements/{agreement_id}/reviews/{review.id}") as served:
        assert served.status_code == 200 and served.data == marked_up


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose the Word file (.docx)"),
        (b"%PDF-1.7\n%%EOF\n", "not a Word document"),
        (_zip({"hello.txt": b"hi"}), "not a Word document"),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}), "not a Word document"),
        (b"PK\x03\x04" + b"\0" * 100, "not a Word document"),
        (b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ],
    ids=["empty", "pdf", "zip", "spreadsheet", "broken-zip", "too-large"],
)
def test_anything_but_a_word_file_is_refused_and_nothing_is_stored(
    app, client, sign_in, make_agreement, review_files, data, message
):
    agreement_id = make_agreement()
    sign_in("staff")
    response = upload(client, agreement_id, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_reviews(app, agreement_id) == []
    assert review_files() == []


def test_a_signed_agreement_takes_no_reviewed_draft(app, client, sign_in, make_agreement):
    agreement_id = make_agreement(AgreementStatus.SIGNED)
    sign_in("staff")
    response = upload(client, agreement_id, download(client, agreement_id))
    assert response.status_code == 422
    assert "is signed" in response.get_data(as_text=True)
    assert stored_reviews(app, agreement_id) == []


def test_only_those_who_see_the_agreement_get_its_reviewed_drafts(
    app, client, sign_in, make_agreement, make_organisation, two_organisations
):
    agreement_id = make_agreement(AgreementStatus.APPROVED)
    sign_in("staff")
    assert upload(client, agreement_id, download(client, agreement_id)).status_code == 302
    [review] = stored_reviews(app, agreement_id)
    client.post("/sign-out")

    sign_in("representative", organisation_id=make_organisation())
    assert client.get(f"/agreements/mine/{agreement_id}/reviews/{review.id}").status_code == 404
    assert client.get(f"/agreements/{agreement_id}/reviews/{review.id}").status_code in (403, 404)
    assert client.get(f"/agreements/{agreement_id}/draft.docx").status_code in (403, 404)
    client.post("/sign-out")

    _own, partner = two_organisations
    sign_in("representative", organisation_id=partner)
    with client.get(f"/agreements/mine/{agreement_id}/reviews/{review.id}") as served:
        assert served.status_code == 200 and served.data.startswith(b"PK")
    assert "ร่างที่ตรวจแก้.docx" in client.get(f"/agreements/mine/{agreement_id}").get_data(
        as_text=True
    )
