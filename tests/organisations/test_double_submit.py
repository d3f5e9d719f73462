"""The organisation forms that create, each sent twice with the same token (a double click,
a browser retry): one organisation, contact, import or invitation (one mail), one audit
event, and the second answer leads to the first result."""

from __future__ import annotations

import email
import io
from email import policy

import pytest
import sqlalchemy as sa

from registry.auth.models import Role
from registry.db import db
from registry.organisations.models import Contact, Invitation, Organisation, OrganisationStatus
from tests.conftest import audit_actions, form_token, submit_twice

from .test_import import GOOD_ROWS, csv_bytes


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


def ids(app, model, *conditions) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)))


def test_a_new_organisation_sent_twice_is_registered_once(app, client, staff):
    data = {"name_th": "สมาคมคลิกสองครั้ง", "kind": "association", "status": "prospect"}
    first, second = submit_twice(client, "/organisations/new", data)
    [organisation] = ids(app, Organisation, Organisation.name_th == data["name_th"])
    assert first.status_code == second.status_code == 302
    assert (
        second.headers["Location"] == first.headers["Location"] == f"/organisations/{organisation}"
    )
    assert audit_actions(app, "organisations", organisation) == ["created"]


def test_a_new_contact_sent_twice_is_added_once(app, client, staff, make_organisation):
    organisation = make_organisation()
    url = f"/organisations/{organisation}/contacts/new"
    data = {"first_name": "สมใจ", "last_name": "ส่งซ้ำ", "pdpa_basis": "legitimate_interest"}
    first, second = submit_twice(client, url, data)
    [contact] = ids(app, Contact, Contact.organisation_id == organisation)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Location"] == f"/organisations/contacts/{contact}"
    assert audit_actions(app, "contacts", contact) == ["created"]


def test_a_representative_adding_a_contact_twice_adds_one(app, client, sign_in):
    representative = sign_in(Role.REPRESENTATIVE)
    with app.app_context():
        from registry.auth.models import User

        organisation = db.session.get(User, representative).organisation_id
    url = f"/organisations/{organisation}/contacts/new"
    data = {"first_name": "ตัวแทน", "pdpa_basis": "contract"}
    first, second = submit_twice(client, url, data)
    assert first.status_code == second.status_code == 302
    assert len(ids(app, Contact, Contact.organisation_id == organisation)) == 1


def test_an_import_sent_twice_imports_once(app, client, staff):
    def data():
        return {"file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "partners.csv"), "submit": "Import"}

    first, second = submit_twice(client, "/organisations/import", data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(ids(app, Organisation, Organisation.name_th == "สมาคมไอโอทีทดสอบ")) == 1
    assert audit_actions(app, "imports") == ["imported"]


def test_checking_a_file_only_keeps_the_token_for_the_import(app, client, staff):
    token = form_token(client, "/organisations/import")
    checked = client.post(
        "/organisations/import",
        data={"file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "p.csv"), "check": "Check only",
              "submission": token},
    )  # fmt: skip
    assert checked.status_code == 200
    imported = client.post(
        "/organisations/import",
        data={"file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "p.csv"), "submit": "Import",
              "submission": token},
    )  # fmt: skip
    assert imported.status_code == 302
    assert len(ids(app, Organisation, Organisation.name_th == "สมาคมไอโอทีทดสอบ")) == 1


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    """The messages sent during the test."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(folder))
    return lambda: [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def test_an_invitation_button_pressed_twice_mails_once(
    app, client, staff, make_organisation, make_contact, outbox
):
    organisation = make_organisation(status=OrganisationStatus.ACTIVE)
    person = make_contact(organisation, email="double@example.or.th")
    page = f"/organisations/{organisation}/representatives"
    first, second = submit_twice(client, f"/organisations/contacts/{person}/invite", {}, page)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == page
    assert len(outbox()) == 1
    [invitation] = ids(app, Invitation, Invitation.contact_id == person)
    assert audit_actions(app, "invitations", invitation) == ["invited"]


def test_each_invitation_button_has_its_own_token(
    app, client, staff, make_organisation, make_contact, outbox
):
    """Two people on one page: inviting the second after the first is not a double click."""
    organisation = make_organisation(status=OrganisationStatus.ACTIVE)
    one = make_contact(organisation, email="one@example.or.th")
    two = make_contact(organisation, email="two@example.or.th")
    from tests.conftest import form_tokens

    with client.get(f"/organisations/{organisation}/representatives") as response:
        tokens = form_tokens(response.get_data(as_text=True))
    assert len(tokens) == len(set(tokens)) == 2
    for person, token in zip((one, two), tokens, strict=True):
        with client.post(
            f"/organisations/contacts/{person}/invite", data={"submission": token}
        ) as response:
            assert response.status_code == 302
    assert len(outbox()) == 2
    assert len(ids(app, Invitation, Invitation.contact_id.in_([one, two]))) == 2
