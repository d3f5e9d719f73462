"""Meeting pages: the list, scheduling and editing, cancelling, the agenda, the attendance,
holding the meeting, resolutions and action items, drafting and certifying the minutes,
amendments; and the read-only page of a meeting for a member association's representative.

Staff work with every meeting; a secretary with the meetings of the committees where they
hold a sitting secretary seat (any other answers "not found"); a representative sees the
meetings of the committees where their association sits, and the minutes once certified.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..auth.permissions import any_permission_required, permission_required
from ..committees.queries import committee_for
from ..db import db
from ..documents import services as documents
from ..documents.models import DocumentVersion
from ..forms import ConfirmForm, CreateConfirmForm, attach_error
from ..i18n import format_date
from ..letters import queries as letter_queries
from ..rules import RuleError
from ..web import edit_page, form_page
from . import invitations, models, panels, printing, queries, services
from .forms import (
    ActionForm,
    AmendmentForm,
    AttendanceForm,
    CancelForm,
    CertifyForm,
    DoneForm,
    GuestForm,
    HeldForm,
    ItemEditForm,
    MeetingEditForm,
    MinutesForm,
    NewItemForm,
    NewMeetingForm,
    ResolutionForm,
)
from .labels import ATTENDANCE_LABELS, OUTCOME_LABELS, SECTION_LABELS, STATUS_LABELS
from .models import AttendanceKind, MeetingStatus

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

#: Who sees meetings: staff (all), a secretary (their committees'), a representative (their
#: association's committees', through the list and the read-only page).
SEES = ("committees.view", "committees.own", "committees.member")
#: Who opens a meeting's working page: staff or the committee's secretary.
WORKS_WITH = ("committees.view", "committees.own")
#: Who changes meetings: staff or the committee's secretary.
RUNS = ("committees.manage", "committees.own")

#: The attendance form's field for each field a refusal of a line names.
SEAT_FIELDS = {"name": "substitute_name", "position": "substitute_position"}


def _back(meeting) -> str:
    return url_for(".show", meeting_id=meeting.id)


def _this_meeting(_saved, meeting_id: int, **_view_args) -> str:
    """The meeting a form was sent from (where what it created shows)."""
    return url_for(".show", meeting_id=meeting_id)


def _place(form, error: RuleError, default_field: str | None = None) -> None:
    """Put a refusal at its field, or above the form when it concerns no field."""
    if error.field and getattr(form, error.field, None) is not None:
        attach_error(form, error, error.field)
    elif default_field is not None and error.field:
        attach_error(form, error, default_field)
    else:
        form.refusal = str(error)


def _form_page(form, template: str, run: Callable, done: str, back: str, **context):
    """Validate, run the service, and go back (``form_page``); a refusal is shown at its
    field, or above the form when it concerns none (422)."""
    default_field = context.pop("default_field", None)
    return form_page(
        form,
        run,
        template=template,
        done=done,
        then=back,
        place=lambda form, error: _place(form, error, default_field),
        back=back,
        **context,
    )


def _button(action: Callable, done: str | Callable, back: str):
    """Run a change sent with a button (CSRF-checked); a refusal answers 409 with the reason
    and nothing saved. ``done`` is the message, or makes it from what the action returns."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        return render_template("meetings/refused.html", message=str(error), back=back), 409
    flash(done(result) if callable(done) else done, "success")
    return redirect(back)


def _locked_get(meeting, check: Callable[[], bool], message: str):
    """On a GET of a form the meeting no longer allows: back to the meeting, saying why."""
    if request.method == "GET" and not check():
        flash(message, "warning")
        return redirect(_back(meeting))
    return None


def _unless_held(meeting):
    """On a GET of a minutes form: back to the meeting unless it was held and is not locked."""
    return _locked_get(
        meeting,
        lambda: meeting.was_held and not meeting.locked,
        _locked_message(meeting) if meeting.locked else _("Mark the meeting as held first."),
    )


def _editable(meeting) -> bool:
    return not meeting.locked


def _locked_message(meeting) -> str:
    if meeting.status is MeetingStatus.CANCELLED:
        return _("This meeting was cancelled; it can no longer be changed.")
    return _(
        "The minutes of this meeting have been certified and can no longer be changed; "
        "record a correction as an amendment."
    )


