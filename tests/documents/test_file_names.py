"""The names documents are saved under: each agreement variant and printing, the agenda and
the minutes of one meeting, a stored version and the signed scan all get a distinct, meaningful
name in the document's language, sent as RFC 6266 / 5987 (an ASCII ``filename`` and the
Thai name as ``filename*``) that parses back to the Thai name; nothing a user typed puts a
slash, a quote or a control character into it."""

from __future__ import annotations

import email.message
import email.utils
import re
import unicodedata
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.http import parse_options_header

from registry.agreements import services as agreements
from registry.agreements.demo import simple_pdf
from registry.agreements.models import Agreement
from registry.auth.models import User
from registry.committees.models import Committee
from registry.db import db
from registry.documents import services
from registry.documents.models import DocumentVersion
from registry.organisations.models import OrganisationKind
from tests.agreements.conftest import content_for
from tests.meetings.conftest_documents import (
    COMMITTEE_TH,
    build_committee,
    build_minutes,
    commit,
)

# --- reading a Content-Disposition back ----------------------------------------------------


def saved_name(response) -> str:
    """The name a browser saves the download under (``filename*`` first, as RFC 6266 says)."""
    disposition, params = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    return params["filename"]


def fallback_name(response) -> str:
    """The plain ``filename`` for clients that do not read ``filename*``."""
    found = re.search(r'filename="([^"]*)"', response.headers["Content-Disposition"])
    assert found, response.headers["Content-Disposition"]
    return found.group(1)


def assert_safe(name: str) -> None:
    """A name with nothing a file system or a header could trip on."""
    assert name.endswith(".pdf")
    assert not re.search(r'[\x00-\x1f\x7f/\\:*?"<>|]', name), name
    assert len(name.encode()) <= services.MAX_NAME_BYTES
    assert unicodedata.is_normalized("NFC", name)


# --- agreements ----------------------------------------------------------------------------


@pytest.fixture
def agreement(app, make_organisation, make_user):
    """An agreement in Thai and English between DGA and an association (a draft); its id and
    reference."""
    own = make_organisation(kind=OrganisationKind.OWN_AGENCY)
    partner = make_organisation()
    staff = make_user("staff")
    with app.app_context():
        record = agreements.create_agreement(
            content_for([own, partner], language="both"), actor=db.session.get(User, staff)
        )
        return record.id, record.reference


def _sign(app, agreement_id: int, scan: bool) -> None:
    with app.app_context():
        record = db.session.get(Agreement, agreement_id)
        agreements.submit_for_review(record, None)
        agreements.approve(record, None)
        agreements.sign(
            record,
            None,
            signed_on=agreements.today() - timedelta(days=3),
            scan=simple_pdf(["signed"]) if scan else None,
            scan_filename="scan.pdf" if scan else None,
        )


def test_each_agreement_variant_is_saved_under_its_own_name_in_its_language(
    client, sign_in, agreement
):
    agreement_id, reference = agreement
    stem = reference.replace("/", "-")
    sign_in("staff")
    names, fallbacks = {}, {}
    for variant in ("th", "en", "bilingual", "pdfa-th", "pdfa-en", "pdfa-bilingual"):
        with client.get(f"/agreements/{agreement_id}/pdf?variant={variant}") as response:
            assert response.status_code == 200, variant
            names[variant] = saved_name(response)
            fallbacks[variant] = fallback_name(response)
    # Versions are numbered per agreement across its variants, in the order printed.
    assert names == {
        "th": f"บันทึกข้อตกลง-{stem}-ฉบับร่าง-v1-th.pdf",
        "en": f"agreement-{stem}-draft-v2-en.pdf",
        "bilingual": f"บันทึกข้อตกลง-{stem}-ฉบับร่าง-v3-th-en.pdf",
        "pdfa-th": f"บันทึกข้อตกลง-{stem}-ฉบับร่าง-v4-th-pdfa.pdf",
        "pdfa-en": f"agreement-{stem}-draft-v5-en-pdfa.pdf",
        "pdfa-bilingual": f"บันทึกข้อตกลง-{stem}-ฉบับร่าง-v6-th-en-pdfa.pdf",
    }
    assert fallbacks["th"] == f"agreement-{stem}-draft-v1-th.pdf"
    assert fallbacks["pdfa-bilingual"] == f"agreement-{stem}-draft-v6-th-en-pdfa.pdf"
    assert len(set(names.values())) == len(set(fallbacks.values())) == 6
    for name in [*names.values(), *fallbacks.values()]:
        assert_safe(name)
    for fallback in fallbacks.values():
        assert fallback.isascii()


