"""Sign and send in a real browser: an MOU negotiated, signed by the agency and counter-signed
by the partner; certified minutes signed in the registry.

Staff draft an MOU, send the draft with a cover letter (the mail is caught in the mail
folder, with the letter and the draft attached), download the draft as Word, file the
partner's marked-up ``.docx`` (made here with python-docx), approve it, print the final
text, sign it with the agency's certificate, and upload the copy the partner signed in their
own software (pyHanko here, with the partner's certificate from the throwaway CA of
``tests/documents/ca.py``, in the partner's field). The agreement then shows two verified
signatures and the status "signed", and the public verification page lists both as valid.
Then the secretary certifies a meeting's minutes and staff apply the signature of the one who
reviewed them (the chair); the verification page of the certified minutes shows it.

The live app signs with the test CA's agency PKCS#12 (``SIGNING_*`` config, set for these
tests only). Pictures of the letter and the signed pages go to ``test-artifacts/``.
"""

from __future__ import annotations

import email as email_parser
import io
import re
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from registry.agreements.models import Agreement
from registry.auth.demo import DEMO_PASSWORD
from registry.db import db
from registry.documents.models import DocumentVersion
from registry.i18n import BANGKOK
from registry.organisations.models import Organisation
from tests.documents.ca import PASSPHRASE, TestAuthority

from .conftest import ARTIFACTS, LiveServer, serving_demo
from .test_agreements_journey import _confirm_next_dialog, _download, pdf_text
from .test_journeys import STAFF_EMAIL, sign_in, sign_out

pytestmark = pytest.mark.browser

PARTNER = "TESA"
PARTNER_MAIL = "mou.tesa@dgti.example"
SECRETARY_EMAIL = "secretary@dgti.example"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A server of this module's own, on the demo data as seeded: the journeys here need the
    demo's minutes still waiting for certification, which earlier journeys may certify."""
    with serving_demo(tmp_path_factory.mktemp("sign-and-send")) as server:
        yield server


@pytest.fixture(scope="module")
def authority(tmp_path_factory) -> TestAuthority:
    """The throwaway CA, with the agency's and the partner's signing certificates."""
    ca = TestAuthority(tmp_path_factory.mktemp("sign-and-send-ca"))
    ca.agency = ca.issue("สพร. ตราอิเล็กทรอนิกส์", "DGA", file_name="agency.p12")
    ca.partner = ca.issue("Wissawa Thodsob", "Thai Embedded Systems Association")
    return ca


@pytest.fixture
def signing_live_server(live_server, authority):
    """The live app signing with the test CA's agency certificate and trusting its root."""
    config = live_server.app.config
    keys = (
        "SIGNING_PKCS12_PATH",
        "SIGNING_PKCS12_PASSPHRASE",
        "SIGNING_TRUST_ROOTS",
        "SIGNING_TSA_URL",
    )
    before = {key: config.get(key) for key in keys}
    config.update(
        SIGNING_PKCS12_PATH=str(authority.agency.pkcs12_path),
        SIGNING_PKCS12_PASSPHRASE=PASSPHRASE,
        SIGNING_TRUST_ROOTS=str(authority.root_pem),
        SIGNING_TSA_URL="",
    )
    try:
        yield live_server
    finally:
        config.update(before)


