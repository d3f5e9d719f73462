"""An MOU from draft to signed copy in a real browser, then read by the partner's representative
and refused to another association's.

A staff member drafts an MOU with a seeded association (parties with their signatories, a
clause with a sub-clause), sends it to review, approves it, downloads the draft PDF (read
back with pdftotext: the title and the Buddhist-Era date), records the signing, files the
signed scan and sees the state. The association's representative then finds it among their
agreements and downloads its PDF; another association's representative gets 404 at its URLs.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from registry.agreements.demo import simple_pdf
from registry.agreements.models import Agreement
from registry.auth.demo import DEMO_PASSWORD
from registry.db import db
from registry.i18n import BANGKOK, THAI_MONTHS, be_year, thai_digits
from registry.organisations.models import Organisation
from tests.documents.conftest import comparable

from .test_journeys import STAFF_EMAIL, sign_in, sign_out

pytestmark = pytest.mark.browser

PARTNER = "TESA"
PARTNER_REP = "rep.tesa@dgti.example"
OTHER_REP = "rep.tiot@dgti.example"


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def _organisation_ids(live_server) -> dict[str, int]:
    with live_server.app.app_context():
        rows = db.session.execute(sa.select(Organisation.acronym, Organisation.id)).all()
        db.session.remove()
    return dict(rows)


def _agreement_id(live_server, title: str) -> int:
    with live_server.app.app_context():
        agreement_id = db.session.scalar(sa.select(Agreement.id).where(Agreement.title_th == title))
        db.session.remove()
    return agreement_id


def _confirm_next_dialog(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


#: How long a download may take: the first PDF the live server renders loads WeasyPrint and
#: the fonts, which takes several seconds on a busy machine.
DOWNLOAD_TIMEOUT_MS = 60_000


def _download(page: Page, link) -> Path:
    """Click a link that downloads a file; where the file is."""
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        link.click(timeout=DOWNLOAD_TIMEOUT_MS)
    download = download_info.value
    assert download.failure() is None
    return Path(download.path())


def test_staff_take_an_mou_to_signing_and_the_partner_reads_it(
    page: Page, live_server, console_log, tmp_path
):
    th = live_server.th
    organisations = _organisation_ids(live_server)
    marker = f"BR{uuid.uuid4().hex[:6].upper()}"
    title = f"ความร่วมมือด้านนวัตกรรมดิจิทัล {marker}"
    today = datetime.now(BANGKOK).date()

    # --- staff: draft --------------------------------------------------------------------
    sign_in(page, STAFF_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto("/agreements/new")
    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option("MOU")
    form.locator("select[name=language]").select_option("th")
    form.locator("input[name=title_th]").fill(title)
    form.locator("input[name=signing_place]").fill("สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)")
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
    form.locator("input[name='witnesses-0-name']").fill("นางสาวพยาน ทดสอบ")
    form.locator("button[type=submit].btn-primary").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(title)
    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    agreement_id = _agreement_id(live_server, title)
    assert agreement_id is not None
    main = page.locator("main")
    expect(main).to_contain_text("ร่วมกันพัฒนาต้นแบบบริการดิจิทัล")
    expect(main).to_contain_text("นายวิศวะ ทดสอบ")

    # --- review and approval -------------------------------------------------------------
    _confirm_next_dialog(page)
    page.locator(f"form[action$='/agreements/{agreement_id}/submit'] button").click()
    expect(page.locator("main .alert-success")).to_contain_text(th("Sent for review."))
    _confirm_next_dialog(page)
    page.locator(f"form[action$='/agreements/{agreement_id}/approve'] button").click()
    expect(page.locator("main .alert-success")).to_contain_text(th("Approved for signing."))
    expect(main.locator("p .badge").first).to_have_text(th("Approved for signing"))

    # --- the PDF of the approved text ---------------------------------------------------
    draft = _download(page, main.locator(f"a[href$='/agreements/{agreement_id}/pdf?variant=th']"))
    assert draft.read_bytes().startswith(b"%PDF-")
    text = pdf_text(draft)
    assert marker in text
    assert comparable("ความร่วมมือด้านนวัตกรรมดิจิทัล") in comparable(text)
    # The day it was produced, in the footer: day, Thai month, Buddhist year.
    produced = f"{today.day} {THAI_MONTHS[today.month - 1]} {be_year(today.year)}"
    assert produced in text or thai_digits(produced) in text, text[-600:]
    # The approved text is the one to be signed: it prints final, without the draft mark.
    assert comparable(th("Final")) in comparable(text)
    # The download is listed as the first stored version.
    page.reload()
    stored = re.compile(rf"/agreements/{agreement_id}/documents/\d+$")
    links = main.locator(f"a[href*='/agreements/{agreement_id}/documents/']")
    hrefs = [link.get_attribute("href") for link in links.all()]
    assert len([href for href in hrefs if stored.search(href)]) == 1, hrefs

    # --- signing and the signed scan -----------------------------------------------------
    main.locator(f"a[href$='/agreements/{agreement_id}/sign']").click()
    page.locator("input[name=signed_on]").fill((today - timedelta(days=1)).isoformat())
    expect(page.locator("input[name=signing_place]")).not_to_have_value("")
    _confirm_next_dialog(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text(
        th("The agreement is recorded as signed.")
    )
    main.locator(f"a[href$='/agreements/{agreement_id}/scan/upload']").click()
    scan_input = page.locator("input[name=scan]")
    # Not a PDF: refused at the field, nothing filed.
    scan_input.set_input_files(
        files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a..."}]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#scan-error")).to_be_visible()
    scan_input.set_input_files(
        files=[
            {
                "name": "signed-mou.pdf",
                "mimeType": "application/pdf",
                "buffer": simple_pdf(["signed copy", marker]),
            }
        ]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text(
        th("The signed copy has been filed.")
    )
    expect(main.locator(f"a[href$='/agreements/{agreement_id}/scan']")).to_have_text(
        "signed-mou.pdf"
    )
    badges = main.locator("p .badge")
    expect(badges.first).to_have_text(th("Signed"))
    expect(badges.nth(1)).to_have_text(th("In force"))
    assert console_log.script_errors() == []
    assert console_log.csp_violations() == []
    sign_out(page)

    # --- the partner's representative reads it -------------------------------------------
    sign_in(page, PARTNER_REP, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto("/agreements/mine")
    page.locator(f"main a[href$='/agreements/mine/{agreement_id}']").first.click()
    expect(page.locator("main h1")).to_have_text(title)
    expect(page.locator("main p .badge").first).to_have_text(th("Signed"))
    final = _download(
        page, page.locator(f"main a[href$='/agreements/mine/{agreement_id}/pdf?variant=th']")
    )
    assert final.read_bytes().startswith(b"%PDF-")
    text = pdf_text(final)
    assert marker in text
    assert comparable(th("Final")) in comparable(text)  # signed: printed as final, no draft mark
    scan = _download(page, page.locator(f"main a[href$='/agreements/mine/{agreement_id}/scan']"))
    assert marker in pdf_text(scan)
    sign_out(page)

    # --- another association's representative cannot reach it ---------------------------
    sign_in(page, OTHER_REP, DEMO_PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    response = page.goto(f"/agreements/mine/{agreement_id}")
    assert response is not None and response.status == 404
    expect(page.locator("main")).not_to_contain_text(marker)
    for path in ("pdf?variant=th", "scan"):
        answer = page.request.get(f"/agreements/mine/{agreement_id}/{path}")
        assert answer.status == 404, path
        assert not answer.body().startswith(b"%PDF-")
    page.goto("/agreements/mine")
    expect(page.locator("main")).not_to_contain_text(marker)
