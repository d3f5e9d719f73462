"""Electronic signatures (PAdES) on printed documents: signing in the registry with the agency's
certificate, files signed elsewhere, and what refuses them. A throwaway CA made here
(tests/documents/ca.py); results read back with pyHanko's validator and poppler's pdfsig."""

from __future__ import annotations

import asyncio
import io
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.documents import services, signing
from registry.documents.models import DocumentVersion, SignedCopy
from registry.documents.rendering import render_pdf
from tests.documents.ca import PASSPHRASE, TestAuthority

#: A final two-party document with its signature blocks, as agreements print them.
TWO_PARTIES = """{% extends "documents/base.html" %}
{% import "documents/_signatures.html" as sig %}
{% block content %}
<h1>บันทึกข้อตกลงความร่วมมือ</h1>
{% for p in paragraphs %}<p class="indent">{{ p }}</p>{% endfor %}
<div class="signing">
{% call(party) sig.rows(parties, "parties") -%}
{{ sig.block("(ลงชื่อ) ..............................", party[0], [party[1]]) }}
{%- endcall %}
</div>
{% endblock %}
"""

PARTIES = [
    ["นายสมชาย ใจดี", "ผู้อำนวยการสำนักงานพัฒนารัฐบาลดิจิทัล"],
    ["นางสาวสมหญิง รักไทย", "นายกสมาคมปัญญาประดิษฐ์ประเทศไทย"],
]

_record_ids = iter(range(500_000, 600_000))


@pytest.fixture(scope="session")
def authority(tmp_path_factory):
    """The test CA with the agency's, a partner's and an expired certificate."""
    folder = tmp_path_factory.mktemp("ca")
    ca = TestAuthority(folder)
    ca.agency = ca.issue("สพร. ตราอิเล็กทรอนิกส์", "DGA", file_name="agency.p12")
    ca.partner = ca.issue("Somying Rakthai", "Thai AI Association", file_name="partner.p12")
    ca.expired = ca.issue("Old Seal", "DGA", days_valid=(-400, -5), file_name="expired.p12")
    ca.stranger = TestAuthority(tmp_path_factory.mktemp("other-ca"))
    ca.untrusted = ca.stranger.issue("Mallory", "Nobody")
    return ca


@pytest.fixture
def configured(app, authority, monkeypatch):
    """The app signs with the agency's PKCS#12 file and trusts the test root."""
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(authority.agency.pkcs12_path))
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSPHRASE", PASSPHRASE)
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", str(authority.root_pem))
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", "")
    return authority


@pytest.fixture
def printed(app, db_session):
    """Publish a final two-party printing; returns a function giving (version id, record id)."""

    def do(final: bool = True, record_id: int | None = None, words: str = "") -> tuple[int, int]:
        record_id = record_id or next(_record_ids)
        template = app.jinja_env.from_string(TWO_PARTIES)
        context = {"paragraphs": [f"ข้อ {i} ความร่วมมือ {words}" for i in range(3)],
                   "parties": PARTIES}
        with app.test_request_context():
            version = services.publish(
                "samples",
                record_id,
                variant="th",
                content={"words": words, "parties": PARTIES},
                render=lambda stamp: render_pdf(template, context, stamp=stamp),
                actor=None,
                reference="MOU-2569/001",
                final=final,
            )
            return version.id, record_id

    return do


@pytest.fixture
def staff(make_user):
    """A staff member's id."""
    return make_user(Role.STAFF)


def _sign(app, version_id, field, user_id, **options):
    with app.test_request_context():
        version = db.session.get(DocumentVersion, version_id)
        user = db.session.get(User, user_id)
        copy = signing.sign_document_version(version, field, user, **options)
        return copy.id, signing.copy_bytes(copy)


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion)),
            db.session.scalar(sa.select(sa.func.count()).select_from(SignedCopy)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        )


def _pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def _pyhanko_statuses(pdf: bytes, root):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    return [
        signing.outside_event_loop(validate_pdf_signature, s, context)
        for s in reader.embedded_signatures
    ]


