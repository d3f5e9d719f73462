"""The proposals' entries in an organisation's timeline: the proposals it submitted (and how
they ended), and the proposals it endorsed (and endorsements it withdrew)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from ..db import db
from ..organisations import timeline
from ..organisations.models import Organisation
from .models import CLOSED, Endorsement, Proposal, ProposalStatus, StatusChange


@timeline.provider
def proposal_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """Proposals the organisation submitted and endorsed, newest first (three queries, each
    reading only the dates, titles and ids the timeline shows)."""
    limit = timeline.LIMIT
    # every link is the same address but for the id: built once, not once per row
    prefix = url_for("proposals.show", proposal_id=0)[:-1]
    submitted, what = _("Proposal submitted"), "proposal"
    proposals = db.session.execute(
        sa.select(Proposal.id, Proposal.created_at, Proposal.title)
        .where(Proposal.organisation_id == organisation.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(limit)
    ).all()
    for proposal_id, created_at, title in proposals:
        yield timeline.Entry(created_at, submitted, title, f"{prefix}{proposal_id}", what)
    closings = db.session.execute(
        sa.select(StatusChange.at, StatusChange.to_status, Proposal.id, Proposal.title)
        .join(Proposal, Proposal.id == StatusChange.proposal_id)
        .where(Proposal.organisation_id == organisation.id, StatusChange.to_status.in_(CLOSED))
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())
        .limit(limit)
    ).all()
    closed = {
        ProposalStatus.COMPLETED: _("Proposal completed"),
        ProposalStatus.REJECTED: _("Proposal rejected"),
        ProposalStatus.WITHDRAWN: _("Proposal withdrawn"),
    }
    for at, to_status, proposal_id, title in closings:
        yield timeline.Entry(at, closed[to_status], title, f"{prefix}{proposal_id}", what)
    endorsements = db.session.execute(
        sa.select(
            Endorsement.endorsed_on, Endorsement.withdrawn_at, Proposal.id, Proposal.title
        )
        .join(Proposal, Proposal.id == Endorsement.proposal_id)
        .where(Endorsement.organisation_id == organisation.id)
        .order_by(Endorsement.created_at.desc(), Endorsement.id.desc())
        .limit(limit)
    ).all()
    endorsed, withdrawn = _("Proposal endorsed"), _("Endorsement withdrawn")
    for endorsed_on, withdrawn_at, proposal_id, title in endorsements:
        url = f"{prefix}{proposal_id}"
        yield timeline.Entry(endorsed_on, endorsed, title, url, what)
        if withdrawn_at is not None:
            yield timeline.Entry(withdrawn_at, withdrawn, title, url, what)
