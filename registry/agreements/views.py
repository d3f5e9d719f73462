"""Agreement pages: the list with filters and export, the record, drafting and editing, the
lifecycle buttons, signing, termination, amendments, the signed scan and the PDF; and the
read-only pages of a representative's own agreements."""

from __future__ import annotations

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

from .. import submissions
from ..auth.permissions import permission_required
from ..db import db, paginate
from ..documents import services as documents
from ..documents.models import DocumentVersion
from ..forms import CreateConfirmForm
from ..i18n import current_language, format_date
from ..web import confirmed_action, edit_page, form_page
from . import (
    export,
    printing,
    queries,
    services,
    timeline_entries,  # noqa: F401 (registers the organisation timeline provider)
)
from .forms import (
    AgreementForm,
    AmendmentForm,
    NewAgreementForm,
    ScanForm,
    SignForm,
    TerminateForm,
)
from .labels import (
    DERIVED_FILTER_LABELS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
)
from .models import Agreement

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

#: Agreements per page of the list.
PER_PAGE = 25


# --- staff: the list ---------------------------------------------------------------------


@bp.get("/")
@permission_required("agreements.view")
def index():
    """List agreements with the status, kind, partner and expiry filters."""
    filters = queries.Filters.from_args(request.args)
    page = paginate(queries.search_ids(filters), per_page=PER_PAGE)
    return render_template(
        "agreements/index.html",
        page=page,
        agreements=queries.listed(list(page.items)),
        filters=filters,
        partner=queries.partner_named(filters),
        # Labels translated once for the page, not once per row.
        status_labels={status: str(label) for status, label in STATUS_LABELS.items()},
        state_labels={state: str(label) for state, label in STATE_LABELS.items()},
    )


@bp.get("/export")
@permission_required("agreements.view")
def export_list():
    """Download the filtered list as CSV or XLSX (?format=csv or xlsx)."""
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = queries.Filters.from_args(request.args)
    agreements = db.session.scalars(queries.search(filters)).all()
    return export.download(agreements, fmt)


@bp.get("/expiring")
@permission_required("agreements.view")
def expiring():
    """Agreements in force that end within 30, 60 and 90 days."""
    return render_template("agreements/expiring.html", bands=queries.expiring_by_threshold())


# --- staff: one agreement ----------------------------------------------------------------


@bp.get("/<int:agreement_id>")
@permission_required("agreements.view")
def show(agreement_id: int):
    """Show an agreement: parties, clauses, status and the steps allowed now (plain rows of
    what the page shows; each permission asked and each address made once for the page)."""
    agreement = queries.agreement_page(agreement_id, current_language())
    transitions = services.allowed_transitions(
        agreement, current_user, renewed=agreement.successor is not None
    )
    index_url = url_for(".index")
    variants = printing.variants_for(agreement)
    word_languages = printing.LANGUAGES[agreement.language]
    panels = queries.page_panels(agreement.id)
    shown_variants = {*variants, *word_languages, *(v.variant for v in panels.versions)}
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        transitions=transitions,
        # The page's own address: the agreement's other addresses are made from it.
        here=f"{index_url}{agreement.id}",
        index_url=index_url,
        letters_url=url_for("letters.index"),
        send_url=url_for("letters.send_agreement", agreement_id=agreement.id),
        history_url=url_for("audit.index", record_type="agreements", record_id=agreement.id)
        if current_user.can("audit.read")
        else None,
        can_edit=current_user.can("agreements.edit"),
        # The renewal button's one-time token (as ``CreateConfirmForm`` gives it).
        renew_token=submissions.new_token() if "renew" in transitions else None,
        variants=variants,
        word_languages=word_languages,
        variant_labels={variant: documents.variant_label(variant) for variant in shown_variants},
        versions=panels.versions,
        issued_letters=panels.letters,
        reviews=panels.reviews,
        annexed=panels.annexes,
        proposals_url=url_for("proposals.index"),
        can_annex=current_user.can("proposals.manage"),
    )