def _partner_signs(authority: TestAuthority, pdf: bytes, field: str) -> bytes:
    """The partner signs ``pdf`` in their own software (pyHanko), in their own field."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        output = io.BytesIO()
        signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES),
            authority.pyhanko_signer(authority.partner),
        ).sign_pdf(writer, output=output)
        return output.getvalue()

    # pyHanko runs its own event loop, which cannot start inside Playwright's: another thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result(timeout=60)


def _pdfsig(path: Path) -> str:
    result = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def _picture(pdf: Path, name: str, page_number: int | None = None) -> Path:
    """A page of a PDF (the last one unless told) as a PNG in test-artifacts, by pdftoppm."""
    ARTIFACTS.mkdir(exist_ok=True)
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
            ).stdout,
        ).group(1)
    )
    number = page_number or pages
    stem = ARTIFACTS / name
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-singlefile",
            "-f",
            str(number),
            "-l",
            str(number),
            str(pdf),
            str(stem),
        ],
        check=True,
        timeout=60,
    )
    return stem.with_suffix(".png")


def _marked_up_docx(original: Path, marker: str) -> bytes:
    """The partner's lawyers' mark-up: the Word draft with a paragraph added (python-docx)."""
    import docx

    document = docx.Document(str(original))
    document.add_paragraph(f"ข้อเสนอแก้ไขของสมาคม {marker}: ขอเพิ่มข้อ 3 การรักษาความลับ")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _one(live_server, statement):
    with live_server.app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
    return value


def test_staff_negotiate_send_sign_and_the_partner_counter_signs_an_mou(
    page: Page, signing_live_server, authority, console_log, tmp_path
):
    live_server = signing_live_server
    th = live_server.th
    organisations = dict(_rows(live_server, sa.select(Organisation.acronym, Organisation.id)))
    marker = f"SS{uuid.uuid4().hex[:6].upper()}"
    title = f"ความร่วมมือด้านลายมือชื่ออิเล็กทรอนิกส์ {marker}"
    yesterday = datetime.now(BANGKOK).date() - timedelta(days=1)
    mail_folder = Path(live_server.app.config["MAIL_FOLDER"])
    mails_before = set(mail_folder.glob("*.eml")) if mail_folder.exists() else set()

    # --- staff: the draft ----------------------------------------------------------------
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto("/agreements/new")
    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option("MOU")
    form.locator("select[name=language]").select_option("th")
    form.locator("input[name=title_th]").fill(title)
    form.locator("input[name=signing_place]").fill("สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)")
    form.locator("input[name=signed_on]").fill(f"{yesterday:%d/%m}/{yesterday.year + 543}")
    form.locator("textarea[name=objectives_th]").fill("เพื่อร่วมกันพัฒนาบริการดิจิทัลภาครัฐ")
    form.locator("textarea[name=clauses_th]").fill(
        "ร่วมกันพัฒนาต้นแบบบริการดิจิทัล\n- แลกเปลี่ยนข้อมูลและองค์ความรู้"
    )
    parties = [
        ("DGA", "สพร.", "ดร.สุพจน์ ทดสอบ", "ผู้อำนวยการ"),
        (PARTNER, "สมาคม", "นายวิศวะ ทดสอบ", "นายกสมาคม"),
    ]
    for index, (acronym, short, signatory, position) in enumerate(parties):
        row = f"parties-{index}-"
        form.locator(f"select[name={row}organisation_id]").select_option(
            str(organisations[acronym])
        )
        form.locator(f"input[name={row}short_name_th]").fill(short)
        form.locator(f"input[name={row}signatory_name]").fill(signatory)
        form.locator(f"input[name={row}signatory_position]").fill(position)
    form.locator("button[type=submit].btn-primary").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    agreement_id = _one(live_server, sa.select(Agreement.id).where(Agreement.title_th == title))
    main = page.locator("main")

    # --- the cover letter with the draft, mailed ------------------------------------------
    main.locator(f"a[href$='/letters/agreement/{agreement_id}/send']").click()
    letter_form = page.locator("main form[method=post]")
    # A bad address is refused at its field, and no letter is issued.
    letter_form.locator("input[name=recipient]").fill("นายกสมาคมไทยระบบสมองกลฝังตัว")
    letter_form.locator("input[name=email]").fill("not an address")
    _confirm_next_dialog(page)
    letter_form.locator("button[type=submit]").click()
    expect(page.locator("#email-error")).to_be_visible()
    assert page.url.endswith(f"/letters/agreement/{agreement_id}/send")
    letter_form.locator("input[name=email]").fill(PARTNER_MAIL)
    _confirm_next_dialog(page)
    letter_form.locator("button[type=submit]").click()
    expect(page.locator("main .alert-success").first).to_be_visible()
    letter_link = main.locator("a[href*='/letters/'][href$='/pdf']")
    expect(letter_link).to_have_count(1)
    letter = _download(page, letter_link)
    letter_text = pdf_text(letter)
    assert marker in letter_text
    _picture(letter, "sign-and-send-cover-letter", page_number=1)
    mails = [
        email_parser.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in set(mail_folder.glob("*.eml")) - mails_before
    ]
    (mail,) = [m for m in mails if m["To"] == PARTNER_MAIL]
    attached = [part.get_content_type() for part in mail.iter_attachments()]
    assert attached.count("application/pdf") == 2, attached  # the letter and the draft

    # --- the Word draft, and the partner's marked-up copy filed ---------------------------
    word = _download(page, main.locator(f"a[href*='/agreements/{agreement_id}/draft.docx']"))
    import docx

    assert any(marker in p.text for p in docx.Document(str(word)).paragraphs)
    main.locator(f"a[href$='/agreements/{agreement_id}/reviews/new']").click()
    review_input = page.locator("input[name=file]")
    review_input.set_input_files(
        files=[{"name": "mou.docx", "mimeType": "application/octet-stream", "buffer": b"no"}]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#file-error")).to_be_visible()  # not a Word file: refused
    review_input.set_input_files(
        files=[
            {
                "name": f"mou-tesa-review-{marker}.docx",
                "mimeType": "application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document",
                "buffer": _marked_up_docx(word, marker),
            }
        ]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text(
        th("The reviewed draft has been filed.")
    )
    expect(
        main.locator(f"a[href*='/agreements/{agreement_id}/reviews/']:not([href$='/new'])")
    ).to_have_text(f"mou-tesa-review-{marker}.docx")

    # --- review, approval, the final printing ---------------------------------------------
    _confirm_next_dialog(page)
    page.locator(f"form[action$='/agreements/{agreement_id}/submit'] button").click()
    expect(page.locator("main .alert-success")).to_contain_text(th("Sent for review."))
    _confirm_next_dialog(page)
    page.locator(f"form[action$='/agreements/{agreement_id}/approve'] button").click()
    expect(page.locator("main .alert-success")).to_contain_text(th("Approved for signing."))
    final = _download(page, main.locator(f"a[href$='/agreements/{agreement_id}/pdf?variant=th']"))
    assert final.read_bytes().startswith(b"%PDF-")
    page.reload()
    main.locator(f"a[href*='/agreements/{agreement_id}/documents/'][href$='/signatures']").click()
    expect(page.locator("main h1")).to_have_text(th("Electronic signatures"))
    version_id = int(re.search(r"/documents/(\d+)/signatures$", page.url).group(1))

    # --- the agency signs -----------------------------------------------------------------
    main.locator(f"a[href$='/documents/{version_id}/sign']").click()
    page.locator("select[name=field]").select_option("signature-parties-1")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text(th("The document has been signed."))
    expect(main.get_by_test_id("signature")).to_have_count(1)
    agency_signed = _download(page, main.locator(f"a[href$='/documents/{version_id}/signed']"))

    # --- the partner counter-signs elsewhere; a tampered copy is refused first ------------
    counter_signed = _partner_signs(authority, agency_signed.read_bytes(), "signature-parties-2")
    main.locator(f"a[href$='/documents/{version_id}/signed/upload']").click()
    upload = page.locator("input[name=file]")
    at = len(counter_signed) // 3
    tampered = counter_signed[:at] + bytes([counter_signed[at] ^ 0x01]) + counter_signed[at + 1 :]
    upload.set_input_files(
        files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": tampered}]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#file-error")).to_be_visible()
    expect(main.get_by_test_id("signature")).to_have_count(1)  # nothing kept
    upload.set_input_files(
        files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": counter_signed}]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text(
        th("Every party has signed: the agreement is recorded as signed.")
    )
    signatures = main.get_by_test_id("signature")
    expect(signatures).to_have_count(2)
    expect(signatures.nth(1)).to_contain_text("Wissawa Thodsob")
    page.screenshot(path=str(ARTIFACTS / "sign-and-send-signatures-page.png"), full_page=True)
    both_signed = _download(page, main.locator(f"a[href$='/documents/{version_id}/signed']"))
    assert both_signed.read_bytes() == counter_signed
    report = _pdfsig(both_signed)
    assert report.count("Signature is Valid") == 2, report
    assert "Total document signed" in report.split("Signature #2")[1], report
    _picture(both_signed, "sign-and-send-mou-signed")

    main.locator(f"a[href$='/agreements/{agreement_id}']").first.click()
    expect(main.locator("p .badge").first).to_have_text(th("Signed"))

    # --- the public verification page -----------------------------------------------------
    token = _one(
        live_server, sa.select(DocumentVersion.public_token).where(DocumentVersion.id == version_id)
    )
    sign_out(page)
    page.goto(f"/verify/{token}")
    expect(page.get_by_test_id("verify-current")).to_be_visible()
    expect(page.get_by_test_id("verify-signature-valid")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Wissawa Thodsob")
    page.screenshot(path=str(ARTIFACTS / "sign-and-send-verify-mou.png"), full_page=True)
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []


def _rows(live_server, statement):
    with live_server.app.app_context():
        rows = db.session.execute(statement).all()
        db.session.remove()
    return rows


def _minutes_to_certify(live_server) -> tuple[int, int, int]:
    """A meeting whose minutes are drafted and the later meeting that certifies them, held
    yesterday with every member present (set up through the services); (earlier, later,
    item) ids."""
    from registry.committees.queries import sitting_members
    from registry.meetings import services
    from registry.meetings.models import AgendaItem, Meeting, MeetingStatus

    with live_server.app.test_request_context():
        item = db.session.scalars(
            sa.select(AgendaItem)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(
                AgendaItem.certifies_meeting_id.is_not(None),
                Meeting.status == MeetingStatus.SCHEDULED,
            )
            .order_by(Meeting.held_on)
        ).first()
        assert item is not None, "the demo data has a meeting ahead that certifies minutes"
        assert item.certifies_meeting.status is MeetingStatus.MINUTES_DRAFTED
        later = item.meeting
        services.update_meeting(
            later, actor=None, held_on=datetime.now(BANGKOK).date() - timedelta(days=1)
        )
        seats = sitting_members(later.committee, later.held_on)
        services.record_attendance(
            later, actor=None, lines=[{"membership_id": s.id, "kind": "present"} for s in seats]
        )
        services.mark_held(later, None, opened_at=time(9, 30), closed_at=time(11, 0))
        db.session.commit()
        ids = (item.certifies_meeting_id, later.id, item.id)
        db.session.remove()
    return ids


def test_the_secretary_certifies_minutes_and_staff_apply_the_reviewers_signature(
    page: Page, signing_live_server, console_log
):
    live_server = signing_live_server
    th = live_server.th
    earlier, later, item = _minutes_to_certify(live_server)

    # --- the secretary certifies the minutes at the later meeting -------------------------
    sign_in(page, SECRETARY_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto(f"/meetings/{later}")
    page.locator(f"main a[href$='/meetings/{later}/agenda/{item}/certify']").click()
    _confirm_next_dialog(page)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    sign_out(page)

    # --- staff print the certified minutes and sign the reviewer's (the chair's) block ----
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto(f"/meetings/{earlier}")
    main = page.locator("main")
    minutes = _download(page, main.locator("a[href*='/minutes.pdf'][href$='variant=th']").first)
    assert minutes.read_bytes().startswith(b"%PDF-")
    page.reload()
    main.locator(f"a[href*='/meetings/{earlier}/minutes/'][href$='/signatures']").first.click()
    expect(page.locator("main h1")).to_have_text(th("Electronic signatures"))
    version_id = int(re.search(r"/minutes/(\d+)/signatures$", page.url).group(1))
    main.locator(f"a[href$='/minutes/{version_id}/sign']").click()
    block = page.locator("select[name=field]")
    expect(block.locator("option[value='signature-2']")).to_have_text(th("Minutes reviewed by"))
    block.select_option("signature-2")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text(th("The document has been signed."))
    expect(main.get_by_test_id("signature")).to_have_count(1)
    signed = _download(page, main.locator(f"a[href$='/minutes/{version_id}/signed']"))
    report = _pdfsig(signed)
    assert "Signature is Valid" in report and "Total document signed" in report, report
    assert "signature-2" in report
    _picture(signed, "sign-and-send-minutes-signed")

    # --- the certified minutes' public verification page ----------------------------------
    token = _one(
        live_server, sa.select(DocumentVersion.public_token).where(DocumentVersion.id == version_id)
    )
    sign_out(page)
    page.goto(f"/verify/{token}")
    expect(page.get_by_test_id("verify-current")).to_be_visible()
    expect(page.get_by_test_id("verify-signature-valid")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "sign-and-send-verify-minutes.png"), full_page=True)

    # Signing is a permission of staff, not of the secretary who certified them.
    sign_in(page, SECRETARY_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    for path in ("signatures", "sign"):
        answer = page.request.get(f"/meetings/{earlier}/minutes/{version_id}/{path}")
        assert answer.status == 403, path
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []
