"""Form pieces every domain shares: filters, validators with translated messages,
the confirmation form, placing a service's refusal at its field, and the version an edit
form was read at (with what changed since, when a save from it is refused)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Email

from .formats import EMAIL_MESSAGE
from .i18n import format_date, format_datetime, format_time
from .rules import RuleError
from .submissions import new_token


def strip(value):
    """Leading and trailing spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


required = DataRequired(message=_l("This field is required."))
email = Email(message=EMAIL_MESSAGE)


class SubmissionField(HiddenField):
    """A create form's one-time token (``registry.submissions``): fresh each time the empty
    form is shown, kept as sent when the form is shown again with errors, so that the form
    submitted twice creates one record. Name it ``submission`` in the form."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("default", new_token)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        """Keep the token sent; a form sent without one is given a fresh one to show again."""
        if valuelist and valuelist[0]:
            self.data = valuelist[0]


class ConfirmForm(FlaskForm):
    """An empty form: a button with a CSRF token, for actions that need a confirmation."""

    submit = SubmitField(_l("Confirm"))


class CreateForm:
    """Mixed into a form that creates a record (before ``FlaskForm``): it carries the one-time
    token, so that the form submitted twice creates one record (``registry.submissions``)."""

    #: The form's one-time token.
    submission = SubmissionField()


class CreateConfirmForm(CreateForm, ConfirmForm):
    """A confirmation button that creates something (or sends mail): it carries a token, so
    pressing it twice does it once. Make one per button: each gets its own token."""


def attach_error(form, error: RuleError, default_field: str, link: str | None = None) -> None:
    """Put a service's refusal at the field it concerns, with a link to a colliding record."""
    field = getattr(form, error.field or "", None) or getattr(form, default_field)
    message = Markup.escape(str(error))
    if link:
        message = Markup('{} <a href="{}">{}</a>').format(
            message, link, _("Open the existing record.")
        )
    field.errors = list(field.errors) + [message]


# --- the version an edit form was read at ------------------------------------------------------

#: Labels of fields a save may change that its form does not show.
OTHER_FIELD_LABELS = {
    "status": _l("Status"),
    "active": _l("Active"),
    "last_sign_in_at": _l("Last sign-in"),
    "password_hash": _l("Password"),
    "must_change_password": _l("Must change the password"),
    "locale": _l("Language"),
}
#: The longest value the conflict panel shows in full.
_LONGEST_VALUE = 300
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
#: A version as the form carries it: ASCII digits only, small enough for the database.
_VERSION = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class ShownChange:
    """One save made since the form was read, as the conflict panel shows it: who, when
    (UTC; the page shows it in Bangkok time), what, and (label, before, after) per field."""

    who: str
    at: datetime
    action: str
    fields: tuple[tuple[str, str, str], ...]
    subject: str | None = None


class VersionedForm:
    """A form that edits an existing record (mixed into a ``FlaskForm``): it carries, in a
    hidden field, the version of the record it was read at, and shows the saves made since
    when a save from it is refused (``registry.versions.ConflictError``)."""

    #: The record's version when the form was read (``lock_version``).
    lock_version = HiddenField()
    #: A refused save: the refusal, shown by the conflict panel (macros/conflict.html).
    conflict = None
    #: The saves made since the form was read, with this form's labels.
    conflict_changes: tuple = ()
    #: The record's fields that this form shows under another name: {column: form field}.
    version_field_names: dict = {}
    #: The form that edits the record's other fields: its labels (and choices) name a field
    #: this form does not show, when another save changed it.
    record_form: type | None = None
    #: Labels of the record's fields that no form shows (a status, a date set by an action).
    other_field_labels: dict = {}
    #: Labels of the values of fields whose choices a form does not offer in full:
    #: {field: {value (or enum member): label}}.
    other_value_labels: dict = {}

    def read_version(self, record) -> None:
        """Carry the record's current version (the form is being shown from it); 0 for a
        record not yet made (a setting never saved)."""
        self.lock_version.data = str(record.lock_version if record is not None else 0)

    def submitted_version(self) -> int:
        """The version the sent form was read at (0: the record did not exist yet); -1,
        which no record has, so the save is refused as outdated, when the field is missing
        or garbled."""
        raw = self.lock_version.raw_data or []
        text = str(raw[0]).strip() if raw else ""
        return int(text) if _VERSION.fullmatch(text) else -1

    def refuse_as_outdated(self, error, record) -> None:
        """Show a refused save's changes, keeping what the user typed, and carry the record's
        version as it is now: saving again is then a knowing choice."""
        self.show_conflict(error)
        self.read_version(record)
        self.lock_version.raw_data = [self.lock_version.data]

    def show_conflict(self, error) -> None:
        """Give the conflict panel a refused save's changes, with this page's labels."""
        self.conflict = error
        self.conflict_changes = tuple(
            ShownChange(
                who=change.who,
                at=change.at,
                action=change.action,
                fields=tuple(
                    (
                        self.label_of(item.name),
                        self.shown_value(item.name, item.old),
                        self.shown_value(item.name, item.new),
                    )
                    for item in change.fields
                ),
                subject=change.subject,
            )
            for change in error.changes
        )

    def _forms(self) -> list:
        """This form, then the record's full form (made once, without data)."""
        if self.record_form is None:
            return [self]
        if getattr(self, "_record_form_instance", None) is None:
            self._record_form_instance = self.record_form(formdata=None, meta={"csrf": False})
        return [self, self._record_form_instance]

    def _field_for(self, name: str):
        for form in self._forms():
            names = getattr(form, "version_field_names", {})
            field = form._fields.get(names.get(name, name))
            if field is not None and field.label and field.label.text:
                return field
        return None

    def label_of(self, name: str) -> str:
        """The label the page gives a record's field: one the form names explicitly, else its
        form field's (this form's, else the record's full form's), else a known one."""
        for form in self._forms():
            labels = getattr(form, "other_field_labels", {})
            if name in labels:
                return str(labels[name])
        field = self._field_for(name)
        if field is not None:
            return str(field.label.text)
        if name in OTHER_FIELD_LABELS:
            return str(OTHER_FIELD_LABELS[name])
        return name.removesuffix("_id").replace("_", " ").capitalize()

    def shown_value(self, name: str, value) -> str:
        """A stored value as the page shows it: a choice by its label, a date in the reader's
        calendar, yes or no, "—" for nothing; long text shortened."""
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        for form in self._forms():
            for known, label in getattr(form, "other_value_labels", {}).get(name, {}).items():
                if str(getattr(known, "value", known)) == str(value):
                    return str(label)
        for choice in _choices(self._field_for(name)):
            if str(choice[0]) == str(value):
                return str(choice[1])
        text = str(value)
        try:
            if _ISO_DATE.match(text):
                return format_date(date.fromisoformat(text))
            if _ISO_DATETIME.match(text):
                return format_datetime(datetime.fromisoformat(text))
            if _ISO_TIME.match(text):
                return format_time(time.fromisoformat(text))
        except ValueError:
            pass
        if len(text) > _LONGEST_VALUE:
            return text[:_LONGEST_VALUE] + "…"
        return text


def _choices(field) -> list:
    """A select field's choices as (value, label) pairs (none for other fields)."""
    choices = getattr(field, "choices", None)
    if not choices or isinstance(choices, dict):
        return []
    pairs = []
    for choice in choices:
        if isinstance(choice, tuple | list) and len(choice) >= 2:
            pairs.append((choice[0], choice[1]))
        elif hasattr(choice, "value") and hasattr(choice, "label"):
            pairs.append((choice.value, choice.label))
    return pairs