def test_a_stored_version_keeps_its_name_and_a_later_printing_gets_another(
    app, client, sign_in, agreement
):
    agreement_id, reference = agreement
    stem = reference.replace("/", "-")
    sign_in("staff")
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        first = saved_name(response)
    with app.app_context():
        record = db.session.get(Agreement, agreement_id)
        content = agreements.content_of(record) | {"notice_days": 60}
        agreements.update_agreement(record, content, actor=None, lock_version=record.lock_version)
        version_id = db.session.scalar(
            sa.select(DocumentVersion.id).where(
                DocumentVersion.record_type == "agreements",
                DocumentVersion.record_id == agreement_id,
            )
        )
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert saved_name(response) == f"บันทึกข้อตกลง-{stem}-ฉบับร่าง-v2-th.pdf" != first
    with client.get(f"/agreements/{agreement_id}/documents/{version_id}") as response:
        assert response.status_code == 200
        assert saved_name(response) == first
        assert fallback_name(response) == f"agreement-{stem}-draft-v1-th.pdf"


def test_a_signed_agreement_prints_as_final_and_its_scan_is_named_signed(
    app, client, sign_in, agreement
):
    agreement_id, reference = agreement
    stem = reference.replace("/", "-")
    _sign(app, agreement_id, scan=True)
    sign_in("staff")
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert saved_name(response) == f"บันทึกข้อตกลง-{stem}-ฉบับสมบูรณ์-v1-th.pdf"
    with client.get(f"/agreements/{agreement_id}/pdf?variant=en") as response:
        assert saved_name(response) == f"agreement-{stem}-final-v2-en.pdf"
    with client.get(f"/agreements/{agreement_id}/scan") as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
        assert saved_name(response) == f"บันทึกข้อตกลง-{stem}-ฉบับลงนาม.pdf"
        assert fallback_name(response) == f"agreement-{stem}-signed-copy.pdf"


def test_bad_variants_and_other_records_versions_are_not_found(
    app, client, sign_in, agreement, make_organisation
):
    agreement_id, _reference = agreement
    sign_in("staff")
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert response.status_code == 200
    with app.app_context():
        version_id = db.session.scalar(
            sa.select(DocumentVersion.id).where(DocumentVersion.record_id == agreement_id)
        )
        other = agreements.create_agreement(
            content_for([make_organisation(), make_organisation()]), actor=None
        ).id
    for url in (
        f"/agreements/{agreement_id}/pdf?variant=../../etc/passwd",
        f"/agreements/{agreement_id}/pdf?variant=th%00",
        f"/agreements/{agreement_id}/pdf?variant=TH",
        f"/agreements/{other}/pdf?variant=en",  # a Thai-only agreement
        f"/agreements/{other}/documents/{version_id}",
        f"/agreements/{agreement_id}/documents/999999999",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url


# --- meetings ------------------------------------------------------------------------------


@pytest.fixture
def minutes(app, db_session, make_organisation, make_contact):
    """Meeting 2/2569 of the joint committee, held, its minutes drafted (ids)."""
    return build_minutes(app, build_committee(app, make_organisation, make_contact))


def test_the_agenda_and_the_minutes_of_a_meeting_get_different_names(app, client, sign_in, minutes):
    sign_in("staff")
    meeting = minutes.second
    committee = COMMITTEE_TH.replace(" ", "-")
    sent = {}
    for kind, variant in (("agenda", "th"), ("minutes", "th"), ("minutes", "en")):
        with client.get(f"/meetings/{meeting}/{kind}.pdf?variant={variant}") as response:
            assert response.status_code == 200, (kind, variant)
            sent[kind, variant] = (saved_name(response), fallback_name(response))
    agenda, agenda_ascii = sent["agenda", "th"]
    minutes_th, minutes_ascii = sent["minutes", "th"]
    assert agenda == f"ระเบียบวาระการประชุม-{committee}-ครั้งที่-2-2569-v1-th.pdf"
    assert minutes_th == f"รายงานการประชุม-{committee}-ครั้งที่-2-2569-ฉบับร่าง-v1-th.pdf"
    english = "Joint-Committee-on-Government-Digital-Innovation-meeting-2-2569"
    assert agenda_ascii == f"agenda-{english}-v1-th.pdf"
    assert minutes_ascii == f"minutes-{english}-draft-v1-th.pdf"
    assert sent["minutes", "en"] == (f"minutes-{english}-draft-v2-en.pdf",) * 2
    assert agenda != minutes_th and agenda_ascii != minutes_ascii

    # A stored version is sent under the name of what it is, whichever route serves it.
    with app.app_context():
        stored = db.session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.record_id == meeting)
        ).all()
        ids = {(v.record_type, v.variant): v.id for v in stored}
    with client.get(f"/meetings/{meeting}/documents/{ids['meeting_agendas', 'th']}") as response:
        assert saved_name(response) == agenda
    with client.get(f"/meetings/{meeting}/documents/{ids['meeting_minutes', 'th']}") as response:
        assert saved_name(response) == minutes_th


def test_certified_minutes_are_named_certified(app, client, sign_in, minutes):
    sign_in("staff")
    with client.get(f"/meetings/{minutes.first}/minutes.pdf?variant=pdfa-th") as response:
        assert response.status_code == 200
        assert saved_name(response) == (
            f"รายงานการประชุม-{COMMITTEE_TH.replace(' ', '-')}-ครั้งที่-1-2569-ฉบับรับรอง-v1-th-pdfa.pdf"
        )
        assert fallback_name(response).endswith("-meeting-1-2569-certified-v1-th-pdfa.pdf")


