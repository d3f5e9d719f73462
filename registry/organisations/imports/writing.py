"""Writing a checked import file: every organisation and contact with its "created" audit
event and one "imported" event for the file, in one transaction, or nothing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ... import audit, submissions
from ...audit import services as audit_services
from ...db import db
from ...rules import RuleError
from ..models import (
    Contact,
    Organisation,
    name_key,
)
from .checking import ImportReport, Progress, _no_progress, check_table, ids_by
from .reading import ImportRefused, Table, read_file


def import_file(
    data: bytes,
    filename: str,
    actor,
    *,
    dry_run: bool = False,
    source: str = "web",
    progress: Progress = _no_progress,
    submission: str | None = None,
) -> ImportReport:
    """Check a file and, if every row is right and this is not a dry run, import it at once.

    Raises ImportRefused for a file refused as a whole; a file with bad rows
    returns a report with its problems and writes nothing. ``submission``: the form's
    one-time token; the same form sent again raises ``submissions.AlreadySaved``.
    """
    table = read_file(data, filename)
    report, groups = check_table(table, progress)
    if report.problems or dry_run:
        return report
    try:
        with submissions.once(submission, actor) as claim:
            _write(table, report, groups, actor, source, progress)
            claim.made(record_type="imports")
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        raise ImportRefused(
            _("Nothing was imported: %(reason)s", reason=str(error)), existing_id=error.existing_id
        ) from error
    except (sa.exc.IntegrityError, sa.exc.DataError) as error:
        db.session.rollback()
        current_app.logger.warning("import of %s refused by the database: %s", filename, error)
        raise ImportRefused(
            _(
                "Nothing was imported: the database refused a value. Another user may have "
                "saved the same organisation a moment ago; check the file again."
            )
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    report.imported = True
    return report


#: Records written per batch of INSERT statements.
WRITE_BATCH = 250


def _write(table: Table, report: ImportReport, groups: list, actor, source, progress) -> None:
    """Add every organisation and contact, each with its "created" audit event, and one
    "imported" event for the file.

    The values are those the services' own rules returned when the rows were checked;
    the register is looked up again, inside the transaction, for anything saved since.
    Records are inserted in batches: one flush per record (``audit.change``) takes
    minutes for a file of thousands of rows, longer than a web request may run.
    """
    _refuse_what_the_register_now_holds(groups)
    batch: list = []
    for group in progress(_("Importing"), groups):
        organisation = Organisation(status=group.status, **group.values)
        batch.append(organisation)
        batch += [
            Contact(organisation=organisation, **contact.values) for contact in group.contacts
        ]
        if len(batch) >= WRITE_BATCH:
            _flush_created(batch, actor)
            batch = []
    _flush_created(batch, actor)
    audit.record_event(
        actor,
        "imported",
        record_type="imports",
        label=table.filename,
        changes={
            "file": [None, table.filename],
            "rows": [None, report.rows],
            "organisations": [None, report.organisations],
            "contacts": [None, report.contacts],
            "source": [None, source],
        },
    )


def _flush_created(records: list, actor) -> None:
    """Insert the records, then record a "created" event for each, as ``audit.change`` does."""
    db.session.add_all(records)
    db.session.flush()
    for record in records:
        changes = audit_services.diff(record, {}, audit_services.snapshot(record))
        audit.record_event(actor, "created", record, changes)


def _refuse_what_the_register_now_holds(groups: list) -> None:
    """Refuse the file if another user saved one of its organisations since it was checked."""
    names = ids_by(Organisation.name_key, {name_key(g.details["name_th"]) for g in groups})
    numbers = {(g.details["registration_number"] or "").upper() for g in groups}
    taken = names or ids_by(Organisation.registration_number, numbers - {""})
    if taken:
        value, existing = next(iter(taken.items()))
        raise ImportRefused(
            _(
                "Nothing was imported: %(value)s was saved in the register by someone else "
                "after the file was checked. Check the file again.",
                value=value,
            ),
            existing_id=existing,
        )
