"""The agreement forms (content, signing, termination, amendment, scan upload) and the labels
of kinds, statuses, states and languages."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..auth.models import Role, User
from ..dates import BEDateField
from ..db import db
from ..forms import CreateForm, VersionedForm, strip
from ..forms import required as _required
from ..rules import RuleError
from . import services
from .labels import KIND_LABELS, LANGUAGE_LABELS, STATUS_LABELS
from .models import AgreementKind, AgreementLanguage

#: Party rows and witness rows a new form shows.
PARTY_ROWS = 2
WITNESS_ROWS = 2
#: The most rows the "add row" buttons make.
MAX_ROWS = 10


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


def _date(label) -> BEDateField:
    return BEDateField(label, validators=[Optional()])


def _number(label, low: int, high: int) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("This field is required.")),
            NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
        invalid_value_message=_l("Enter a whole number."),
    )


class PartyForm(Form):
    """One party row: the organisation, how the text calls it, who signs for it."""

    organisation_id = SelectField(_l("Organisation"), validate_choice=False)
    short_name_th = StringField(
        _l("Called in the text (Thai)"), validators=[_length(100)], filters=[strip]
    )
    short_name_en = StringField(
        _l("Called in the text (English)"), validators=[_length(100)], filters=[strip]
    )
    signatory_name = StringField(_l("Signatory"), validators=[_length(200)], filters=[strip])
    signatory_position = StringField(
        _l("Signatory's position"), validators=[_length(300)], filters=[strip]
    )
    signatory_name_en = StringField(
        _l("Signatory in English"), validators=[_length(200)], filters=[strip]
    )
    signatory_position_en = StringField(
        _l("Signatory's position in English"), validators=[_length(300)], filters=[strip]
    )
    responsibilities_th = TextAreaField(
        _l("Responsibilities (Thai), one per line"),
        validators=[_length(10000)],
        filters=[strip],
    )
    responsibilities_en = TextAreaField(
        _l("Responsibilities (English), one per line"),
        validators=[_length(10000)],
        filters=[strip],
    )

    def validate_organisation_id(self, field) -> None:
        """Accept an organisation id or nothing."""
        if field.data and not (str(field.data).isdigit() and len(str(field.data)) < 10):
            raise ValidationError(_l("Choose an organisation from the list."))

    def row(self) -> dict:
        """The row as the services take it."""
        values = {name: f.data for name, f in self._fields.items()}
        values["organisation_id"] = int(self.organisation_id.data or 0) or None
        return values


class WitnessForm(Form):
    """One witness: name, position and the party they sign for."""

    name = StringField(_l("Witness"), validators=[_length(200)], filters=[strip])
    witness_position = StringField(
        _l("Witness's position"), validators=[_length(300)], filters=[strip]
    )
    organisation_id = SelectField(_l("For the party"), validate_choice=False)

    def validate_organisation_id(self, field) -> None:
        """Accept an organisation id or nothing."""
        if field.data and not (str(field.data).isdigit() and len(str(field.data)) < 10):
            raise ValidationError(_l("Choose one of the parties."))

    def row(self) -> dict:
        """The row as the services take it."""
        return {
            "name": self.name.data,
            "witness_position": self.witness_position.data,
            "organisation_id": int(self.organisation_id.data or 0) or None,
        }


class AgreementForm(VersionedForm, FlaskForm):
    """An agreement's content as staff draft it (with, when it edits a draft, the version
    and the fingerprint of the content it was read at)."""

    lock_version = HiddenField()
    base = HiddenField()
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[_required],
        validate_choice=False,
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(lang.value, label) for lang, label in LANGUAGE_LABELS.items()],
        validators=[_required],
        validate_choice=False,
    )
    title_th = StringField(
        _l("Title in Thai"), validators=[_required, _length(500)], filters=[strip]
    )
    title_en = StringField(
        _l("Title in English"), validators=[Optional(), _length(500)], filters=[strip]
    )
    signing_place = StringField(
        _l("Place of signing"), validators=[Optional(), _length(300)], filters=[strip]
    )
    signed_on = _date(_l("Date of signing (planned)"))
    effective_from = _date(_l("In force from"))
    effective_until = _date(_l("In force until"))
    objectives_th = TextAreaField(
        _l("Objectives in Thai"), validators=[Optional(), _length(20000)], filters=[strip]
    )
    objectives_en = TextAreaField(
        _l("Objectives in English"), validators=[Optional(), _length(20000)], filters=[strip]
    )
    clauses_th = TextAreaField(
        _l("Scope of cooperation in Thai"),
        validators=[Optional(), _length(50000)],
        filters=[strip],
    )
    clauses_en = TextAreaField(
        _l("Scope of cooperation in English"),
        validators=[Optional(), _length(50000)],
        filters=[strip],
    )
    copies = _number(_l("Number of originals"), 1, 20)
    notice_days = _number(_l("Days of notice to terminate"), 0, 3650)
    responsible_id = SelectField(_l("Responsible staff member"), validate_choice=False)
    parties = FieldList(FormField(PartyForm), min_entries=PARTY_ROWS, max_entries=MAX_ROWS)
    witnesses = FieldList(FormField(WitnessForm), min_entries=WITNESS_ROWS, max_entries=MAX_ROWS)
    add_party = SubmitField(_l("Add a party row"))
    add_witness = SubmitField(_l("Add a witness row"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        #: A refused stale save: the message, and the fields changed since the form opened.
        self.conflict: str | None = None
        self.conflict_fields: list[str] = []
        #: Refusals about the party or witness rows as a whole.
        self.row_errors: dict[str, str] = {}
        #: Whether a service refused the content (its message is at a field, or above the rows).
        self.refused = False
        organisation_choices = [SelectChoice("", "—")] + [
            SelectChoice(str(o.id), o.name_th) for o in organisations
        ]
        for entry in self.parties:
            entry.form.organisation_id.choices = organisation_choices
        for entry in self.witnesses:
            entry.form.organisation_id.choices = organisation_choices
        self.responsible_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(user.id), user.full_name) for user in _staff()
        ]

    def validate_kind(self, field) -> None:
        """Accept MOU or MOA."""
        if field.data not in {kind.value for kind in AgreementKind}:
            raise ValidationError(_l("Choose MOU or MOA."))

    def validate_language(self, field) -> None:
        """Accept one of the languages."""
        if field.data not in {lang.value for lang in AgreementLanguage}:
            raise ValidationError(_l("Choose the language of the agreement."))

    def validate_responsible_id(self, field) -> None:
        """Accept a user id or nothing."""
        if field.data and not (str(field.data).isdigit() and len(str(field.data)) < 10):
            raise ValidationError(_l("Choose an active staff member."))

    @property
    def adding_row(self) -> bool:
        """Whether the user asked for another party or witness row instead of saving."""
        return bool(self.add_party.data or self.add_witness.data)

    def add_row(self) -> None:
        """Append an empty party or witness row (up to the limit)."""
        rows = self.parties if self.add_party.data else self.witnesses
        if len(rows) < MAX_ROWS:
            choices = rows[0].form.organisation_id.choices if len(rows) else []
            rows.append_entry()
            rows[-1].form.organisation_id.choices = choices

    def add_row_if_asked(self) -> bool:
        """Add the party or witness row the user asked for, saying whether they asked (the
        form is then shown again, nothing saved)."""
        if not self.adding_row:
            return False
        self.add_row()
        return True

    def content(self) -> dict:
        """The form's values as the services take them."""
        skip = {"csrf_token", "lock_version", "base", "parties", "witnesses", "submission"}
        skip |= {"add_party", "add_witness"}
        values = {name: f.data for name, f in self._fields.items() if name not in skip}
        values["responsible_id"] = int(self.responsible_id.data or 0) or None
        values["parties"] = [entry.form.row() for entry in self.parties]
        values["witnesses"] = [entry.form.row() for entry in self.witnesses]
        return values

    def fill(self, content: dict, lock_version: int | None, base: dict) -> None:
        """Show an agreement's content (GET), with the lock version and fingerprint it had."""
        for name in self._fields:
            if name in content and name not in ("parties", "witnesses"):
                value = content[name]
                if name == "responsible_id":
                    value = str(value or "")
                elif hasattr(value, "value"):
                    value = value.value
                self[name].data = value
        for rows, key, minimum in (
            (self.parties, "parties", PARTY_ROWS),
            (self.witnesses, "witnesses", WITNESS_ROWS),
        ):
            choices = rows[0].form.organisation_id.choices
            while len(rows):
                rows.pop_entry()
            for row in content.get(key) or []:
                rows.append_entry()
                for name, value in row.items():
                    rows[-1].form[name].data = (
                        str(value or "") if name == "organisation_id" else value
                    )
            while (
                len(rows) < max(minimum, len(content.get(key) or []) + 1) and len(rows) < MAX_ROWS
            ):
                rows.append_entry()
            for entry in rows:
                entry.form.organisation_id.choices = choices
        self.lock_version.data = str(lock_version or "")
        self.base.data = json.dumps(base)

    def refuse_as_outdated(self, error, agreement) -> None:
        """Show who saved what since the form was opened and the content fields that differ,
        keeping what the user typed; the version and fingerprint become the agreement's as it
        is now, so that the next save is made knowingly, against it."""
        super().refuse_as_outdated(error, agreement)
        self.conflict_fields = list(getattr(error, "changed", []))
        self.base.data = json.dumps(services.fingerprint(services.content_of(agreement)))

    def base_fingerprint(self) -> dict | None:
        """The fingerprint of the content the form was opened with."""
        try:
            value = json.loads(self.base.data or "null")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def submitted_lock_version(self) -> int:
        """The lock version the form was opened with (-1 when missing or garbled)."""
        return self.submitted_version()

    def place_error(self, error: RuleError) -> None:
        """Put a service's refusal at its field (a row field is named parties-1-short_name_th)."""
        self.refused = True
        target = self.title_th
        name = error.field or ""
        parts = name.split("-")
        if len(parts) == 3 and parts[0] in ("parties", "witnesses") and parts[1].isdigit():
            rows = self[parts[0]]
            index = int(parts[1])
            if index < len(rows) and parts[2] in rows[index].form:
                target = rows[index].form[parts[2]]
        elif name in self and name not in ("parties", "witnesses"):
            target = self[name]
        if name in ("parties", "witnesses"):
            self.row_errors[name] = str(error)
            return
        target.errors = list(target.errors) + [Markup.escape(str(error))]