def _say_renumbered(renumbered: list[services.Renumbering]) -> None:
    """Tell the user which meetings took other numbers to keep the year in date order."""
    if renumbered:
        changes = [
            _(
                "%(old)s is now %(new)s (%(day)s)",
                old=change.old_label,
                new=change.new_label,
                day=format_date(change.meeting.held_on),
            )
            for change in renumbered
        ]
        message = _(
            "To keep the numbers in date order, these meetings were renumbered: %(list)s.",
            list=", ".join(changes),
        )
        flash(message, "info")


# --- lists ---------------------------------------------------------------------------------


@bp.get("/")
@any_permission_required(*SEES)
def index():
    """The meetings the user may see, upcoming first."""
    page = queries.meeting_list_page(current_user)
    return render_template(
        "meetings/index.html",
        page=page,
        rows=panels.formatted(page.items),
        manages=queries.manages(current_user),
    )


# --- scheduling ---------------------------------------------------------------------------


@bp.route("/committee/<int:committee_id>/new", methods=["GET", "POST"])
@any_permission_required(*RUNS)
@submissions.submitted_once(lambda saved, **_: url_for(".show", meeting_id=saved.record_id))
def new(committee_id: int):
    """Schedule a meeting of a committee; sections 2 and 3 of its agenda are filled in. Sent
    twice, the form schedules one meeting (and takes one number)."""
    committee = committee_for(current_user, committee_id)
    if not committee.active:
        flash(_("This committee has been dissolved; it no longer meets."), "warning")
        return redirect(url_for("committees.show", committee_id=committee.id))
    form = NewMeetingForm()

    def shown(scheduled: services.Scheduled) -> str:
        _say_renumbered(scheduled.renumbered)  # after the message that it was scheduled
        return _back(scheduled.meeting)

    return form_page(
        form,
        lambda: services.schedule(
            committee, actor=current_user, submission=form.submission.data, **form.details()
        ),
        template="meetings/form.html",
        done=lambda scheduled: _(
            "Meeting %(number)s has been scheduled.", number=scheduled.meeting.number_label
        ),
        then=shown,
        place=lambda form, error: _place(form, error, "held_on"),
        committee=committee,
        meeting=None,
    )


class _ButtonForm:
    """The form of a page's buttons as the page uses it (its hidden fields alone), made only
    if the page shows a button, and its hidden fields written once however many buttons
    share it (the CSRF token is the request's, a create form's token its own)."""

    __slots__ = ("_make", "_hidden")

    def __init__(self, make: Callable):
        self._make = make
        self._hidden = None

    def hidden_tag(self):
        """The form's hidden fields, as ``FlaskForm.hidden_tag`` writes them."""
        if self._hidden is None:
            self._hidden = self._make().hidden_tag()
        return self._hidden


@bp.get("/<int:meeting_id>")
@any_permission_required(*WORKS_WITH)
def show(meeting_id: int):
    """A meeting: particulars, quorum, attendance, the agenda with resolutions and action
    items, certification and amendments, and the steps allowed now."""
    page = queries.meeting_page(current_user, meeting_id)
    meeting, seats = page.meeting, page.seats
    previous, following = queries.previous_and_next(meeting)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        committee=meeting.committee,
        sheet=queries.attendance_sheet(meeting, seats),
        quorum=services.quorum(meeting, seats),
        sections=queries.agenda_rows(meeting),
        amendments=queries.amendment_rows(meeting),
        previous=previous,
        following=following,
        stored=queries.document_versions(meeting),
        # one address prefix for the page's links to this meeting's pages and others'
        meetings_url=url_for(".show", meeting_id=0)[:-1],
        confirm_form=_ButtonForm(ConfirmForm),
        invite_form=_ButtonForm(CreateConfirmForm),
        letter_form=_ButtonForm(CreateConfirmForm),
        issued_letters=letter_queries.issued_about("meetings", meeting.id),
        resend_invitations=invitations.agenda_changed_since_sent(meeting),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def edit(meeting_id: int):
    """Change a scheduled meeting's date, times or place; a save from an outdated form is
    refused (409)."""
    meeting = queries.meeting_for(current_user, meeting_id)
    refused = _locked_get(
        meeting,
        lambda: meeting.status is MeetingStatus.SCHEDULED,
        _("Only a scheduled meeting can be changed."),
    )
    if refused:
        return refused
    form = MeetingEditForm(obj=meeting if request.method == "GET" else None)
    return edit_page(
        form,
        meeting,
        lambda version: _say_renumbered(
            services.update_meeting(
                meeting, actor=current_user, lock_version=version, **form.details()
            )
        ),
        template="meetings/form.html",
        done=_("The meeting has been saved."),
        back=_back(meeting),
        place=lambda form, error: _place(form, error, "held_on"),
        committee=meeting.committee,
        meeting=meeting,
    )


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def cancel(meeting_id: int):
    """Cancel a scheduled meeting, saying why; it keeps its number."""
    meeting = queries.meeting_for(current_user, meeting_id)
    refused = _locked_get(
        meeting,
        lambda: meeting.status is MeetingStatus.SCHEDULED,
        _("Only a scheduled meeting can be cancelled."),
    )
    if refused:
        return refused
    form = CancelForm()
    return edit_page(
        form,
        meeting,
        lambda version: services.cancel_meeting(
            meeting, current_user, reason=form.reason.data, lock_version=version
        ),
        template="meetings/cancel.html",
        done=_("The meeting has been cancelled."),
        back=_back(meeting),
        place=lambda form, error: _place(form, error, "reason"),
        meeting=meeting,
    )


