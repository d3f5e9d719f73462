"""The staff pages: drafting with party rows, refusals at their fields, two people editing one
draft, the lifecycle buttons, signing with a scan, the list with its filters and export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from registry.agreements import services
from registry.agreements.demo import simple_pdf
from registry.agreements.models import Agreement, AgreementStatus
from registry.db import db

S = AgreementStatus


def _form_data(own: int, partner: int, **overrides) -> dict:
    data = {
        "kind": "MOU",
        "language": "th",
        "title_th": "ความร่วมมือด้าน <b>นวัตกรรม</b>",
        "title_en": "",
        "signing_place": "สพร.",
        "signed_on": "",
        "effective_from": "2026-01-01",
        "effective_until": "2028-12-31",
        "objectives_th": "เพื่อพัฒนาบริการภาครัฐ",
        "objectives_en": "",
        "clauses_th": "ข้อหนึ่ง\n- ย่อยหนึ่ง",
        "clauses_en": "",
        "copies": "2",
        "notice_days": "30",
        "responsible_id": "",
        "parties-0-organisation_id": str(own),
        "parties-0-short_name_th": "สพร.",
        "parties-0-signatory_name": "ดร.ผู้ลงนาม หนึ่ง",
        "parties-0-signatory_position": "ผู้อำนวยการ",
        "parties-1-organisation_id": str(partner),
        "parties-1-short_name_th": "สมาคม",
        "parties-1-signatory_name": "นายผู้ลงนาม สอง",
        "parties-1-signatory_position": "นายกสมาคม",
        "witnesses-0-name": "นางพยาน",
        "witnesses-0-organisation_id": str(own),
    }
    data.update(overrides)
    return data


def test_staff_draft_an_agreement_from_the_form(
    app, client, sign_in_en, two_organisations, count_agreements
):
    sign_in_en("staff")
    with client.get("/agreements/new") as response:
        assert response.status_code == 200
        assert 'name="parties-1-organisation_id"' in response.get_data(as_text=True)
    response = client.post("/agreements/new", data=_form_data(*two_organisations))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with client.get(response.headers["Location"]) as page:
        html = page.get_data(as_text=True)
    assert "ความร่วมมือด้าน &lt;b&gt;นวัตกรรม&lt;/b&gt;" in html
    assert "ย่อยหนึ่ง" in html
    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).order_by(Agreement.id.desc()))
        assert [p.short_name_th for p in agreement.parties] == ["สพร.", "สมาคม"]
        assert agreement.witnesses[0].party.organisation_id == two_organisations[0]


def test_add_a_party_row_without_saving(client, sign_in_en, two_organisations, count_agreements):
    sign_in_en("staff")
    before = count_agreements()
    data = _form_data(*two_organisations, add_party="1")
    with client.post("/agreements/new", data=data) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="parties-2-organisation_id"' in html
    assert "นายผู้ลงนาม สอง" in html  # what was typed is kept
    assert count_agreements() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"effective_until": "2025-12-31"}, "effective_until", "cannot end before it starts"),
        ({"effective_until": "31/13/2028"}, "effective_until", "month from 1 to 12"),
        ({"effective_until": "2571-12-31"}, "effective_until", "Common Era"),
        ({"parties-1-organisation_id": "PARTNER_AGAIN"}, "parties-1-organisation_id", "twice"),
        ({"parties-1-short_name_th": ""}, "parties-1-short_name_th", "short name"),
        ({"copies": "many"}, "copies", "whole number"),
        ({"title_th": ""}, "title_th", "required"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    client, sign_in_en, two_organisations, count_agreements, overrides, field, message
):
    sign_in_en("staff")
    own, partner = two_organisations
    overrides = {k: str(own) if v == "PARTNER_AGAIN" else v for k, v in overrides.items()}
    before = count_agreements()
    with client.post("/agreements/new", data=_form_data(own, partner, **overrides)) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    error = html.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert count_agreements() == before


def test_fewer_than_two_parties_is_refused_above_the_rows(
    client, sign_in_en, two_organisations, count_agreements
):
    sign_in_en("staff")
    before = count_agreements()
    data = _form_data(*two_organisations, **{"parties-1-organisation_id": ""})
    with client.post("/agreements/new", data=data) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at least two parties" in html
    assert count_agreements() == before


def test_the_second_of_two_editors_is_told_what_changed(
    app, make_app, client, sign_in_en, make_agreement
):
    agreement_id = make_agreement()
    sign_in_en("staff")
    with client.get(f"/agreements/{agreement_id}/edit") as response:
        html = response.get_data(as_text=True)
    form = _fields_of(html)
    # Someone else saves the title in the meantime.
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        content = services.content_of(agreement) | {"title_th": "ชื่อที่คนอื่นแก้"}
        services.update_agreement(
            agreement, content, actor=None, lock_version=agreement.lock_version
        )
    form["objectives_th"] = "วัตถุประสงค์ของฉัน"
    with client.post(f"/agreements/{agreement_id}/edit", data=form) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this agreement" in html
    assert "ชื่อที่คนอื่นแก้" in html  # the current value of the changed field is shown
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.title_th == "ชื่อที่คนอื่นแก้"
        assert agreement.objectives_th != "วัตถุประสงค์ของฉัน"
    # Saving again from the refreshed form is a deliberate choice, and goes through.
    again = _fields_of(html)
    with client.post(f"/agreements/{agreement_id}/edit", data=again) as response:
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).objectives_th == "วัตถุประสงค์ของฉัน"


def _fields_of(html: str) -> dict:
    """The values a browser would send back from the form on a page."""
    import html as html_lib
    import re

    data = {}
    for match in re.finditer(r"<input ([^>]*)>", html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
        if attrs.get("name") and attrs.get("type") not in ("submit", "checkbox", "file"):
            data[attrs["name"]] = html_lib.unescape(attrs.get("value", ""))
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[match.group(1)] = html_lib.unescape(match.group(2)).lstrip("\n")
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', match.group(2)
        )
        data[match.group(1)] = (chosen.group(1) or chosen.group(2)) if chosen else ""
    return data


def test_a_signed_agreement_cannot_be_edited(client, sign_in_en, make_agreement):
    agreement_id = make_agreement(S.SIGNED)
    sign_in_en("staff")
    response = client.post(f"/agreements/{agreement_id}/edit", data={"title_th": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agreements/{agreement_id}")


def test_the_show_page_offers_only_the_allowed_steps(client, sign_in_en, make_agreement):
    agreement_id = make_agreement(S.IN_REVIEW)
    sign_in_en("staff")
    with client.get(f"/agreements/{agreement_id}") as response:
        html = response.get_data(as_text=True)
    assert f"/agreements/{agreement_id}/approve" in html
    assert f"/agreements/{agreement_id}/return" in html
    assert f"/agreements/{agreement_id}/submit" not in html
    assert f"/agreements/{agreement_id}/sign" not in html


def test_lifecycle_buttons_move_the_agreement(app, client, sign_in_en, make_agreement):
    agreement_id = make_agreement()
    sign_in_en("staff")
    for step in ("submit", "approve"):
        response = client.post(f"/agreements/{agreement_id}/{step}")
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).status is S.APPROVED
    # An impossible step says why and changes nothing.
    response = client.post(f"/agreements/{agreement_id}/submit", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "cannot be done while the agreement" in html and "“Approved for signing”" in html
    response.close()


def test_sign_with_a_scan_then_download_it(app, client, sign_in_en, make_agreement):
    agreement_id = make_agreement(S.APPROVED)
    sign_in_en("staff")
    pdf = simple_pdf(["signed copy"])
    data = {
        "signed_on": services.today().isoformat(),
        "signing_place": "ศูนย์ DGTi",
        "scan": (io.BytesIO(pdf), "signed.pdf"),
    }
    response = client.post(f"/agreements/{agreement_id}/sign", data=data)
    assert response.status_code == 302
    with client.get(f"/agreements/{agreement_id}/scan") as download:
        assert download.status_code == 200
        assert download.data == pdf
        assert download.headers["Content-Type"] == "application/pdf"


def test_signing_in_the_future_is_refused_at_the_date(app, client, sign_in_en, make_agreement):
    agreement_id = make_agreement(S.APPROVED)
    sign_in_en("staff")
    tomorrow = (services.today() + timedelta(days=1)).isoformat()
    data = {"signed_on": tomorrow, "signing_place": "ก"}
    with client.post(f"/agreements/{agreement_id}/sign", data=data) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cannot be in the future" in html.split('id="signed_on-error">', 1)[1][:200]
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).status is S.APPROVED


def test_an_upload_that_is_not_a_pdf_is_refused_at_the_field(
    app, client, sign_in_en, make_agreement
):
    agreement_id = make_agreement(S.SIGNED)
    sign_in_en("staff")
    data = {"scan": (io.BytesIO(b"<html>not a pdf</html>"), "scan.pdf")}
    with client.post(f"/agreements/{agreement_id}/scan/upload", data=data) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a PDF" in html.split('id="scan-error">', 1)[1][:200]
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).scan_path is None
    with client.get(f"/agreements/{agreement_id}/scan") as response:
        assert response.status_code == 404


def test_the_list_filters_by_status_kind_partner_and_end_date(
    client, sign_in_en, make_agreement, make_organisation
):
    own, other = make_organisation(), make_organisation()
    today = services.today()
    draft = make_agreement(title_th="ร่างทดสอบตัวกรอง")
    make_agreement(
        S.SIGNED,
        organisation_ids=[own, other],
        title_th="ใกล้หมดอายุทดสอบ",
        signed_on=today - timedelta(days=300),
        effective_until=today + timedelta(days=45),
    )
    moa = make_agreement(kind="MOA", title_th="บันทึกแบบ MOA ทดสอบ")
    sign_in_en("staff")

    def titles(query: str) -> str:
        with client.get(f"/agreements/?{query}") as response:
            assert response.status_code == 200
            return response.get_data(as_text=True)

    assert "ร่างทดสอบตัวกรอง" in titles("status=draft")
    assert "ใกล้หมดอายุทดสอบ" not in titles("status=draft")
    assert "ใกล้หมดอายุทดสอบ" in titles("status=expiring")
    assert "ใกล้หมดอายุทดสอบ" in titles("status=active")
    html = titles(f"partner={other}")
    assert "ใกล้หมดอายุทดสอบ" in html and "ร่างทดสอบตัวกรอง" not in html
    html = titles(f"expiring_before={(today + timedelta(days=60)).isoformat()}")
    assert "ใกล้หมดอายุทดสอบ" in html and "ร่างทดสอบตัวกรอง" not in html
    html = titles("kind=MOA")
    assert "บันทึกแบบ MOA ทดสอบ" in html and "ร่างทดสอบตัวกรอง" not in html
    # Nonsense filters are ignored, not an error.
    assert "ร่างทดสอบตัวกรอง" in titles("status=%3Cx%3E&kind=zz&partner=-1&expiring_before=never")
    assert draft and moa


def test_the_list_filters_by_a_partner_s_name_typed_in_part(
    client, sign_in_en, make_agreement, make_organisation
):
    own = make_organisation("กรมทดสอบตัวกรองคู่ภาคี")
    named = make_organisation("สมาคมปัญญาประดิษฐ์ทดสอบตัวกรอง")
    other = make_organisation("สมาคมอื่นทดสอบตัวกรอง")
    make_agreement(organisation_ids=[own, named], title_th="บันทึกกับสมาคมที่ค้นหา")
    make_agreement(organisation_ids=[own, other], title_th="บันทึกกับสมาคมอื่น")
    sign_in_en("staff")

    def page(query: dict) -> str:
        with client.get("/agreements/", query_string=query) as response:
            assert response.status_code == 200
            return response.get_data(as_text=True)

    html = page({"partner_name": "ปัญญาประดิษฐ์"})  # a word inside the Thai name
    assert "บันทึกกับสมาคมที่ค้นหา" in html and "บันทึกกับสมาคมอื่น" not in html
    html = page({"partner": str(named)})  # a link from the organisation's page
    assert "บันทึกกับสมาคมที่ค้นหา" in html and "บันทึกกับสมาคมอื่น" not in html
    assert "Only with" in html
    # Odd text finds nothing and is still a normal page.
    for odd in ['"*" OR -x NEAR', "%_%", "ก" * 5000, "\x00'; --"]:
        html = page({"partner_name": odd})
        assert "บันทึกกับสมาคมที่ค้นหา" not in html and "บันทึกกับสมาคมอื่น" not in html


def test_the_list_exports_as_csv_and_xlsx(client, sign_in_en, make_agreement):
    make_agreement(title_th='=HYPERLINK("http://evil")')
    sign_in_en("staff")
    with client.get("/agreements/export?format=csv&status=draft") as response:
        assert response.status_code == 200
        assert response.data.startswith(b"\xef\xbb\xbf")
        text = response.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    with client.get("/agreements/export?format=xlsx") as response:
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://evil")' in titles
    with client.get("/agreements/export?format=exe") as response:
        assert response.status_code == 404


def test_the_expiring_page_groups_by_30_60_90_days(client, sign_in_en, make_agreement):
    today = services.today()
    for days, title in ((20, "ครบกำหนดใน20วัน"), (50, "ครบกำหนดใน50วัน"), (80, "ครบกำหนดใน80วัน")):
        make_agreement(
            S.SIGNED,
            title_th=title,
            signed_on=today - timedelta(days=30),
            effective_until=today + timedelta(days=days),
        )
    sign_in_en("staff")
    with client.get("/agreements/expiring") as response:
        html = response.get_data(as_text=True)
    thirty, sixty, ninety = html.split("Ending within")[1:4]
    assert "ครบกำหนดใน20วัน" in thirty and "ครบกำหนดใน50วัน" not in thirty
    assert "ครบกำหนดใน50วัน" in sixty
    assert "ครบกำหนดใน80วัน" in ninety


def test_the_organisation_timeline_lists_its_agreements(
    client, sign_in_en, make_agreement, make_organisation
):
    own, partner = make_organisation(), make_organisation()
    old = make_agreement(
        S.SIGNED,
        organisation_ids=[own, partner],
        title_th="บันทึกที่ต่ออายุแล้ว",
        signed_on=services.today() - timedelta(days=100),
    )
    make_agreement(S.TERMINATED, organisation_ids=[own, partner], title_th="บันทึกที่ยุติแล้ว")
    sign_in_en("staff")
    client.post(f"/agreements/{old}/renew").close()
    with client.get(f"/organisations/{partner}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    timeline = html.split('id="timeline-heading"', 1)[1]
    for what in ("MOU drafted", "MOU signed", "MOU terminated", "MOU renewed by"):
        assert what in timeline
    assert f'href="/agreements/{old}"' in timeline


def test_the_home_page_shows_staff_the_agreements_ending_soon(client, sign_in_en, make_agreement):
    today = services.today()
    make_agreement(
        S.SIGNED,
        title_th="ใกล้ครบกำหนดบนหน้าแรก",
        signed_on=today - timedelta(days=30),
        effective_until=today + timedelta(days=25),
    )
    sign_in_en("staff")
    with client.get("/") as response:
        html = response.get_data(as_text=True)
    section = html.split('id="expiring-heading"', 1)[1]
    assert "ใกล้ครบกำหนดบนหน้าแรก" in section.split("Ending within", 2)[1]


def test_the_home_page_of_a_representative_has_no_expiry_section(client, sign_in_en):
    sign_in_en("representative")
    with client.get("/") as response:
        assert 'id="expiring-heading"' not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "overrides",
    [
        {"parties-57-organisation_id": "1", "parties-57-short_name_th": "x"},
        {"witnesses-0-organisation_id": "abc"},
        {"parties-0-organisation_id": "99999999999999999999"},
        {"responsible_id": "-1"},
        {"kind": "XYZ", "language": "fr"},
        {"effective_from": "0001-01-01"},
        {"copies": "99999999999999999999999"},
        {"lock_version": "garbage", "base": "{not json"},
    ],
)
def test_no_input_makes_the_form_fail(
    client, sign_in_en, two_organisations, count_agreements, overrides
):
    sign_in_en("staff")
    before = count_agreements()
    with client.post("/agreements/new", data=_form_data(*two_organisations, **overrides)) as r:
        assert r.status_code in (302, 422)
    if r.status_code == 422:
        assert count_agreements() == before
