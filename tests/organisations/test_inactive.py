"""A representative of an inactive organisation reads what it has but changes nothing: its
profile, contacts, proposals and endorsements are refused with the reason (403), nothing is
saved, and their own account (sign-out, password) stays theirs."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role
from registry.auth.permissions import READING_METHODS, access_rule, role_has
from registry.db import db
from registry.organisations import services
from registry.organisations.models import Contact, Organisation, OrganisationStatus
from tests.conftest import PASSWORD

PROFILE = {
    "name_th": "สมาคมที่เปลี่ยนชื่อแล้ว",
    "name_en": "Renamed Association",
    "acronym": "RNA",
    "province": "10",
    "phone": "02 123 4567",
}
REFUSAL = "ไม่ใช้งานในทะเบียน"


@pytest.fixture
def own(make_organisation):
    """The representative's organisation, active for now."""
    return make_organisation(
        "สมาคมที่จะไม่ใช้งาน", name_en="Soon Inactive Association", status=OrganisationStatus.ACTIVE
    )


@pytest.fixture
def representative(sign_in, own):
    """The client signed in as the representative of ``own``; the user's id."""
    return sign_in(Role.REPRESENTATIVE, organisation_id=own)


@pytest.fixture
def deactivate(app, own):
    """Make ``own`` inactive, as staff do."""

    def do() -> None:
        with app.app_context():
            services.deactivate_organisation(db.session.get(Organisation, own), None)

    return do


def form_values(client, url: str) -> dict:
    """The hidden fields of the form at ``url`` (the version it was read at, its token)."""
    with client.get(url) as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    hidden = re.findall(r'<input[^>]*type="hidden"[^>]*>', page)
    values = {}
    for tag in hidden:
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            values[name.group(1)] = value.group(1) if value else ""
    return values


def event_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def test_the_profile_can_be_changed_while_the_organisation_is_active(
    app, client, representative, own, fetch
):
    data = form_values(client, "/organisations/mine/edit") | PROFILE
    assert client.post("/organisations/mine/edit", data=data).status_code == 302
    assert fetch(Organisation, own).name_en == "Renamed Association"


def test_the_profile_of_an_inactive_organisation_is_refused_and_left_alone(
    app, client, representative, own, deactivate, fetch
):
    data = form_values(client, "/organisations/mine/edit") | PROFILE
    deactivate()
    before = event_count(app)
    with client.post("/organisations/mine/edit", data=data) as response:
        assert response.status_code == 403
        page = response.get_data(as_text=True)
    assert REFUSAL in page and "สมาคมที่จะไม่ใช้งาน" in page
    organisation = fetch(Organisation, own)
    assert organisation.name_en == "Soon Inactive Association" and organisation.acronym != "RNA"
    assert event_count(app) == before


def test_reading_stays_open(client, representative, own, deactivate, make_contact):
    make_contact(own, first_name="สมหญิง", last_name="อ่านได้")
    deactivate()
    for path in ["/organisations/mine", "/organisations/mine/edit", "/proposals/", "/"]:
        with client.get(path) as response:
            assert response.status_code == 200, path
    with client.get("/organisations/mine") as response:
        assert "สมหญิง" in response.get_data(as_text=True)


def test_contacts_of_an_inactive_organisation_cannot_be_added_or_changed(
    app, client, representative, own, deactivate, make_contact, fetch
):
    contact = make_contact(own, first_name="เดิม")
    edit = form_values(client, f"/organisations/contacts/{contact}/edit")
    deactivate()
    new = {"first_name": "ใหม่", "pdpa_basis": "consent", "email": "new@example.or.th"}
    with client.post(f"/organisations/{own}/contacts/new", data=new) as response:
        assert response.status_code == 403
    data = edit | {"first_name": "เปลี่ยน", "pdpa_basis": "consent"}
    with client.post(f"/organisations/contacts/{contact}/edit", data=data) as response:
        assert response.status_code == 403
    with client.post(f"/organisations/contacts/{contact}/deactivate") as response:
        assert response.status_code == 403
    with app.app_context():
        contacts = db.session.scalars(sa.select(Contact).where(Contact.organisation_id == own))
        assert [(c.first_name, c.active) for c in contacts] == [("เดิม", True)]
    assert fetch(Contact, contact).first_name == "เดิม"


def _representative_writes(app) -> list[str]:
    """Every address a representative's permissions let them write to, with ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.methods - READING_METHODS:
            continue
        permission = access_rule(app, rule.endpoint)
        if permission in (None, "public", "signed-in") or permission.startswith("token:"):
            continue
        if role_has(Role.REPRESENTATIVE, permission):
            urls.append(re.sub(r"<int:[a-z_]+>", "1", rule.rule))
    return urls


def test_every_write_a_representative_may_make_is_refused_for_an_inactive_organisation(
    app, client, representative, deactivate
):
    urls = _representative_writes(app)
    assert "/organisations/mine/edit" in urls and "/proposals/new" in urls
    assert any("/endorse" in url for url in urls)
    deactivate()
    before = event_count(app)
    for url in urls:
        with client.post(url, data={"title": "x"}) as response:
            assert response.status_code == 403, url
            assert REFUSAL in response.get_data(as_text=True), url
    assert event_count(app) == before


def test_the_refusal_is_in_english_for_an_english_reader(client, representative, deactivate):
    client.post("/language", data={"locale": "en"})
    deactivate()
    with client.post("/proposals/new", data={}) as response:
        assert response.status_code == 403
        page = response.get_data(as_text=True)
    assert "Soon Inactive Association is inactive in the registry" in page


def test_their_own_account_stays_theirs(client, representative, deactivate):
    deactivate()
    change = {
        "current_password": PASSWORD,
        "new_password": "a-new-password-2568",
        "confirm": "a-new-password-2568",
    }
    assert client.post("/account/password", data=change).status_code == 302
    assert client.post("/sign-out").status_code == 302


def test_staff_still_change_an_inactive_organisation(app, client, sign_in, own, deactivate):
    deactivate()
    sign_in("staff")
    with client.post(f"/organisations/{own}/reactivate") as response:
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, own).status is OrganisationStatus.ACTIVE
