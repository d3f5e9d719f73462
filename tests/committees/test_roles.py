"""Who sees which committee: staff all; a secretary those they run; a representative those
where their association sits, read only and without contact details."""

from __future__ import annotations

from datetime import date

from registry.auth.models import Role
from registry.committees import services
from registry.committees.models import Membership
from registry.db import db


def test_a_secretary_works_only_with_the_committees_they_run(
    app, client, sign_in, make_committee, make_contact, appoint
):
    secretary = sign_in(Role.SECRETARY)
    own = make_committee(name_th="คณะที่ดูแล")
    other = make_committee(name_th="คณะอื่น")
    appoint(own, make_contact(), "secretary", user_id=secretary)
    other_seat = appoint(other, make_contact(), "member")
    with client.get("/committees/") as response:
        html = response.get_data(as_text=True)
    assert "คณะที่ดูแล" in html and "คณะอื่น" not in html
    with client.get(f"/committees/{own}") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f"/committees/{own}/edit" not in html  # details and dissolution are staff's
    with client.get(f"/committees/{own}/appoint") as response:
        assert response.status_code == 200
    for url in (
        f"/committees/{other}",
        f"/committees/{other}/appoint",
        f"/committees/{other}/members/{other_seat}/end",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
    with client.post(f"/committees/{other}/appoint", data={"contact_id": "1"}) as response:
        assert response.status_code == 404
    for url in ("/committees/new", f"/committees/{own}/edit", f"/committees/{own}/dissolve"):
        with client.get(url) as response:
            assert response.status_code == 403, url


def test_a_secretary_appoints_on_their_committee(
    app, client, sign_in, make_committee, make_contact, appoint
):
    secretary = sign_in(Role.SECRETARY)
    own = make_committee()
    appoint(own, make_contact(), "assistant_secretary", user_id=secretary)
    newcomer = make_contact()
    data = {"contact_id": str(newcomer), "role": "member", "term_start": "2024-03-01"}
    with client.post(f"/committees/{own}/appoint", data=data) as response:
        assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Membership).filter_by(contact_id=newcomer).count() == 1


def test_a_secretary_whose_seat_ended_no_longer_runs_the_committee(
    app, client, sign_in, make_committee, make_contact, appoint
):
    secretary = sign_in(Role.SECRETARY)
    own = make_committee()
    seat = appoint(own, make_contact(), "secretary", user_id=secretary)
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, seat), None, ended_on=date(2024, 5, 1), reason="ย้าย"
        )
    with client.get(f"/committees/{own}") as response:
        assert response.status_code == 404


def test_representatives_read_the_committees_where_their_association_sits(
    app, client, sign_in, make_committee, make_contact, make_organisation, appoint
):
    association = make_organisation()
    sign_in(Role.REPRESENTATIVE, organisation_id=association)
    ours = make_committee(name_th="คณะของเรา")
    theirs = make_committee(name_th="คณะของผู้อื่น")
    former = make_committee(name_th="คณะที่เคยนั่ง")
    appoint(
        ours,
        make_contact(association, first_name="นายกสมาคม", email="president@assoc.example",
                     phone="0812345678"),
    )  # fmt: skip
    appoint(ours, make_contact(first_name="กรรมการอื่น", email="other@elsewhere.example"))
    appoint(theirs, make_contact())
    ended = appoint(former, make_contact(association))
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, ended), None, ended_on=date(2024, 2, 1), reason="ครบวาระ"
        )
    with client.get("/committees/ours") as response:
        html = response.get_data(as_text=True)
    assert "คณะของเรา" in html
    assert "คณะของผู้อื่น" not in html and "คณะที่เคยนั่ง" not in html
    with client.get(f"/committees/ours/{ours}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "นายกสมาคม" in html and "กรรมการอื่น" in html
    assert "president@assoc.example" not in html and "other@elsewhere.example" not in html
    assert "081" not in html
    for committee_id in (theirs, former, 99999):
        with client.get(f"/committees/ours/{committee_id}") as response:
            assert response.status_code == 404
    # The staff pages stay closed, and say "not found" for a record.
    with client.get(f"/committees/{ours}") as response:
        assert response.status_code == 404
    with client.get("/committees/") as response:
        assert response.status_code == 403


def test_staff_see_every_committee_with_sitting_counts(
    client, sign_in, make_committee, make_contact, appoint
):
    sign_in(Role.STAFF)
    first = make_committee(name_th="คณะแรก")
    make_committee(name_th="คณะที่สอง")
    appoint(first, make_contact())
    appoint(first, make_contact())
    with client.get("/committees/") as response:
        html = response.get_data(as_text=True)
    assert "คณะแรก" in html and "คณะที่สอง" in html
    row = html.split("คณะแรก", 1)[1].split("</tr>", 1)[0]
    assert ">2<" in row


def test_the_menu_shows_committees_by_role(client, sign_in):
    sign_in(Role.SECRETARY)
    with client.get("/") as response:
        html = response.get_data(as_text=True)
    assert 'href="/committees/"' in html