# --- the agenda ---------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@any_permission_required(*RUNS)
@submissions.submitted_once(_this_meeting)
def item_new(meeting_id: int):
    """Add an item at the end of a section of the agenda (once, however often the form is
    sent)."""
    meeting = queries.meeting_for(current_user, meeting_id)
    refused = _locked_get(meeting, lambda: _editable(meeting), _locked_message(meeting))
    if refused:
        return refused
    form = NewItemForm()
    if request.method == "GET" and request.args.get("section") in {"1", "2", "3", "4", "5"}:
        form.section.data = request.args["section"]
    return _form_page(
        form,
        "meetings/item_form.html",
        lambda: services.add_item(
            meeting,
            actor=current_user,
            section=form.section.data,
            title=form.title.data,
            body=form.body.data,
            submission=form.submission.data,
        ),
        _("The item has been added to the agenda."),
        _back(meeting),
        meeting=meeting,
        item=None,
        default_field="title",
    )


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def item_edit(meeting_id: int, item_id: int):
    """Change an agenda item's title, text or section; a save from an outdated form is
    refused (409)."""
    item = queries.item_for(current_user, meeting_id, item_id)
    meeting = item.meeting
    refused = _locked_get(meeting, lambda: _editable(meeting), _locked_message(meeting))
    if refused:
        return refused
    form = ItemEditForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.section.data = str(item.section)
    return edit_page(
        form,
        item,
        lambda version: services.update_item(
            item,
            actor=current_user,
            section=form.section.data,
            title=form.title.data,
            body=form.body.data,
            lock_version=version,
        ),
        template="meetings/item_form.html",
        done=_("The item has been saved."),
        back=_back(meeting),
        place=lambda form, error: _place(form, error, "title"),
        meeting=meeting,
        item=item,
    )


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/move")
@any_permission_required(*RUNS)
def item_move(meeting_id: int, item_id: int):
    """Move an item up or down within its section."""
    item = queries.item_for(current_user, meeting_id, item_id)
    direction = request.form.get("direction", "")[:10]
    return _button(
        lambda: services.move_item(item, current_user, direction=direction),
        _("The item has been moved."),
        _back(item.meeting),
    )


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/delete")
@any_permission_required(*RUNS)
def item_delete(meeting_id: int, item_id: int):
    """Remove an item from the agenda."""
    item = queries.item_for(current_user, meeting_id, item_id)
    meeting = item.meeting
    return _button(
        lambda: services.delete_item(item, current_user),
        _("The item has been removed from the agenda."),
        _back(meeting),
    )


@bp.post("/<int:meeting_id>/agenda/refresh")
@any_permission_required(*RUNS)
def refresh_agenda(meeting_id: int):
    """Add the earlier minutes to certify and the follow-ups the agenda is missing."""
    meeting = queries.meeting_for(current_user, meeting_id)
    return _button(
        lambda: services.refresh_agenda(meeting, current_user),
        lambda added: (
            _("%(count)s item(s) added from earlier meetings.", count=added)
            if added
            else _("The agenda already has everything from earlier meetings.")
        ),
        _back(meeting),
    )