def _partner_signs(authority, pdf: bytes, field: str, issued=None) -> bytes:
    """The partner signs ``pdf`` in their own software (pyHanko here), in ``field``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = authority.pyhanko_signer(issued or authority.partner)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = io.BytesIO()
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES),
        signer,
    )
    signing.outside_event_loop(pdf_signer.sign_pdf, writer, output=output)
    return output.getvalue()


def signature_rects(pdf: bytes) -> dict[str, tuple[int, list[float]]]:
    """Each signature field of a signed PDF: its page (from 0) and its widget's /Rect."""
    from pypdf import PdfReader

    found = {}
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for annotation in page.get("/Annots") or ():
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig" or widget.get("/Parent", {}).get("/FT") == "/Sig":
                (x1, x2), (y1, y2) = (
                    sorted(float(v) for v in widget["/Rect"][axis::2]) for axis in (0, 1)
                )
                found[str(widget["/T"])] = (number, [x1, y1, x2, y2])
    return found


def text_under_signatures(pdf: bytes) -> list[str]:
    """What is wrong with the place of each visible signature of a signed PDF: every line of
    text (pdfminer's text boxes of the page) that the field's /Rect overlaps or comes within
    1 pt of, and a field outside its signature block (the named destination, 8 cm wide, above
    its line to sign on). Empty when every signature sits clear of the text in its block."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    blocks = {block.name: block for block in signing.signature_blocks(pdf)}
    rects = signature_rects(pdf)
    assert blocks and set(rects) == set(blocks), (sorted(rects), sorted(blocks))
    pages = {}
    problems = []
    for name, (page, (x1, y1, x2, y2)) in sorted(rects.items()):
        block = blocks[name]
        assert block.page == page
        if page not in pages:
            (layout,) = extract_pages(io.BytesIO(pdf), page_numbers=[page])
            pages[page] = [
                line
                for box in layout
                if isinstance(box, LTTextContainer)
                for line in box
                if isinstance(line, LTTextLine) and line.get_text().strip()
            ]
        if x1 < block.left or x2 > block.left + signing.BLOCK_WIDTH or y2 > block.top:
            problems.append(f"{name}: {x1, y1, x2, y2} outside its block {block}")
        for line in pages[page]:
            lx1, ly1, lx2, ly2 = line.bbox
            if lx1 < x2 + 1 and x1 - 1 < lx2 and ly1 < y2 + 1 and y1 - 1 < ly2:
                problems.append(f"{name}: {x1, y1, x2, y2} on {line.get_text().strip()!r}")
    return problems


def test_agency_signature_is_valid_to_pyhanko_and_pdfsig(
    app, configured, printed, staff, tmp_path
):
    version_id, _record = printed()
    _copy_id, pdf = _sign(app, version_id, "signature-parties-1", staff)
    with app.app_context():
        version = db.session.get(DocumentVersion, version_id)
        original = services.file_path(version).read_bytes()
        reason_sha = version.sha256
    assert pdf.startswith(original)  # the printed bytes are kept as they were
    (status,) = _pyhanko_statuses(pdf, configured.asn1(configured.certificate))
    assert status.bottom_line and status.intact and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    report = _pdfsig(pdf, tmp_path)
    assert "Signature is Valid" in report and "Total document signed" in report
    assert "signature-parties-1" in report
    from pyhanko.pdf_utils.reader import PdfFileReader

    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert reason_sha in str(embedded.sig_object["/Reason"])
    assert "MOU-2569/001" in str(embedded.sig_object["/Reason"])
    assert "/ETSI.CAdES.detached" in str(embedded.sig_object["/SubFilter"])


def test_signature_is_drawn_in_its_block(app, configured, printed, staff, tmp_path):
    from tests.documents.conftest import pdf_page_images

    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
        (first, second) = signing.signature_blocks(original)
    assert (first.name, second.name) == ("signature-parties-1", "signature-parties-2")
    assert first.page == second.page and first.left < second.left
    _copy_id, pdf = _sign(app, version_id, "signature-parties-1", staff)
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    before = pdf_page_images(original, tmp_path / "before", dpi=50)[first.page]
    after = pdf_page_images(pdf, tmp_path / "after", dpi=50)[first.page]
    from PIL import ImageChops

    changed = ImageChops.difference(before, after).convert("L").point(lambda v: 255 * (v > 40))
    x1, y1, x2, y2 = changed.getbbox()  # where the page changed, in pixels at 50 dpi
    scale = 72 / 50
    bx1, by1, bx2, by2 = first.box()
    page_height = 842
    assert bx1 - 2 <= x1 * scale and x2 * scale <= bx2 + 2  # only inside the first block's box
    assert page_height - by2 - 2 <= y1 * scale and y2 * scale <= page_height - by1 + 2
    assert x2 * scale < second.left  # the second party's block is untouched


def test_visible_signatures_sit_in_their_blocks_clear_of_every_line_of_text(
    app, configured, printed, staff
):
    version_id, _record = printed(words="ทุกฝ่ายได้อ่านและเข้าใจข้อความโดยละเอียดตลอดแล้ว " * 3)
    _copy_id, pdf = _sign(app, version_id, "signature-parties-1", staff)
    assert len(signature_rects(pdf)) == 2  # both blocks' fields, the second still empty
    assert text_under_signatures(pdf) == []


def test_two_signatures_in_turn_both_stay_valid(app, configured, printed, staff, tmp_path):
    version_id, _record = printed()
    _copy_id, agency_signed = _sign(app, version_id, "signature-parties-1", staff)
    uploaded = _partner_signs(configured, agency_signed, "signature-parties-2")
    with app.test_request_context():
        version = db.session.get(DocumentVersion, version_id)
        copy = signing.accept_signed_file(version, uploaded, db.session.get(User, staff))
        stored = signing.copy_bytes(copy)
        fields = [s["field"] for s in copy.signatures]
        assert fields == ["signature-parties-1", "signature-parties-2"]
        assert [s["agency"] for s in copy.signatures] == [True, False]
        assert [s["coverage"] for s in copy.signatures] == ["entire revision", "entire file"]
        assert copy.sequence == 2 and copy.source == "upload"
    assert stored == uploaded
    first, second = _pyhanko_statuses(uploaded, configured.asn1(configured.certificate))
    assert first.bottom_line and second.bottom_line
    report = _pdfsig(uploaded, tmp_path)
    assert report.count("Signature is Valid") == 2
    first_part, last_part = report.split("Signature #2")
    assert "Not total document signed" in first_part  # the partner's revision came after it
    assert "Total document signed" in last_part.replace("Not total document signed", "")


def test_b_t_signature_carries_a_timestamp(app, configured, printed, staff, monkeypatch):
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa = configured.issue("Test TSA", "Test Certificate Authority", timestamping=True)
    stamper = DummyTimeStamper(
        tsa_cert=configured.asn1(tsa.certificate),
        tsa_key=_asn1_key(tsa.key),
        certs_to_embed=[configured.asn1(configured.certificate)],
    )
    monkeypatch.setattr(signing, "timestamper", lambda: stamper)
    version_id, _record = printed()
    copy_id, pdf = _sign(app, version_id, "signature-parties-1", staff)
    (status,) = _pyhanko_statuses(pdf, configured.asn1(configured.certificate))
    assert status.bottom_line and status.timestamp_validity is not None
    with app.app_context():
        assert db.session.get(SignedCopy, copy_id).signatures[0]["timestamped"] is True


def _asn1_key(key):
    from asn1crypto import keys
    from cryptography.hazmat.primitives import serialization

    return keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_wrong_passphrase_refused_and_nothing_changed(app, configured, printed, staff, monkeypatch):
    version_id, _record = printed()
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSPHRASE", "not it")
    before = _counts(app)
    with pytest.raises(signing.SigningError, match="รหัสผ่านไม่ถูกต้อง"):
        _sign(app, version_id, "signature-parties-1", staff)
    assert _counts(app) == before


def test_missing_key_file_refused(app, configured, printed, staff, monkeypatch, tmp_path):
    version_id, _record = printed()
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(tmp_path / "gone.p12"))
    before = _counts(app)
    with pytest.raises(signing.SigningError, match="อ่านแฟ้มใบรับรอง"):
        _sign(app, version_id, "signature-parties-1", staff)
    assert _counts(app) == before


def test_expired_agency_certificate_refused(app, configured, printed, staff, monkeypatch):
    version_id, _record = printed()
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(configured.expired.pkcs12_path))
    before = _counts(app)
    with pytest.raises(signing.SigningError, match="หมดอายุเมื่อ"):
        _sign(app, version_id, "signature-parties-1", staff)
    assert _counts(app) == before


def test_draft_and_unknown_field_and_second_signature_in_a_field_refused(
    app, configured, printed, staff
):
    draft_id, _record = printed(final=False)
    with pytest.raises(signing.SigningError, match="ฉบับร่าง"):
        _sign(app, draft_id, "signature-parties-1", staff)
    version_id, _record = printed()
    with pytest.raises(signing.SigningError, match="ไม่มีช่องลงลายมือชื่อ"):
        _sign(app, version_id, "signature-parties-9", staff)
    _sign(app, version_id, "signature-parties-1", staff)
    before = _counts(app)
    with pytest.raises(signing.SigningError, match="ลงนามแล้ว"):
        _sign(app, version_id, "signature-parties-1", staff)
    assert _counts(app) == before


def test_only_holders_of_the_signing_permission_sign(app, configured, printed, make_user):
    version_id, _record = printed()
    secretary = make_user(Role.SECRETARY)
    with pytest.raises(signing.SigningError, match="ไม่มีสิทธิ์"):
        _sign(app, version_id, "signature-parties-1", secretary)
    admin = make_user(Role.ADMIN)
    _sign(app, version_id, "signature-parties-1", admin)


def test_signing_is_audited(app, configured, printed, staff):
    version_id, record_id = printed()
    _sign(app, version_id, "signature-parties-1", staff)
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.record_type == "samples", AuditEvent.record_id == record_id)
            .order_by(AuditEvent.id.desc())
        ).first()
    assert event.action == signing.SIGNED and event.actor_id == staff
    assert event.changes["signers"][1][0].endswith("(signature-parties-1)")


def _refused_upload(app, version_id, data, staff, match):
    before = _counts(app)
    with app.test_request_context(), pytest.raises(signing.SigningError, match=match) as caught:
        version = db.session.get(DocumentVersion, version_id)
        signing.accept_signed_file(version, data, db.session.get(User, staff))
    assert caught.value.field == "file"
    assert _counts(app) == before


def test_tampered_upload_refused(app, configured, printed, staff):
    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
    signed = _partner_signs(configured, original, "signature-parties-2")
    # A byte of the signed revision changed (inside the part the signature covers).
    at = len(original) + 40
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    _refused_upload(app, version_id, tampered, staff, "แก้ไขหลัง|อ่านลายมือชื่อ|ไม่ตรงกับแฟ้ม")
    # A byte of the printed part changed: not the registry's printing.
    at = len(original) // 2
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    _refused_upload(app, version_id, tampered, staff, "ไม่ตรงกับฉบับพิมพ์ครั้งที่ 1")


def test_upload_signed_over_another_printing_refused(app, configured, printed, staff):
    old_id, record_id = printed(words="ก")
    new_id, _record = printed(record_id=record_id, words="ข")
    with app.app_context():
        old = services.file_path(db.session.get(DocumentVersion, old_id)).read_bytes()
    signed = _partner_signs(configured, old, "signature-parties-2")
    _refused_upload(app, new_id, signed, staff, "ฉบับพิมพ์ครั้งที่ 1 ไม่ใช่ฉบับพิมพ์ครั้งที่ 2")


def test_upload_with_expired_certificate_refused(app, configured, printed, staff):
    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
    signed = _partner_signs(configured, original, "signature-parties-2", configured.expired)
    _refused_upload(app, version_id, signed, staff, "หมดอายุแล้ว")


def test_upload_from_an_untrusted_authority_refused(app, configured, printed, staff):
    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
    from pyhanko.sign import signers

    stranger = configured.stranger
    signer = signers.SimpleSigner.load_pkcs12_data(
        configured.untrusted.pkcs12(chain=[stranger.certificate]), other_certs=[],
        passphrase=PASSPHRASE.encode(),
    )
    signed = _sign_with(original, signer, "signature-parties-2")
    _refused_upload(app, version_id, signed, staff, "เชื่อถือได้")


def _sign_with(pdf, signer, field):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    output = io.BytesIO()
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES),
        signer,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signing.outside_event_loop(pdf_signer.sign_pdf, writer, output=output)
    return output.getvalue()


def test_unsigned_or_not_a_pdf_upload_refused(app, configured, printed, staff):
    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
    _refused_upload(app, version_id, b"hello", staff, "เลือกแฟ้ม PDF")
    _refused_upload(app, version_id, original, staff, "ไม่มีลายมือชื่อใหม่")
    trailing = original + b"\n% trailing\n"
    _refused_upload(app, version_id, trailing, staff, "ไม่มีลายมือชื่ออิเล็กทรอนิกส์|อ่านแฟ้มนี้")


def test_upload_over_an_earlier_copy_refused(app, configured, printed, staff):
    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
    _sign(app, version_id, "signature-parties-1", staff)  # the agency has signed meanwhile
    partner_only = _partner_signs(configured, original, "signature-parties-2")
    _refused_upload(app, version_id, partner_only, staff, "ฉบับก่อนหน้า")


def test_verification_page_lists_each_signature(app, client, configured, printed, staff):
    version_id, _record = printed()
    _copy_id, agency_signed = _sign(app, version_id, "signature-parties-1", staff)
    uploaded = _partner_signs(configured, agency_signed, "signature-parties-2")
    with app.test_request_context():
        version = db.session.get(DocumentVersion, version_id)
        signing.accept_signed_file(version, uploaded, db.session.get(User, staff))
        token = version.public_token
    page = client.get(f"/verify/{token}").get_data(as_text=True)
    assert page.count('data-testid="verify-signature"') == 2
    assert "สพร. ตราอิเล็กทรอนิกส์" in page and "Somying Rakthai" in page
    assert page.count('data-testid="verify-signature-valid"') == 2
    assert "2569" in page.split('data-testid="verify-signatures"')[1]  # Buddhist Era
    assert "ไม่มีการเปลี่ยนแปลงเอกสารหลังลายมือชื่อนี้" in page  # the last one covers the file


def test_verification_page_of_an_unsigned_printing_lists_no_signatures(app, client, printed):
    version_id, _record = printed()
    with app.app_context():
        token = db.session.get(DocumentVersion, version_id).public_token
    page = client.get(f"/verify/{token}").get_data(as_text=True)
    assert 'data-testid="verify-signatures"' not in page


def _add_annotation(pdf: bytes) -> bytes:
    """An incremental update after the signatures that adds a note to the first page (what
    a reader's comment tool does): not a signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Text"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (100, 100, 120, 120)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("changed"),
            }
        )
    )
    annotations = page.get("/Annots", generic.ArrayObject())
    annotations.append(note)
    page[generic.NameObject("/Annots")] = annotations
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_upload_with_a_change_after_the_signatures_refused(app, configured, printed, staff):
    version_id, _record = printed()
    with app.app_context():
        original = services.file_path(db.session.get(DocumentVersion, version_id)).read_bytes()
    signed = _partner_signs(configured, original, "signature-parties-2")
    changed = _add_annotation(signed)
    assert changed.startswith(signed)
    _refused_upload(app, version_id, changed, staff, "แก้ไขหลังลายมือชื่อที่ 1")


def test_pyhanko_calls_work_where_an_event_loop_already_runs():
    """pyHanko's synchronous calls start a loop of their own: where this thread already runs
    one (an asynchronous server, a browser driver), they run in a thread of their own."""

    def pyhanko_like_call(value):
        return asyncio.run(asyncio.sleep(0, value))

    async def inside_a_running_loop():
        coroutine = asyncio.sleep(0)
        with pytest.raises(RuntimeError):  # what pyHanko's call meets here when run directly
            asyncio.run(coroutine)
        coroutine.close()
        return signing.outside_event_loop(pyhanko_like_call, "signed")

    # In a thread of its own: this thread may run a loop already (the browser tests' driver).
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_running_loop()).result() == "signed"
    assert signing.outside_event_loop(pyhanko_like_call, "plain") == "plain"
