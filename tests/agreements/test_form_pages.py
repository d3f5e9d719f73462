"""The agreement's own forms behave as every form page does (``registry.web.form_page``): a
refusal is said at its field in the reader's language with 422 and nothing of it is kept; a
button that only adds a row saves nothing."""

from __future__ import annotations

from datetime import timedelta

from registry.agreements import services
from registry.agreements.models import Agreement, AgreementStatus
from registry.db import db
from tests.conftest import form_fields, form_token
from tests.test_form_pages import field_error

S = AgreementStatus


def _in_thai(client) -> None:
    client.post("/language", data={"locale": "th"}).close()


def test_a_refused_amendment_is_said_at_its_date_in_thai_and_nothing_is_recorded(
    app, client, sign_in_en, make_agreement, agreement_events
):
    agreement_id = make_agreement(S.SIGNED)
    sign_in_en("staff")
    _in_thai(client)
    before = agreement_events(agreement_id)
    url = f"/agreements/{agreement_id}/amend"
    tomorrow = (services.today() + timedelta(days=1)).isoformat()
    data = {"made_on": tomorrow, "text": "ข้อ 3 แก้ไขเป็น", "submission": form_token(client, url)}

    with client.post(url, data=data) as refused:
        html = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert field_error(html, "made_on") == "วันที่แก้ไขเพิ่มเติมต้องไม่เป็นวันในอนาคต"
    assert "ข้อ 3 แก้ไขเป็น" in html  # what was typed is kept
    assert agreement_events(agreement_id) == before


def test_a_refused_termination_is_said_at_its_field_and_the_agreement_stays_signed(
    app, client, sign_in_en, make_agreement, agreement_events
):
    agreement_id = make_agreement(S.SIGNED)
    sign_in_en("admin")
    _in_thai(client)
    before = agreement_events(agreement_id)
    today = services.today()
    data = {
        "notice_on": (today + timedelta(days=3)).isoformat(),
        "terminated_on": (today + timedelta(days=30)).isoformat(),
        "reason": "ยุติก่อนกำหนด",
    }

    with client.post(f"/agreements/{agreement_id}/terminate", data=data) as refused:
        html = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert field_error(html, "notice_on") == "วันที่แจ้งบอกเลิกต้องไม่เป็นวันในอนาคต"
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert (agreement.status, agreement.terminated_on) == (S.SIGNED, None)
    assert agreement_events(agreement_id) == before


def test_adding_a_row_on_the_edit_page_saves_nothing_and_keeps_the_version(
    app, client, sign_in_en, make_agreement, agreement_events
):
    agreement_id = make_agreement()
    sign_in_en("staff")
    url = f"/agreements/{agreement_id}/edit"
    opened = form_fields(client, url)
    before = agreement_events(agreement_id)

    with client.post(url, data=opened | {"title_th": "", "add_witness": "1"}) as shown:
        html = shown.get_data(as_text=True)

    assert shown.status_code == 200
    assert field_error(html, "title_th") is None  # not validated: nothing was being saved
    assert f'name="lock_version" type="hidden" value="{opened["lock_version"]}"' in html
    assert agreement_events(agreement_id) == before
    saved = client.post(url, data=opened | {"title_th": "ความร่วมมือที่แก้แล้ว"})
    assert saved.status_code == 302  # the version the form carried is still current