# --- attendance -----------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def attendance(meeting_id: int):
    """Record every sitting member's attendance in one go; guests below."""
    meeting = queries.meeting_for(current_user, meeting_id)
    seats = queries.sitting_members(meeting.committee, meeting.held_on)
    sheet = queries.attendance_sheet(meeting, seats)
    refused = _locked_get(meeting, lambda: _editable(meeting), _locked_message(meeting))
    if refused:
        return refused
    if request.method == "GET":
        form = AttendanceForm(data={"seats": [_seat_data(entry) for entry in sheet.seats]})
    else:
        form = AttendanceForm()
    return form_page(
        form,
        lambda: services.record_attendance(meeting, actor=current_user, lines=form.lines()),
        template="meetings/attendance.html",
        done=_("The attendance has been saved."),
        then=url_for(".attendance", meeting_id=meeting.id),
        record=meeting,
        place=_place_seat_error,
        shown_with=lambda: _attendance_context(meeting, seats, form, GuestForm(formdata=None)),
    )


def _seat_data(entry: queries.SeatLine) -> dict:
    line = entry.line
    return {
        "membership_id": str(entry.seat.id),
        "lock_version": str(line.lock_version) if line else "",
        "kind": line.kind.value if line else "",
        "absence_reason": line.absence_reason if line else None,
        "substitute_name": line.name if line else None,
        "substitute_position": line.position if line else None,
    }


def _place_seat_error(form: AttendanceForm, error: RuleError) -> None:
    """A refusal of one line at its field in that line; any other above the form."""
    entry = form.entry_for(getattr(error, "membership_id", None))
    if not isinstance(error, services.AttendanceError) or entry is None:
        form.refusal = str(error)
        return
    attach_error(entry, error, SEAT_FIELDS.get(error.field or "", error.field or "kind"))


def _attendance_context(meeting, seats, form, guest_form) -> dict:
    """The attendance page around its two forms: each seat's line, the sheet, the quorum."""
    seat_by_id = {str(seat.id): seat for seat in seats}
    rows = [
        (entry, seat_by_id.get((entry.membership_id.data or "").strip())) for entry in form.seats
    ]
    return {
        "meeting": meeting,
        "form": form,
        "rows": rows,
        "guest_form": guest_form,
        "sheet": queries.attendance_sheet(meeting, seats),
        "quorum": services.quorum(meeting, seats),
        "confirm_form": ConfirmForm(),
    }


@bp.post("/<int:meeting_id>/guests")
@any_permission_required(*RUNS)
@submissions.submitted_once(lambda _saved, **args: url_for(".attendance", **args))
def guest_add(meeting_id: int):
    """Add a guest (ผู้เข้าร่วมประชุม), once however often the form is sent."""
    meeting = queries.meeting_for(current_user, meeting_id)
    form = GuestForm()

    def attendance_page() -> dict:
        seats = queries.sitting_members(meeting.committee, meeting.held_on)
        sheet = queries.attendance_sheet(meeting, seats)
        seat_form = AttendanceForm(
            formdata=None, data={"seats": [_seat_data(entry) for entry in sheet.seats]}
        )
        return _attendance_context(meeting, seats, seat_form, form)

    return form_page(
        form,
        lambda: services.add_guest(
            meeting,
            actor=current_user,
            name=form.name.data,
            position=form.position.data,
            organisation_name=form.organisation_name.data,
            submission=form.submission.data,
        ),
        template="meetings/attendance.html",
        done=_("The guest has been added."),
        then=url_for(".attendance", meeting_id=meeting.id),
        place=lambda form, error: _place(form, error, "name"),
        shown_as="guest_form",
        shown_with=attendance_page,
    )


@bp.post("/<int:meeting_id>/guests/<int:attendance_id>/remove")
@any_permission_required(*RUNS)
def guest_remove(meeting_id: int, attendance_id: int):
    """Take a guest off the attendance."""
    line = queries.attendance_for(current_user, meeting_id, attendance_id)
    meeting = line.meeting
    return _button(
        lambda: services.remove_guest(line, current_user),
        _("The guest has been removed."),
        url_for(".attendance", meeting_id=meeting.id),
    )


