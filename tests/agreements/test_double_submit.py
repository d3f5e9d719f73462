"""The agreement forms that create, each sent twice with the same token (a double click, a
browser retry): one draft with one reference number (the next draft takes the next), one
renewal, one amendment, one filed scan; one audit event, and the second answer leads to the
first result."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from registry.agreements import services
from registry.agreements.demo import simple_pdf
from registry.agreements.models import Agreement, AgreementStatus
from registry.db import db
from tests.conftest import audit_actions, form_token, submit_twice

from .test_pages import _form_data

S = AgreementStatus


def agreements(app) -> list[tuple[int, int | None, str]]:
    """Every agreement as (id, predecessor, reference), oldest first."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Agreement.id, Agreement.predecessor_id, Agreement.reference).order_by(
                Agreement.id
            )
        )
        return [tuple(row) for row in rows]


def test_a_new_agreement_sent_twice_is_drafted_once_and_numbers_stay_consecutive(
    app, client, sign_in_en, two_organisations
):
    sign_in_en("staff")
    first, second = submit_twice(client, "/agreements/new", _form_data(*two_organisations))
    [(agreement, _none, _reference)] = agreements(app)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/agreements/{agreement}"
    assert audit_actions(app, "agreements", agreement) == ["created"]

    with client.post("/agreements/new", data=_form_data(*two_organisations)) as response:
        assert response.status_code == 302
    with app.app_context():
        numbers = db.session.scalars(
            sa.select(Agreement.reference_number).order_by(Agreement.id)
        ).all()
    assert len(numbers) == 2
    assert numbers[1] == numbers[0] + 1


def test_the_draft_form_shown_again_for_a_new_party_row_keeps_its_token(
    app, client, sign_in_en, two_organisations
):
    sign_in_en("staff")
    token = form_token(client, "/agreements/new")
    data = _form_data(*two_organisations) | {"add_party": "1", "submission": token}
    with client.post("/agreements/new", data=data) as response:
        assert response.status_code == 200
        assert f'value="{token}"' in response.get_data(as_text=True)
    assert agreements(app) == []


def test_a_renewal_pressed_twice_drafts_one_successor(app, client, sign_in_en, make_agreement):
    old = make_agreement(S.SIGNED, signed_on=services.today() - timedelta(days=100))
    sign_in_en("staff")
    first, second = submit_twice(client, f"/agreements/{old}/renew", {}, f"/agreements/{old}")
    [successor] = [row[0] for row in agreements(app) if row[1] == old]
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/agreements/{successor}"
    assert audit_actions(app, "agreements", old).count("renewed") == 1
    assert audit_actions(app, "agreements", successor) == ["created"]


def test_an_amendment_sent_twice_is_recorded_once(app, client, sign_in_en, make_agreement):
    agreement = make_agreement(S.SIGNED)
    sign_in_en("staff")
    data = {"made_on": services.today().isoformat(), "text": "แก้ไขข้อ 2 ระยะเวลา"}
    first, second = submit_twice(client, f"/agreements/{agreement}/amend", data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/agreements/{agreement}"
    with app.app_context():
        assert len(db.session.get(Agreement, agreement).amendments) == 1
    assert audit_actions(app, "agreements", agreement).count("recorded amendment") == 1


def test_a_refused_amendment_then_the_corrected_one_with_the_same_token(
    app, client, sign_in_en, make_agreement
):
    agreement = make_agreement(S.SIGNED)
    sign_in_en("staff")
    url = f"/agreements/{agreement}/amend"
    token = form_token(client, url)
    future = (services.today() + timedelta(days=5)).isoformat()
    with client.post(url, data={"made_on": future, "text": "ก", "submission": token}) as response:
        assert response.status_code == 422
    today = services.today().isoformat()
    with client.post(url, data={"made_on": today, "text": "ก", "submission": token}) as response:
        assert response.status_code == 302
    with app.app_context():
        assert len(db.session.get(Agreement, agreement).amendments) == 1


def test_a_scan_uploaded_twice_is_filed_once(app, client, sign_in_en, make_agreement):
    agreement = make_agreement(S.SIGNED)
    sign_in_en("staff")

    def data():
        return {"scan": (io.BytesIO(simple_pdf(["signed copy"])), "signed.pdf")}

    url = f"/agreements/{agreement}/scan/upload"
    first, second = submit_twice(client, url, data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/agreements/{agreement}"
    assert audit_actions(app, "agreements", agreement).count("uploaded signed copy") == 1
    with client.get(f"/agreements/{agreement}/scan") as response:
        assert response.status_code == 200
