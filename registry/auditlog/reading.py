"""The audit log as an administrator reads it: each changed field by the label its form gives
it, each value as the pages show it (names for ids, yes/no, labels for choices, Buddhist-Era
dates in Bangkok time), and the filters matched against those same words.

The names behind the ids of one page are read in one query per kind of record, whatever the
number of events (``EventReader.resolve``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from ..agreements.forms import AgreementForm, SignForm, TerminateForm
from ..audit.labels import ACTION_LABELS, RECORD_LABELS, record_label, visible_changes
from ..audit.services import REDACTED
from ..auth.forms import UserEditForm
from ..committees.forms import AppointForm, CommitteeEditForm, DissolveForm, EndMembershipForm
from ..db import db
from ..forms import VersionedForm
from ..i18n import LANGUAGE_NAMES
from ..meetings.forms import ActionForm, DoneForm, ItemEditForm, MeetingEditForm, SeatForm
from ..meetings.labels import ATTENDANCE_LABELS
from ..organisations.forms import ContactEditForm, OrganisationEditForm
from ..proposals.forms import (
    AttachmentForm,
    CategoryEditForm,
    ProposalEditForm,
    RecordEndorsementForm,
    StatusForm,
    WithdrawEndorsementForm,
    WithdrawForm,
)
from ..settings.forms import SettingsForm

#: The forms whose labels (and choices) name a record type's fields, as its pages show them
#: (the first form that names a field gives its label).
FORMS: dict[str, tuple[type, ...]] = {
    "users": (UserEditForm,),
    "organisations": (OrganisationEditForm,),
    "contacts": (ContactEditForm,),
    "agreements": (AgreementForm, SignForm, TerminateForm),
    "committees": (CommitteeEditForm, DissolveForm),
    "committee_memberships": (AppointForm, EndMembershipForm),
    "meetings": (MeetingEditForm,),
    "agenda_items": (ItemEditForm,),
    "action_items": (ActionForm, DoneForm),
    "meeting_attendance": (SeatForm,),
    "proposals": (ProposalEditForm, StatusForm, WithdrawForm),
    "proposal_status_changes": (StatusForm,),
    "proposal_categories": (CategoryEditForm,),
    "proposal_attachments": (AttachmentForm,),
    "proposal_endorsements": (RecordEndorsementForm, WithdrawEndorsementForm),
    "settings": (SettingsForm,),
}
#: Fields no form names, by record type: what they hold, in the reader's language.
FIELD_LABELS: dict[str, dict] = {
    "proposal_endorsements": {
        "endorsed_by_id": _l("Endorsed or recorded by"),
        "withdrawn_by_id": _l("Withdrawn by"),
        "withdrawn_at": _l("Withdrawn on"),
        "recorded_by_staff": _l("Recorded by staff"),
        "letter_filename": _l("Signed letter"),
    },
    "invitations": {
        "email": _l("Email"),
        "expires_at": _l("Link expires"),
        "accepted_at": _l("Invitation accepted"),
        "revoked_at": _l("Invitation withdrawn on"),
        "invited_by_id": _l("Sent by"),
        "user_id": _l("Account"),
        "contact_id": _l("Contact person"),
    },
    "meeting_attendance": {"membership_id": _l("Member"), "organisation_name": _l("Organisation")},
    "agreements": {
        "termination_notice_on": _l("Day the notice of termination was given"),
        "termination_reason": _l("Reason for termination"),
        "predecessor_id": _l("Renews"),
        "reference_year": _l("Year of the reference number"),
        "scan_uploaded_by_id": _l("Signed copy filed by"),
        "scan_uploaded_at": _l("Signed copy filed on"),
    },
}
#: Fields of any record type that no form names.
COMMON_FIELD_LABELS = {
    "status": _l("Status"),
    "active": _l("Active"),
    "created_by_id": _l("Created by"),
    "updated_by_id": _l("Changed by"),
    "user_id": _l("Account"),
    "organisation_id": _l("Organisation"),
    "contact_id": _l("Contact person"),
    "committee_id": _l("Committee"),
    "meeting_id": _l("Meeting"),
    "proposal_id": _l("Proposal"),
    "agreement_id": _l("Agreement"),
    "category_id": _l("Category"),
    "last_sign_in_at": _l("Last sign-in"),
    "password_hash": _l("Password"),
    "must_change_password": _l("Must change the password"),
    "locale": _l("Language"),
    "erased_at": _l("Personal data erased on"),
    "reason": _l("Reason"),
    "email": _l("Email"),
    "reference": _l("Reference"),
    "reference_number": _l("Reference number"),
    "filename": _l("File name"),
    "sha256": _l("SHA-256 fingerprint of the file"),
    "size": _l("File size (bytes)"),
    "uploaded_by_id": _l("Uploaded by"),
    "uploaded_at": _l("Uploaded on"),
    "renewed_by": _l("Renewed by"),
    "withdrawal_reason": _l("Reason for withdrawal"),
    "end_reason": _l("Reason"),
    "submitted_by_id": _l("Submitted by"),
    "responsible_id": _l("Responsible staff member"),
}
#: Suffixes of columns that hold a stored file's particulars, named as the plain ones above
#: ("letter_sha256" as "sha256").
_FILE_SUFFIXES = ("_filename", "_sha256", "_size")

#: Values of fields of any record type that no form offers as choices.
COMMON_VALUE_LABELS = {"locale": LANGUAGE_NAMES}
#: Values no form offers as choices, by record type: {table: {field: {value: label}}}.
VALUE_LABELS = {"meeting_attendance": {"kind": ATTENDANCE_LABELS}}

#: What the name of a record of each kind is read from, when it is the target of an id: the
#: relationships its name needs, loaded with it (one more query per kind, never per row).
_NAME_LOADS = {
    "committee_memberships": ("committee",),
    "proposal_endorsements": ("organisation",),
}


def _model_of(table: str):
    """The mapped class of a table (None for a table no model maps)."""
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    return None


def _target(table: str | None, column: str) -> str | None:
    """The table an id column points to (None for other columns and unknown tables)."""
    known = db.metadata.tables.get(table or "")
    if known is None or column not in known.c:
        return None
    for key in known.c[column].foreign_keys:
        return key.column.table.name
    return None


class _Reader(VersionedForm, FlaskForm):
    """A form without fields, reading another form's labels and choices (``record_form``)."""

    class Meta:
        csrf = False


