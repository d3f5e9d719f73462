"""The committee forms (details, appointment, ending a seat, dissolution) and the labels of
kinds, seats and quorum rules.

Choices are offered as selects but not checked by WTForms: the services check every value
and put a refusal at its field, so a tampered value gets the same message as a wrong one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from ..dates import BEDateField
from ..forms import CreateForm, VersionedForm, required, strip
from .labels import KIND_LABELS, QUORUM_LABELS, ROLE_LABELS
from .models import MemberRole

_RANGE = _l("Enter a number from %(min)s to %(max)s.")


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


def _date(label, *, needed: bool = False) -> BEDateField:
    return BEDateField(label, validators=[required if needed else Optional()])


def _select(label, **kwargs) -> SelectField:
    return SelectField(label, validate_choice=False, **kwargs)


def _optional_id(value):
    """A chosen record id as a number; nothing chosen, or a value that is no id, as None."""
    text = (value or "").strip() if isinstance(value, str) else value
    if isinstance(text, str):
        return int(text) if text.isdigit() and len(text) < 10 else (None if not text else -1)
    return text


class CommitteeForm(FlaskForm):
    """A committee's details."""

    kind = _select(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )
    parent_id = _select(_l("Reports to"))
    name_th = StringField(_l("Name in Thai"), validators=[required, _length(300)], filters=[strip])
    name_en = StringField(_l("Name in English"), validators=[_length(300)], filters=[strip])
    mandate = TextAreaField(_l("Powers and duties"), validators=[_length(20000)], filters=[strip])
    order_number = StringField(
        _l("Appointment order number"), validators=[_length(60)], filters=[strip]
    )
    order_date = _date(_l("Date of the order"))
    established_on = _date(_l("Established on"), needed=True)
    quorum_rule = _select(
        _l("Quorum"),
        choices=[SelectChoice(rule.value, label) for rule, label in QUORUM_LABELS.items()],
    )
    quorum_number = IntegerField(
        _l("Members needed for a quorum"),
        validators=[Optional(), NumberRange(1, 999, message=_RANGE)],
        invalid_value_message=_l("Enter a whole number."),
    )

    def set_parents(self, parents: list[tuple[int, str]]) -> None:
        """Offer the committees this one may report to."""
        self.parent_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), name) for ident, name in parents
        ]

    def details(self) -> dict:
        """The submitted details, for the service."""
        return {
            "kind": self.kind.data,
            "parent_id": _optional_id(self.parent_id.data),
            "name_th": self.name_th.data,
            "name_en": self.name_en.data,
            "mandate": self.mandate.data,
            "order_number": self.order_number.data,
            "order_date": self.order_date.data,
            "established_on": self.established_on.data,
            "quorum_rule": self.quorum_rule.data,
            "quorum_number": self.quorum_number.data,
        }


class NewCommitteeForm(CreateForm, CommitteeForm):
    """A new committee's details, with the token that makes a double submit set up one."""


class AppointForm(CreateForm, FlaskForm):
    """A seat for a person on the committee (given once, however often the form is sent)."""

    contact_id = _select(_l("Person"))
    role = _select(
        _l("Seat"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        default=MemberRole.MEMBER.value,
    )
    organisation_id = _select(_l("Organisation represented"))
    term_start = _date(_l("Term starts"), needed=True)
    term_end = _date(_l("Term ends"))
    appointed_by = StringField(_l("Appointed by order"), validators=[_length(300)], filters=[strip])
    user_id = _select(_l("Account that runs the committee"))

    def set_choices(self, contacts, organisations, accounts) -> None:
        """Offer the people (grouped by organisation), organisations and secretary accounts."""
        self.contact_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), label, optgroup=group)
            for group, people in contacts
            for ident, label in people
        ]
        own = SelectChoice("", str(_l("The person's own organisation")))
        self.organisation_id.choices = [own] + [
            SelectChoice(str(ident), name) for ident, name in organisations
        ]
        self.user_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), label) for ident, label in accounts
        ]

    def details(self) -> dict:
        """The submitted appointment, for the service."""
        return {
            "contact_id": _optional_id(self.contact_id.data),
            "role": self.role.data,
            "organisation_id": _optional_id(self.organisation_id.data),
            "term_start": self.term_start.data,
            "term_end": self.term_end.data,
            "appointed_by": self.appointed_by.data,
            "user_id": _optional_id(self.user_id.data),
        }


class CommitteeEditForm(VersionedForm, CommitteeForm):
    """A committee's details as they are changed: with the version they were read at."""

    other_field_labels = {
        "dissolved_on": _l("Dissolved on"),
        "dissolution_reason": _l("Reason for the dissolution"),
    }


class EndMembershipForm(VersionedForm, FlaskForm):
    """Ending a seat: the day and why (with the version of the seat it was read at)."""

    version_field_names = {"end_reason": "reason"}
    record_form = AppointForm

    ended_on = _date(_l("Ended on"), needed=True)
    reason = TextAreaField(_l("Reason"), validators=[required, _length(2000)], filters=[strip])


class DissolveForm(VersionedForm, FlaskForm):
    """Dissolving a committee: the day and why (with the version of the committee it was read
    at)."""

    version_field_names = {"dissolution_reason": "reason"}
    record_form = CommitteeEditForm

    dissolved_on = _date(_l("Dissolved on"), needed=True)
    reason = TextAreaField(_l("Reason"), validators=[required, _length(2000)], filters=[strip])
