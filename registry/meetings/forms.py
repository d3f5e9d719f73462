"""The meeting forms (scheduling, cancelling, agenda items, attendance, guests, the minutes'
particulars, resolutions, certification, action items, amendments) and the labels of
statuses, sections, outcomes and attendance.

As in the committee forms, choices are offered as selects but checked by the services, so a
tampered value gets the same message as a wrong one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from ..dates import BEDateField, TimeOfDayField
from ..forms import CreateForm, VersionedForm, required, strip
from .labels import ATTENDANCE_LABELS, OUTCOME_LABELS, SECTION_LABELS, STATUS_LABELS
from .models import AgendaSection, AttendanceKind


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


def _date(label, *, needed: bool = False) -> BEDateField:
    return BEDateField(label, validators=[required if needed else Optional()])


def _time(label, *, needed: bool = False) -> TimeOfDayField:
    """A 24-hour time, typed the Thai way (13.30) or as 13:30."""
    return TimeOfDayField(label, validators=[required if needed else Optional()])


def _text(label, limit: int, *, needed: bool = False, area: bool = False):
    kind = TextAreaField if area else StringField
    validators = ([required] if needed else []) + [_length(limit)]
    return kind(label, validators=validators, filters=[strip])


def _votes(label) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(0, 9999, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
        invalid_value_message=_l("Enter a whole number."),
    )


class MeetingForm(FlaskForm):
    """A meeting's date, times and place."""

    held_on = _date(_l("Date"), needed=True)
    starts_at = _time(_l("Starts at"), needed=True)
    ends_at = _time(_l("Ends at"))
    venue = _text(_l("Venue"), 300)
    electronic = BooleanField(_l("Electronic meeting"))
    online_link = _text(_l("Link to join"), 500)

    def details(self) -> dict:
        """The submitted details, for the service."""
        return {
            "held_on": self.held_on.data,
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "venue": self.venue.data,
            "electronic": self.electronic.data,
            "online_link": self.online_link.data,
        }


class NewMeetingForm(CreateForm, MeetingForm):
    """A new meeting's date, times and place, with the token that makes a double submit
    schedule one (and take one number)."""


class CancelForm(VersionedForm, FlaskForm):
    """Cancelling a meeting: why (with the version of the meeting it was read at)."""

    version_field_names = {"cancel_reason": "reason"}

    reason = _text(_l("Reason"), 2000, needed=True, area=True)


def _numbered(number: int, label) -> LazyString:
    """"2. Certification of the minutes", in the reader's language when it is shown (not in the
    language of the moment the form class was made)."""
    return LazyString(lambda: f"{number}. {label}")


class ItemForm(FlaskForm):
    """An agenda item."""

    section = SelectField(
        _l("Section"),
        validate_choice=False,
        choices=[
            SelectChoice(str(int(section)), _numbered(int(section), label))
            for section, label in SECTION_LABELS.items()
        ],
        default=str(int(AgendaSection.FOR_CONSIDERATION)),
    )
    title = _text(lazy_pgettext("document", "Title"), 500, needed=True)
    body = _text(_l("Background and what is put to the meeting"), 20000, area=True)


class NewItemForm(CreateForm, ItemForm):
    """A new agenda item, with the token that makes a double submit add one."""


class SeatForm(Form):
    """One sitting member's line of the attendance, with the version of the line it was read
    at (empty: there was none)."""

    #: The line's fields that this form names otherwise.
    version_field_names = {"name": "substitute_name", "position": "substitute_position"}

    membership_id = HiddenField()
    lock_version = HiddenField()
    kind = SelectField(
        _l("Attendance"),
        validate_choice=False,
        choices=[SelectChoice("", "—")]
        + [
            SelectChoice(kind.value, ATTENDANCE_LABELS[kind])
            for kind in (AttendanceKind.PRESENT, AttendanceKind.ABSENT, AttendanceKind.SUBSTITUTE)
        ],
    )
    absence_reason = _text(_l("Reason for absence"), 300)
    substitute_name = _text(_l("Substitute's name"), 200)
    substitute_position = _text(_l("Substitute's position"), 300)


