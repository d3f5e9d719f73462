"""The cover letter that sends an agreement's draft to a partner: issued from the
agreement page with the next number, mailed with the draft's PDF; bad input refused at its
field with nothing numbered or mailed; readable by the partner's representatives only."""

from __future__ import annotations

import sqlalchemy as sa

from registry.agreements.models import Agreement, AgreementParty
from registry.db import db
from registry.letters.models import Letter, LetterKind
from tests.conftest import audit_actions, form_fields
from tests.letters.conftest import PARTNER_EMAIL, pdf_text, plain


def letters(app) -> list[Letter]:
    with app.app_context():
        found = db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()
        db.session.expunge_all()
        return list(found)


def partner_party(app, agreement_id: int) -> tuple[int, int]:
    """The partner's party id and organisation id."""
    with app.app_context():
        party = db.session.scalars(
            sa.select(AgreementParty)
            .where(AgreementParty.agreement_id == agreement_id)
            .order_by(AgreementParty.position.desc())
        ).first()
        return party.id, party.organisation_id


def send_form(client, agreement_id: int, **changes) -> dict:
    url = f"/letters/agreement/{agreement_id}/send"
    fields = form_fields(client, url, having="submission")
    fields.update(changes)
    return fields


def test_the_cover_letter_goes_by_mail_with_the_draft(app, client, sign_in, agreement_id, mailbox):
    sign_in("staff")
    url = f"/letters/agreement/{agreement_id}/send"
    page = client.get(url)
    assert page.status_code == 200
    assert PARTNER_EMAIL in page.get_data(as_text=True)  # the partner's address offered

    data = send_form(client, agreement_id, recipient="นายกสมาคมปัญญาประดิษฐ์ประเทศไทย")
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    [letter] = letters(app)
    _party, organisation_id = partner_party(app, agreement_id)
    assert letter.kind is LetterKind.AGREEMENT_COVER
    assert letter.organisation_id == organisation_id
    assert letter.recipient == "นายกสมาคมปัญญาประดิษฐ์ประเทศไทย"
    assert letter.emails == 1

    [message] = mailbox()
    assert message["To"] == PARTNER_EMAIL
    attachments = list(message.iter_attachments())
    assert len(attachments) == 2
    letter_pdf, draft_pdf = (part.get_content() for part in attachments)
    text = plain(pdf_text(letter_pdf))
    assert plain(f"ที่ {letter.number}") in text
    assert plain("เรียน นายกสมาคมปัญญาประดิษฐ์ประเทศไทย") in text
    assert plain("เรื่อง ขอส่งร่างบันทึกข้อตกลงความร่วมมือ เรื่อง ความร่วมมือด้านนวัตกรรมดิจิทัลภาครัฐ") in text
    assert plain("สิ่งที่ส่งมาด้วย ร่างบันทึกข้อตกลงความร่วมมือ จำนวน 1 ชุด") in text
    with app.app_context():
        reference = db.session.get(Agreement, agreement_id).reference
    assert plain(reference) in text
    draft_text = plain(pdf_text(draft_pdf))
    assert plain("บันทึกข้อตกลงความร่วมมือ") in draft_text and plain(reference) in draft_text
    assert "issued letter" in audit_actions(app, "letters", letter.id)
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert f"/letters/{letter.id}/pdf" in page  # listed on the agreement page


def test_a_bad_address_or_an_empty_recipient_is_refused_and_takes_no_number(
    app, client, sign_in, agreement_id, mailbox
):
    sign_in("staff")
    url = f"/letters/agreement/{agreement_id}/send"
    for changes, message in (
        ({"email": "not an address"}, "อีเมลที่ถูกต้อง"),
        ({"email": "a@b.th, c@d.th"}, "อีเมลที่ถูกต้อง"),
        ({"recipient": "   "}, "ผู้รับหนังสือ"),
        ({"party": "999999"}, "เลือกภาคี"),
        ({"party": "ห้า"}, None),
    ):
        response = client.post(url, data=send_form(client, agreement_id, **changes))
        assert response.status_code == 422, changes
        if message:
            assert message in response.get_data(as_text=True), changes
    assert letters(app) == []
    assert mailbox() == []


def test_a_signed_agreement_is_not_sent_as_a_draft(app, client, sign_in, make_agreement):
    from registry.agreements.models import AgreementStatus

    agreement_id = make_agreement(AgreementStatus.SIGNED)
    sign_in("staff")
    response = client.get(f"/letters/agreement/{agreement_id}/send")
    assert response.status_code == 409
    assert letters(app) == []


def test_only_the_addressed_partners_representatives_read_the_letter(
    app, client, sign_in, agreement_id, make_user, make_organisation
):
    sign_in("staff")
    url = f"/letters/agreement/{agreement_id}/send"
    assert client.post(url, data=send_form(client, agreement_id)).status_code == 302
    [letter] = letters(app)
    _party, partner = partner_party(app, agreement_id)

    client.post("/sign-out")
    sign_in("representative", organisation_id=make_organisation())
    assert client.get(f"/letters/{letter.id}/pdf").status_code == 404
    assert client.get("/letters/").status_code == 403

    client.post("/sign-out")
    sign_in("representative", organisation_id=partner)
    with client.get(f"/letters/{letter.id}/pdf") as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