# --- holding the meeting and the minutes ---------------------------------------------------


@bp.route("/<int:meeting_id>/held", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def mark_held(meeting_id: int):
    """Record that the meeting took place, with the times it began and ended."""
    meeting = queries.meeting_for(current_user, meeting_id)
    refused = _locked_get(
        meeting,
        lambda: meeting.status is MeetingStatus.SCHEDULED,
        _("Only a scheduled meeting can be marked as held."),
    )
    if refused:
        return refused
    form = HeldForm()
    if request.method == "GET":
        form.opened_at.data, form.closed_at.data = meeting.starts_at, meeting.ends_at
    return edit_page(
        form,
        meeting,
        lambda version: services.mark_held(
            meeting,
            current_user,
            opened_at=form.opened_at.data,
            closed_at=form.closed_at.data,
            lock_version=version,
        ),
        template="meetings/held.html",
        done=_("The meeting is recorded as held."),
        back=_back(meeting),
        place=lambda form, error: _place(form, error, "opened_at"),
        meeting=meeting,
    )


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def minutes(meeting_id: int):
    """Change the minutes' particulars: times, minute-taker, reviewer, note on the quorum."""
    meeting = queries.meeting_for(current_user, meeting_id)
    refused = _unless_held(meeting)
    if refused:
        return refused
    form = MinutesForm(obj=meeting if request.method == "GET" else None)
    return edit_page(
        form,
        meeting,
        lambda version: services.update_minutes(
            meeting, actor=current_user, lock_version=version, **form.details()
        ),
        template="meetings/minutes_form.html",
        done=_("The minutes' particulars have been saved."),
        back=_back(meeting),
        place=lambda form, error: _place(form, error, "opened_at"),
        meeting=meeting,
        quorum=services.quorum(meeting),
    )


@bp.post("/<int:meeting_id>/drafted")
@any_permission_required(*RUNS)
def mark_drafted(meeting_id: int):
    """Record that the minutes are drafted (they stay editable until certified)."""
    meeting = queries.meeting_for(current_user, meeting_id)
    return _button(
        lambda: services.mark_minutes_drafted(meeting, current_user),
        _("The minutes are recorded as drafted."),
        _back(meeting),
    )


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/resolution", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def resolution(meeting_id: int, item_id: int):
    """Record what the meeting resolved on an item."""
    item = queries.item_for(current_user, meeting_id, item_id)
    meeting = item.meeting
    refused = _unless_held(meeting)
    if refused:
        return refused
    form = ResolutionForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.outcome.data = item.outcome.value if item.outcome else None
        form.quorum_note.data = meeting.quorum_note
    return edit_page(
        form,
        item,
        lambda version: services.record_resolution(
            item, actor=current_user, lock_version=version, **form.details()
        ),
        template="meetings/resolution.html",
        done=_("The resolution has been recorded."),
        back=_back(meeting) + f"#item-{item.id}",
        place=lambda form, error: _place(form, error, "resolution"),
        meeting=meeting,
        item=item,
        quorum=services.quorum(meeting),
    )


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/certify", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def certify(meeting_id: int, item_id: int):
    """Certify, at this meeting, the earlier minutes the item names."""
    item = queries.item_for(current_user, meeting_id, item_id)
    if item.certifies_meeting is None:
        abort(404)
    meeting = item.meeting
    refused = _locked_get(
        meeting,
        lambda: (
            not meeting.locked
            and item.certifies_meeting.status is not MeetingStatus.MINUTES_CERTIFIED
        ),
        _locked_message(meeting)
        if meeting.locked
        else _("Those minutes have already been certified."),
    )
    if refused:
        return refused
    form = CertifyForm()
    if request.method == "GET":
        form.quorum_note.data = meeting.quorum_note
    return edit_page(
        form,
        item,
        lambda version: services.certify_minutes(
            item,
            actor=current_user,
            changes=form.changes.data,
            quorum_note=form.quorum_note.data,
            lock_version=version,
        ),
        template="meetings/certify.html",
        done=_("The minutes of meeting %(number)s have been certified.",
               number=item.certifies_meeting.number_label),
        back=_back(meeting),
        place=_place,
        meeting=meeting,
        item=item,
        earlier=item.certifies_meeting,
        quorum=services.quorum(meeting),
    )  # fmt: skip


# --- action items -----------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/actions/new", methods=["GET", "POST"])
@any_permission_required(*RUNS)
@submissions.submitted_once(
    lambda _saved, meeting_id, item_id: url_for(".show", meeting_id=meeting_id) + f"#item-{item_id}"
)
def action_new(meeting_id: int, item_id: int):
    """Record an action item the meeting asked for on an item (once, however often the form
    is sent)."""
    item = queries.item_for(current_user, meeting_id, item_id)
    meeting = item.meeting
    refused = _unless_held(meeting)
    if refused:
        return refused
    form = ActionForm()
    return _form_page(
        form,
        "meetings/action_form.html",
        lambda: services.add_action(
            item,
            actor=current_user,
            text=form.text.data,
            owner=form.owner.data,
            due_on=form.due_on.data,
            submission=form.submission.data,
        ),
        _("The action item has been recorded."),
        _back(meeting) + f"#item-{item.id}",
        meeting=meeting,
        item=item,
        default_field="text",
    )


@bp.post("/<int:meeting_id>/actions/<int:action_id>/delete")
@any_permission_required(*RUNS)
def action_delete(meeting_id: int, action_id: int):
    """Remove an action item recorded by mistake."""
    action = queries.action_for(current_user, meeting_id, action_id)
    meeting = action.agenda_item.meeting
    return _button(
        lambda: services.delete_action(action, current_user),
        _("The action item has been removed."),
        _back(meeting),
    )


@bp.route("/<int:meeting_id>/actions/<int:action_id>/done", methods=["GET", "POST"])
@any_permission_required(*RUNS)
def action_done(meeting_id: int, action_id: int):
    """Record the day an action item was done."""
    action = queries.action_for(current_user, meeting_id, action_id)
    meeting = action.agenda_item.meeting
    if request.method == "GET" and not action.open:
        flash(_("This action item is already done."), "info")
        return redirect(_back(meeting))
    form = DoneForm()
    if request.method == "GET":
        form.done_on.data = max(services.today(), meeting.held_on)
    return edit_page(
        form,
        action,
        lambda version: services.mark_action_done(
            action, current_user, done_on=form.done_on.data, lock_version=version
        ),
        template="meetings/done.html",
        done=_("The action item is recorded as done."),
        back=_back(meeting),
        place=lambda form, error: _place(form, error, "done_on"),
        meeting=meeting,
        action=action,
    )


# --- amendments ---------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/amendments/new", methods=["GET", "POST"])
@any_permission_required(*RUNS)
@submissions.submitted_once(_this_meeting)
def amendment_new(meeting_id: int):
    """Record a correction to certified minutes (once, however often the form is sent)."""
    meeting = queries.meeting_for(current_user, meeting_id)
    refused = _locked_get(
        meeting,
        lambda: meeting.status is MeetingStatus.MINUTES_CERTIFIED,
        _("Amendments are recorded once the minutes are certified; until then, edit them."),
    )
    if refused:
        return refused
    form = AmendmentForm()
    return _form_page(
        form,
        "meetings/amendment.html",
        lambda: services.add_amendment(
            meeting, actor=current_user, text=form.text.data, submission=form.submission.data
        ),
        _("The amendment has been recorded."),
        _back(meeting),
        meeting=meeting,
        default_field="text",
    )


# --- representatives ------------------------------------------------------------------------


@bp.get("/ours/<int:meeting_id>")
@permission_required("committees.member")
def mine_show(meeting_id: int):
    """A meeting of a committee where the representative's association sits: its number,
    date, time, place and status; attendance and resolutions once the minutes are certified."""
    meeting = queries.representative_meeting_or_404(current_user, meeting_id)
    certified = queries.minutes_public(meeting)
    return render_template(
        "meetings/mine_show.html",
        meeting=meeting,
        committee=meeting.committee,
        certified=certified,
        sheet=queries.attendance_sheet(meeting) if certified else None,
        sections=queries.agenda_rows(meeting) if certified else [],
    )


# --- documents: the agenda and the minutes as PDF, the calendar file, the invitations -----

#: The PDFs offered: (kind, variant) -> what it is, for the documents card.
DOCUMENT_VARIANTS = ("th", "en", "pdfa-th", "pdfa-en")


def _publish(meeting, kind: str, variant: str):
    """The stored PDF of one kind ("agenda" or "minutes") and variant, produced if changed."""
    if variant not in DOCUMENT_VARIANTS or (kind == "agenda" and variant.startswith("pdfa")):
        abort(404)
    lang = variant.removeprefix("pdfa-")
    if kind == "agenda":
        return printing.publish_agenda(meeting, lang, current_user)
    return printing.publish_minutes(
        meeting, lang, current_user, archival=variant.startswith("pdfa")
    )


def _send_document(meeting, kind: str, back: str):
    try:
        version = _publish(meeting, kind, request.args.get("variant", "th"))
        return documents.send_version(version, filename=printing.file_name(meeting, version))
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)


