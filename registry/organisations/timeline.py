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
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..audit.labels import action_label
from ..audit.models import AuditEvent
from ..db import read
from ..i18n import BANGKOK, format_date, format_time
from .models import Contact, Organisation

#: The most entries the organisation page shows.
LIMIT = 100


#: Thailand has kept UTC+7 since 1 April 1920: a day from the next on begins at 17.00 UTC the
#: day before, with no time-zone lookup.
_FIXED_OFFSET_SINCE = date(1920, 4, 2)
_OFFSET = timedelta(hours=7)


class Entry(NamedTuple):
    """One thing that happened to or with an organisation (a named tuple: a page builds
    dozens to hundreds of them)."""

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
        at = self.at
        if isinstance(at, datetime):
            return at
        if at >= _FIXED_OFFSET_SINCE:
            return datetime(at.year, at.month, at.day) - _OFFSET
        start = datetime.combine(at, time.min, tzinfo=BANGKOK)
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


def dated(timeline: list[Entry], lang: str, digits: bool) -> list[tuple[str, Entry]]:
    """Each entry with when it happened as the page writes it, in the reader's language and
    digits: a date as the ``date`` filter writes it, a time as its short date and time (each
    day's text made once, not once per entry)."""
    days: dict[date, str] = {}
    shown = []
    for entry in timeline:
        at = entry.at
        if isinstance(at, datetime):
            when = f"{format_date(at, 'short', lang, digits)} {format_time(at, lang, digits)}"
        else:
            when = days.get(at)
            if when is None:
                when = days[at] = format_date(at, "long", lang, digits)
        shown.append((when, entry))
    return shown


#: The newest changes of one organisation and of its people, from the audit log: built once,
#: with the organisation as a bound parameter; only the columns the timeline shows.
_CHANGES = (
    sa.select(AuditEvent.at, AuditEvent.record_type, AuditEvent.record_id, AuditEvent.action)
    .where(
        sa.or_(
            sa.and_(
                AuditEvent.record_type == "organisations",
                AuditEvent.record_id == sa.bindparam("organisation_id"),
            ),
            sa.and_(
                AuditEvent.record_type == "contacts",
                AuditEvent.record_id.in_(
                    sa.select(Contact.id).where(
                        Contact.organisation_id == sa.bindparam("organisation_id")
                    )
                ),
            ),
        )
    )
    .order_by(AuditEvent.id.desc())
    .limit(LIMIT)
)
#: What the model writes a person's name from, for the people those changes name.
_NAMES = sa.select(
    Contact.id, Contact.title, Contact.first_name, Contact.last_name, Contact.erased_at
).where(Contact.id.in_(sa.bindparam("ids", expanding=True)))


@provider
def register_changes(organisation: Organisation) -> Iterable[Entry]:
    """The organisation's own changes, and its contacts', from the audit log (one statement,
    and one more for the names of the people it names)."""
    events = read(_CHANGES, {"organisation_id": organisation.id}).all()
    contact_ids = {event.record_id for event in events if event.record_type == "contacts"}
    names = {}
    if contact_ids:
        rows = read(_NAMES, {"ids": sorted(contact_ids)})
        # the model's way of writing a name, on the row
        names = {row.id: Contact.full_name.fget(row) for row in rows}
    # every contact link is the same address but for the id: built once, not once per row
    prefix = url_for("organisations.contact", contact_id=0)[:-1]
    labels: dict[str, str] = {}
    contact_labels: dict[str, str] = {}
    for at, record_type, record_id, action in events:
        label = labels.get(action)
        if label is None:
            label = labels[action] = action_label(action)
        if record_type == "contacts":
            what = contact_labels.get(action)
            if what is None:
                what = contact_labels[action] = str(_l("Contact %(action)s", action=label))
            yield Entry(at, what, names.get(record_id, ""), f"{prefix}{record_id}", "contact")
        else:
            yield Entry(at, label, organisation.name_th)