@dataclass(frozen=True)
class ShownField:
    """One changed field as the log shows it."""

    name: str
    label: str
    before: str
    after: str


class EventReader:
    """Reads one page of events in the reader's language."""

    def __init__(self, events) -> None:
        self.events = list(events)
        self._forms: dict[str | None, list[VersionedForm]] = {}
        self._names: dict[str, dict[int, str]] = {}
        self.resolve()

    # --- ids to names, one query per kind of record --------------------------------------

    def resolve(self) -> None:
        """Read the names of every record an id on this page points to."""
        wanted: dict[str, set[int]] = defaultdict(set)
        for event in self.events:
            for name, values in visible_changes(event.changes).items():
                target = _target(event.record_type, name)
                if target is None:
                    continue
                for value in values if isinstance(values, list) else ():
                    if isinstance(value, int) and not isinstance(value, bool):
                        wanted[target].add(value)
        for target, ids in wanted.items():
            model = _model_of(target)
            if model is None:
                continue
            query = sa.select(model).where(model.id.in_(sorted(ids)))
            for relation in _NAME_LOADS.get(target, ()):
                query = query.options(selectinload(getattr(model, relation)))
            self._names[target] = {row.id: str(row) for row in db.session.scalars(query)}

    # --- labels and values ------------------------------------------------------------------

    def _readers(self, record_type: str | None) -> list[VersionedForm]:
        """The forms that name this record type's fields, as readers (made once per page)."""
        if record_type not in self._forms:
            readers = []
            for form_class in FORMS.get(record_type or "", ()):
                if issubclass(form_class, VersionedForm):
                    readers.append(form_class(formdata=None, meta={"csrf": False}))
                else:
                    reader = type("Reader", (_Reader,), {"record_form": form_class})
                    readers.append(reader(formdata=None))
            self._forms[record_type] = readers
        return self._forms[record_type]

    def _reader_for(self, record_type: str | None, name: str) -> VersionedForm:
        """The reader whose form names the field (else the first; else a plain one)."""
        readers = self._readers(record_type)
        for reader in readers:
            if reader._field_for(name) is not None or any(
                name in getattr(each, "other_value_labels", {}) for each in reader._forms()
            ):
                return reader
        return readers[0] if readers else self._plain()

    def label(self, record_type: str | None, name: str) -> str:
        """The label the pages give a field of a record of this type."""
        own = FIELD_LABELS.get(record_type or "", {})
        if name in own:
            return str(own[name])
        for reader in self._readers(record_type):
            for each in reader._forms():
                labels = getattr(each, "other_field_labels", {})
                if name in labels:
                    return str(labels[name])
            field = reader._field_for(name)
            if field is not None and name != "lock_version":
                return str(field.label.text)
        if name in COMMON_FIELD_LABELS:
            return str(COMMON_FIELD_LABELS[name])
        for suffix in _FILE_SUFFIXES:
            if name.endswith(suffix):
                return str(COMMON_FIELD_LABELS[suffix.removeprefix("_")])
        target = _target(record_type, name)
        if target in RECORD_LABELS:
            text = record_label(target)
            return text[:1].upper() + text[1:]
        return name.removesuffix("_id").replace("_", " ").capitalize()

    def value(self, record_type: str | None, name: str, value) -> str:
        """A stored value as the pages show it."""
        if value is None or value == "":
            return "—"
        if value == REDACTED:
            return REDACTED
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        for known, label in VALUE_LABELS.get(record_type or "", {}).get(name, {}).items():
            if str(getattr(known, "value", known)) == str(value):
                return str(label)
        if str(value) in COMMON_VALUE_LABELS.get(name, {}):
            return str(COMMON_VALUE_LABELS[name][str(value)])
        target = _target(record_type, name)
        if target is not None and isinstance(value, int):
            return self._names.get(target, {}).get(value) or f"#{value}"
        return self._reader_for(record_type, name).shown_value(name, value)

    def _plain(self) -> VersionedForm:
        """A reader without a form: dates, times and text as every page shows them."""
        if "" not in self._forms:
            self._forms[""] = [_Reader(formdata=None)]
        return self._forms[""][0]

    def fields(self, event) -> list[ShownField]:
        """The event's changed fields, labelled, with their values before and after."""
        shown = []
        for name, values in visible_changes(event.changes).items():
            pair = isinstance(values, list) and len(values) == 2
            before, after = values if pair else (None, values)
            shown.append(
                ShownField(
                    name,
                    self.label(event.record_type, name),
                    self.value(event.record_type, name, before),
                    self.value(event.record_type, name, after),
                )
            )
        return shown


