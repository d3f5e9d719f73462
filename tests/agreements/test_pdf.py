"""The agreement as a PDF in the official Thai form: structure read back with pdftotext, the
draft mark until signed, stored versions served again while unchanged, English and bilingual
versions, typed text printed as text, and the representative's download."""

from __future__ import annotations

import subprocess
from pathlib import Path

import sqlalchemy as sa

from registry.agreements import services
from registry.agreements.models import Agreement, AgreementStatus
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.i18n import be_year
from tests.documents.conftest import comparable

S = AgreementStatus


def pdf_text(data: bytes) -> str:
    """The text of a PDF, as pdftotext reads it (reading order, no layout)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def pages(data: bytes) -> list[str]:
    """The text of each page."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return [" ".join(page.split()) for page in result.stdout.decode("utf-8").split("\f")[:-1]]


def _versions(app, agreement_id: int) -> list[int]:
    with app.app_context():
        return db.session.scalars(
            sa.select(DocumentVersion.version).where(
                DocumentVersion.record_type == "agreements",
                DocumentVersion.record_id == agreement_id,
            )
        ).all()


def _same(text: str, expected: str) -> bool:
    """Whether the expected words appear, ignoring spacing and how sara am was extracted."""
    return comparable(expected) in comparable(text)


def test_a_draft_prints_in_the_official_thai_form_and_is_stored_once(
    app, client, sign_in, make_agreement, get_agreement
):
    agreement_id = make_agreement(
        title_th="ความร่วมมือด้านนวัตกรรม <img src='http://example.com/x.png'>",
        effective_from=None,
        effective_until=None,
    )
    sign_in("staff")  # reads Thai
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        first = response.data
    text = pdf_text(first)
    agreement = get_agreement(agreement_id)
    for expected in (
        "บันทึกข้อตกลงความร่วมมือ",
        "เรื่อง ความร่วมมือด้านนวัตกรรม <img src='http://example.com/x.png'>",
        "ระหว่าง",
        "กับ",
        "บันทึกข้อตกลงความร่วมมือฉบับนี้ทำขึ้น ณ",
        "ซึ่งต่อไปในบันทึกข้อตกลงนี้เรียกว่า “สพร.” ฝ่ายหนึ่ง",
        "“สมาคม” อีกฝ่ายหนึ่ง",
        "วัตถุประสงค์",
        "ขอบเขตความร่วมมือ",
        "ข้อ 1 ร่วมกันพัฒนาบริการ",
        "1.1 แลกเปลี่ยนข้อมูล",
        "1.2 จัดกิจกรรมร่วมกัน",
        "ข้อ 2 ส่งเสริมผู้ประกอบการ",
        "ข้อ 3 หน้าที่ความรับผิดชอบ",
        "3.1 “สพร.” มีหน้าที่ ดังนี้",
        "ทำขึ้นเป็น 2 ฉบับ มีข้อความถูกต้องตรงกัน",
        "ลงลายมือชื่อพร้อมประทับตรา (ถ้ามี) ไว้เป็นสำคัญต่อหน้าพยาน",
        "(ลงชื่อ)",
        "(นายทดสอบ ลงนาม1)",
        "พยาน",
        "แจ้งเป็นหนังสือให้อีกฝ่ายหนึ่งทราบล่วงหน้าไม่น้อยกว่า 30 วัน",
        "ข้อมูลส่วนบุคคล พ.ศ. 2562",
        "ให้แต่ละฝ่ายรับผิดชอบค่าใช้จ่ายของตนเอง",
    ):
        assert _same(text, expected), expected
    # The reference number on every page; the draft mark until signed.
    for page in pages(first):
        assert agreement.reference in page
    assert not _same(text, "ฉบับสมบูรณ์")  # "final" is printed only once signed
    # Unchanged: the same stored file, no new version.
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert response.data == first
    assert _versions(app, agreement_id) == [1]
    # Changed: a new version.
    with app.app_context():
        record = db.session.get(Agreement, agreement_id)
        content = services.content_of(record) | {"notice_days": 45}
        services.update_agreement(record, content, actor=None, lock_version=record.lock_version)
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert _same(pdf_text(response.data), "ไม่น้อยกว่า 45 วัน")
    assert sorted(_versions(app, agreement_id)) == [1, 2]


def test_a_signed_agreement_prints_its_dates_in_the_buddhist_era_without_the_draft_mark(
    app, client, sign_in_en, make_agreement
):
    from datetime import date

    agreement_id = make_agreement(
        S.SIGNED,
        signed_on=date(2025, 8, 17),
        effective_from=date(2025, 8, 17),
        effective_until=date(2028, 8, 16),
        language="both",
    )
    sign_in_en("staff")
    with client.get(f"/agreements/{agreement_id}/pdf?variant=bilingual") as response:
        assert response.status_code == 200
        text = pdf_text(response.data)
    assert _same(text, "เมื่อวันที่ 17 สิงหาคม พ.ศ. 2568")
    assert _same(text, "มีผลใช้บังคับตั้งแต่วันที่ 17 สิงหาคม พ.ศ. 2568 ถึงวันที่ 16 สิงหาคม พ.ศ. 2571")
    assert "Memorandum of Understanding" in text
    assert "on 17 August 2025 between" in text
    assert "Clause 1 Develop services together" in text
    assert "1.1 Share information" in text
    assert "“DGA” shall" in text
    assert _same(text, "ฉบับสมบูรณ์") and "DRAFT" not in text
    with client.get(f"/agreements/{agreement_id}/pdf?variant=xx") as response:
        assert response.status_code == 404