class AttendanceForm(VersionedForm, FlaskForm):
    """The attendance of every sitting member, saved in one go; each line carries the version
    it was read at, and a save over lines changed since is refused with the changes."""

    #: The versions are the lines' own (``SeatForm.lock_version``), not one for the form.
    lock_version = None
    record_form = SeatForm

    seats = FieldList(FormField(SeatForm), min_entries=0, max_entries=500)

    def lines(self) -> list[dict]:
        """The submitted lines, for the service (a seat id that is no number: None; the
        version: 0 when the line had none, -1 when missing or garbled)."""
        lines = []
        for entry in self.seats:
            raw = (entry.membership_id.data or "").strip()
            lines.append(
                {
                    "membership_id": int(raw) if raw.isdigit() and len(raw) < 10 else None,
                    "kind": entry.kind.data,
                    "absence_reason": entry.absence_reason.data,
                    "name": entry.substitute_name.data,
                    "position": entry.substitute_position.data,
                    "lock_version": _line_version(entry.lock_version.raw_data),
                }
            )
        return lines

    def read_version(self, meeting) -> None:
        """Nothing to carry for the form: each line carries its own version, shown with it."""

    def refuse_as_outdated(self, error, meeting) -> None:
        """Show the lines changed since the form was read, keeping what the user typed, and
        carry each line's version as it is now (the meeting's attendance lines)."""
        self.show_conflict(error)
        lines_by_seat = {line.membership_id: line for line in meeting.attendance}
        for entry in self.seats:
            raw = (entry.membership_id.data or "").strip()
            line = lines_by_seat.get(int(raw)) if raw.isdigit() and len(raw) < 10 else None
            entry.lock_version.data = str(line.lock_version) if line is not None else ""
            entry.lock_version.raw_data = [entry.lock_version.data]

    def entry_for(self, membership_id: int | None):
        """The sub-form of a seat, to put a refusal at its field."""
        for entry in self.seats:
            if (entry.membership_id.data or "").strip() == str(membership_id):
                return entry.form
        return None


class GuestForm(CreateForm, FlaskForm):
    """A guest (ผู้เข้าร่วมประชุม), added once however often the form is sent."""

    name = _text(_l("Name"), 200, needed=True)
    position = _text(_l("Position"), 300)
    organisation_name = _text(_l("Organisation"), 300)


class HeldForm(VersionedForm, FlaskForm):
    """The times the meeting actually began and ended (with the version of the meeting it was
    read at)."""

    opened_at = _time(_l("Began at"), needed=True)
    closed_at = _time(_l("Ended at"))


class MinutesForm(VersionedForm, FlaskForm):
    """The minutes' particulars (with the version of the meeting they were read at)."""

    opened_at = _time(_l("Began at"), needed=True)
    closed_at = _time(_l("Ended at"))
    minute_taker_name = _text(_l("Minute-taker's name"), 200)
    minute_taker_position = _text(_l("Minute-taker's position"), 300)
    reviewer_name = _text(_l("Reviewer's name"), 200)
    reviewer_position = _text(_l("Reviewer's position"), 300)
    quorum_note = _text(_l("Note on the quorum"), 5000, area=True)

    def details(self) -> dict:
        """The submitted particulars, for the service."""
        skip = {"csrf_token", "lock_version"}
        return {name: getattr(self, name).data for name in self._fields if name not in skip}