@bp.get("/<int:meeting_id>/agenda.pdf")
@any_permission_required(*WORKS_WITH)
def agenda_pdf(meeting_id: int):
    """The agenda as a PDF (?variant=th or en), for distribution before the meeting."""
    meeting = queries.meeting_for(current_user, meeting_id)
    return _send_document(meeting, "agenda", _back(meeting))


@bp.get("/<int:meeting_id>/minutes.pdf")
@any_permission_required(*WORKS_WITH)
def minutes_pdf(meeting_id: int):
    """The minutes as a PDF (?variant=th, en, pdfa-th, pdfa-en): a draft until certified."""
    meeting = queries.meeting_for(current_user, meeting_id)
    return _send_document(meeting, "minutes", _back(meeting))


@bp.get("/<int:meeting_id>/documents/<int:version_id>")
@any_permission_required(*WORKS_WITH)
def document_version(meeting_id: int, version_id: int):
    """One stored version of the meeting's agenda or minutes, as it was produced."""
    meeting = queries.meeting_for(current_user, meeting_id)
    version = db.get_or_404(DocumentVersion, version_id)
    if not printing.belongs_to(version, meeting):
        abort(404)
    try:
        return documents.send_version(version, filename=printing.file_name(meeting, version))
    except documents.DocumentUnavailable as error:
        flash(str(error), "danger")
        return redirect(_back(meeting))


