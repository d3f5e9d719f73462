"""The agreement page, read as plain rows (``queries.agreement_page``): every part of the
agreement it shows (clauses with their sub-clauses, witnesses with their party, amendments,
parties named in the reader's language, who is responsible and who filed the scan), the
letters with their recipients and the reviewed drafts with who filed them, the buttons'
forms as their hidden fields; a page costs the same statements however much it lists."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from registry import audit
from registry.agreements import services
from registry.agreements.models import Agreement, AgreementStatus
from registry.agreements.reviews import AgreementReview
from registry.auth.models import User
from registry.db import db
from registry.letters.models import Letter, LetterKind

S = AgreementStatus


def _page(client, agreement_id: int) -> str:
    """The agreement page's HTML, its whitespace runs made one space."""
    with client.get(f"/agreements/{agreement_id}") as response:
        assert response.status_code == 200
        return " ".join(response.get_data(as_text=True).split())


def _section(html: str, heading: str) -> str:
    """The HTML from a heading of the page to the next heading of its level."""
    found = re.search(r"<h2[^>]*>" + re.escape(heading) + r"</h2>(.*?)(?=<h2|$)", html, re.S)
    assert found, f"no section {heading}"
    return found.group(1)


def test_clauses_witnesses_and_amendments_are_shown_in_their_order(
    app, client, sign_in_en, make_agreement, two_organisations, staff_user
):
    own, partner = two_organisations
    ident = make_agreement(
        S.SIGNED,
        clauses_th="ข้อแรกทดสอบ\n- ข้อย่อยหนึ่งทดสอบ\n- ข้อย่อยสองทดสอบ\nข้อสองทดสอบ",
        clauses_en="",
        witnesses=[
            {"name": "นางพยาน ไม่มีภาคี", "witness_position": None, "organisation_id": None},
            {"name": "นายพยาน ของสมาคม", "witness_position": "อุปนายก", "organisation_id": partner},
        ],
    )
    with app.app_context():
        agreement, user = db.session.get(Agreement, ident), db.session.get(User, staff_user)
        services.record_amendment(
            agreement, user, made_on=services.today(), text="แก้ไขข้อแรก\nบรรทัดที่สอง <b>"
        )
        services.record_amendment(agreement, user, made_on=services.today(), text="แก้ไขครั้งที่สอง")
    sign_in_en("staff")
    html = _page(client, ident)

    scope = _section(html, "Scope of cooperation")
    assert (
        '<ol class="agreement-clauses"> <li>ข้อแรกทดสอบ <ol><li>ข้อย่อยหนึ่งทดสอบ</li>'
        "<li>ข้อย่อยสองทดสอบ</li></ol> </li> <li>ข้อสองทดสอบ </li> </ol>"
    ) in scope
    witnesses = _section(html, "Witnesses")
    assert "<li>นางพยาน ไม่มีภาคี</li> <li>นายพยาน ของสมาคม, อุปนายก (สมาคม)</li>" in witnesses
    amendments = _section(html, "Amendments")
    first = amendments.index("แก้ไขข้อแรก<br>บรรทัดที่สอง &lt;b&gt;")
    assert first < amendments.index("แก้ไขครั้งที่สอง")


def test_an_agreement_without_clauses_witnesses_or_amendments_shows_none(
    client, sign_in_en, make_agreement
):
    ident = make_agreement(clauses_th="", clauses_en="", witnesses=[])
    sign_in_en("staff")
    html = _page(client, ident)
    assert '<p class="text-muted">—</p>' in _section(html, "Scope of cooperation")
    assert "Witnesses" not in html and "Amendments" not in html


def test_the_parties_are_named_in_the_reader_s_language_falling_back_to_thai(
    client, sign_in_en, make_agreement, make_organisation
):
    named = make_organisation("สมาคมมีชื่ออังกฤษทดสอบ", name_en="Association With A Name")
    unnamed = make_organisation("สมาคมไม่มีชื่ออังกฤษทดสอบ", name_en=None)
    ident = make_agreement(organisation_ids=[named, unnamed])
    sign_in_en("staff")
    parties = _section(_page(client, ident), "Parties")
    assert "<td>Association With A Name</td>" in parties
    assert "<td>สมาคมไม่มีชื่ออังกฤษทดสอบ</td>" in parties
    client.post("/language", data={"locale": "th"}).close()
    parties = _section(_page(client, ident), "คู่ภาคี")
    assert "<td>สมาคมมีชื่ออังกฤษทดสอบ</td>" in parties
    assert "Association With A Name" not in parties


def test_who_is_responsible_and_who_filed_the_scan_are_named(
    app, client, sign_in_en, make_agreement, make_user
):
    responsible = make_user("staff", full_name="นางผู้รับผิดชอบ ทดสอบหน้า")
    ident = make_agreement(S.SIGNED, scan=True, responsible_id=responsible)
    sign_in_en("staff")
    html = _page(client, ident)
    assert "Signed · Responsible: นางผู้รับผิดชอบ ทดสอบหน้า</p>" in html
    with app.app_context():
        agreement = db.session.get(Agreement, ident)
        filed_by = agreement.scan_uploaded_by.full_name
    assert f"by {filed_by}</p>" in html
    assert f'<a href="/agreements/{ident}/scan">signed.pdf</a>' in html


