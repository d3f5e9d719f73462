"""The committee pages: set up, edit, appoint, end, dissolve; errors at the field with 422 and
nothing saved."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from registry.auth.models import Role
from registry.committees.models import Committee, Membership
from registry.db import db
from tests.conftest import read_version

from .conftest import START


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)))


COMMITTEE = {
    "kind": "joint_committee",
    "parent_id": "",
    "name_th": "คณะกรรมการร่วมทดสอบ",
    "name_en": "Test Joint Committee",
    "mandate": "ให้คำปรึกษา",
    "order_number": "1/2567",
    "order_date": "2024-01-01",
    "established_on": "2024-01-01",
    "quorum_rule": "more_than_half",
    "quorum_number": "",
}


def test_staff_set_up_a_committee_and_see_it_listed(app, client, sign_in):
    sign_in(Role.STAFF)
    with client.post("/committees/new", data=COMMITTEE) as response:
        assert response.status_code == 302
    with app.app_context():
        committee = db.session.scalar(sa.select(Committee))
        assert committee.order_number == "1/2567"
    with client.get("/committees/") as response:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "คณะกรรมการร่วมทดสอบ" in html
    with client.get(f"/committees/{committee.id}") as response:
        html = response.get_data(as_text=True)
        assert "ให้คำปรึกษา" in html and "1/2567" in html
        assert "2567" in html  # Buddhist-Era dates


def test_bad_committee_input_is_refused_at_the_field(app, client, sign_in, make_committee):
    sign_in(Role.STAFF)
    make_committee(name_th="คณะกรรมการที่มีอยู่")
    cases = [
        ({"name_th": ""}, "name_th"),
        ({"name_th": "คณะกรรมการที่มีอยู่"}, "name_th"),
        ({"kind": "subcommittee"}, "parent_id"),
        ({"kind": "subcommittee", "parent_id": "abc"}, "parent_id"),
        ({"established_on": "2567-13-01"}, "established_on"),
        ({"established_on": ""}, "established_on"),
        ({"quorum_rule": "fixed_number"}, "quorum_number"),
        ({"quorum_rule": "fixed_number", "quorum_number": "many"}, "quorum_number"),
        ({"kind": "council"}, "kind"),
    ]
    for change, field in cases:
        with client.post("/committees/new", data=COMMITTEE | change) as response:
            html = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert f'id="{field}-error"' in html, change
    assert _count(app, Committee) == 1


def test_editing_to_a_cycle_is_refused(app, client, sign_in, make_committee):
    sign_in(Role.STAFF)
    top = make_committee()
    middle = make_committee(kind="subcommittee", parent_id=top)
    bottom = make_committee(kind="working_group", parent_id=middle)
    version = read_version(client, f"/committees/{middle}/edit")
    data = COMMITTEE | version
    data |= {"kind": "subcommittee", "parent_id": str(bottom), "name_th": "อนุกรรมการ"}
    with client.post(f"/committees/{middle}/edit", data=data) as response:
        assert response.status_code == 422
        assert 'id="parent_id-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Committee, middle).parent_id == top
    data["parent_id"] = str(top)
    with client.post(f"/committees/{middle}/edit", data=data) as response:
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Committee, middle).name_th == "อนุกรรมการ"


def _seat_form(contact_id, **changes) -> dict:
    return {
        "contact_id": str(contact_id),
        "role": "member",
        "organisation_id": "",
        "term_start": "2024-02-01",
        "term_end": "",
        "appointed_by": "คำสั่งที่ 1/2567",
        "user_id": "",
    } | changes


def test_appointing_and_ending_a_seat_on_the_pages(
    app, client, sign_in, make_committee, make_contact
):
    sign_in(Role.STAFF)
    committee_id = make_committee()
    contact_id = make_contact(first_name="สมศรี", email="somsri@example.or.th")
    with client.get(f"/committees/{committee_id}/appoint") as response:
        assert response.status_code == 200
        assert "สมศรี" in response.get_data(as_text=True)
    form = _seat_form(contact_id, role="chair")
    with client.post(f"/committees/{committee_id}/appoint", data=form) as response:
        assert response.status_code == 302
    with app.app_context():
        seat = db.session.scalar(sa.select(Membership))
    with client.get(f"/committees/{committee_id}") as response:
        html = response.get_data(as_text=True)
    current = html.split('id="members-heading"', 1)[1].split('id="past-heading"', 1)[0]
    assert "สมศรี" in current
    url = f"/committees/{committee_id}/members/{seat.id}/end"
    version = read_version(client, url)
    with client.post(url, data={"ended_on": "2023-12-01", "reason": "ลาออก"} | version) as response:
        assert response.status_code == 422
        assert 'id="ended_on-error"' in response.get_data(as_text=True)
    with client.post(url, data={"ended_on": "2024-03-01", "reason": ""} | version) as response:
        assert response.status_code == 422
    with client.post(url, data={"ended_on": "2024-03-01", "reason": "ลาออก"} | version) as response:
        assert response.status_code == 302
    with client.get(f"/committees/{committee_id}") as response:
        html = response.get_data(as_text=True)
    past = html.split('id="past-heading"', 1)[1]
    assert "สมศรี" in past and "ลาออก" in past
    with app.app_context():
        assert db.session.get(Membership, seat.id).ended_on == date(2024, 3, 1)


def test_bad_appointments_on_the_page_are_refused_at_the_field(
    app, client, sign_in, make_committee, make_contact, appoint
):
    sign_in(Role.STAFF)
    committee_id = make_committee()
    chair = make_contact()
    appoint(committee_id, chair, "chair")
    other = make_contact()
    cases = [
        (_seat_form(other, role="chair"), "role"),
        (_seat_form(chair), "contact_id"),
        (_seat_form(other, term_end="2024-01-15"), "term_end"),
        (_seat_form(other, term_start="2023-06-01"), "term_start"),
        (_seat_form(other, term_start="not a date"), "term_start"),
        (_seat_form(""), "contact_id"),
        (_seat_form("x1"), "contact_id"),
        (_seat_form(other, organisation_id="99999999"), "organisation_id"),
        (_seat_form(other, role="emperor"), "role"),
        (_seat_form(other, user_id="12345"), "user_id"),
    ]
    before = _count(app, Membership)
    for form, field in cases:
        with client.post(f"/committees/{committee_id}/appoint", data=form) as response:
            html = response.get_data(as_text=True)
        assert response.status_code == 422, form
        assert f'id="{field}-error"' in html, (form, field)
    assert _count(app, Membership) == before


def test_dissolving_on_the_page(app, client, sign_in, make_committee, make_contact, appoint):
    sign_in(Role.STAFF)
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    url = f"/committees/{committee_id}/dissolve"
    version = read_version(client, url)
    data = {"dissolved_on": "2023-01-01", "reason": "ครบวาระ"} | version
    with client.post(url, data=data) as response:
        assert response.status_code == 422
    with client.post(url, data=data | {"dissolved_on": "2024-06-01"}) as response:
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Committee, committee_id).dissolved_on == date(2024, 6, 1)
        assert db.session.get(Membership, seat_id).ended_on == date(2024, 6, 1)
    # A dissolved committee is not edited and takes no one.
    for page in ("edit", "appoint"):
        with client.get(f"/committees/{committee_id}/{page}") as response:
            assert response.status_code == 302


def test_unknown_records_are_not_found(client, sign_in, make_committee, make_contact, appoint):
    sign_in(Role.STAFF)
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    other = make_committee()
    for url in (
        "/committees/99999",
        "/committees/99999/edit",
        f"/committees/{other}/members/{seat_id}/end",  # a seat of another committee
        f"/committees/{committee_id}/members/99999/end",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url


def test_the_start_date_shown_is_the_committees_first_day_at_the_earliest(
    client, sign_in, make_committee
):
    sign_in(Role.STAFF)
    committee_id = make_committee(established_on=date(2100, 1, 1))
    with client.get(f"/committees/{committee_id}/appoint") as response:
        assert 'value="01/01/2643"' in response.get_data(as_text=True)  # 2100 in the BE
    assert date(2100, 1, 1) > START