def _staff() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_((Role.STAFF, Role.ADMIN)), User.active.is_(True))
            .order_by(User.sort_key, User.id)
        )
    )


class NewAgreementForm(CreateForm, AgreementForm):
    """A new agreement's content, with the token that makes a double submit draft one."""


class SignForm(FlaskForm):
    """The facts of the signing."""

    signed_on = BEDateField(_l("Date of signing"), validators=[_required])
    signing_place = StringField(
        _l("Place of signing"), validators=[_required, _length(300)], filters=[strip]
    )
    scan = FileField(_l("Scanned signed copy (PDF, optional)"))


class TerminateForm(FlaskForm):
    """An early termination, recorded when the notice is given: the day of the notice, the
    day the termination takes effect (it may lie ahead) and why."""

    notice_on = BEDateField(_l("Notice given on"), validators=[Optional()])
    terminated_on = BEDateField(_l("Takes effect on"), validators=[_required])
    reason = TextAreaField(_l("Reason"), validators=[_required, _length(5000)], filters=[strip])


class AmendmentForm(CreateForm, FlaskForm):
    """A change agreed after signing (recorded once, however often the form is sent)."""

    made_on = BEDateField(_l("Agreed on"), validators=[_required])
    text = TextAreaField(
        _l("What was amended"), validators=[_required, _length(20000)], filters=[strip]
    )


class ScanForm(CreateForm, FlaskForm):
    """The scanned signed copy (filed once, however often the form is sent)."""

    scan = FileField(_l("Scanned signed copy (PDF)"))


#: The labels of an agreement's fields as the conflict panel names them (the rows of parties
#: and witnesses, and what the lifecycle sets).
AgreementForm.other_field_labels = {
    "parties": _l("Parties"),
    "witnesses": _l("Witnesses"),
    "status": _l("Status"),
    "terminated_on": _l("Terminated on"),
    "termination_reason": _l("Reason for termination"),
}
AgreementForm.other_value_labels = {"status": STATUS_LABELS}
