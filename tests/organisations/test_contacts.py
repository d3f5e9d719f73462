"""Contacts: staff keep every organisation's people; a representative keeps their own only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.db import db
from registry.organisations.models import Contact, OrganisationStatus, PdpaBasis
from tests.conftest import read_version

GOOD = {
    "title": "ดร.",
    "first_name": "สมชาย",
    "last_name": "ใจดี",
    "position": "นายกสมาคม",
    "email": "Somchai@Example.or.th",
    "phone": "081 234 5678",
    "pdpa_basis": "consent",
    "consent_date": "2026-01-15",
}


@pytest.fixture
def contacts_of(app):
    """The contacts of an organisation, as (full name, email) pairs."""

    def read(organisation_id: int) -> list[tuple[str, str | None]]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(Contact).where(Contact.organisation_id == organisation_id)
            )
            return [(contact.full_name, contact.email) for contact in rows]

    return read


@pytest.fixture
def contact_events(app):
    """The audit events of one contact, as (action, changes, label)."""

    def read(contact_id: int) -> list[tuple[str, dict, str | None]]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.record_type == "contacts", AuditEvent.record_id == contact_id)
                .order_by(AuditEvent.id)
            )
            return [(event.action, event.changes, event.record_label) for event in rows]

    return read


def test_staff_add_a_contact_and_see_it_on_the_profile(
    client, sign_in, make_organisation, contacts_of, app
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation("สมาคมปัญญาประดิษฐ์ประเทศไทย")
    response = client.post(f"/organisations/{organisation_id}/contacts/new", data=GOOD)
    assert response.status_code == 302
    assert contacts_of(organisation_id) == [("ดร.สมชาย ใจดี", "somchai@example.or.th")]
    with app.app_context():
        contact = db.session.scalar(sa.select(Contact))
        assert contact.pdpa_basis is PdpaBasis.CONSENT
        assert contact.consent_date == date(2026, 1, 15)
        assert response.location.endswith(f"/organisations/contacts/{contact.id}")
    with client.get(f"/organisations/{organisation_id}") as page:
        html = page.get_data(as_text=True)
    assert "ดร.สมชาย ใจดี" in html and "นายกสมาคม" in html
    # The timeline tells that a contact was added.
    assert "ผู้ติดต่อ: สร้าง" in html


def test_adding_a_contact_is_audited(client, sign_in, make_organisation, contact_events, app):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    client.post(f"/organisations/{organisation_id}/contacts/new", data=GOOD)
    with app.app_context():
        contact_id = db.session.scalar(sa.select(Contact.id))
    [(action, changes, label)] = contact_events(contact_id)
    assert action == "created"
    assert changes["first_name"] == [None, "สมชาย"]
    assert label == "ดร.สมชาย ใจดี"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "กรุณากรอกข้อมูลในช่องนี้"),
        ("email", "not-an-email", "อีเมล"),
        ("phone", "12345", "หมายเลขโทรศัพท์"),
        ("pdpa_basis", "because", "ฐานทางกฎหมาย"),
        ("pdpa_basis", "", "กรุณากรอกข้อมูลในช่องนี้"),
        ("consent_date", "", "วันที่ได้รับความยินยอม"),
        ("consent_date", "31/04/2569", "เดือนเมษายน 2569 มี 30 วัน"),
        ("consent_date", "15/01/2026", "น่าจะเป็นปี ค.ศ."),
        ("consent_date", "01/01/2600", "อนาคต"),
        ("consent_date", "2999-01-01", "ปี พ.ศ. ตั้งแต่"),
        ("first_name", "ก" * 101, "ไม่เกิน 100 ตัวอักษร"),
        ("position", "ก" * 201, "ไม่เกิน 200 ตัวอักษร"),
    ],
)
def test_bad_contact_details_are_refused_at_the_field(
    client, sign_in, make_organisation, contacts_of, field, value, message
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    response = client.post(
        f"/organisations/{organisation_id}/contacts/new", data=GOOD | {field: value}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    error = html.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert contacts_of(organisation_id) == []


def test_a_consent_date_is_dropped_when_the_basis_is_not_consent(
    client, sign_in, make_organisation, app
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    data = GOOD | {"pdpa_basis": "public_task", "consent_date": "2026-01-15"}
    assert (
        client.post(f"/organisations/{organisation_id}/contacts/new", data=data).status_code == 302
    )
    with app.app_context():
        contact = db.session.scalar(sa.select(Contact))
        assert contact.pdpa_basis is PdpaBasis.PUBLIC_TASK
        assert contact.consent_date is None


def test_no_contacts_are_added_to_an_inactive_organisation(
    client, sign_in, make_organisation, contacts_of
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation(status=OrganisationStatus.INACTIVE)
    response = client.post(f"/organisations/{organisation_id}/contacts/new", data=GOOD)
    assert response.status_code == 422
    assert "ไม่ได้ใช้งาน" in response.get_data(as_text=True)
    assert contacts_of(organisation_id) == []


def test_staff_edit_a_contact(client, sign_in, make_contact, fetch, contact_events):
    sign_in(Role.STAFF)
    contact_id = make_contact(position="เลขาธิการ")
    url = f"/organisations/contacts/{contact_id}/edit"
    response = client.post(
        url,
        data=GOOD
        | read_version(client, url)
        | {"position": "นายกสมาคม", "pdpa_basis": "contract", "consent_date": ""},
    )
    assert response.status_code == 302
    contact = fetch(Contact, contact_id)
    assert contact.position == "นายกสมาคม"
    assert contact.pdpa_basis is PdpaBasis.CONTRACT
    action, changes, _label = contact_events(contact_id)[-1]
    assert action == "updated"
    assert changes["position"] == ["เลขาธิการ", "นายกสมาคม"]


def test_an_edit_with_a_bad_value_changes_nothing(client, sign_in, make_contact, fetch):
    sign_in(Role.STAFF)
    contact_id = make_contact(first_name="มานี")
    response = client.post(
        f"/organisations/contacts/{contact_id}/edit",
        data=GOOD | {"first_name": "มาลี", "phone": "02-abc"},
    )
    assert response.status_code == 422
    assert fetch(Contact, contact_id).first_name == "มานี"


def test_a_contact_who_leaves_is_kept_as_a_former_contact(client, sign_in, make_contact, fetch):
    sign_in(Role.STAFF)
    contact_id = make_contact()
    assert client.post(f"/organisations/contacts/{contact_id}/deactivate").status_code == 302
    assert fetch(Contact, contact_id).active is False
    with client.post(
        f"/organisations/contacts/{contact_id}/deactivate", follow_redirects=True
    ) as r:
        assert "เป็นผู้ติดต่อเดิมอยู่แล้ว" in r.get_data(as_text=True)
    assert client.post(f"/organisations/contacts/{contact_id}/reactivate").status_code == 302
    assert fetch(Contact, contact_id).active is True


def test_a_representative_keeps_their_own_contacts(
    client, sign_in, make_organisation, make_contact, contacts_of, fetch
):
    organisation_id = make_organisation()
    sign_in(Role.REPRESENTATIVE, organisation_id=organisation_id)
    contact_id = make_contact(organisation_id)
    with client.get(f"/organisations/contacts/{contact_id}") as page:
        assert page.status_code == 200
    response = client.post(f"/organisations/{organisation_id}/contacts/new", data=GOOD)
    assert response.status_code == 302
    assert ("ดร.สมชาย ใจดี", "somchai@example.or.th") in contacts_of(organisation_id)
    url = f"/organisations/contacts/{contact_id}/edit"
    response = client.post(url, data=GOOD | read_version(client, url) | {"first_name": "วิชัย"})
    assert response.status_code == 302
    assert fetch(Contact, contact_id).first_name == "วิชัย"


def test_a_representative_cannot_reach_another_organisations_contacts(
    client, sign_in, make_organisation, make_contact, fetch, contacts_of
):
    sign_in(Role.REPRESENTATIVE, organisation_id=make_organisation())
    other = make_organisation()
    contact_id = make_contact(other, first_name="ความลับ")
    with client.get(f"/organisations/contacts/{contact_id}") as page:
        assert page.status_code == 404
        assert "ความลับ" not in page.get_data(as_text=True)
    with client.get(f"/organisations/contacts/{contact_id}/edit") as page:
        assert page.status_code == 404
    assert client.post(f"/organisations/contacts/{contact_id}/edit", data=GOOD).status_code == 404
    assert client.post(f"/organisations/contacts/{contact_id}/deactivate").status_code == 404
    assert client.post(f"/organisations/{other}/contacts/new", data=GOOD).status_code == 404
    assert fetch(Contact, contact_id).first_name == "ความลับ"
    assert fetch(Contact, contact_id).active is True
    assert len(contacts_of(other)) == 1
    # Nor the organisation's page, nor the personal-data actions.
    assert client.get(f"/organisations/{other}").status_code == 404
    assert client.get(f"/organisations/contacts/{contact_id}/personal-data.json").status_code == 404
    assert client.post(f"/organisations/contacts/{contact_id}/erase").status_code == 404


def test_a_representative_cannot_export_or_erase_even_their_own(
    client, sign_in, make_organisation, make_contact
):
    organisation_id = make_organisation()
    sign_in(Role.REPRESENTATIVE, organisation_id=organisation_id)
    contact_id = make_contact(organisation_id)
    # Refused like any record the representative may not reach: "not found".
    assert client.get(f"/organisations/contacts/{contact_id}/personal-data.json").status_code == 404
    assert client.post(f"/organisations/contacts/{contact_id}/erase").status_code == 404


def test_a_secretary_has_no_access_to_contacts(client, sign_in, make_contact):
    sign_in(Role.SECRETARY)
    contact_id = make_contact()
    assert client.get(f"/organisations/contacts/{contact_id}").status_code == 403


def test_unknown_contacts_are_not_found(client, sign_in):
    sign_in(Role.STAFF)
    assert client.get("/organisations/contacts/999999").status_code == 404
    assert client.get("/organisations/contacts/99999999999999").status_code == 404
    assert client.post("/organisations/999999/contacts/new", data=GOOD).status_code == 404


def test_the_timeline_lists_newest_first(client, sign_in, make_organisation):
    sign_in(Role.STAFF)
    organisation_id = make_organisation()
    client.post(f"/organisations/{organisation_id}/contacts/new", data=GOOD)
    client.post(f"/organisations/{organisation_id}/deactivate")
    with client.get(f"/organisations/{organisation_id}") as page:
        html = page.get_data(as_text=True)
    timeline = html.split('id="timeline-heading"', 1)[1]
    assert timeline.index("ระงับการใช้งาน") < timeline.index("ผู้ติดต่อ: สร้าง")


def test_consent_in_the_future_is_refused_by_the_service(app, make_organisation, db_session):
    from registry.organisations import services

    organisation_id = make_organisation()
    with app.app_context():
        organisation = db.session.get(services.Organisation, organisation_id)
        tomorrow = date.today() + timedelta(days=2)
        with pytest.raises(services.ContactError) as refused:
            services.add_contact(
                organisation,
                actor=None,
                first_name="ก",
                pdpa_basis="consent",
                consent_date=tomorrow,
            )
        assert refused.value.field == "consent_date"


def test_the_list_search_follows_a_persons_name_as_it_changes(
    client, sign_in, make_organisation, make_contact
):
    sign_in(Role.STAFF)
    organisation_id = make_organisation("สมาคมค้นหาตามชื่อคน")
    contact_id = make_contact(organisation_id, first_name="บุญมา", last_name="ใจงาม")

    def found(query: str) -> bool:
        with client.get("/organisations/", query_string={"q": query}) as page:
            return "สมาคมค้นหาตามชื่อคน" in page.get_data(as_text=True)

    assert found("บุญมา ใจ") and found("นางสาวบุญ")
    url = f"/organisations/contacts/{contact_id}/edit"
    client.post(
        url, data=GOOD | read_version(client, url) | {"first_name": "บุญส่ง", "last_name": "ใจงาม"}
    ).close()
    assert found("บุญส่ง") and not found("บุญมา")
    client.post(f"/organisations/contacts/{contact_id}/erase").close()
    assert not found("บุญส่ง") and not found("ใจงาม")
    assert found("ค้นหาตามชื่อ")  # the organisation's own name still finds it
