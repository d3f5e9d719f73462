"""The committee forms that create, each sent twice with the same token (a double click, a
browser retry): one committee, one seat, one audit event, and the second answer leads to the
first result."""

from __future__ import annotations

import sqlalchemy as sa

from registry.auth.models import Role
from registry.committees.models import Committee, Membership
from registry.db import db
from tests.conftest import audit_actions, form_token, submit_twice

from .test_pages import COMMITTEE, _seat_form


def ids(app, model, *conditions) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)))


def test_a_new_committee_sent_twice_is_set_up_once(app, client, sign_in):
    sign_in(Role.STAFF)
    first, second = submit_twice(client, "/committees/new", COMMITTEE)
    [committee] = ids(app, Committee, Committee.name_th == COMMITTEE["name_th"])
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/committees/{committee}"
    assert audit_actions(app, "committees", committee) == ["created"]


def test_an_appointment_sent_twice_gives_one_seat(
    app, client, sign_in, make_committee, make_contact
):
    sign_in(Role.STAFF)
    committee = make_committee()
    person = make_contact()
    url = f"/committees/{committee}/appoint"
    first, second = submit_twice(client, url, _seat_form(person, role="member"))
    [seat] = ids(app, Membership, Membership.committee_id == committee)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/committees/{committee}"
    assert audit_actions(app, "committee_memberships", seat) == ["appointed"]


def test_a_refused_appointment_keeps_the_token_for_the_corrected_one(
    app, client, sign_in, make_committee, make_contact
):
    sign_in(Role.STAFF)
    committee = make_committee()
    person = make_contact()
    url = f"/committees/{committee}/appoint"
    token = form_token(client, url)
    before = _seat_form(person, role="member", term_start="2023-01-01")  # before establishment
    with client.post(url, data=before | {"submission": token}) as response:
        assert response.status_code == 422
        assert f'value="{token}"' in response.get_data(as_text=True)
    with client.post(url, data=_seat_form(person) | {"submission": token}) as response:
        assert response.status_code == 302
    with client.post(url, data=_seat_form(person) | {"submission": token}) as response:
        assert response.headers["Location"] == f"/committees/{committee}"
    assert len(ids(app, Membership, Membership.committee_id == committee)) == 1
