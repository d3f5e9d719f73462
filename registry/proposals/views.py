"""Proposal pages: the list with search, filters, sort and export; the proposal with its
endorsers, status history, attachments, agenda items and annexes; submitting and editing;
the status workflow; withdrawing; endorsing (representatives) and recording a letter of
endorsement (staff); placing on a meeting's agenda; annexing to an agreement; categories.

Staff and admins work with every proposal; a committee secretary reads every proposal and
puts them to their committees' meetings; a representative submits and follows their own
association's proposals and endorses others on its behalf (anything that is not theirs to
touch answers "not found").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from .. import audit, cache, submissions, tabular, uploads
from ..agreements.models import Agreement
from ..auth.permissions import any_permission_required, permission_required
from ..db import db
from ..forms import ConfirmForm, attach_error
from ..i18n import current_language, format_date, format_number, thai_numerals_enabled
from ..meetings.labels import OUTCOME_LABELS
from ..meetings.models import Meeting
from ..web import edit_page, form_page
from . import (
    queries,
    services,
    timeline_entries,  # noqa: F401 (registers the organisation timeline provider)
)
from .forms import (
    AgendaForm,
    AnnexForm,
    AttachmentForm,
    CategoryEditForm,
    EndorseForm,
    NewCategoryForm,
    NewProposalForm,
    ProposalEditForm,
    RecordEndorsementForm,
    StatusForm,
    WithdrawEndorsementForm,
    WithdrawForm,
    chosen_id,
)
from .labels import KIND_LABELS, STATUS_COLOURS, STATUS_LABELS
from .models import Category, Proposal

bp = Blueprint("proposals", __name__, url_prefix="/proposals")

#: Proposals per page of the list.
PER_PAGE = 25

#: Who reads proposals: staff and secretaries (all, in full), representatives (see queries).
READS = ("proposals.view", "proposals.own")
#: Who submits and changes proposals: staff (any), representatives (their association's).
WRITES = ("proposals.manage", "proposals.own")


@bp.record_once
def _labels(state) -> None:
    """The proposals' labels and colours for every template, as the app's template globals
    (set once, rather than a context processor called for every page rendered)."""
    state.app.jinja_env.globals.update(
        PROPOSAL_KIND_LABELS=KIND_LABELS,
        PROPOSAL_STATUS_LABELS=STATUS_LABELS,
        PROPOSAL_STATUS_COLOURS=STATUS_COLOURS,
    )


@bp.app_template_filter("proposal_lines")
def proposal_lines(text: str | None) -> Markup:
    """Text typed on several lines, shown with its line breaks (— when empty)."""
    if not text:
        return Markup("—")
    return Markup("<br>").join(escape(line) for line in text.splitlines())


def _show(proposal: Proposal, anchor: str | None = None) -> str:
    return url_for(".show", proposal_id=proposal.id, _anchor=anchor)


def _shown_at(anchor: str) -> Callable[..., str]:
    """Where a second submission of a form on a proposal leads: the proposal, at ``anchor``."""
    return lambda _saved, proposal_id: url_for(".show", proposal_id=proposal_id, _anchor=anchor)


def _refuse(form, error: services.ProposalError, default_field: str) -> None:
    """Undo what the refused change left in the session and show why at the field; a
    representative reaching for another association's records is told "not found"."""
    db.session.rollback()
    if isinstance(error, services.NotYours):
        abort(404)
    target = getattr(form, error.field or "", None)
    field = error.field if target is not None and target.type != "HiddenField" else default_field
    attach_error(form, services.ProposalError(str(error), field), default_field)


def _proposal_form(form, save, template: str, done: str, then: str, default_field: str, **context):
    """A form about a proposal (``form_page``): saved, to ``then`` saying ``done``; refused,
    the reason at its field (else at ``default_field``), 422, nothing kept; another
    association's record reached for: not found."""
    return form_page(
        form,
        save,
        template=template,
        done=done,
        then=then,
        place=lambda form, error: _refuse(form, error, default_field),
        **context,
    )


