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
from .models import Agreement, AgreementStatus
from .queries import for_organisation
from .services import today


@timeline.provider
def agreement_entries(organisation: Organisation) -> Iterable[timeline.Entry]:
    """What happened to the organisation's agreements, from their dates (two queries).

    Only the newest ``timeline.LIMIT`` agreements are read: the page shows no more entries
    than that, and an organisation that is party to thousands (our own agency is party to
    every one) must not load them all; its agreements list holds the rest.
    """
    agreements = db.session.scalars(for_organisation(organisation.id).limit(timeline.LIMIT)).all()
    ids = [agreement.id for agreement in agreements]
    renewals = {}
    if ids:
        renewals = {
            row.predecessor_id: row
            for row in db.session.scalars(
                sa.select(Agreement).where(Agreement.predecessor_id.in_(ids))
            )
        }
    on = today()
    for agreement in agreements:
        url = url_for("agreements.show", agreement_id=agreement.id)
        subject = f"{agreement.reference} {agreement.title_th}"
        yield timeline.Entry(
            agreement.created_at,
            _("%(kind)s drafted", kind=agreement.kind.value),
            subject,
            url,
            "agreement",
        )
        signed = agreement.status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)
        if signed and agreement.signed_on:
            yield timeline.Entry(
                agreement.signed_on,
                _("%(kind)s signed", kind=agreement.kind.value),
                subject,
                url,
                "agreement",
            )
        if agreement.status is AgreementStatus.SIGNED and agreement.effective_until:
            what = (
                _("%(kind)s expired", kind=agreement.kind.value)
                if agreement.effective_until < on
                else _("%(kind)s ends", kind=agreement.kind.value)
            )
            yield timeline.Entry(agreement.effective_until, what, subject, url, "agreement")
        if agreement.status is AgreementStatus.TERMINATED and agreement.terminated_on:
            yield timeline.Entry(
                agreement.terminated_on,
                _("%(kind)s terminates", kind=agreement.kind.value)
                if agreement.terminating(on)
                else _("%(kind)s terminated", kind=agreement.kind.value),
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
                    kind=agreement.kind.value,
                    ref=successor.reference,
                ),
                subject,
                url,
                "agreement",
            )