# --- the filters, by the words the page shows -------------------------------------------------


def _matches(typed: str, code: str, label) -> bool:
    """Whether the typed words find a code or its label (case and spacing aside)."""
    words = " ".join(typed.split()).casefold()
    return words in code.casefold() or words in " ".join(str(label).split()).casefold()


def actions_named(typed: str) -> list[str]:
    """The recorded actions whose label (in the reader's language) or code holds the words."""
    return sorted(code for code, label in ACTION_LABELS.items() if _matches(typed, code, label))


def record_types_named(typed: str) -> list[str]:
    """The record types whose label or table name holds the words."""
    return sorted(code for code, label in RECORD_LABELS.items() if _matches(typed, code, label))


def _columns() -> dict[str, set[str]]:
    """Every audited table's columns: {table: {column}}."""
    return {name: set(table.c.keys()) for name, table in db.metadata.tables.items()}


def fields_named(typed: str) -> list[str]:
    """The column names whose label (for any record type) or name holds the words."""
    reader = EventReader(())
    found = set()
    for table, columns in _columns().items():
        if table not in RECORD_LABELS:
            continue
        for column in columns:
            if column in {"id"} or not re.fullmatch(r"[a-z0-9_]+", column):
                continue
            if _matches(typed, column, reader.label(table, column)):
                found.add(column)
    return sorted(found)