def _button(action, done: str, back: str):
    """Run a change sent with a confirmation button; a refusal is flashed, nothing saved."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action()
    except services.NotYours:
        db.session.rollback()
        abort(404)
    except services.ProposalError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(done, "success")
    return redirect(back)


def _send_pdf(relative: str | None, filename: str, etag: str | None):
    path = uploads.stored_path(relative)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filename,
        etag=etag,
        conditional=True,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the list --------------------------------------------------------------------------------


@bp.get("/")
@any_permission_required(*READS)
def index():
    """List proposals with the search box, filters and sort order."""
    user = current_user._get_current_object()  # read once, not through the proxy each time
    filters = queries.Filters.from_args(request.args)
    page = queries.list_page(filters, PER_PAGE)
    submitted_by, endorsed_by = _organisation_options(filters)
    lang = current_language()
    categories, category_names = cache.remembered(
        "proposals.list categories", (lang,), lambda: queries.list_categories(lang)
    )
    list_url = url_for(".index")
    # Labels translated once for the page, not once per row.
    kind_labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
    status_labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    rows = queries.list_rows(list(page.items))
    return render_template(
        "proposals/index.html",
        page=page,
        lines=_list_lines(rows, kind_labels, status_labels, category_names, lang),
        filters=filters,
        submitted_by=submitted_by,
        endorsed_by=endorsed_by,
        categories=categories,
        kind_labels=kind_labels,
        status_labels=status_labels,
        may_submit=user.can("proposals.manage") or services.represents(user, user.organisation_id),
        manages=user.can("proposals.manage"),
        # A representative's own links (their association's proposals, those it endorses).
        own_organisation=user.organisation_id if not queries.reads_all(user) else None,
        list_url=list_url,
    )


class _Line(NamedTuple):
    """One row of the list's table, every value as it is shown."""

    id: int
    title: str
    kind: str
    organisation_id: int
    organisation_name: str
    category: str
    colour: str
    status: str
    endorsements: str
    submitted: str


def _list_lines(rows: list, kinds: dict, statuses: dict, categories: dict, lang: str) -> list:
    """The list's rows (``queries.list_rows``) as the table shows them: each label translated
    once a page and each count formatted once (most are small), the reader's language and
    digits looked up once, so that the template's loop only writes values."""
    thai_digits = thai_numerals_enabled()
    counts: dict[int, str] = {}
    lines = []
    for row in rows:
        count = counts.get(row.endorsement_count)
        if count is None:
            count = counts[row.endorsement_count] = format_number(row.endorsement_count, lang)
        lines.append(
            _Line(
                row.id,
                row.title,
                kinds[row.kind],
                row.organisation_id,
                row.organisation_name,
                categories[row.category_id],
                STATUS_COLOURS[row.status],
                statuses[row.status],
                count,
                format_date(row.created_at, "long", lang, thai_digits),
            )  # fmt: skip
        )
    return lines


def _options(rows: list) -> str:
    """The <option> elements of these organisations, none chosen."""
    return render_template("proposals/_organisation_options.html", organisations=rows)


def _all_organisation_options() -> tuple[str, frozenset[int]]:
    """The <option> elements of the organisations the filters offer, none chosen, and their
    ids: rendered once and kept, since with hundreds of organisations writing them is most
    of the page's time."""
    rows = queries.filter_organisations()
    return _options(rows), frozenset(row.id for row in rows)


def _organisation_options(filters: queries.Filters) -> tuple[Markup, Markup]:
    """The options of the "submitted by" and "endorsed by" filters, each with its chosen
    organisation marked (one chosen that is not among those offered is added at the end).
    The options offered are kept until the next write (``cache.remembered``)."""
    html, offered = cache.remembered(
        "proposals.filter organisations", (), _all_organisation_options
    )
    chosen = [int(v) for v in (filters.organisation, filters.endorsed_by) if v]
    missing = sorted({ident for ident in chosen if ident not in offered})
    if missing:
        # In the order the statement finds them, as before.
        html += _options(queries.organisation_names(missing))
    return _selected(html, filters.organisation), _selected(html, filters.endorsed_by)


