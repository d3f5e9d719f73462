"""What committees add elsewhere: the organisation's timeline, a person's PDPA export; and the
demo data."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from registry.auth.models import Role, User
from registry.committees import demo, services
from registry.committees.models import Committee, CommitteeKind, MemberRole, Membership
from registry.db import db
from registry.organisations.models import Contact


def test_the_organisation_timeline_lists_seats_taken_and_ended(
    app, client, sign_in, make_committee, make_contact, make_organisation, appoint
):
    sign_in(Role.STAFF)
    association = make_organisation()
    committee_id = make_committee(name_th="คณะกรรมการร่วมไทม์ไลน์")
    seat = appoint(
        committee_id, make_contact(association, first_name="วิชัย"), term_start=date(2024, 2, 1)
    )
    with app.app_context():
        services.end_membership(
            db.session.get(Membership, seat), None, ended_on=date(2024, 8, 1), reason="ลาออก"
        )
    with client.get(f"/organisations/{association}") as response:
        html = response.get_data(as_text=True)
    timeline = html.split('id="timeline-heading"', 1)[1]
    assert "ได้รับแต่งตั้งในคณะกรรมการ" in timeline
    assert "คณะกรรมการร่วมไทม์ไลน์" in timeline and "วิชัย" in timeline
    assert f"/committees/{committee_id}" in timeline
    ended = timeline.index("พ้นจากตำแหน่งในคณะกรรมการ")
    taken = timeline.index("ได้รับแต่งตั้งในคณะกรรมการ")
    assert ended < taken  # newest first


def test_the_pdpa_export_lists_the_persons_seats(
    client, sign_in, make_committee, make_contact, appoint
):
    sign_in(Role.STAFF)
    contact_id = make_contact()
    committee_id = make_committee(name_th="คณะกรรมการร่วมข้อมูลส่วนบุคคล")
    appoint(committee_id, contact_id, "vice_chair", appointed_by="คำสั่งที่ 2/2567")
    with client.get(f"/organisations/contacts/{contact_id}/personal-data.json") as response:
        data = json.loads(response.get_data(as_text=True))
    [seat] = data["committee_seats"]
    assert seat["committee"] == "คณะกรรมการร่วมข้อมูลส่วนบุคคล"
    assert seat["role"] == "vice_chair" and seat["title"] == "รองประธานกรรมการ"
    assert seat["appointed_by"] == "คำสั่งที่ 2/2567"
    assert seat["term_start"] == "2024-01-01" and seat["ended_on"] is None


def test_seed_demo_makes_the_joint_committee_once(app, runner):
    result = runner.invoke(args=["registry", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        joint = db.session.scalar(sa.select(Committee).where(Committee.name_th == demo.JOINT_NAME))
        assert joint.kind is CommitteeKind.JOINT
        [group] = joint.children
        assert group.kind is CommitteeKind.WORKING_GROUP
        from registry.committees.queries import sitting_members

        sitting = sitting_members(joint)
        chair = sitting[0]
        assert chair.role is MemberRole.CHAIR and chair.organisation.acronym == "DGA"
        secretary = db.session.scalar(sa.select(User).where(User.email == demo.SECRETARY_EMAIL))
        [seat] = [s for s in sitting if s.role is MemberRole.SECRETARY]
        assert seat.user_id == secretary.id
        acronyms = {s.organisation.acronym for s in sitting}
        assert {"AIAT", "TMA", "TESA", "TIoT", "ATSI", "FTI"} <= acronyms
        assert any(s.ended for s in joint.memberships)  # history to show
        counts = (
            db.session.scalar(sa.select(sa.func.count(Committee.id))),
            db.session.scalar(sa.select(sa.func.count(Membership.id))),
            db.session.scalar(sa.select(sa.func.count(Contact.id))),
        )
    again = runner.invoke(args=["registry", "seed-demo"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert counts == (
            db.session.scalar(sa.select(sa.func.count(Committee.id))),
            db.session.scalar(sa.select(sa.func.count(Membership.id))),
            db.session.scalar(sa.select(sa.func.count(Contact.id))),
        )


def test_the_demo_secretary_and_representative_see_their_committees(app, runner, client):
    from registry.auth.demo import DEMO_PASSWORD
    from tests.conftest import sign_in_client

    runner.invoke(args=["registry", "seed-demo"])
    sign_in_client(client, demo.SECRETARY_EMAIL, DEMO_PASSWORD)
    with client.get("/committees/") as response:
        html = response.get_data(as_text=True)
    assert demo.JOINT_NAME in html and demo.WORKING_GROUP_NAME in html
    client.post("/sign-out")
    sign_in_client(client, "rep.aiat@dgti.example", DEMO_PASSWORD)
    with client.get("/committees/ours") as response:
        assert demo.JOINT_NAME in response.get_data(as_text=True)
