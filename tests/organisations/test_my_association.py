"""My association: a representative sees and keeps their own organisation's profile and
contacts, and never another organisation's."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.db import db
from registry.organisations.labels import KIND_LABELS, STATUS_LABELS
from registry.organisations.models import Contact, OrganisationKind, OrganisationStatus
from tests.conftest import read_version

PROFILE = {
    "name_th": "สมาคมไทยไอโอทีทดสอบ",
    "name_en": "Test Thai IoT Association",
    "acronym": "TTIoT",
    "province": "20",
    "address": "99 ถนนสุขุมวิท\nอำเภอศรีราชา จังหวัดชลบุรี 20110",
    "website": "https://www.thaiiot.example",
    "email": "Office@ThaiIoT.example",
    "phone": "038 123 456",
}


@pytest.fixture
def own(make_organisation):
    """The representative's organisation."""
    return make_organisation(
        "สมาคมของผู้แทน",
        name_en="The Representatives Association",
        status=OrganisationStatus.ACTIVE,
        registration_number="REG-1",
        notes="บันทึกภายในของเจ้าหน้าที่",
        website="https://old.example",
    )


@pytest.fixture
def other(make_organisation):
    """Somebody else's organisation."""
    return make_organisation(
        "สมาคมลับอื่น", name_en="Some Other Association", status=OrganisationStatus.ACTIVE
    )


@pytest.fixture
def representative(sign_in, own):
    """The client signed in as the representative of ``own``; returns the user id."""
    return sign_in(Role.REPRESENTATIVE, organisation_id=own)


def page_of(client, url: str) -> tuple[int, str]:
    with client.get(url) as response:
        return response.status_code, response.get_data(as_text=True)


def field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', page)
    return match.group(1) if match else ""


# --- the page ----------------------------------------------------------------------------


def test_my_association_shows_the_profile_and_the_contacts(
    client, representative, own, other, make_contact
):
    mine = make_contact(own, first_name="สมหญิง", last_name="ของเรา", email="somying@own.example")
    theirs = make_contact(other, first_name="ความลับ", last_name="ของเขา")
    status, page = page_of(client, "/organisations/mine")
    assert status == 200
    assert "สมาคมของผู้แทน" in page
    assert "The Representatives Association" in page
    profile = page.split('data-testid="profile"')[1].split("</dl>")[0]
    assert "https://old.example" in profile
    assert "ภาคีที่ร่วมมืออยู่" in profile  # the status, read only
    assert "นางสาวสมหญิง ของเรา" in page
    assert f'href="/organisations/contacts/{mine}"' in page
    assert f'href="/organisations/{own}/contacts/new"' in page
    assert 'href="/organisations/mine/edit"' in page
    # Nothing of the other organisation, and none of the staff's own notes.
    assert "ความลับ" not in page and f"/organisations/contacts/{theirs}" not in page
    assert "สมาคมลับอื่น" not in page
    assert "บันทึกภายในของเจ้าหน้าที่" not in page


def test_the_kind_and_status_follow_the_readers_language_and_come_back(
    app, client, representative, own
):
    pages = []
    for locale in ("th", "en", "th"):
        client.post("/language", data={"locale": locale}).close()
        status, page = page_of(client, "/organisations/mine")
        assert status == 200
        pages.append(page.split("<main", 1)[1])
    labels = {}
    for locale in ("th", "en"):
        with app.test_request_context(), force_locale(locale):
            labels[locale] = (
                str(KIND_LABELS[OrganisationKind.ASSOCIATION]),
                str(STATUS_LABELS[OrganisationStatus.ACTIVE]),
            )
    thai, english, thai_again = pages
    shown = ((thai, "th", "en"), (english, "en", "th"), (thai_again, "th", "en"))
    for page, locale, other in shown:
        kind, status = labels[locale]
        assert f'<dd class="col-sm-9">{kind}</dd>' in page
        assert f'<span class="badge text-bg-success">{status}</span>' in page
        assert f'<dd class="col-sm-9">{status}</dd>' in page
        assert f'<dd class="col-sm-9">{labels[other][0]}</dd>' not in page
        assert labels[other][1] not in page


def test_the_menu_offers_my_association_to_representatives_only(
    app, client, sign_in, make_user, own
):
    sign_in(Role.REPRESENTATIVE, organisation_id=own)
    _, page = page_of(client, "/")
    assert 'href="/organisations/mine"' in page
    assert "สมาคมของฉัน" in page
    for role in ("staff", "admin", "secretary"):
        other_client = app.test_client()
        from tests.conftest import sign_in_client

        with app.app_context():
            from registry.auth.models import User

            email = db.session.get(User, make_user(role)).email
        sign_in_client(other_client, email)
        _, page = page_of(other_client, "/")
        assert 'href="/organisations/mine"' not in page, role


@pytest.mark.parametrize(("role", "status"), [("staff", 403), ("admin", 404)])
def test_staff_and_admins_have_no_association_of_their_own(client, sign_in, role, status):
    """Staff lack the permission; an administrator holds every permission but belongs to
    no organisation."""
    sign_in(role)
    assert page_of(client, "/organisations/mine")[0] == status
    assert page_of(client, "/organisations/mine/edit")[0] == status


def test_my_association_asks_for_a_sign_in(client):
    with client.get("/organisations/mine") as response:
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


# --- editing -----------------------------------------------------------------------------


def _version(client) -> dict:
    """The version the profile form carries, as the browser sends it back."""
    return read_version(client, "/organisations/mine/edit")


