"""The demo meetings: two held meetings of the joint committee, the first certified at the
second, and one scheduled ahead; made once, through the services (so audited)."""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.committees.demo import JOINT_NAME
from registry.committees.models import Committee
from registry.db import db
from registry.meetings import services
from registry.meetings.models import (
    ActionItem,
    AttendanceKind,
    Meeting,
    MeetingStatus,
    MinutesAmendment,
)


def test_seed_demo_adds_the_joint_committees_meetings_once(app, runner):
    result = runner.invoke(args=["registry", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        joint = db.session.scalar(sa.select(Committee).where(Committee.name_th == JOINT_NAME))
        first, second, upcoming = db.session.scalars(
            sa.select(Meeting).where(Meeting.committee_id == joint.id).order_by(Meeting.held_on)
        ).all()
        today = services.today()
        assert first.status is MeetingStatus.MINUTES_CERTIFIED
        assert first.certified_at_meeting_id == second.id and first.certified_on == second.held_on
        assert second.status is MeetingStatus.MINUTES_DRAFTED and second.held_on < today
        assert upcoming.status is MeetingStatus.SCHEDULED and upcoming.held_on > today
        kinds = [line.kind for line in first.attendance]
        assert kinds.count(AttendanceKind.ABSENT) == 1
        assert kinds.count(AttendanceKind.SUBSTITUTE) == 1
        assert kinds.count(AttendanceKind.GUEST) == 1
        assert all(item.resolution for item in first.items + second.items)
        assert any(item.actions for item in first.items)
        assert services.quorum(first).reached and services.quorum(second).reached
        # The next meeting certifies the second and follows up the open action items.
        sections = [item.section for item in upcoming.items]
        assert sections.count(2) == 1 and sections.count(3) >= 1
        assert [i.certifies_meeting_id for i in upcoming.items if i.section == 2] == [second.id]
        audited = db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.record_type == "meetings")
        )
        assert audited >= 3
        counts = [
            db.session.scalar(sa.select(sa.func.count(model.id)))
            for model in (Meeting, ActionItem, MinutesAmendment)
        ]
    again = runner.invoke(args=["registry", "seed-demo"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert counts == [
            db.session.scalar(sa.select(sa.func.count(model.id)))
            for model in (Meeting, ActionItem, MinutesAmendment)
        ]


def test_the_demo_secretary_and_representative_see_the_meetings(app, runner, client):
    from registry.auth.demo import DEMO_PASSWORD
    from registry.committees.demo import SECRETARY_EMAIL
    from tests.conftest import sign_in_client

    runner.invoke(args=["registry", "seed-demo"])
    with app.app_context():
        first = db.session.scalar(sa.select(Meeting).order_by(Meeting.held_on))
        first_id, label = first.id, first.number_label
    sign_in_client(client, SECRETARY_EMAIL, DEMO_PASSWORD)
    with client.get(f"/meetings/{first_id}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200 and label in html
    assert "มาประชุมแทน" in html
    client.post("/sign-out")
    sign_in_client(client, "rep.aiat@dgti.example", DEMO_PASSWORD)
    with client.get(f"/meetings/ours/{first_id}") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "แนวทางการรวบรวมโจทย์ปัญหาจากหน่วยงานภาครัฐ" in html  # certified minutes are shown
