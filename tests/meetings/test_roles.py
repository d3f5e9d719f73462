"""Who reaches which meeting: staff all; a secretary the meetings of the committees where they
hold a sitting secretary seat; a representative the meetings of the committees where their
association sits, and the minutes only once certified."""

from __future__ import annotations

from datetime import date

from registry.auth.models import Role
from registry.committees import services as committee_services
from registry.committees.models import Membership
from registry.db import db
from registry.meetings import services
from registry.meetings.models import AgendaItem, Meeting

from .conftest import DAY


def test_a_secretary_runs_only_the_meetings_of_their_committees(
    app, client, sign_in, board, schedule, fetch
):
    secretary = sign_in(Role.SECRETARY)
    own = board(secretary_user=secretary, name_th="คณะที่ดูแลเอง")
    other = board(name_th="คณะของผู้อื่น")
    mine = schedule(own.committee)
    theirs = schedule(other.committee)
    with app.app_context():
        item = services.add_item(db.session.get(Meeting, theirs), actor=None, section=4, title="ก")
        item_id = item.id
    with client.get("/meetings/") as response:
        html = response.get_data(as_text=True)
    assert f'href="/meetings/{mine}"' in html and f'href="/meetings/{theirs}"' not in html
    for url in (f"/meetings/{mine}", f"/meetings/{mine}/attendance", f"/meetings/{mine}/edit",
                f"/meetings/committee/{own.committee}/new"):  # fmt: skip
        with client.get(url) as response:
            assert response.status_code == 200, url
    for url in (
        f"/meetings/{theirs}",
        f"/meetings/{theirs}/edit",
        f"/meetings/{theirs}/attendance",
        f"/meetings/{theirs}/agenda/new",
        f"/meetings/{theirs}/agenda/{item_id}/edit",
        f"/meetings/committee/{other.committee}/new",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
    for url, data in (
        (f"/meetings/{theirs}/cancel", {"reason": "ลองยกเลิก"}),
        (f"/meetings/{theirs}/agenda/{item_id}/delete", {}),
        (f"/meetings/{theirs}/guests", {"name": "แขก"}),
        (f"/meetings/committee/{other.committee}/new", {"held_on": "2025-03-10",
                                                         "starts_at": "09:00", "venue": "ห้อง"}),
    ):  # fmt: skip
        with client.post(url, data=data) as response:
            assert response.status_code == 404, url
    assert fetch(Meeting, theirs).status.value == "scheduled"
    assert fetch(AgendaItem, item_id) is not None
    with app.app_context():
        assert db.session.query(Meeting).count() == 2


def test_a_secretary_whose_seat_ended_no_longer_runs_the_meetings(
    app, client, sign_in, board, schedule
):
    secretary = sign_in(Role.SECRETARY)
    own = board(secretary_user=secretary)
    meeting = schedule(own.committee)
    with app.app_context():
        committee_services.end_membership(
            db.session.get(Membership, own.secretary), None, ended_on=date(2025, 5, 1),
            reason="ย้ายหน่วยงาน",
        )  # fmt: skip
    with client.get(f"/meetings/{meeting}") as response:
        assert response.status_code == 404


def test_staff_run_every_meeting(app, client, sign_in, board, schedule):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee)
    with client.get(f"/meetings/{meeting}") as response:
        assert response.status_code == 200
    with client.get("/meetings/") as response:
        assert f'href="/meetings/{meeting}"' in response.get_data(as_text=True)


def test_representatives_see_their_committees_meetings_and_only_certified_minutes(
    app, client, sign_in, board, schedule, hold, make_organisation, make_contact, appoint
):
    association = make_organisation()
    sign_in(Role.REPRESENTATIVE, organisation_id=association)
    ours = board(name_th="คณะที่สมาคมร่วม")
    our_seat = appoint(ours.committee, make_contact(association), "member")
    seats = [*ours.seats, our_seat]
    theirs = board(name_th="คณะที่สมาคมไม่ได้ร่วม")
    first = schedule(ours.committee, DAY)
    with app.app_context():
        meeting = db.session.get(Meeting, first)
        services.add_item(meeting, actor=None, section=4, title="ร่างข้อเสนอภายใน")
    absent = {ours.members[0]: "absent"}
    hold(first, seats, drafted=True, kinds=absent)
    second = schedule(ours.committee, date(2025, 4, 10))
    elsewhere = schedule(theirs.committee, DAY)

    with client.get("/meetings/") as response:
        html = response.get_data(as_text=True)
    assert f'href="/meetings/ours/{first}"' in html and f'href="/meetings/ours/{second}"' in html
    assert f"/meetings/ours/{elsewhere}" not in html and f'href="/meetings/{first}"' not in html
    with client.get(f"/committees/ours/{ours.committee}") as response:
        assert f'href="/meetings/ours/{first}"' in response.get_data(as_text=True)

    # Drafted minutes stay hidden: number, date and status only.
    with client.get(f"/meetings/ours/{first}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1/2568" in html and "10 มีนาคม 2568" in html
    assert "ร่างข้อเสนอภายใน" not in html and "ที่ประชุมรับทราบ" not in html

    # Another association's committee, and the staff pages, are "not found".
    for url in (
        f"/meetings/ours/{elsewhere}",
        f"/meetings/{first}",
        f"/meetings/{first}/attendance",
        "/meetings/ours/999999",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
    with client.post(f"/meetings/{first}/agenda/refresh") as response:
        assert response.status_code == 404

    # Once certified at the second meeting, the minutes are readable.
    hold(second, seats)
    with app.app_context():
        item = next(i for i in db.session.get(Meeting, second).items if i.certifies_meeting_id)
        services.certify_minutes(item, actor=None)
    with client.get(f"/meetings/ours/{first}") as response:
        html = response.get_data(as_text=True)
    assert "ร่างข้อเสนอภายใน" in html and "ที่ประชุมรับทราบ" in html
    with app.app_context():
        absent_name = db.session.get(Membership, ours.members[0]).contact.full_name
    assert absent_name in html
    # The second meeting's minutes are not certified yet.
    with client.get(f"/meetings/ours/{second}") as response:
        assert "รับรองรายงานการประชุม" not in response.get_data(as_text=True)


def test_a_representative_without_a_seat_sees_no_meetings(
    app, client, sign_in, board, schedule, make_organisation
):
    sign_in(Role.REPRESENTATIVE, organisation_id=make_organisation())
    meeting = schedule(board().committee)
    with client.get("/meetings/") as response:
        assert response.status_code == 200
        assert f"/meetings/ours/{meeting}" not in response.get_data(as_text=True)
    with client.get(f"/meetings/ours/{meeting}") as response:
        assert response.status_code == 404