def test_the_representative_edits_the_profile_and_the_change_is_audited(
    app, client, representative, own, get_organisation, audit_events
):
    status, page = page_of(client, "/organisations/mine/edit")
    assert status == 200
    assert 'value="สมาคมของผู้แทน"' in page
    for staff_only in ("kind", "status", "registration_number", "notes"):
        assert f'name="{staff_only}"' not in page

    response = client.post("/organisations/mine/edit", data=PROFILE | _version(client))
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/mine"
    organisation = get_organisation(own)
    assert organisation.name_th == PROFILE["name_th"]
    assert organisation.website == PROFILE["website"]
    assert organisation.email == "office@thaiiot.example"
    assert organisation.province == "20"
    # What only staff keep is untouched.
    assert organisation.registration_number == "REG-1"
    assert organisation.notes == "บันทึกภายในของเจ้าหน้าที่"
    assert organisation.status is OrganisationStatus.ACTIVE

    action, changes = audit_events(own)[-1]
    assert action == "updated"
    assert changes["website"] == ["https://old.example", PROFILE["website"]]
    with app.app_context():
        actor = db.session.scalar(
            sa.select(AuditEvent.actor_id)
            .where(AuditEvent.record_type == "organisations", AuditEvent.record_id == own)
            .order_by(AuditEvent.id.desc())
        )
    assert actor == representative
    _, page = page_of(client, "/organisations/mine")
    assert "บันทึกข้อมูลสมาคมของท่านแล้ว" in page


def test_staff_only_fields_sent_anyway_are_ignored(client, representative, own, get_organisation):
    data = PROFILE | {
        "kind": "company",
        "status": "prospect",
        "registration_number": "FORGED-9",
        "notes": "เขียนทับ",
    }
    assert client.post("/organisations/mine/edit", data=data | _version(client)).status_code == 302
    organisation = get_organisation(own)
    assert organisation.kind is OrganisationKind.ASSOCIATION
    assert organisation.status is OrganisationStatus.ACTIVE
    assert organisation.registration_number == "REG-1"
    assert organisation.notes == "บันทึกภายในของเจ้าหน้าที่"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_th", "", "กรุณากรอก"),
        ("name_th", "ก" * 301, "300"),
        ("website", "javascript:alert(1)", "https://"),
        ("website", "www.example.or.th", "https://"),
        ("email", "not-an-email", "อีเมล"),
        ("phone", "12345", "02 123 4567"),
        ("province", "99", "77"),
        ("acronym", "A" * 31, "30"),
    ],
)
def test_bad_values_are_refused_at_the_field_and_nothing_is_saved(
    client, representative, own, get_organisation, audit_events, field, value, message
):
    before = audit_events(own)
    data = PROFILE | _version(client) | {field: value}
    with client.post("/organisations/mine/edit", data=data) as response:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
    assert message in field_error(page, field), page[-2000:]
    organisation = get_organisation(own)
    assert organisation.name_th == "สมาคมของผู้แทน"
    assert organisation.website == "https://old.example"
    assert audit_events(own) == before


def test_a_name_already_registered_is_refused_without_a_link_to_the_other_record(
    client, representative, own, other, get_organisation
):
    data = PROFILE | _version(client) | {"name_th": "สมาคมลับอื่น"}
    with client.post("/organisations/mine/edit", data=data) as r:
        assert r.status_code == 422
        page = r.get_data(as_text=True)
    assert "ลงทะเบียนไว้แล้ว" in field_error(page, "name_th")
    assert f"/organisations/{other}" not in page
    assert get_organisation(own).name_th == "สมาคมของผู้แทน"


# --- never another organisation ----------------------------------------------------------


def test_another_organisations_pages_give_nothing_away(
    client, representative, own, other, make_contact
):
    """The organisation pages are staff pages: a representative is told "not found" whether
    the organisation exists or not, so not even its existence leaks."""
    missing = other + 1000
    answers = {}
    for organisation_id in (other, missing, own):
        for path in ("", "/edit", "/representatives"):
            status, page = page_of(client, f"/organisations/{organisation_id}{path}")
            answers[(organisation_id, path)] = status
            assert "สมาคมลับอื่น" not in page
    assert set(answers.values()) == {404}
    with client.post(f"/organisations/{other}/edit", data=PROFILE) as response:
        assert response.status_code == 404
    assert page_of(client, "/organisations/")[0] == 403


def test_another_organisations_contacts_answer_404(
    app, client, representative, own, other, make_contact
):
    theirs = make_contact(other, first_name="ความลับ")
    missing = theirs + 1000
    for url in (
        f"/organisations/contacts/{theirs}",
        f"/organisations/contacts/{theirs}/edit",
        f"/organisations/{other}/contacts/new",
        f"/organisations/contacts/{missing}",
    ):
        status, page = page_of(client, url)
        assert status == 404, url
        assert "ความลับ" not in page
    with client.post(
        f"/organisations/{other}/contacts/new",
        data={"first_name": "แทรก", "pdpa_basis": "consent", "consent_date": "2025-01-01"},
    ) as response:
        assert response.status_code == 404
    with app.app_context():
        names = db.session.scalars(
            sa.select(Contact.first_name).where(Contact.organisation_id == other)
        ).all()
    assert names == ["ความลับ"]


def test_the_representative_cannot_invite_or_withdraw(client, representative, own, make_contact):
    contact_id = make_contact(own)
    with client.post(f"/organisations/contacts/{contact_id}/invite") as response:
        assert response.status_code == 404


def test_the_representative_reaches_their_own_contacts(client, representative, own, make_contact):
    contact_id = make_contact(own, first_name="สมหญิง")
    status, page = page_of(client, f"/organisations/contacts/{contact_id}")
    assert status == 200 and "สมหญิง" in page
    assert 'href="/organisations/mine"' in page  # back to My association
    assert page_of(client, f"/organisations/{own}/contacts/new")[0] == 200