def _shown(saved, **_view_args) -> str:
    """The agreement a submission created."""
    return url_for(".show", agreement_id=saved.record_id)


def _this_agreement(_saved, agreement_id: int) -> str:
    """The agreement the form was sent from."""
    return url_for(".show", agreement_id=agreement_id)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("agreements.edit")
@submissions.submitted_once(_shown)
def new():
    """Draft a new agreement (one, however often the form is sent)."""
    form = NewAgreementForm(organisations=queries.partner_choices())
    if request.method == "GET":
        form.responsible_id.data = str(current_user.id)
        form.copies.data, form.notice_days.data = 2, 30
    return form_page(
        form,
        lambda: services.create_agreement(
            form.content(), actor=current_user, submission=form.submission.data
        ),
        template="agreements/form.html",
        done=lambda agreement: _(
            "The draft agreement %(ref)s has been created.", ref=agreement.reference
        ),
        then=lambda agreement: url_for(".show", agreement_id=agreement.id),
        place=AgreementForm.place_error,
        reshape=form.add_row_if_asked,
        agreement=None,
        current={},
    )


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@permission_required("agreements.edit")
def edit(agreement_id: int):
    """Change a draft; a save made from an outdated form is refused with what changed."""
    agreement = db.get_or_404(Agreement, agreement_id)
    if not agreement.editable:
        flash(_("Only a draft can be edited."), "warning")
        return redirect(url_for(".show", agreement_id=agreement.id))
    form = AgreementForm(organisations=queries.partner_choices())
    if request.method == "GET":
        content = services.content_of(agreement)
        form.fill(content, agreement.lock_version, services.fingerprint(content))
    return edit_page(
        form,
        agreement,
        lambda version: services.update_agreement(
            agreement,
            form.content(),
            actor=current_user,
            lock_version=version,
            base=form.base_fingerprint(),
        ),
        template="agreements/form.html",
        done=_("The agreement has been saved."),
        back=url_for(".show", agreement_id=agreement.id),
        place=AgreementForm.place_error,
        reshape=form.add_row_if_asked,
        agreement=agreement,
        shown_with=lambda: {"current": services.content_of(agreement)},
    )


def _transition(agreement_id: int, action, done_message: str):
    agreement = db.get_or_404(Agreement, agreement_id)
    back = url_for(".show", agreement_id=agreement.id)
    return confirmed_action(agreement, action, done_message, back)


@bp.post("/<int:agreement_id>/submit")
@permission_required("agreements.edit")
def submit(agreement_id: int):
    """Send a draft for review."""
    return _transition(agreement_id, services.submit_for_review, _("Sent for review."))


@bp.post("/<int:agreement_id>/approve")
@permission_required("agreements.approve")
def approve(agreement_id: int):
    """Approve the reviewed text for signing."""
    return _transition(agreement_id, services.approve, _("Approved for signing."))


@bp.post("/<int:agreement_id>/return")
@permission_required("agreements.edit")
def return_to_draft(agreement_id: int):
    """Send the text back to draft."""
    return _transition(agreement_id, services.return_to_draft, _("Returned to draft."))


