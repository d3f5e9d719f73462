"""No silent overwrite of an organisation's profile (staff's form and a representative's My
association) or of a contact: a save from a form opened before someone else's save is
refused (409) with who changed what, keeps what was typed, and writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from registry.organisations import services
from registry.organisations.models import Contact, Organisation
from tests.conftest import (
    BAD_VERSIONS,
    assert_refused_as_outdated,
    form_fields,
    with_version,
)


@pytest.fixture
def first_editor(make_user):
    """The colleague who saves first."""
    return make_user(Role.STAFF, full_name="นายแก้ก่อน ทันใจ")


@pytest.fixture
def events(app):
    """The audit events of one record, oldest first, as (actor id, action, changes)."""

    def read(record_type: str, record_id: int) -> list[tuple]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
                .order_by(AuditEvent.id)
            )
            return [(event.actor_id, event.action, event.changes) for event in rows]

    return read


def _update_organisation(app, organisation_id: int, actor_id: int, **values) -> None:
    """Someone else saves the organisation through the service, from a current form."""
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        services.update_organisation(
            organisation,
            actor=db.session.get(User, actor_id),
            lock_version=organisation.lock_version,
            **values,
        )


# --- staff's profile form -----------------------------------------------------------------------


def test_a_profile_saved_from_an_outdated_form_is_refused_with_who_changed_what(
    app, client, sign_in, make_organisation, first_editor, fetch, events
):
    organisation_id = make_organisation("สมาคมแก้พร้อมกัน", name_en="Old Name")
    sign_in(Role.STAFF)
    url = f"/organisations/{organisation_id}/edit"
    opened = form_fields(client, url)
    _update_organisation(app, organisation_id, first_editor, name_en="First Change")
    before = events("organisations", organisation_id)

    response = client.post(url, data=opened | {"phone": "02 123 4567"})

    again = assert_refused_as_outdated(
        response,
        who="นายแก้ก่อน ทันใจ",
        shows={"ชื่อภาษาอังกฤษ": "First Change"},
        kept={"phone": "02 123 4567", "name_en": "Old Name"},
    )
    organisation = fetch(Organisation, organisation_id)
    assert (organisation.name_en, organisation.phone) == ("First Change", None)
    assert events("organisations", organisation_id) == before
    # Saved again from the refused page, knowingly, it goes through.
    assert again["lock_version"] == "2"
    assert client.post(url, data=again).status_code == 302
    organisation = fetch(Organisation, organisation_id)
    assert (organisation.name_en, organisation.phone) == ("Old Name", "02 123 4567")


def test_a_profile_saved_from_a_current_form_goes_through(
    client, sign_in, make_organisation, fetch
):
    organisation_id = make_organisation("สมาคมแก้คนเดียว")
    sign_in(Role.STAFF)
    url = f"/organisations/{organisation_id}/edit"
    response = client.post(url, data=form_fields(client, url) | {"phone": "02 765 4321"})
    assert response.status_code == 302
    assert fetch(Organisation, organisation_id).phone == "02 765 4321"
    assert fetch(Organisation, organisation_id).lock_version == 2


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_profile_form_without_a_good_version_saves_nothing(
    client, sign_in, make_organisation, fetch, events, version
):
    organisation_id = make_organisation("สมาคมรุ่นเพี้ยน")
    sign_in(Role.STAFF)
    url = f"/organisations/{organisation_id}/edit"
    before = events("organisations", organisation_id)
    data = with_version(form_fields(client, url), version) | {"phone": "02 765 4321"}
    response = client.post(url, data=data)
    assert_refused_as_outdated(response, who=None, shows={}, kept={"phone": "02 765 4321"})
    assert fetch(Organisation, organisation_id).phone is None
    assert events("organisations", organisation_id) == before


# --- a representative's My association ------------------------------------------------------


def test_my_association_saved_from_an_outdated_form_is_refused(
    app, client, sign_in, make_organisation, first_editor, fetch, events
):
    organisation_id = make_organisation("สมาคมของผู้แทนแก้พร้อมกัน")
    representative = sign_in(Role.REPRESENTATIVE, organisation_id=organisation_id)
    url = "/organisations/mine/edit"
    opened = form_fields(client, url)
    _update_organisation(app, organisation_id, first_editor, email="office@first.example")
    before = events("organisations", organisation_id)

    response = client.post(url, data=opened | {"website": "https://mine.example"})

    again = assert_refused_as_outdated(
        response,
        who="นายแก้ก่อน ทันใจ",
        shows={"อีเมล": "office@first.example"},
        kept={"website": "https://mine.example", "email": ""},
    )
    organisation = fetch(Organisation, organisation_id)
    assert (organisation.email, organisation.website) == ("office@first.example", None)
    assert events("organisations", organisation_id) == before
    assert client.post(url, data=again | {"email": "office@first.example"}).status_code == 302
    organisation = fetch(Organisation, organisation_id)
    assert (organisation.email, organisation.website) == (
        "office@first.example",
        "https://mine.example",
    )
    assert events("organisations", organisation_id)[-1][0] == representative


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_my_association_without_a_good_version_saves_nothing(
    client, sign_in, make_organisation, fetch, events, version
):
    organisation_id = make_organisation("สมาคมของผู้แทนรุ่นเพี้ยน")
    sign_in(Role.REPRESENTATIVE, organisation_id=organisation_id)
    url = "/organisations/mine/edit"
    before = events("organisations", organisation_id)
    data = with_version(form_fields(client, url), version) | {"website": "https://x.example"}
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert fetch(Organisation, organisation_id).website is None
    assert events("organisations", organisation_id) == before


# --- a contact --------------------------------------------------------------------------------


def test_a_contact_saved_from_an_outdated_form_is_refused_with_who_changed_what(
    app, client, sign_in, make_contact, first_editor, fetch, events
):
    contact_id = make_contact(position="เลขาธิการ", phone=None)
    sign_in(Role.STAFF)
    url = f"/organisations/contacts/{contact_id}/edit"
    opened = form_fields(client, url)
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        services.update_contact(
            contact,
            actor=db.session.get(User, first_editor),
            lock_version=contact.lock_version,
            position="นายกสมาคม",
            pdpa_basis="contract",
        )
    before = events("contacts", contact_id)

    response = client.post(url, data=opened | {"phone": "081 234 5678"})

    again = assert_refused_as_outdated(
        response,
        who="นายแก้ก่อน ทันใจ",
        shows={"ตำแหน่ง": "นายกสมาคม", "ฐานทางกฎหมาย (PDPA)": "การปฏิบัติตามสัญญา"},
        kept={"phone": "081 234 5678", "position": "เลขาธิการ"},
    )
    contact = fetch(Contact, contact_id)
    assert (contact.position, contact.phone) == ("นายกสมาคม", None)
    assert events("contacts", contact_id) == before
    assert client.post(url, data=again | {"position": "นายกสมาคม"}).status_code == 302
    assert fetch(Contact, contact_id).phone == "081 234 5678"


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_contact_form_without_a_good_version_saves_nothing(
    client, sign_in, make_contact, fetch, events, version
):
    contact_id = make_contact(phone=None)
    sign_in(Role.STAFF)
    url = f"/organisations/contacts/{contact_id}/edit"
    before = events("contacts", contact_id)
    data = with_version(form_fields(client, url), version) | {"phone": "081 234 5678"}
    assert client.post(url, data=data).status_code == 409
    assert fetch(Contact, contact_id).phone is None
    assert events("contacts", contact_id) == before


def test_a_refused_contact_form_in_english_says_so_in_english(
    app, client, sign_in, make_contact, first_editor
):
    contact_id = make_contact(position="เลขาธิการ")
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "en"}).close()
    url = f"/organisations/contacts/{contact_id}/edit"
    opened = form_fields(client, url)
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        services.update_contact(
            contact, actor=db.session.get(User, first_editor), lock_version=1, position="นายก"
        )
    with client.post(url, data=opened) as response:
        assert response.status_code == 409
        html = response.get_data(as_text=True)
    assert "Someone changed this record while you had it open" in html
    assert ">Position</dt>" in html
