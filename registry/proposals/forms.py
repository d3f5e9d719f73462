"""The proposal forms (the proposal, a status change, withdrawal, an attachment, an
endorsement, placing on an agenda, annexing, a category) and the labels of kinds and
statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from ..dates import BEDateField
from ..forms import CreateForm, VersionedForm, required, strip
from .labels import KIND_LABELS, STATUS_LABELS
from .services import LIMITS


def _length(field: str) -> Length:
    return Length(max=LIMITS[field], message=_l("At most %(max)d characters."))


def _select(label, **kwargs) -> SelectField:
    return SelectField(label, validate_choice=False, **kwargs)


def chosen_id(value):
    """A chosen record id as a number; nothing chosen as None, a value that is no id as -1."""
    text = (value or "").strip() if isinstance(value, str) else value
    if isinstance(text, str):
        return int(text) if text.isdigit() and len(text) < 10 else (None if not text else -1)
    return text


class ProposalForm(FlaskForm):
    """A proposal's content (the organisation is chosen by staff only)."""

    organisation_id = _select(_l("Submitting organisation"))
    kind = _select(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )
    title = StringField(
        lazy_pgettext("document", "Title"), validators=[required, _length("title")], filters=[strip]
    )
    summary = TextAreaField(
        _l("Summary"), validators=[required, _length("summary")], filters=[strip]
    )
    problem = TextAreaField(_l("The problem"), validators=[_length("problem")], filters=[strip])
    approach = TextAreaField(
        _l("Proposed approach or technology"), validators=[_length("approach")], filters=[strip]
    )
    requested_support = TextAreaField(
        _l("Support requested"), validators=[_length("requested_support")], filters=[strip]
    )
    category_id = _select(_l("Category"))
    contact_id = _select(_l("Contact person"))

    def set_choices(self, *, organisations, categories, contacts) -> None:
        """Offer the organisations (staff), the categories and the contact people (grouped
        by organisation when there are several)."""
        self.organisation_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), name) for ident, name in organisations
        ]
        self.category_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), name) for ident, name in categories
        ]
        grouped = len(contacts) > 1
        self.contact_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), label, optgroup=group if grouped else None)
            for group, people in contacts
            for ident, label in people
        ]

    def details(self) -> dict:
        """The submitted content, for the service."""
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "summary": self.summary.data,
            "problem": self.problem.data,
            "approach": self.approach.data,
            "requested_support": self.requested_support.data,
            "category_id": chosen_id(self.category_id.data),
            "contact_id": chosen_id(self.contact_id.data),
        }


class NewProposalForm(CreateForm, ProposalForm):
    """A new proposal, with the token that makes a double submit submit one."""


class ProposalEditForm(VersionedForm, ProposalForm):
    """A proposal's content as it is changed: with the version it was read at."""

    other_field_labels = {
        "status": _l("Status"),
        "reason": _l("Reason"),
        "forwarded_to": _l("Forwarded to (which body)"),
    }
    other_value_labels = {"status": STATUS_LABELS}


class StatusForm(VersionedForm, FlaskForm):
    """A step along the workflow, with the reason (and the version of the proposal it was
    read at)."""

    record_form = ProposalEditForm

    status = _select(_l("New status"))
    reason = TextAreaField(_l("Reason"), validators=[required, _length("reason")], filters=[strip])
    forwarded_to = StringField(
        _l("Forwarded to (which body)"), validators=[_length("forwarded_to")], filters=[strip]
    )

    def set_targets(self, targets) -> None:
        """Offer the statuses the workflow allows from here."""
        self.status.choices = [SelectChoice("", "—")] + [
            SelectChoice(status.value, STATUS_LABELS[status]) for status in targets
        ]


class WithdrawForm(VersionedForm, FlaskForm):
    """Withdrawing a proposal, and why (with the version of the proposal it was read at)."""

    record_form = ProposalEditForm

    reason = TextAreaField(_l("Reason"), validators=[required, _length("reason")], filters=[strip])


class AttachmentForm(CreateForm, FlaskForm):
    """A PDF filed with the proposal (once, however often the form is sent)."""

    file = FileField(_l("File (PDF)"))
    public = BooleanField(_l("Other associations may read this file"))


class EndorseForm(CreateForm, FlaskForm):
    """An endorsement: for a representative, their own association (a hidden field the
    server checks); for staff, any organisation, from a letter received on paper. Recorded
    once, however often the form is sent."""

    organisation_id = HiddenField()
    statement = TextAreaField(
        _l("Statement of support"), validators=[required, _length("statement")], filters=[strip]
    )
    letter = FileField(_l("Signed letter (PDF, optional)"))


class RecordEndorsementForm(EndorseForm):
    """An endorsement received on paper, recorded by staff."""

    organisation_id = _select(_l("Endorsing organisation"))
    endorsed_on = BEDateField(_l("Date of the letter"), validators=[required])

    def set_organisations(self, organisations) -> None:
        """Offer the organisations that may endorse."""
        self.organisation_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), name) for ident, name in organisations
        ]


class WithdrawEndorsementForm(FlaskForm):
    """Withdrawing an endorsement, and why (optional)."""

    withdrawal_reason = TextAreaField(
        _l("Reason (optional)"), validators=[_length("withdrawal_reason")], filters=[strip]
    )


class AgendaForm(CreateForm, FlaskForm):
    """Placing the proposal on a scheduled meeting's agenda (section 4), once however often
    the form is sent."""

    meeting_id = _select(_l("Meeting"))
    title = StringField(
        _l("Title of the agenda item"),
        validators=[Optional(), _length("agenda_title")],
        filters=[strip],
    )
    body = TextAreaField(
        _l("Background for the meeting"), validators=[_length("agenda_body")], filters=[strip]
    )

    def set_meetings(self, meetings) -> None:
        """Offer the meetings: (id, label)."""
        self.meeting_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), label) for ident, label in meetings
        ]


class AnnexForm(CreateForm, FlaskForm):
    """Annexing the proposal to an agreement not yet signed (once, however often the form is
    sent)."""

    agreement_id = _select(_l("Agreement"))

    def set_agreements(self, agreements) -> None:
        """Offer the agreements: (id, label)."""
        self.agreement_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(ident), label) for ident, label in agreements
        ]


class CategoryForm(FlaskForm):
    """A category's names, and whether new proposals may use it."""

    name_th = StringField(
        _l("Name in Thai"), validators=[required, _length("name_th")], filters=[strip]
    )
    name_en = StringField(_l("Name in English"), validators=[_length("name_en")], filters=[strip])
    active = BooleanField(_l("In use for new proposals"), default=True)


class NewCategoryForm(CreateForm, CategoryForm):
    """A new category, with the token that makes a double submit add one."""


class CategoryEditForm(VersionedForm, CategoryForm):
    """A category's names and use as they are changed: with the version they were read at."""
