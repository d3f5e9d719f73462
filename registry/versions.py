"""Record versions: a save made from a form older than the record is refused, with what
changed meanwhile and by whom, instead of silently overwriting another person's change.

A versioned model (``registry.db.VersionedMixin``) raises ``lock_version`` on every save, and
every save writes an audit event whose changes include ``lock_version: [old, new]``. An edit
form carries the version it was read at; the service checks it before it applies the save
and turns a concurrent save that slipped in between (SQLAlchemy's ``StaleDataError`` at the
UPDATE) into the same refusal::

    def update_contact(contact, *, actor, lock_version=None, **details):
        with versions.saving(contact, lock_version):
            with audit.change(contact, actor, "updated"):
                ...
            db.session.commit()

``lock_version=None`` means no form is involved (an import, the command line): nothing is
checked. A form read before the record existed sends 0 (a setting never saved); one whose
version is missing or garbled sends -1, which no record has.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .audit.labels import HIDDEN_FIELDS, action_label
from .audit.models import AuditEvent
from .db import db
from .rules import RuleError

#: The most saves a refusal lists (the latest ones); older ones are summed up in a line.
MOST_CHANGES = 10
#: The most audit events read to find them.
_MOST_EVENTS = 200
#: Recorded fields no one edits (kept in step with others, or secret): never listed.
NOT_LISTED = HIDDEN_FIELDS | {"name_key", "search_text", "session_version", "endorsement_count"}


@dataclass(frozen=True)
class FieldChange:
    """One field one save changed: its name (the model's column) and its values before and
    after, as the audit log stores them."""

    name: str
    old: object
    new: object


@dataclass(frozen=True)
class Change:
    """One save made since the form was read: who, when (UTC), what, which fields."""

    who: str
    at: datetime
    action: str
    fields: tuple[FieldChange, ...] = ()
    #: Which record, when a form edits several (the member an attendance line is for).
    subject: str | None = None


class ConflictError(RuleError):
    """A save refused because the record changed after the form was read.

    ``changes`` lists the saves made meanwhile, oldest first (empty when the form did not
    say which version it was read at); ``more`` counts those left out of the list."""

    def __init__(self, changes: list[Change] | None = None, *, more: int = 0, known=True):
        self.changes = list(changes or [])
        self.more = more
        if known:
            message = _(
                "Nothing was saved: someone saved this record after you opened the form. "
                "What you typed is still below. Check their changes, then save again to "
                "keep yours."
            )
        else:
            message = _(
                "Nothing was saved: the form did not say which version of the record it was "
                "opened at. What you typed is still below. Check the record, then save again."
            )
        super().__init__(message, None)

    def __add__(self, other: ConflictError) -> ConflictError:
        """Both refusals in one (a form that saves several records)."""
        return ConflictError(self.changes + other.changes, more=self.more + other.more)


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name
    if event.actor_label == "system":
        return _("The system (an import or the command line)")
    return event.actor_label


def _versions(event: AuditEvent) -> tuple[int, int] | None:
    """The record's version before and after the event's save (None: not a versioned save)."""
    pair = (event.changes or {}).get("lock_version")
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return None
    old, new = pair
    if not isinstance(new, int) or isinstance(new, bool):
        return None
    return (old if isinstance(old, int) else 0), new


def changes_since(record, version: int, *, subject: str | None = None) -> tuple[list[Change], int]:
    """The saves of ``record`` that raised it past ``version``, oldest first, each with who,
    when and which fields from what to what (read from the audit log); and how many older
    ones were left out beyond ``MOST_CHANGES``."""
    identity = sa.inspect(record).identity
    if not identity:
        return [], 0
    if isinstance(identity[0], int):
        which = AuditEvent.record_id == identity[0]
    else:  # a record named, not numbered (a setting): the log keeps its name as the label
        which = sa.and_(AuditEvent.record_id.is_(None), AuditEvent.record_label == str(record))
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record.__tablename__, which)
        .order_by(AuditEvent.id.desc())
        .limit(_MOST_EVENTS)
    )
    found: list[Change] = []
    for event in events:
        versions = _versions(event)
        if versions is None:
            continue
        if versions[1] <= version:
            break
        found.append(
            Change(
                who=_who(event),
                at=event.at,
                action=action_label(event.action),
                fields=tuple(
                    FieldChange(name, values[0], values[1])
                    for name, values in event.changes.items()
                    if name not in NOT_LISTED and isinstance(values, list | tuple)
                ),
                subject=subject,
            )
        )
    found.reverse()
    more = max(len(found) - MOST_CHANGES, 0)
    return found[more:], more


def removal(record_type: str, match: dict, *, subject: str | None = None) -> list[Change]:
    """The latest removal of a record of ``record_type`` whose values were ``match`` (a record
    a form was read with that someone removed since), as a change; none found: empty."""
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.action == "deleted")
        .order_by(AuditEvent.id.desc())
        .limit(_MOST_EVENTS)
    )
    for event in events:
        values = event.changes or {}
        if all(
            isinstance(values.get(key), list | tuple) and values[key][0] == value
            for key, value in match.items()
        ):
            fields = tuple(
                FieldChange(name, pair[0], pair[1])
                for name, pair in values.items()
                if name not in NOT_LISTED
                and name not in match
                and isinstance(pair, list | tuple)
                and pair[0] not in (None, "")
            )
            return [Change(_who(event), event.at, action_label(event.action), fields, subject)]
    return []


def conflict(record, version: int, *, subject: str | None = None) -> ConflictError:
    """The refusal of a save of ``record`` made from a form read at ``version`` (below 0:
    the form did not say)."""
    if version < 0:
        return ConflictError(known=False)
    changes, more = changes_since(record, version, subject=subject)
    return ConflictError(changes, more=more)


def check_version(record, submitted_version: int | None, *, subject: str | None = None) -> None:
    """Refuse (``ConflictError``) a save of ``record`` from a form read at another version
    than the record's; ``None`` (no form: an import, the command line) checks nothing, nor
    does a record not yet made (``record`` None)."""
    if submitted_version is None or record is None:
        return
    if submitted_version != record.lock_version:
        raise conflict(record, submitted_version, subject=subject)


@contextmanager
def saving(record, submitted_version: int | None) -> Iterator[None]:
    """Check the version, then run the save (its writes, audit event and commit): a save
    that another one overtook after the check (``StaleDataError`` at its UPDATE) is rolled
    back and refused in the same way, so nothing of it is written. A record not yet made
    (``record`` None) has nothing to check."""
    if record is None:
        yield
        return
    check_version(record, submitted_version)
    read_at = record.lock_version if submitted_version is None else submitted_version
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise conflict(record, read_at) from None
