"""The demo data: proposals of every kind and status, endorsed by several associations, one
tied to a held meeting's item with its resolution; made through the services (audited)."""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.db import db
from registry.meetings.models import AgendaItem
from registry.proposals import services
from registry.proposals.models import Endorsement, Proposal, ProposalKind, ProposalStatus


def test_seed_demo_adds_proposals_in_every_kind_and_status(app, runner):
    result = runner.invoke(args=["registry", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        proposals = db.session.scalars(sa.select(Proposal)).all()
        assert {p.kind for p in proposals} == set(ProposalKind)
        assert {p.status for p in proposals} == set(ProposalStatus)
        endorsements = db.session.scalars(sa.select(Endorsement)).all()
        assert len({e.organisation_id for e in endorsements}) >= 5
        assert any(e.recorded_by_staff for e in endorsements)
        assert any(not e.active for e in endorsements)
        assert services.recount() == 0  # every count matches its endorsements
        linked = db.session.scalars(
            sa.select(AgendaItem).where(AgendaItem.proposal_id.is_not(None))
        ).all()
        assert any(item.resolution for item in linked)
        assert any(item.meeting.status.value == "scheduled" for item in linked)
        actions = set(
            db.session.scalars(
                sa.select(AuditEvent.action).where(
                    AuditEvent.record_type.in_(["proposals", "proposal_endorsements"])
                )
            )
        )
        assert {"submitted proposal", "endorsed", "changed status", "withdrew endorsement",
                "recorded endorsement", "placed on agenda"} <= actions  # fmt: skip
        before = len(proposals)
    assert runner.invoke(args=["registry", "seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == before