class ResolutionForm(VersionedForm, FlaskForm):
    """What the meeting resolved on an item (with the version of the item it was read at)."""

    resolution = _text(_l("Resolution"), 20000, needed=True, area=True)
    outcome = SelectField(
        _l("Outcome"),
        validate_choice=False,
        choices=[SelectChoice(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
    )
    votes_for = _votes(_l("Votes for"))
    votes_against = _votes(_l("Votes against"))
    votes_abstain = _votes(_l("Abstentions"))
    quorum_note = _text(_l("Note on the quorum"), 5000, area=True)

    def details(self) -> dict:
        """The submitted resolution, for the service."""
        return {
            "resolution": self.resolution.data,
            "outcome": self.outcome.data,
            "votes_for": self.votes_for.data,
            "votes_against": self.votes_against.data,
            "votes_abstain": self.votes_abstain.data,
            "quorum_note": self.quorum_note.data,
        }


class CertifyForm(VersionedForm, FlaskForm):
    """Certifying an earlier meeting's minutes, with the amendments made (if any), and the
    version of the item it was read at."""

    changes = _text(_l("Amendments made by the meeting"), 20000, area=True)
    quorum_note = _text(_l("Note on the quorum"), 5000, area=True)


class ActionForm(CreateForm, FlaskForm):
    """An action item, recorded once however often the form is sent."""

    text = _text(_l("What is to be done"), 5000, needed=True, area=True)
    owner = _text(_l("Who is to do it"), 300, needed=True)
    due_on = _date(_l("Due by"))


class DoneForm(VersionedForm, FlaskForm):
    """The day an action item was done (with the version of the action item it was read at)."""

    done_on = _date(_l("Done on"), needed=True)


class AmendmentForm(CreateForm, FlaskForm):
    """A correction to certified minutes, recorded once however often the form is sent."""

    text = _text(_l("Correction"), 20000, needed=True, area=True)


def _line_version(raw: list | None) -> int:
    """An attendance line's version as sent: 0 for none (empty), -1 when missing or garbled."""
    if not raw:
        return -1
    text = str(raw[0]).strip()
    if not text:
        return 0
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


# --- the forms that edit a meeting or an item, and the labels of what others change --------------

#: A meeting's fields that no form edits as such.
MEETING_FIELD_LABELS = {
    "status": _l("Status"),
    "cancel_reason": _l("Reason for the cancellation"),
    "number": _l("Meeting number"),
    "year_be": _l("Year (B.E.)"),
    "certified_on": _l("Minutes certified on"),
    "certified_at_meeting_id": _l("Certified at meeting"),
    "certification_changes": _l("Amendments made by the meeting"),
    "invitations_sent_at": _l("Invitations sent"),
}
#: An agenda item's fields that no form edits as such.
ITEM_FIELD_LABELS = {
    "position": _l("Order on the agenda"),
    "proposal_id": _l("Proposal"),
}


class MeetingEditForm(VersionedForm, MeetingForm):
    """A meeting's date, times and place as they are changed: with the version they were
    read at."""

    record_form = MinutesForm
    other_field_labels = MEETING_FIELD_LABELS
    other_value_labels = {"status": STATUS_LABELS}


class ItemEditForm(VersionedForm, ItemForm):
    """An agenda item as it is changed: with the version it was read at."""

    record_form = ResolutionForm
    other_field_labels = ITEM_FIELD_LABELS
    other_value_labels = {"section": SECTION_LABELS, "outcome": OUTCOME_LABELS}


# The record's other fields, for the forms that change a meeting or an item in one respect.
for _form in (CancelForm, HeldForm):
    _form.record_form = MeetingEditForm
MinutesForm.record_form = MeetingForm
for _form in (MinutesForm, CancelForm, HeldForm):
    _form.other_field_labels = MEETING_FIELD_LABELS
    _form.other_value_labels = {"status": STATUS_LABELS}
for _form in (ResolutionForm, CertifyForm):
    _form.record_form = ItemEditForm
    _form.other_field_labels = ITEM_FIELD_LABELS
    _form.other_value_labels = {"section": SECTION_LABELS, "outcome": OUTCOME_LABELS}
DoneForm.record_form = ActionForm