@bp.post("/<int:agreement_id>/renew")
@permission_required("agreements.edit")
@submissions.submitted_once(_shown)
def renew(agreement_id: int):
    """Start the renewal: a new draft with the content copied (one, however often the button
    is pressed)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    form = CreateConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        successor = services.renew(agreement, current_user, submission=form.submission.data)
    except services.AgreementError as error:
        flash(str(error), "danger")
        return redirect(url_for(".show", agreement_id=agreement.id))
    flash(_("The renewal %(ref)s has been drafted.", ref=successor.reference), "success")
    return redirect(url_for(".show", agreement_id=successor.id))


@bp.route("/<int:agreement_id>/sign", methods=["GET", "POST"])
@permission_required("agreements.edit")
def sign(agreement_id: int):
    """Record the signing, with the scan if it is at hand."""
    agreement = db.get_or_404(Agreement, agreement_id)
    form = SignForm()
    if request.method == "GET":
        form.signed_on.data = agreement.signed_on
        form.signing_place.data = agreement.signing_place

    def save() -> None:
        upload = form.scan.data
        services.sign(
            agreement,
            current_user,
            signed_on=form.signed_on.data,
            signing_place=form.signing_place.data,
            scan=upload.read() if upload else None,
            scan_filename=upload.filename if upload else None,
        )

    return _agreement_form(
        form, agreement, save, "agreements/sign.html", _("The agreement is recorded as signed."),
        "signed_on",
    )  # fmt: skip


@bp.route("/<int:agreement_id>/terminate", methods=["GET", "POST"])
@permission_required("agreements.approve")
def terminate(agreement_id: int):
    """End a signed agreement early."""
    agreement = db.get_or_404(Agreement, agreement_id)
    form = TerminateForm()

    def done(_result) -> str:
        if agreement.terminating(services.today()):
            return _(
                "The termination is recorded: the agreement stays in force until it takes "
                "effect on %(day)s.",
                day=format_date(agreement.terminated_on),
            )
        return _("The agreement is recorded as terminated.")

    return _agreement_form(
        form,
        agreement,
        lambda: services.terminate(
            agreement,
            current_user,
            terminated_on=form.terminated_on.data,
            notice_on=form.notice_on.data,
            reason=form.reason.data,
        ),
        "agreements/terminate.html",
        done,
        "terminated_on",
    )


@bp.route("/<int:agreement_id>/amend", methods=["GET", "POST"])
@permission_required("agreements.edit")
@submissions.submitted_once(_this_agreement)
def amend(agreement_id: int):
    """Record an amendment agreed after signing (once, however often the form is sent)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    form = AmendmentForm()
    return _agreement_form(
        form,
        agreement,
        lambda: services.record_amendment(
            agreement,
            current_user,
            made_on=form.made_on.data,
            text=form.text.data,
            submission=form.submission.data,
        ),
        "agreements/amend.html",
        _("The amendment has been recorded."),
        "text",
    )


