"""Expiry reminders: mail the responsible staff member and the partners' contacts when a
signed agreement comes within 90, 60 and 30 days of its end, once per threshold.

``flask registry remind`` runs this from cron; running it twice sends nothing twice: each
reminder is written to ``agreement_reminders`` (unique per agreement, threshold and end
date) before its mail goes, in the same transaction as its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import audit, mail
from ..db import db
from ..i18n import format_date
from ..organisations.models import Contact, OrganisationKind
from .models import REMINDER_THRESHOLDS, Agreement, ReminderSent
from .queries import expiring
from .services import today

#: Organisation kinds on DGA's own side: their contacts are not "the partner's".
OWN_SIDE = (OrganisationKind.OWN_AGENCY, OrganisationKind.OWN_CENTRE)


@dataclass(frozen=True)
class Sent:
    """One reminder sent: for which agreement, at which threshold, to whom."""

    reference: str
    threshold: int
    days_left: int
    recipients: tuple[str, ...]


def threshold_for(days_left: int) -> int | None:
    """The smallest threshold the days left fall within (30, 60 or 90), if any."""
    due = [t for t in REMINDER_THRESHOLDS if 0 <= days_left <= t]
    return min(due) if due else None


def recipients(agreement: Agreement) -> list[str]:
    """The responsible staff member, then the partners' current contacts with an email."""
    addresses = []
    responsible = agreement.responsible
    if responsible is not None and responsible.active and responsible.email:
        addresses.append(responsible.email)
    partner_ids = [
        p.organisation_id for p in agreement.parties if p.organisation.kind not in OWN_SIDE
    ]
    if partner_ids:
        contacts = db.session.scalars(
            sa.select(Contact)
            .where(
                Contact.organisation_id.in_(partner_ids),
                Contact.active.is_(True),
                Contact.erased_at.is_(None),
                Contact.email.is_not(None),
            )
            .order_by(Contact.organisation_id, Contact.id)
        )
        addresses.extend(contact.email for contact in contacts)
    unique = []
    for address in addresses:
        if address.lower() not in (a.lower() for a in unique):
            unique.append(address)
    return unique


def _message(agreement: Agreement, days_left: int) -> tuple[str, str]:
    """Subject and body, in Thai then English."""
    parts = []
    for lang in ("th", "en"):
        with force_locale(lang):
            partners = ", ".join(p.organisation.display_name(lang) for p in agreement.parties)
            title = (
                agreement.title_th if lang == "th" else (agreement.title_en or agreement.title_th)
            )
            parts.append(
                "\n".join(
                    [
                        _(
                            "The agreement %(ref)s ends on %(date)s, in %(days)s days.",
                            ref=agreement.reference,
                            date=format_date(agreement.effective_until, "long", lang),
                            days=days_left,
                        ),
                        _("Title: %(title)s", title=title),
                        _("Parties: %(parties)s", parties=partners),
                        _(
                            "If the cooperation is to continue, please start the renewal in "
                            "good time."
                        ),
                        _("DGTi Partner Registry"),
                    ]
                )
            )
            if lang == "th":
                subject = _(
                    "Agreement %(ref)s ends in %(days)s days",
                    ref=agreement.reference,
                    days=days_left,
                )
    return subject, ("\n\n" + "-" * 60 + "\n\n").join(parts)


def send_reminders(on: date | None = None) -> list[Sent]:
    """Mail every reminder that is due and not yet sent; return what was sent."""
    on = on or today()
    sent = []
    for agreement in expiring(max(REMINDER_THRESHOLDS), on):
        days_left = (agreement.effective_until - on).days
        threshold = threshold_for(days_left)
        if threshold is None:
            continue
        already = db.session.scalar(
            sa.select(ReminderSent.id).where(
                ReminderSent.agreement_id == agreement.id,
                ReminderSent.threshold == threshold,
                ReminderSent.effective_until == agreement.effective_until,
            )
        )
        if already is not None:
            continue
        addresses = recipients(agreement)
        record = ReminderSent(
            agreement_id=agreement.id,
            threshold=threshold,
            effective_until=agreement.effective_until,
            recipients=addresses,
        )
        db.session.add(record)
        try:
            db.session.flush()  # a run at the same moment has sent it: skip
        except sa.exc.IntegrityError:
            db.session.rollback()
            continue
        audit.record_event(
            None,
            "sent expiry reminder",
            agreement,
            {"threshold": [None, threshold], "recipients": [None, len(addresses)]},
        )
        subject, body = _message(agreement, days_left)
        try:
            for address in addresses:  # one message each: no one sees the others' addresses
                mail.send([address], subject, body)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        sent.append(Sent(agreement.reference, threshold, days_left, tuple(addresses)))
    return sent