def test_a_representative_downloads_the_pdf_of_their_own_agreement(
    client, sign_in_en, make_agreement, two_organisations
):
    agreement_id = make_agreement(S.APPROVED)
    sign_in_en("representative", organisation_id=two_organisations[1])
    with client.get(f"/agreements/mine/{agreement_id}") as response:
        assert f"/agreements/mine/{agreement_id}/pdf?variant=th" in response.get_data(as_text=True)
    with client.get(f"/agreements/mine/{agreement_id}/pdf?variant=th") as response:
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF-")
    with client.get(f"/agreements/mine/{agreement_id}/pdf?variant=pdfa-th") as response:
        assert response.status_code == 404


def test_the_verification_page_says_what_the_document_is(app, client, sign_in_en, make_agreement):
    agreement_id = make_agreement(S.APPROVED, title_th="บันทึกเพื่อทดสอบการตรวจสอบ")
    sign_in_en("staff")
    client.get(f"/agreements/{agreement_id}/pdf").close()
    with app.app_context():
        token = db.session.scalar(
            sa.select(DocumentVersion.public_token).where(
                DocumentVersion.record_type == "agreements",
                DocumentVersion.record_id == agreement_id,
            )
        )
    with client.get(f"/verify/{token}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Memorandum of Understanding" in html
    assert "Draft, not signed" in html
    assert str(be_year(services.today().year)) in html or "MOU-" in html


def test_an_unchanged_agreement_is_served_from_storage_without_reading_it_again(
    app, client, sign_in, make_agreement, statements
):
    """Asked again while nothing was written, the stored PDF is found without reading the
    agreement's parties, clauses and witnesses; a stored file found damaged is produced
    again, not refused."""
    agreement_id = make_agreement()
    url = f"/agreements/{agreement_id}/pdf?variant=th"
    sign_in("staff")
    with client.get(url) as response:
        first = response.data  # rendered and stored
    sent = []
    for _request in range(3):
        with statements() as seen, client.get(url) as response:
            assert response.status_code == 200 and response.data == first
        sent.append(len(seen))
    # Only who asks, the version of the data, the agreement and its printing: the version
    # produced by the first request is remembered past that request's own write; after it,
    # once, the signed-in account is read again and one statement sees that nothing but a
    # printing was written.
    assert sent[0] - 2 == sent[1] == sent[2] <= 5
    assert _versions(app, agreement_id) == [1]
    with app.app_context():
        version = db.session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.record_id == agreement_id)
        ).one()
        (Path(app.config["STORAGE_DIR"]) / version.storage_path).write_bytes(b"%PDF-damaged")
    with client.get(url) as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
        assert _same(pdf_text(response.data), "บันทึกข้อตกลงความร่วมมือ")
        produced_again = response.data
    assert sorted(_versions(app, agreement_id)) == [1, 2]
    # The version produced again is the one remembered from then on: after the same one
    # request that sees the printing, nothing is read but what an unchanged document needs.
    again = []
    for _request in range(3):
        with statements() as seen, client.get(url) as response:
            assert response.data == produced_again
        again.append(len(seen))
    assert again[0] - 2 == again[1] == again[2] == sent[1]
    assert sorted(_versions(app, agreement_id)) == [1, 2]


def test_printing_other_documents_leaves_this_ones_printing_remembered_but_an_edit_does_not(
    app, client, sign_in, make_agreement, statements
):
    """Printing is a write, yet not one that changes another agreement: after other drafts
    were printed this one is found without reading it again. An edit between printings
    still gives a new version with the change."""
    this, other, third = make_agreement(), make_agreement(), make_agreement()
    sign_in("staff")
    url = f"/agreements/{this}/pdf?variant=th"
    client.get(url).close()
    client.get(f"/agreements/{other}/pdf?variant=th").close()
    with statements() as seen, client.get(url) as response:
        assert response.status_code == 200
    assert not [sql for sql in seen if "agreement_parties" in sql or "agreement_clauses" in sql]
    assert _versions(app, this) == [1]

    client.get(f"/agreements/{third}/pdf?variant=th").close()
    with app.app_context():
        record = db.session.get(Agreement, this)
        content = services.content_of(record) | {"notice_days": 46}
        services.update_agreement(record, content, actor=None, lock_version=record.lock_version)
    client.get(f"/agreements/{other}/pdf?variant=th").close()  # a printing after the edit
    with client.get(url) as response:
        assert _same(pdf_text(response.data), "ไม่น้อยกว่า 46 วัน")
    assert sorted(_versions(app, this)) == [1, 2]