@bp.route("/<int:agreement_id>/scan/upload", methods=["GET", "POST"])
@permission_required("agreements.edit")
@submissions.submitted_once(_this_agreement)
def upload_scan(agreement_id: int):
    """File the scanned signed copy (once, however often the form is sent)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    form = ScanForm()

    def save() -> None:
        upload = form.scan.data
        services.upload_scan(
            agreement,
            current_user,
            upload.read() if upload else b"",
            upload.filename if upload else None,
            submission=form.submission.data,
        )

    return _agreement_form(
        form, agreement, save, "agreements/scan.html", _("The signed copy has been filed."),
        "scan",
    )  # fmt: skip


def _agreement_form(form, agreement: Agreement, save, template: str, done, default_field: str):
    """A form on one agreement (``form_page``): saved, back to the agreement; refused, the
    reason at its field (else at ``default_field``), 422."""
    return form_page(
        form,
        save,
        template=template,
        done=done,
        then=url_for(".show", agreement_id=agreement.id),
        default_field=default_field,
        agreement=agreement,
    )


@bp.get("/<int:agreement_id>/scan")
@permission_required("agreements.view")
def scan(agreement_id: int):
    """Download the signed copy."""
    return _send_scan(db.get_or_404(Agreement, agreement_id))


def _send_scan(agreement: Agreement):
    path = services.scan_file(agreement)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name="signed.pdf",  # the header is written below
        etag=agreement.scan_sha256,
        conditional=True,
    )
    response.headers["Content-Disposition"] = documents.content_disposition(
        printing.scan_file_name(agreement)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- representatives: their own organisation's agreements --------------------------------


@bp.get("/mine")
@permission_required("agreements.own")
def mine():
    """The representative's organisation's agreements (approved and after)."""
    if current_user.organisation_id is None:
        abort(404)
    agreements = db.session.scalars(queries.visible_to_representative(current_user)).all()
    return render_template("agreements/mine.html", agreements=agreements)


@bp.get("/mine/<int:agreement_id>")
@permission_required("agreements.own")
def mine_show(agreement_id: int):
    """One of the representative's organisation's agreements, read only (its content as the
    staff page shows it)."""
    agreement = queries.representative_agreement_or_404(current_user, agreement_id)
    page = queries.agreement_page(agreement.id, current_language())
    return render_template("agreements/mine_show.html", agreement=agreement, page=page)


@bp.get("/mine/<int:agreement_id>/scan")
@permission_required("agreements.own")
def mine_scan(agreement_id: int):
    """Download the signed copy of one's own organisation's agreement."""
    return _send_scan(queries.representative_agreement_or_404(current_user, agreement_id))


# --- the agreement as a PDF --------------------------------------------------------------


@bp.get("/<int:agreement_id>/pdf")
@permission_required("agreements.view")
def pdf(agreement_id: int):
    """The agreement as a PDF (?variant=th, en, bilingual, pdfa-th ...): stored, and produced
    again only when the agreement changed."""
    agreement = db.get_or_404(Agreement, agreement_id)
    return _send_pdf(agreement, printing.variants_for(agreement), ".show")


@bp.get("/<int:agreement_id>/documents/<int:version_id>")
@permission_required("agreements.view")
def document_version(agreement_id: int, version_id: int):
    """One stored version of the agreement's PDF, as it was produced."""
    version = db.get_or_404(DocumentVersion, version_id)
    if version.record_type != printing.RECORD_TYPE or version.record_id != agreement_id:
        abort(404)
    try:
        return documents.send_version(version, filename=printing.file_name(version))
    except documents.DocumentUnavailable as error:
        flash(str(error), "danger")
        return redirect(url_for(".show", agreement_id=agreement_id))


@bp.get("/mine/<int:agreement_id>/pdf")
@permission_required("agreements.own")
def mine_pdf(agreement_id: int):
    """The PDF of one's own organisation's agreement."""
    agreement = queries.representative_agreement_or_404(current_user, agreement_id)
    return _send_pdf(agreement, printing.variants_for(agreement, archival=False), ".mine_show")


def _send_pdf(agreement: Agreement, offered: list[str], back: str):
    variant = request.args.get("variant") or offered[0]
    if variant not in offered:
        abort(404)
    try:
        version = printing.publish(agreement, variant, current_user)
        return documents.send_version(version, filename=printing.file_name(version))
    except documents.DocumentError as error:
        flash(str(error), "danger")
        return redirect(url_for(back, agreement_id=agreement.id))


@bp.record_once
def _share_labels(state) -> None:
    """The agreement labels, for every template (macros included)."""
    state.app.jinja_env.globals.update(
        agreement_variants=printing.variants_for,
        agreement_expiry_bands=queries.expiring_by_threshold,
        document_variant_label=documents.variant_label,
        AGREEMENT_KIND_LABELS=KIND_LABELS,
        AGREEMENT_STATUS_LABELS=STATUS_LABELS,
        AGREEMENT_STATE_LABELS=STATE_LABELS,
        AGREEMENT_LANGUAGE_LABELS=LANGUAGE_LABELS,
        AGREEMENT_DERIVED_FILTER_LABELS=DERIVED_FILTER_LABELS,
    )


# Routes kept in modules of their own, registered on this blueprint when they load.
from . import (  # noqa: E402
    signing_views,  # noqa: F401 (electronic signatures' routes)
    word_views,  # noqa: F401 (the Word draft's and reviewed drafts' routes)
)
