"""Names are one line: a line break, a tab or another control character typed into a name
(an organisation's, a person's, an account's) is refused at the field with a clear message,
and nothing is saved; such a value would otherwise reach a mail header or a file name."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from registry.auth.models import Role, User
from registry.db import db
from registry.organisations.models import Contact, Organisation, OrganisationStatus
from tests.organisations.test_inactive import form_values

MESSAGE = "กรุณากรอกเป็นข้อความบรรทัดเดียว"
BAD = ["Thai AI\r\nBcc: evil@example.com", "Thai\nAI", "Thai\tAI", "Thai\x00AI", "Thai\u2028AI"]
ORGANISATION = {
    "name_th": "สมาคมบรรทัดเดียว",
    "name_en": "One Line Association",
    "acronym": "OLA",
    "kind": "association",
    "status": "active",
}


def field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', page)
    return match.group(1) if match else ""


def organisation_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Organisation.id)))


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("field", ["name_en", "name_th", "acronym"])
def test_a_new_organisation_with_a_control_character_in_a_name_is_refused(
    app, client, sign_in, field, bad
):
    sign_in("staff")
    before = organisation_count(app)
    data = form_values(client, "/organisations/new") | ORGANISATION | {field: bad}
    with client.post("/organisations/new", data=data) as response:
        assert response.status_code == 422
        assert MESSAGE in field_error(response.get_data(as_text=True), field)
    assert organisation_count(app) == before


def test_the_same_name_on_one_line_is_accepted(app, client, sign_in):
    sign_in("staff")
    before = organisation_count(app)
    data = form_values(client, "/organisations/new") | ORGANISATION | {"name_en": "Thai AI"}
    assert client.post("/organisations/new", data=data).status_code == 302
    assert organisation_count(app) == before + 1


def test_the_message_is_in_english_for_an_english_reader(client, sign_in):
    sign_in("staff")
    client.post("/language", data={"locale": "en"})
    data = form_values(client, "/organisations/new") | ORGANISATION | {"name_en": "A\nB"}
    with client.post("/organisations/new", data=data) as response:
        error = field_error(response.get_data(as_text=True), "name_en")
    assert "one line" in error


def test_a_representative_cannot_put_a_line_break_in_their_organisations_name(
    app, client, sign_in, make_organisation, fetch
):
    own = make_organisation(
        "สมาคมผู้แทน", name_en="Rep Association", status=OrganisationStatus.ACTIVE
    )
    sign_in(Role.REPRESENTATIVE, organisation_id=own)
    data = form_values(client, "/organisations/mine/edit") | {
        "name_th": "สมาคมผู้แทน",
        "name_en": "Rep\r\nAssociation",
    }
    with client.post("/organisations/mine/edit", data=data) as response:
        assert response.status_code == 422
        assert MESSAGE in field_error(response.get_data(as_text=True), "name_en")
    assert fetch(Organisation, own).name_en == "Rep Association"


@pytest.mark.parametrize("field", ["title", "first_name", "last_name", "position"])
def test_a_contacts_name_or_position_with_a_line_break_is_refused(
    app, client, sign_in, make_contact, fetch, field
):
    contact = make_contact(first_name="สมชาย", last_name="ใจดี")
    sign_in("staff")
    data = form_values(client, f"/organisations/contacts/{contact}/edit") | {
        "first_name": "สมชาย",
        "pdpa_basis": "legitimate_interest",
        field: "สมชาย\nBcc: evil@example.com",
    }
    with client.post(f"/organisations/contacts/{contact}/edit", data=data) as response:
        assert response.status_code == 422
        assert MESSAGE in field_error(response.get_data(as_text=True), field)
    saved = fetch(Contact, contact)
    assert (saved.first_name, saved.last_name) == ("สมชาย", "ใจดี")


def test_an_account_name_with_a_line_break_is_refused(app, client, sign_in):
    sign_in("admin")
    data = form_values(client, "/admin/users/new") | {
        "full_name": "นายใหม่\r\nBcc: evil@example.com",
        "email": "new-person@example.go.th",
        "role": "staff",
        "password": "a-temporary-password-2568",
    }
    with client.post("/admin/users/new", data=data) as response:
        assert response.status_code == 422
        assert MESSAGE in field_error(response.get_data(as_text=True), "full_name")
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == data["email"])) is None
