"""The agreements' entries in an organisation's timeline: drafted, signed, ending, terminated,
renewed."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from ..db import db
from ..organisations import timeline
from ..organisations.models import Organisation
from .models import Agreement, AgreementParty, AgreementStatus
from .services import today

_AGREEMENTS = Agreement.__table__.c
_PARTIES = AgreementParty.__table__.c

#: The newest ``timeline.LIMIT`` agreements an organisation is a party to, newest first (as
#: ``queries.for_organisation`` reads them), with only what the timeline shows: built once.
_AGREEMENTS_OF = (
    sa.select(
        _AGREEMENTS.id,
        _AGREEMENTS.kind,
        _AGREEMENTS.reference,
        _AGREEMENTS.title_th,
        _AGREEMENTS.status,
        _AGREEMENTS.created_at,
        _AGREEMENTS.signed_on,
        _AGREEMENTS.effective_until,
        _AGREEMENTS.terminated_on,
    )
    .where(
        sa.exists().where(
            _PARTIES.agreement_id == _AGREEMENTS.id,
            _PARTIES.organisation_id == sa.bindparam("organisation_id"),
        )
    )
    .order_by(_AGREEMENTS.created_at.desc(), _AGREEMENTS.id.desc())
    .limit(timeline.LIMIT)
)
#: The agreements that renew some of those: what each renewed, when, and its reference.
_RENEWALS = sa.select(
    _AGREEMENTS.predecessor_id, _AGREEMENTS.created_at, _AGREEMENTS.reference
).where(_AGREEMENTS.predecessor_id.in_(sa.bindparam("ids", expanding=True)))


def _labels(kind: str) -> dict[str, str]:
    """The timeline's words for an agreement of a kind (MOU, MOA), in the reader's language."""
    return {
        "drafted": _("%(kind)s drafted", kind=kind),
        "signed": _("%(kind)s signed", kind=kind),
        "expired": _("%(kind)s expired", kind=kind),
        "ends": _("%(kind)s ends", kind=kind),
        "terminates": _("%(kind)s terminates", kind=kind),
        "terminated": _("%(kind)s terminated", kind=kind),
    }


@timeline.provider
def agreement_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """What happened to the organisation's agreements, from their dates (two queries, of
    plain rows).

    Only the newest ``timeline.LIMIT`` agreements are read: the page shows no more entries
    than that, and an organisation that is party to thousands (our own agency is party to
    every one) must not load them all; its agreements list holds the rest.
    """
    agreements = db.session.execute(_AGREEMENTS_OF, {"organisation_id": organisation.id}).all()
    renewals = {}
    if agreements:
        ids = [agreement.id for agreement in agreements]
        renewals = {row.predecessor_id: row for row in db.session.execute(_RENEWALS, {"ids": ids})}
    on = today()
    # Every link is the same address but for the id, and the labels are translated once per
    # kind of agreement: built once for the timeline, not once per entry.
    prefix = url_for("agreements.show", agreement_id=0)[:-1]
    labels: dict[str, dict[str, str]] = {}
    for agreement in agreements:
        url = f"{prefix}{agreement.id}"
        subject = f"{agreement.reference} {agreement.title_th}"
        kind = agreement.kind.value
        label = labels.get(kind) or labels.setdefault(kind, _labels(kind))
        yield timeline.Entry(agreement.created_at, label["drafted"], subject, url, "agreement")
        signed = agreement.status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)
        if signed and agreement.signed_on:
            yield timeline.Entry(agreement.signed_on, label["signed"], subject, url, "agreement")
        if agreement.status is AgreementStatus.SIGNED and agreement.effective_until:
            what = label["expired"] if agreement.effective_until < on else label["ends"]
            yield timeline.Entry(agreement.effective_until, what, subject, url, "agreement")
        if agreement.status is AgreementStatus.TERMINATED and agreement.terminated_on:
            yield timeline.Entry(
                agreement.terminated_on,
                label["terminates"]
                if Agreement.terminating(agreement, on)
                else label["terminated"],
                subject,
                url,
                "agreement",
            )
        successor = renewals.get(agreement.id)
        if successor is not None:
            yield timeline.Entry(
                successor.created_at,
                _(
                    "%(kind)s renewed by %(ref)s",
                    kind=kind,
                    ref=successor.reference,
                ),
                subject,
                url,
                "agreement",
            )
