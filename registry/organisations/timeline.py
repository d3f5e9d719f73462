"""The timeline of an organisation: everything that touches it, newest first.

Each capability adds its own entries by registering a provider, so this module
knows nothing about agreements, committees or proposals::

    from ..organisations import timeline

    @timeline.provider
    def agreement_entries(organisation):
        for agreement in ...:
            yield timeline.Entry(agreement.signed_on, _("MOU signed"), agreement.title,
                                 url_for("agreements.show", agreement_id=agreement.id))

A provider receives the organisation and yields ``Entry`` values; it should run a
fixed number of queries. Entries may carry a date or a datetime (UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..audit.labels import action_label
from ..audit.models import AuditEvent
from ..db import db
from ..i18n import BANGKOK
from .models import Contact, Organisation

#: The most entries the organisation page shows.
LIMIT = 100


@dataclass(frozen=True)
class Entry:
    """One thing that happened to or with an organisation."""

    #: When (a datetime in UTC, or a calendar date).
    at: date | datetime
    #: What happened, short, in the reader's language.
    what: str
    #: Which record, for example the MOU's title or the contact's name.
    subject: str = ""
    #: Where to read more, when the reader may.
    url: str | None = None
    #: The kind of capability the entry comes from, for the icon and filter (organisation,
    #: contact, agreement, committee, proposal).
    category: str = "organisation"

    @property
    def sort_key(self) -> datetime:
        """When, as a naive UTC datetime, so dates and datetimes sort together: a date is a
        day in Thailand, which begins at 17.00 UTC the day before."""
        if isinstance(self.at, datetime):
            return self.at
        start = datetime.combine(self.at, time.min, tzinfo=BANGKOK)
        return start.astimezone(UTC).replace(tzinfo=None)

    @property
    def is_date(self) -> bool:
        """Whether the entry carries only a calendar date."""
        return not isinstance(self.at, datetime)


Provider = Callable[[Organisation], Iterable[Entry]]
_PROVIDERS: list[Provider] = []


def provider(function: Provider) -> Provider:
    """Register a source of timeline entries (a decorator)."""
    if function not in _PROVIDERS:
        _PROVIDERS.append(function)
    return function


def entries(organisation: Organisation, limit: int = LIMIT) -> list[Entry]:
    """The organisation's timeline from every registered provider, newest first."""
    collected = [entry for source in _PROVIDERS for entry in source(organisation)]
    collected.sort(key=lambda entry: entry.sort_key, reverse=True)
    return collected[:limit]


@provider
def register_changes(organisation: Organisation) -> Iterable[Entry]:
    """The organisation's own changes, and its contacts', from the audit log."""
    contact_ids = sa.select(Contact.id).where(Contact.organisation_id == organisation.id)
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            sa.or_(
                sa.and_(
                    AuditEvent.record_type == "organisations",
                    AuditEvent.record_id == organisation.id,
                ),
                sa.and_(
                    AuditEvent.record_type == "contacts",
                    AuditEvent.record_id.in_(contact_ids),
                ),
            )
        )
        .order_by(AuditEvent.id.desc())
        .limit(LIMIT)
    )
    names = {contact.id: contact.full_name for contact in organisation.contacts}
    for event in events:
        if event.record_type == "contacts":
            yield Entry(
                event.at,
                str(_l("Contact %(action)s", action=action_label(event.action))),
                names.get(event.record_id, ""),
                url_for("organisations.contact", contact_id=event.record_id),
                "contact",
            )
        else:
            yield Entry(event.at, action_label(event.action), organisation.name_th)
