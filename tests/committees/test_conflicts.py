"""No silent overwrite of a committee or a seat: a committee's details, its dissolution and
the end of a seat saved from a form opened before someone else's save are refused (409) with
who changed what, keep what was typed, and write nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.committees import services
from registry.committees.models import Committee, Membership
from registry.db import db
from tests.conftest import BAD_VERSIONS, assert_refused_as_outdated, form_fields, with_version


@pytest.fixture
def first_editor(make_user):
    """The colleague who saves first."""
    return make_user(Role.STAFF, full_name="นางแก้ก่อน คณะกรรมการ")


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


def _update(app, committee_id: int, actor_id: int, **values) -> None:
    with app.app_context():
        committee = db.session.get(Committee, committee_id)
        services.update_committee(
            committee,
            actor=db.session.get(User, actor_id),
            lock_version=committee.lock_version,
            **values,
        )


# --- the committee's details ----------------------------------------------------------------


def test_details_saved_from_an_outdated_form_are_refused_with_who_changed_what(
    app, client, sign_in, make_committee, first_editor, fetch, events
):
    committee_id = make_committee(mandate="ให้คำปรึกษา")
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/edit"
    opened = form_fields(client, url)
    _update(app, committee_id, first_editor, mandate="ให้คำปรึกษาและเสนอแนะ")
    before = events("committees", committee_id)

    response = client.post(url, data=opened | {"order_number": "7/2567"})

    again = assert_refused_as_outdated(
        response,
        who="นางแก้ก่อน คณะกรรมการ",
        shows={"อำนาจหน้าที่": "ให้คำปรึกษาและเสนอแนะ"},
        kept={"order_number": "7/2567", "mandate": "ให้คำปรึกษา"},
    )
    committee = fetch(Committee, committee_id)
    assert (committee.mandate, committee.order_number) == ("ให้คำปรึกษาและเสนอแนะ", None)
    assert events("committees", committee_id) == before
    assert client.post(url, data=again | {"mandate": "ให้คำปรึกษาและเสนอแนะ"}).status_code == 302
    committee = fetch(Committee, committee_id)
    assert (committee.mandate, committee.order_number) == ("ให้คำปรึกษาและเสนอแนะ", "7/2567")


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_details_without_a_good_version_save_nothing(
    client, sign_in, make_committee, fetch, events, version
):
    committee_id = make_committee()
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/edit"
    before = events("committees", committee_id)
    data = with_version(form_fields(client, url), version) | {"order_number": "9/2567"}
    assert client.post(url, data=data).status_code == 409
    assert fetch(Committee, committee_id).order_number is None
    assert events("committees", committee_id) == before


def test_details_saved_after_the_committee_was_dissolved_show_the_dissolution(
    app, client, sign_in, make_committee, first_editor, fetch
):
    committee_id = make_committee()
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/edit"
    opened = form_fields(client, url)
    with app.app_context():
        committee = db.session.get(Committee, committee_id)
        services.dissolve_committee(
            committee,
            db.session.get(User, first_editor),
            dissolved_on=date(2024, 6, 1),
            reason="ครบวาระ",
            lock_version=committee.lock_version,
        )
    response = client.post(url, data=opened | {"order_number": "8/2567"})
    assert_refused_as_outdated(
        response,
        who="นางแก้ก่อน คณะกรรมการ",
        shows={"เหตุผลที่ยุบ": "ครบวาระ", "วันที่ยุบ": "1 มิถุนายน 2567"},
        kept={"order_number": "8/2567"},
    )
    assert fetch(Committee, committee_id).order_number is None


# --- dissolving -----------------------------------------------------------------------------


def test_a_dissolution_from_an_outdated_form_is_refused(
    app, client, sign_in, make_committee, make_contact, appoint, first_editor, fetch, events
):
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/dissolve"
    opened = form_fields(client, url)
    _update(app, committee_id, first_editor, order_number="2/2567")
    before = events("committees", committee_id)

    data = opened | {"dissolved_on": "2024-06-01", "reason": "ครบวาระ"}
    again = assert_refused_as_outdated(
        client.post(url, data=data),
        who="นางแก้ก่อน คณะกรรมการ",
        shows={"เลขที่คำสั่งแต่งตั้ง": "2/2567"},
        kept={"dissolved_on": "2024-06-01", "reason": "ครบวาระ"},
    )
    assert fetch(Committee, committee_id).dissolved_on is None
    assert fetch(Membership, seat_id).ended_on is None
    assert events("committees", committee_id) == before
    assert client.post(url, data=again).status_code == 302
    assert fetch(Committee, committee_id).dissolved_on == date(2024, 6, 1)


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_dissolution_without_a_good_version_saves_nothing(
    client, sign_in, make_committee, fetch, version
):
    committee_id = make_committee()
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/dissolve"
    data = with_version(form_fields(client, url), version)
    data |= {"dissolved_on": "2024-06-01", "reason": "ครบวาระ"}
    assert client.post(url, data=data).status_code == 409
    assert fetch(Committee, committee_id).dissolved_on is None


# --- ending a seat --------------------------------------------------------------------------


def test_a_seat_ended_meanwhile_is_not_ended_again_from_the_older_form(
    app, client, sign_in, make_committee, make_contact, appoint, first_editor, fetch, events
):
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/members/{seat_id}/end"
    opened = form_fields(client, url)
    with app.app_context():
        seat = db.session.get(Membership, seat_id)
        services.end_membership(
            seat,
            db.session.get(User, first_editor),
            ended_on=date(2024, 3, 1),
            reason="ลาออก",
            lock_version=seat.lock_version,
        )
    before = events("committee_memberships", seat_id)

    response = client.post(url, data=opened | {"ended_on": "2024-04-01", "reason": "ย้ายงาน"})

    assert_refused_as_outdated(
        response,
        who="นางแก้ก่อน คณะกรรมการ",
        shows={"วันที่สิ้นสุด": "1 มีนาคม 2567", "เหตุผล": "ลาออก"},
        kept={"ended_on": "2024-04-01", "reason": "ย้ายงาน"},
    )
    seat = fetch(Membership, seat_id)
    assert (seat.ended_on, seat.end_reason) == (date(2024, 3, 1), "ลาออก")
    assert events("committee_memberships", seat_id) == before


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_ending_a_seat_without_a_good_version_saves_nothing(
    client, sign_in, make_committee, make_contact, appoint, fetch, version
):
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/members/{seat_id}/end"
    data = with_version(form_fields(client, url), version)
    data |= {"ended_on": "2024-04-01", "reason": "ย้ายงาน"}
    assert client.post(url, data=data).status_code == 409
    assert fetch(Membership, seat_id).ended_on is None


def test_ending_a_seat_from_a_current_form_goes_through(
    client, sign_in, make_committee, make_contact, appoint, fetch
):
    committee_id = make_committee()
    seat_id = appoint(committee_id, make_contact())
    sign_in(Role.STAFF)
    url = f"/committees/{committee_id}/members/{seat_id}/end"
    data = form_fields(client, url) | {"ended_on": "2024-04-01", "reason": "ย้ายงาน"}
    assert client.post(url, data=data).status_code == 302
    assert fetch(Membership, seat_id).end_reason == "ย้ายงาน"