def test_letters_name_their_recipient_and_reviewed_drafts_who_filed_them(
    app, client, sign_in_en, make_agreement, make_user
):
    ident = make_agreement(S.IN_REVIEW)
    filer = make_user("staff", full_name="นายผู้ยื่นร่าง ทดสอบ")
    with app.app_context():
        actor = db.session.get(User, filer)
        letter = Letter(
            kind=LetterKind.AGREEMENT_COVER, record_type="agreements", record_id=ident,
            prefix="ดศ 0101/", year=2569, sequence=77, issued_on=date(2026, 11, 2),
            recipient="นายกสมาคมผู้รับทดสอบ", subject="ขอส่งร่างบันทึกข้อตกลง",
        )  # fmt: skip
        with audit.change(letter, actor, "issued"):
            pass
        for name, by, at in (
            ("ร่างแรก.docx", filer, 1),
            ("ร่างที่สอง.docx", None, 2),
        ):
            review = AgreementReview(
                agreement_id=ident, filename=name, storage_path=f"reviews/t-{ident}-{at}.docx",
                sha256="0" * 64, size=2048 + at, uploaded_by_id=by,
                uploaded_at=datetime(2026, 11, at, 3, 0),
            )  # fmt: skip
            with audit.change(review, actor, "filed reviewed draft"):
                pass
        db.session.commit()
        letter_id = letter.id
    sign_in_en("staff")
    html = _page(client, ident)

    assert f'<a href="/letters/{letter_id}/pdf">No. ดศ 0101/77</a>' in html
    assert "· นายกสมาคมผู้รับทดสอบ</li>" in html
    drafts = html[html.index("Reviewed drafts") :]
    assert "ร่างแรก.docx</a> · 3 KB" in drafts and "· นายผู้ยื่นร่าง ทดสอบ</li>" in drafts
    assert re.search(r"ร่างที่สอง\.docx</a> · 3 KB · [^<]* · —</li>", drafts)


def test_the_buttons_carry_the_session_token_and_renewal_a_one_time_token(
    app, client, sign_in_en, make_agreement
):
    signed = make_agreement(S.SIGNED, signed_on=services.today() - timedelta(days=100))
    draft = make_agreement()
    sign_in_en("staff")
    html = _page(client, signed)
    form = re.search(r'<form method="post" action="/agreements/\d+/renew".*?</form>', html)
    assert form, "no renew button"
    assert re.search(r'name="submission" type="hidden" value="[\w-]{16,}"', form.group(0))
    assert 'name="csrf_token" type="hidden"' in form.group(0)
    html = _page(client, draft)
    form = re.search(rf'<form method="post" action="/agreements/{draft}/submit".*?</form>', html)
    assert form and 'name="csrf_token" type="hidden"' in form.group(0)
    assert 'name="submission"' not in form.group(0)


def test_an_unknown_agreement_is_not_found(client, sign_in_en):
    sign_in_en("staff")
    for address in ("/agreements/999999999", "/agreements/0", "/agreements/-1", "/agreements/x"):
        with client.get(address) as response:
            assert response.status_code == 404, address


def test_the_page_costs_the_same_statements_however_much_it_lists(
    app, client, sign_in_en, make_agreement, make_organisation, make_user, staff_user, statements
):
    sign_in_en("staff")
    counts = []
    for parties in (2, 4):
        ids = [make_organisation(f"ภาคีหน้าบันทึก {parties} {n}") for n in range(parties)]
        # Reviewed drafts, each filed by another account (named on the page).
        filers = [make_user("staff") for _ in range(parties)]
        draft = make_agreement(S.IN_REVIEW, organisation_ids=ids)
        with app.app_context():
            for n, filer in enumerate(filers):
                review = AgreementReview(
                    agreement_id=draft, filename=f"{n}.docx", storage_path=f"t/{draft}-{n}.docx",
                    sha256="0" * 64, size=1, uploaded_by_id=filer,
                )  # fmt: skip
                with audit.change(review, db.session.get(User, filer), "filed reviewed draft"):
                    pass
            db.session.commit()
        _page(client, draft)  # what a process loads once
        with statements() as seen:
            _page(client, draft)
        counts.append(len(seen))
        ident = make_agreement(
            S.SIGNED,
            organisation_ids=ids,
            witnesses=[
                {"name": f"พยาน {n}", "witness_position": None, "organisation_id": ids[n]}
                for n in range(parties)
            ],
        )
        with app.app_context():
            agreement, user = db.session.get(Agreement, ident), db.session.get(User, staff_user)
            for n in range(parties):
                services.record_amendment(agreement, user, made_on=services.today(), text=f"{n}")
        _page(client, ident)  # what a process loads once
        with statements() as seen:
            _page(client, ident)
        counts.append(len(seen))
    assert counts[0] == counts[2] and counts[1] == counts[3]


def test_the_printings_and_word_drafts_are_labelled_by_language_and_form(
    client, sign_in_en, make_agreement
):
    thai = make_agreement()
    both = make_agreement(language="both")
    sign_in_en("staff")
    html = _page(client, thai)
    assert f'<a href="/agreements/{thai}/pdf?variant=th">PDF: Thai</a>' in html
    assert (
        f'<a href="/agreements/{thai}/pdf?variant=pdfa-th">PDF: Thai, PDF/A for archiving</a>'
        in html
    )
    assert f'<a href="/agreements/{thai}/draft.docx?lang=th">Thai</a></p>' in html
    assert "English" not in html[html.index("Documents") :]
    html = _page(client, both)
    assert f'/agreements/{both}/pdf?variant=bilingual">PDF: Thai and English</a>' in html
    assert f'/agreements/{both}/draft.docx?lang=en">English</a>' in html