@pytest.mark.parametrize(
    "typed",
    [
        'คณะทำงาน "A/B" \\ ชุดที่ 1\x07',
        "คณะทำงาน\r\nContent-Type: text/html",
        "คณะทำงาน" + "ด้านนวัตกรรมดิจิทัลภาครัฐ" * 12,  # 300 characters, 900 bytes
        "../../..",
    ],
)
def test_a_committee_name_as_typed_never_makes_an_unsafe_name(app, client, sign_in, minutes, typed):
    with app.app_context():
        committee = db.session.get(Committee, minutes.committee.id)
        committee.name_th = typed[:300]
        committee.name_en = typed[:300]
        commit()
    sign_in("staff")
    with client.get(f"/meetings/{minutes.second}/agenda.pdf?variant=th") as response:
        assert response.status_code == 200
        header = response.headers["Content-Disposition"]
        name, fallback = saved_name(response), fallback_name(response)
    assert "\r" not in header and "\n" not in header
    assert_safe(name)
    assert_safe(fallback) and fallback.isascii()
    assert name.startswith("ระเบียบวาระการประชุม-") and name.endswith("-v1-th.pdf")
    assert "ครั้งที่-2-2569" in name


# --- the helpers themselves ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("ครั้งที่", "2/2569"), "ครั้งที่-2-2569.pdf"),
        (("a\x00b", "c\x1fd", "e\x7ff"), "a-b-c-d-e-f.pdf"),
        (('..\\..\\"x"', "  y  ", None, ""), "x-y.pdf"),
        (("สมาคม   เมกเกอร์ไทย",), "สมาคม-เมกเกอร์ไทย.pdf"),
        (("",), "document.pdf"),
        # Letters typed decomposed (e + combining acute) come out composed (NFC).
        (("Cafe\u0301 ไทย",), "Caf\u00e9-ไทย.pdf"),
    ],
)
def test_file_name_keeps_only_what_a_file_system_takes(parts, expected):
    assert services.file_name(*parts) == expected


def test_a_long_name_is_shortened_a_word_at_a_time_keeping_the_rest():
    committee = " ".join(["คณะกรรมการร่วมด้านนวัตกรรมดิจิทัล"] * 6)
    name = services.file_name("รายงานการประชุม", committee, "ครั้งที่", "2/2569", "v1", "th")
    assert len(name.encode()) <= services.MAX_NAME_BYTES
    assert name.startswith("รายงานการประชุม-คณะกรรมการร่วมด้านนวัตกรรมดิจิทัล-")
    assert name.endswith("-ครั้งที่-2-2569-v1-th.pdf")
    single = services.file_name("ก" * 500, "v1")
    assert len(single.encode()) <= services.MAX_NAME_BYTES and single.endswith("-v1.pdf")


def test_the_ascii_fallback_drops_thai_and_accents():
    assert services.ascii_file_name("รายงาน", "Café Déjà", "2/2569") == "Cafe-Deja-2-2569.pdf"
    assert services.ascii_file_name("ไทยล้วน") == "document.pdf"


def test_content_disposition_parses_back_to_the_thai_name_with_an_ascii_fallback():
    name = services.DownloadName(
        "บันทึกข้อตกลง-MOU-2569-001-ฉบับร่าง-v3-th.pdf", "agreement-MOU-2569-001-draft-v3-th.pdf"
    )
    header = services.content_disposition(name)
    assert header.isascii()
    assert header.startswith('attachment; filename="agreement-MOU-2569-001-draft-v3-th.pdf"; ')
    assert parse_options_header(header) == ("attachment", {"filename": name.name})
    message = email.message.Message()
    message["Content-Disposition"] = header
    # The standard library reads both: the plain filename, then filename* decoded.
    params = message.get_params(header="content-disposition")
    names = [email.utils.collapse_rfc2231_value(v) for k, v in params if k == "filename"]
    assert names == [name.ascii, name.name]
    # An ASCII name is sent once, as filename; inline when asked.
    plain = services.content_disposition("minutes-2-2569.pdf", as_attachment=False)
    assert plain == 'inline; filename="minutes-2-2569.pdf"'
    # A Thai string alone gets a fallback of its ASCII letters.
    assert services.content_disposition("ครั้งที่ 2/2569.pdf").startswith(
        "attachment; filename=\"2-2569.pdf\"; filename*=UTF-8''"
    )


def test_names_do_not_depend_on_the_readers_language(app, client, sign_in, agreement):
    """Two people, one reading in English, save the same printing under the same name."""
    agreement_id, _reference = agreement
    sign_in("staff")
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        thai_reader = response.headers["Content-Disposition"]
    client.post("/language", data={"locale": "en"}).close()
    with client.get(f"/agreements/{agreement_id}/pdf?variant=th") as response:
        assert response.headers["Content-Disposition"] == thai_reader
    with client.get(f"/agreements/{agreement_id}") as response:
        assert response.status_code == 200  # the page is still in English afterwards
        assert 'lang="en"' in response.get_data(as_text=True)
