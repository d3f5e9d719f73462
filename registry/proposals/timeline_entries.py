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

_PROPOSALS = Proposal.__table__.c
_CHANGES = StatusChange.__table__.c
_ENDORSEMENTS = Endorsement.__table__.c

# The three statements, built once on the tables' columns (each reads only the dates, titles
# and ids the timeline shows, of the newest ``timeline.LIMIT``).
_SUBMITTED = (
    sa.select(_PROPOSALS.id, _PROPOSALS.created_at, _PROPOSALS.title)
    .where(_PROPOSALS.organisation_id == sa.bindparam("organisation_id"))
    .order_by(_PROPOSALS.created_at.desc(), _PROPOSALS.id.desc())
    .limit(timeline.LIMIT)
)
_CLOSINGS = (
    sa.select(_CHANGES.at, _CHANGES.to_status, _PROPOSALS.id, _PROPOSALS.title)
    .select_from(StatusChange.__table__)
    .join(Proposal.__table__, _PROPOSALS.id == _CHANGES.proposal_id)
    .where(
        _PROPOSALS.organisation_id == sa.bindparam("organisation_id"),
        _CHANGES.to_status.in_(CLOSED),
    )
    .order_by(_CHANGES.at.desc(), _CHANGES.id.desc())
    .limit(timeline.LIMIT)
)
_ENDORSED = (
    sa.select(
        _ENDORSEMENTS.endorsed_on, _ENDORSEMENTS.withdrawn_at, _PROPOSALS.id, _PROPOSALS.title
    )
    .select_from(Endorsement.__table__)
    .join(Proposal.__table__, _PROPOSALS.id == _ENDORSEMENTS.proposal_id)
    .where(_ENDORSEMENTS.organisation_id == sa.bindparam("organisation_id"))
    .order_by(_ENDORSEMENTS.created_at.desc(), _ENDORSEMENTS.id.desc())
    .limit(timeline.LIMIT)
)


@timeline.provider
def proposal_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """Proposals the organisation submitted and endorsed, newest first (three queries, each
    reading only the dates, titles and ids the timeline shows)."""
    values = {"organisation_id": organisation.id}
    # every link is the same address but for the id: built once, not once per row
    prefix = url_for("proposals.show", proposal_id=0)[:-1]
    submitted, what = _("Proposal submitted"), "proposal"
    for proposal_id, created_at, title in db.session.execute(_SUBMITTED, values).all():
        yield timeline.Entry(created_at, submitted, title, f"{prefix}{proposal_id}", what)
    closings = db.session.execute(_CLOSINGS, values).all()
    closed = {
        ProposalStatus.COMPLETED: _("Proposal completed"),
        ProposalStatus.REJECTED: _("Proposal rejected"),
        ProposalStatus.WITHDRAWN: _("Proposal withdrawn"),
    }
    for at, to_status, proposal_id, title in closings:
        yield timeline.Entry(at, closed[to_status], title, f"{prefix}{proposal_id}", what)
    endorsements = db.session.execute(_ENDORSED, values).all()
    endorsed, withdrawn = _("Proposal endorsed"), _("Endorsement withdrawn")
    for endorsed_on, withdrawn_at, proposal_id, title in endorsements:
        url = f"{prefix}{proposal_id}"
        yield timeline.Entry(endorsed_on, endorsed, title, url, what)
        if withdrawn_at is not None:
            yield timeline.Entry(withdrawn_at, withdrawn, title, url, what)
