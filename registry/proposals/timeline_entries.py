"""The proposals' entries in an organisation's timeline: the proposals it submitted (and how
they ended), and the proposals it endorsed (and endorsements it withdrew)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..db import db
from ..organisations import timeline
from ..organisations.models import Organisation
from .models import CLOSED, Endorsement, Proposal, ProposalStatus, StatusChange


@timeline.provider
def proposal_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """Proposals the organisation submitted and endorsed, newest first (three queries)."""
    limit = timeline.LIMIT
    proposals = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.organisation_id == organisation.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(limit)
    ).all()
    for proposal in proposals:
        url = url_for("proposals.show", proposal_id=proposal.id)
        yield timeline.Entry(
            proposal.created_at, _("Proposal submitted"), proposal.title, url, "proposal"
        )
    closings = db.session.scalars(
        sa.select(StatusChange)
        .join(Proposal, Proposal.id == StatusChange.proposal_id)
        .where(Proposal.organisation_id == organisation.id, StatusChange.to_status.in_(CLOSED))
        .options(joinedload(StatusChange.proposal))
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())
        .limit(limit)
    ).all()
    closed = {
        ProposalStatus.COMPLETED: _("Proposal completed"),
        ProposalStatus.REJECTED: _("Proposal rejected"),
        ProposalStatus.WITHDRAWN: _("Proposal withdrawn"),
    }
    for change in closings:
        yield timeline.Entry(
            change.at,
            closed[change.to_status],
            change.proposal.title,
            url_for("proposals.show", proposal_id=change.proposal_id),
            "proposal",
        )
    endorsements = db.session.scalars(
        sa.select(Endorsement)
        .where(Endorsement.organisation_id == organisation.id)
        .options(joinedload(Endorsement.proposal))
        .order_by(Endorsement.created_at.desc(), Endorsement.id.desc())
        .limit(limit)
    ).all()
    for endorsement in endorsements:
        url = url_for("proposals.show", proposal_id=endorsement.proposal_id)
        title = endorsement.proposal.title
        what = _("Proposal endorsed")
        yield timeline.Entry(endorsement.endorsed_on, what, title, url, "proposal")
        if endorsement.withdrawn_at is not None:
            yield timeline.Entry(
                endorsement.withdrawn_at, _("Endorsement withdrawn"), title, url, "proposal"
            )