@bp.get("/<int:meeting_id>/meeting.ics")
@any_permission_required(*WORKS_WITH)
def ics(meeting_id: int):
    """The meeting as a calendar file (.ics) to import into a calendar."""
    meeting = queries.meeting_for(current_user, meeting_id)
    response = make_response(invitations.ics(meeting))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="meeting-{meeting.year_be}-{meeting.number}.ics"'
    )
    return response


@bp.post("/<int:meeting_id>/invitations")
@any_permission_required(*RUNS)
@submissions.submitted_once(_this_meeting)
def send_invitations(meeting_id: int):
    """Mail the invitation with the agenda and the calendar file to the sitting members; the
    button pressed twice mails once."""
    meeting = queries.meeting_for(current_user, meeting_id)
    token = submissions.sent_token()

    def done(sent: int) -> str:
        return _("Invitations mailed to %(n)s member(s).", n=sent)

    return _button(lambda: invitations.send(meeting, current_user, token), done, _back(meeting))


@bp.get("/ours/<int:meeting_id>/minutes.pdf")
@permission_required("committees.member")
def mine_minutes_pdf(meeting_id: int):
    """The certified minutes of a meeting of a committee where the association sits."""
    meeting = queries.representative_meeting_or_404(current_user, meeting_id)
    if not printing.minutes_final(meeting):
        abort(404)
    return _send_document(meeting, "minutes", url_for(".mine_show", meeting_id=meeting.id))


@bp.record_once
def _share_labels(state) -> None:
    """The meeting labels and the meetings' documents, for every template."""
    state.app.jinja_env.globals.update(
        MEETING_STATUS_LABELS=STATUS_LABELS,
        AGENDA_SECTION_LABELS=SECTION_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        ATTENDANCE_LABELS=ATTENDANCE_LABELS,
        ATTENDANCE_KINDS=AttendanceKind,
        meeting_documents=printing.versions,
        meeting_document_kind=printing.document_kind,
    )


__all__ = ["bp", "models"]

from . import signing_views  # noqa: E402, F401 (signing certified minutes electronically)
