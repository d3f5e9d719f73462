"""PDPA requests for a contact: export everything held (section 30), erase on request (33)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.organisations.models import ERASED_NAME, Contact, Invitation
from tests.conftest import PASSWORD, read_version


def _events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        query = sa.select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
        events = list(db.session.scalars(query))
        db.session.expunge_all()
        return events


def test_staff_download_everything_held_about_a_person(client, sign_in, make_contact, app):
    staff_id = sign_in(Role.STAFF)
    contact_id = make_contact(first_name="สมหญิง", email="somying@example.or.th", phone="0812345678")
    client.post(f"/organisations/contacts/{contact_id}/edit", data={
        "title": "นาง", "first_name": "สมหญิง", "last_name": "รักไทย", "position": "อุปนายก",
        "email": "somying@example.or.th", "phone": "0812345678", "pdpa_basis": "contract",
    } | read_version(client, f"/organisations/contacts/{contact_id}/edit"))  # fmt: skip
    with client.get(f"/organisations/contacts/{contact_id}/personal-data.json") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "no-store"
        data = json.loads(response.get_data(as_text=True))
    assert data["contact"]["first_name"] == "สมหญิง"
    assert data["contact"]["email"] == "somying@example.or.th"
    assert data["contact"]["phone"] == "0812345678"
    assert data["organisation"]["id"] == data["contact"]["organisation_id"]
    assert [entry["action"] for entry in data["history"]] == ["created (test)", "updated"]
    assert data["history"][1]["changes"]["position"] == [None, "อุปนายก"]
    # The request itself is on record.
    [event] = _events(app, action="exported personal data")
    assert (event.record_type, event.record_id, event.actor_id) == (
        "contacts",
        contact_id,
        staff_id,
    )


def test_the_export_lists_an_account_made_for_the_person_without_secrets(
    client, sign_in, make_contact, make_user, make_organisation
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    contact_id = make_contact(organisation_id, email="rep@example.or.th")
    make_user(Role.REPRESENTATIVE, email="rep@example.or.th", organisation_id=organisation_id)
    with client.get(f"/organisations/contacts/{contact_id}/personal-data.json") as response:
        data = json.loads(response.get_data(as_text=True))
    [account] = data["accounts"]
    assert account["email"] == "rep@example.or.th"
    assert "password_hash" not in account and "session_version" not in account


def test_erasing_a_person_anonymises_them_and_keeps_the_history(
    client, sign_in, make_organisation, make_contact, fetch, app
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    contact_id = make_contact(organisation_id, first_name="สมหญิง", last_name="รักไทย",
                              email="somying@example.or.th", phone="0812345678",
                              position="อุปนายก")  # fmt: skip
    client.post(f"/organisations/contacts/{contact_id}/edit", data={
        "first_name": "สมหญิง", "last_name": "รักษ์ไทย", "email": "somying@example.or.th",
        "pdpa_basis": "legitimate_interest",
    } | read_version(client, f"/organisations/contacts/{contact_id}/edit"))  # fmt: skip
    response = client.post(f"/organisations/contacts/{contact_id}/erase")
    assert response.status_code == 302
    contact = fetch(Contact, contact_id)
    assert contact.erased and not contact.active
    assert contact.full_name == ERASED_NAME
    assert (contact.title, contact.last_name, contact.email, contact.phone, contact.position) == (
        None, None, None, None, None,
    )  # fmt: skip
    # The events stay, in order, but no longer say anything about the person.
    events = _events(app, record_type="contacts", record_id=contact_id)
    assert [e.action for e in events] == ["created (test)", "updated", "erased personal data"]
    dump = json.dumps([(e.changes, e.record_label) for e in events], ensure_ascii=False)
    for secret in ("สมหญิง", "รักไทย", "รักษ์ไทย", "somying", "0812345678", "อุปนายก"):
        assert secret not in dump
    # The organisation's page still tells what happened.
    with client.get(f"/organisations/{organisation_id}") as page:
        html = page.get_data(as_text=True)
    assert "สมหญิง" not in html
    assert "ผู้ติดต่อ: ลบข้อมูลส่วนบุคคล" in html


def test_an_erased_person_cannot_be_edited_or_erased_again(client, sign_in, make_contact, fetch):
    sign_in(Role.STAFF)
    contact_id = make_contact()
    client.post(f"/organisations/contacts/{contact_id}/erase")
    assert client.get(f"/organisations/contacts/{contact_id}/edit").status_code == 404
    data = {"first_name": "ใหม่", "pdpa_basis": "contract"}
    assert client.post(f"/organisations/contacts/{contact_id}/edit", data=data).status_code == 404
    with client.post(f"/organisations/contacts/{contact_id}/erase", follow_redirects=True) as page:
        assert "ถูกลบไปแล้ว" in page.get_data(as_text=True)
    with client.post(
        f"/organisations/contacts/{contact_id}/reactivate", follow_redirects=True
    ) as r:
        assert "แก้ไขไม่ได้อีก" in r.get_data(as_text=True)
    assert fetch(Contact, contact_id).first_name == ERASED_NAME


def test_erasing_closes_the_persons_account(
    client, app, sign_in, make_organisation, make_contact, make_user, get_user
):
    organisation_id = make_organisation()
    contact_id = make_contact(organisation_id, email="rep@example.or.th")
    user_id = make_user(Role.REPRESENTATIVE, email="rep@example.or.th",
                        organisation_id=organisation_id)  # fmt: skip
    with app.app_context():
        db.session.add(
            Invitation(
                contact_id=contact_id,
                email="rep@example.or.th",
                token_hash="a" * 64,
                expires_at=db.func.now(),
                user_id=user_id,
            )
        )
        from registry import audit

        audit.record_event(None, "created (test)", record_type="invitations")
        db.session.commit()
    rep = app.test_client()
    assert (
        rep.post("/sign-in", data={"email": "rep@example.or.th", "password": PASSWORD}).status_code
        == 302
    )
    sign_in(Role.STAFF)
    assert client.post(f"/organisations/contacts/{contact_id}/erase").status_code == 302
    user = get_user(user_id)
    assert not user.active and user.password_hash is None
    assert user.email == f"erased-{user_id}@erased.invalid"
    assert user.full_name == ERASED_NAME
    # Signed out everywhere, and the address can no longer sign in.
    with rep.get("/") as page:
        assert page.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "rep@example.or.th")) is None
        invitation = db.session.scalar(sa.select(Invitation))
        assert invitation.email == ""
    labels = [e.actor_label for e in _events(app, actor_id=user_id)]
    assert labels and all("rep@example" not in label for label in labels)


def test_erasing_leaves_other_people_alone(client, sign_in, make_organisation, make_contact, fetch):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    erased = make_contact(organisation_id)
    kept = make_contact(organisation_id, first_name="คงอยู่")
    client.post(f"/organisations/contacts/{erased}/erase")
    assert fetch(Contact, kept).first_name == "คงอยู่"
    assert not fetch(Contact, kept).erased