def _selected(options: str, chosen: str) -> Markup:
    """The options with the one whose value is ``chosen`` (digits, or empty) marked."""
    if chosen:
        option = f'<option value="{chosen}"'
        options = options.replace(f"{option}>", f"{option} selected>", 1)
    return Markup(options)  # noqa: S704 (rendered by an autoescaped template)


@bp.get("/export.csv")
@permission_required("proposals.manage")
def export_csv():
    """Download every proposal the list finds (all pages, same order) as CSV."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required("proposals.manage")
def export_xlsx():
    """Download every proposal the list finds (all pages, same order) as XLSX."""
    return _export("xlsx")


def _export(file_format: str):
    filters = queries.Filters.from_args(request.args)
    data, rows = queries.export_file(filters, file_format)
    summary = queries.export_summary(filters, file_format, rows)
    audit.record_event(current_user, "exported", record_type="proposals", label=summary)
    db.session.commit()
    return tabular.download(data, file_format, queries.export_filename(file_format))


# --- one proposal ----------------------------------------------------------------------------


@bp.get("/<int:proposal_id>")
@any_permission_required(*READS)
def show(proposal_id: int):
    """A proposal: its content, endorsers, and (for those who may) its history, files,
    meetings and annexes, with the steps the user may take. Read as plain rows (see
    ``queries.proposal_page``), each permission asked once."""
    user = current_user._get_current_object()  # read once, not through the proxy each time
    own_organisation = user.organisation_id if services.represents(
        user, user.organisation_id
    ) else None  # fmt: skip
    proposal = queries.proposal_page(user, proposal_id, own_organisation)
    reads_all = queries.reads_all(user)
    full = reads_all or services.owns(user, proposal)
    manages = services.manages(user)
    endorsement_pages = queries.endorsements_page(proposal.id)
    endorsements = endorsement_pages.items
    # Files, meetings and annexes are read only when the proposal has some.
    if not proposal.has_agenda_items or not full:
        items = []
    else:
        items = queries.agenda_items(proposal.id, certified_only=not reads_all)
    attachments = (
        queries.attachments(proposal.id, public_only=not full) if proposal.has_attachments else []
    )
    annexes = queries.annexes(proposal.id) if reads_all and proposal.has_annexes else []
    may_edit = services.may_edit(user, proposal)
    open_for_endorsing = not proposal.closed
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        below=None,  # the breadcrumb ends at the proposal
        # The proposal's address, its pages' made from it (no url_for for each).
        here=url_for(".show", proposal_id=proposal.id),
        meetings_url=url_for("meetings.index") if reads_all and items else "",
        full=full,
        endorsements=endorsements,
        endorsement_pages=endorsement_pages,
        history=queries.history(proposal.id) if full else [],
        attachments=attachments,
        agenda_items=items,
        annexes=annexes,
        mine=proposal.mine,
        own_organisation=own_organisation,
        manages=manages,
        reads_all=reads_all,
        reads_organisations=user.can("organisations.view"),
        reads_agreements=bool(annexes) and user.can("agreements.view"),
        reads_audit=user.can("audit.read"),
        may_edit=may_edit,
        may_withdraw=services.may_withdraw(user, proposal),
        may_schedule=user.can("proposals.schedule") and not proposal.closed,
        targets=services.allowed_targets(proposal, user),
        # Decided once for the page (a proposal may list a hundred endorsements).
        letters={
            e.id
            for e in endorsements
            if e.letter_path and (reads_all or services.represents(user, e.organisation_id))
        },
        withdrawable={
            e.id
            for e in endorsements
            if e.withdrawn_at is None
            and open_for_endorsing
            and (manages or services.represents(user, e.organisation_id))
        },
        # The remove buttons' form (its CSRF token), made only when a button is shown.
        confirm_form=ConfirmForm() if (may_edit and attachments) or (manages and annexes) else None,
        steps=services.ORDER,
        OUTCOME_LABELS=OUTCOME_LABELS,
    )


def _organisation_for_form(form) -> int | None:
    """The organisation whose people the form offers as contacts."""
    if not services.manages(current_user):
        return current_user.organisation_id
    chosen = chosen_id(form.organisation_id.data)
    return chosen if chosen and chosen > 0 else None


def _proposal_choices(form, proposal: Proposal | None) -> None:
    organisation_id = _organisation_for_form(form)
    if organisation_id is None and proposal is not None:
        organisation_id = proposal.organisation_id
    form.set_choices(
        organisations=queries.organisation_choices() if services.manages(current_user) else [],
        categories=queries.category_choices(include=proposal.category if proposal else None),
        contacts=queries.contact_choices(organisation_id),
    )


@bp.route("/new", methods=["GET", "POST"])
@any_permission_required(*WRITES)
@submissions.submitted_once(lambda saved: url_for(".show", proposal_id=saved.record_id))
def new():
    """Submit a proposal: staff for any organisation, a representative for their own (one,
    however often the form is sent)."""
    staff = services.manages(current_user)
    if not staff and not services.represents(current_user, current_user.organisation_id):
        abort(404)
    form = NewProposalForm()
    if request.method == "GET" and staff:
        form.organisation_id.data = request.args.get("organisation", "")
    _proposal_choices(form, None)
    if not staff:
        del form.organisation_id
    return form_page(
        form,
        lambda: services.submit_proposal(
            actor=current_user,
            organisation_id=(
                chosen_id(form.organisation_id.data) if staff else current_user.organisation_id
            ),
            submission=form.submission.data,
            **form.details(),
        ),
        template="proposals/form.html",
        done=_("The proposal has been submitted."),
        then=_show,
        place=lambda form, error: _refuse(form, error, "title"),
        proposal=None,
        staff=staff,
    )


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@any_permission_required(*WRITES)
def edit(proposal_id: int):
    """Change a proposal (staff while open; its association while submitted); a save from
    an outdated form is refused (409)."""
    proposal = queries.proposal_for(current_user, proposal_id)
    staff = services.manages(current_user)
    if not (staff or services.owns(current_user, proposal)):
        abort(404)
    if request.method == "GET" and not services.may_edit(current_user, proposal):
        flash(_("This proposal can no longer be changed."), "warning")
        return redirect(_show(proposal))
    form = ProposalEditForm(obj=proposal)
    _proposal_choices(form, proposal)
    if not staff:
        del form.organisation_id
    return edit_page(
        form,
        proposal,
        lambda version: services.update_proposal(
            proposal,
            actor=current_user,
            organisation_id=chosen_id(form.organisation_id.data) if staff else None,
            lock_version=version,
            **form.details(),
        ),
        template="proposals/form.html",
        done=_("The proposal has been saved."),
        back=_show(proposal),
        place=lambda form, error: _refuse(form, error, "title"),
        proposal=proposal,
        staff=staff,
    )


@bp.route("/<int:proposal_id>/status", methods=["GET", "POST"])
@permission_required("proposals.manage")
def status(proposal_id: int):
    """Move a proposal one step along the workflow, with the reason."""
    proposal = queries.proposal_for(current_user, proposal_id)
    targets = services.allowed_targets(proposal, current_user)
    if request.method == "GET" and not targets:
        flash(_("No change of status is possible from here."), "warning")
        return redirect(_show(proposal))
    form = StatusForm()
    form.set_targets(targets)
    return edit_page(
        form,
        proposal,
        lambda version: services.change_status(
            proposal,
            current_user,
            to=form.status.data,
            reason=form.reason.data,
            forwarded_to=form.forwarded_to.data,
            lock_version=version,
        ),
        template="proposals/status.html",
        done=_("The status has been changed."),
        back=_show(proposal, "history"),
        place=lambda form, error: _refuse(form, error, "status"),
        proposal=proposal,
    )


@bp.route("/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@any_permission_required(*WRITES)
def withdraw(proposal_id: int):
    """Withdraw a proposal (its association, or staff on its behalf), saying why."""
    proposal = queries.proposal_for(current_user, proposal_id)
    if not (services.manages(current_user) or services.owns(current_user, proposal)):
        abort(404)
    if request.method == "GET" and not services.may_withdraw(current_user, proposal):
        flash(_("This proposal can no longer be withdrawn."), "warning")
        return redirect(_show(proposal))
    form = WithdrawForm()
    return edit_page(
        form,
        proposal,
        lambda version: services.withdraw_proposal(
            proposal, current_user, reason=form.reason.data, lock_version=version
        ),
        template="proposals/withdraw.html",
        done=_("The proposal has been withdrawn."),
        back=_show(proposal),
        place=lambda form, error: _refuse(form, error, "reason"),
        proposal=proposal,
    )


# --- attachments -----------------------------------------------------------------------------


@bp.route("/<int:proposal_id>/attachments/new", methods=["GET", "POST"])
@any_permission_required(*WRITES)
@submissions.submitted_once(_shown_at("attachments"))
def attachment_new(proposal_id: int):
    """File a PDF with the proposal (once, however often the form is sent)."""
    proposal = queries.proposal_for(current_user, proposal_id)
    if not (services.manages(current_user) or services.owns(current_user, proposal)):
        abort(404)
    if request.method == "GET" and not services.may_edit(current_user, proposal):
        flash(_("Files can be added only while the proposal may be changed."), "warning")
        return redirect(_show(proposal))
    form = AttachmentForm()

    def save() -> None:
        upload = form.file.data
        services.add_attachment(
            proposal,
            current_user,
            data=upload.read() if upload else b"",
            filename=upload.filename if upload else None,
            public=form.public.data,
            submission=form.submission.data,
        )

    return _proposal_form(
        form, save, "proposals/attachment.html", _("The file has been added."),
        _show(proposal, "attachments"), "file", proposal=proposal,
    )  # fmt: skip


@bp.get("/<int:proposal_id>/attachments/<int:attachment_id>")
@any_permission_required(*READS)
def attachment(proposal_id: int, attachment_id: int):
    """Download an attachment the user may read."""
    item = queries.attachment_for(current_user, proposal_id, attachment_id)
    return _send_pdf(item.path, item.filename, item.sha256)


@bp.post("/<int:proposal_id>/attachments/<int:attachment_id>/remove")
@any_permission_required(*WRITES)
def attachment_remove(proposal_id: int, attachment_id: int):
    """Take a file off the proposal."""
    item = queries.attachment_for(current_user, proposal_id, attachment_id)
    proposal = item.proposal
    return _button(
        lambda: services.remove_attachment(item, current_user),
        _("The file has been removed."),
        _show(proposal, "attachments"),
    )


# --- endorsements ----------------------------------------------------------------------------


@bp.route("/<int:proposal_id>/endorse", methods=["GET", "POST"])
@permission_required("proposals.own")
@submissions.submitted_once(_shown_at("endorsements"))
def endorse(proposal_id: int):
    """Endorse a proposal on behalf of one's own association (once, however often the form
    is sent)."""
    proposal = queries.proposal_for(current_user, proposal_id)
    own = current_user.organisation_id
    if not services.represents(current_user, own):
        abort(404)
    if request.method == "GET":
        if services.owns(current_user, proposal):
            flash(_("An organisation does not endorse its own proposal."), "warning")
            return redirect(_show(proposal))
        if not proposal.endorsable:
            flash(_("This proposal can no longer be endorsed."), "warning")
            return redirect(_show(proposal))
        if services.active_endorsement(proposal, own) is not None:
            flash(_("Your association has already endorsed this proposal."), "info")
            return redirect(_show(proposal, "endorsements"))
    form = EndorseForm()
    if request.method == "GET":
        form.organisation_id.data = str(own)

    def save() -> None:
        if chosen_id(form.organisation_id.data) != own:
            abort(404)  # the form was altered to speak for another association
        letter = form.letter.data
        services.endorse(
            proposal,
            current_user,
            organisation_id=own,
            statement=form.statement.data,
            letter=letter.read() if letter else None,
            letter_filename=letter.filename if letter else None,
            submission=form.submission.data,
        )

    return _proposal_form(
        form, save, "proposals/endorse.html",
        _("Your association's endorsement has been recorded."),
        _show(proposal, "endorsements"), "statement", proposal=proposal, staff=False,
    )  # fmt: skip


@bp.route("/<int:proposal_id>/endorsements/record", methods=["GET", "POST"])
@permission_required("proposals.manage")
@submissions.submitted_once(_shown_at("endorsements"))
def endorsement_record(proposal_id: int):
    """Record an endorsement received on paper (staff), once however often the form is
    sent."""
    proposal = queries.proposal_for(current_user, proposal_id)
    if request.method == "GET" and not proposal.endorsable:
        flash(_("This proposal can no longer be endorsed."), "warning")
        return redirect(_show(proposal))
    form = RecordEndorsementForm()
    form.set_organisations(queries.endorsing_organisation_choices(proposal))

    def save() -> None:
        letter = form.letter.data
        services.endorse(
            proposal,
            current_user,
            organisation_id=chosen_id(form.organisation_id.data),
            statement=form.statement.data,
            letter=letter.read() if letter else None,
            letter_filename=letter.filename if letter else None,
            endorsed_on=form.endorsed_on.data,
            submission=form.submission.data,
        )

    return _proposal_form(
        form, save, "proposals/endorse.html", _("The endorsement has been recorded."),
        _show(proposal, "endorsements"), "organisation_id", proposal=proposal, staff=True,
    )  # fmt: skip


@bp.route("/<int:proposal_id>/endorsements/<int:endorsement_id>/withdraw", methods=["GET", "POST"])
@any_permission_required(*WRITES)
def endorsement_withdraw(proposal_id: int, endorsement_id: int):
    """Withdraw an endorsement (it stays in the record, marked withdrawn)."""
    endorsement = queries.endorsement_for(current_user, proposal_id, endorsement_id)
    proposal = endorsement.proposal
    if not (
        services.manages(current_user)
        or services.represents(current_user, endorsement.organisation_id)
    ):
        abort(404)
    if request.method == "GET" and not services.may_withdraw_endorsement(current_user, endorsement):
        flash(_("This endorsement can no longer be withdrawn."), "warning")
        return redirect(_show(proposal, "endorsements"))
    form = WithdrawEndorsementForm()
    return _proposal_form(
        form,
        lambda: services.withdraw_endorsement(
            endorsement, current_user, reason=form.withdrawal_reason.data
        ),
        "proposals/withdraw_endorsement.html",
        _("The endorsement has been withdrawn."),
        _show(proposal, "endorsements"),
        "withdrawal_reason",
        proposal=proposal,
        endorsement=endorsement,
    )


@bp.get("/<int:proposal_id>/endorsements/<int:endorsement_id>/letter")
@any_permission_required(*READS)
def endorsement_letter(proposal_id: int, endorsement_id: int):
    """Download an endorsement's signed letter (staff, secretaries, the endorsing
    association)."""
    endorsement = queries.endorsement_for(current_user, proposal_id, endorsement_id)
    if not queries.may_read_letter(current_user, endorsement):
        abort(404)
    return _send_pdf(
        endorsement.letter_path,
        endorsement.letter_filename or "letter.pdf",
        endorsement.letter_sha256,
    )


# --- the committee's agenda and agreements ---------------------------------------------------


@bp.route("/<int:proposal_id>/agenda", methods=["GET", "POST"])
@permission_required("proposals.schedule")
@submissions.submitted_once(_shown_at("meetings"))
def agenda(proposal_id: int):
    """Place the proposal on a scheduled meeting's agenda, in section 4 (once, however often
    the form is sent)."""
    proposal = queries.proposal_for(current_user, proposal_id)
    if request.method == "GET" and proposal.closed:
        flash(_("This proposal is closed; it cannot be put to a meeting."), "warning")
        return redirect(_show(proposal))
    form = AgendaForm()
    form.set_meetings(queries.meeting_choices(current_user))
    if request.method == "GET":
        form.title.data = proposal.title
        form.body.data = proposal.summary

    def place():
        meeting_id = chosen_id(form.meeting_id.data)
        meeting = db.session.get(Meeting, meeting_id) if meeting_id and meeting_id > 0 else None
        return services.place_on_agenda(
            proposal,
            current_user,
            meeting=meeting,
            title=form.title.data,
            body=form.body.data,
            submission=form.submission.data,
        )

    return form_page(
        form,
        place,
        template="proposals/agenda.html",
        done=lambda item: _(
            "The proposal is item %(item)s of meeting %(number)s.",
            item=item.number_label,
            number=item.meeting.number_label,
        ),
        then=_show(proposal, "meetings"),
        place=lambda form, error: _refuse(form, error, "meeting_id"),
        proposal=proposal,
    )


@bp.route("/<int:proposal_id>/annex", methods=["GET", "POST"])
@permission_required("proposals.manage")
@submissions.submitted_once(_shown_at("annexes"))
def annex(proposal_id: int):
    """Annex the proposal to an agreement that is not yet signed (once, however often the
    form is sent)."""
    proposal = queries.proposal_for(current_user, proposal_id)
    form = AnnexForm()
    form.set_agreements(queries.agreement_choices(proposal))

    def annex_it():
        agreement_id = chosen_id(form.agreement_id.data)
        agreement = (
            db.session.get(Agreement, agreement_id) if agreement_id and agreement_id > 0 else None
        )
        services.annex_to_agreement(
            proposal, current_user, agreement=agreement, submission=form.submission.data
        )

    return form_page(
        form,
        annex_it,
        template="proposals/annex.html",
        done=_("The proposal has been annexed to the agreement."),
        then=_show(proposal, "annexes"),
        place=lambda form, error: _refuse(form, error, "agreement_id"),
        proposal=proposal,
    )


@bp.post("/<int:proposal_id>/annex/<int:agreement_id>/remove")
@permission_required("proposals.manage")
def annex_remove(proposal_id: int, agreement_id: int):
    """Take the proposal off an agreement that is not yet signed."""
    proposal = queries.proposal_for(current_user, proposal_id)
    item = queries.annex_or_404(proposal, agreement_id)
    return _button(
        lambda: services.remove_annex(item, current_user),
        _("The proposal is no longer annexed to the agreement."),
        _show(proposal, "annexes"),
    )


# --- categories ------------------------------------------------------------------------------


@bp.get("/categories")
@permission_required("proposals.manage")
def categories():
    """The categories proposals are filed under."""
    return render_template(
        "proposals/categories.html", categories=queries.all_categories(), lang=current_language()
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@permission_required("proposals.manage")
@submissions.submitted_once(lambda _saved: url_for(".categories"))
def category_new():
    """Add a category (one, however often the form is sent)."""
    form = NewCategoryForm()
    return form_page(
        form,
        lambda: services.save_category(
            None,
            current_user,
            name_th=form.name_th.data,
            name_en=form.name_en.data,
            active=form.active.data,
            submission=form.submission.data,
        ),
        template="proposals/category_form.html",
        done=_("The category has been saved."),
        then=url_for(".categories"),
        place=lambda form, error: _refuse(form, error, "name_th"),
        category=None,
    )


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@permission_required("proposals.manage")
def category_edit(category_id: int):
    """Rename a category, or stop using it for new proposals; a save from an outdated form
    is refused (409)."""
    category = db.get_or_404(Category, category_id)
    form = CategoryEditForm(obj=category)
    return edit_page(
        form,
        category,
        lambda version: services.save_category(
            category,
            current_user,
            name_th=form.name_th.data,
            name_en=form.name_en.data,
            active=form.active.data,
            lock_version=version,
        ),
        template="proposals/category_form.html",
        done=_("The category has been saved."),
        back=url_for(".categories"),
        place=lambda form, error: _refuse(form, error, "name_th"),
        category=category,
    )
