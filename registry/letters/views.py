"""Letter pages: the outgoing-letter register (list, filters, CSV), a letter's PDF, the
agency's particulars and emblem (administrator), the preview and issue of a meeting's
invitation letter, and the cover letter that sends an agreement's draft to a partner."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..agreements.models import Agreement
from ..auth.permissions import any_permission_required, permission_required
from ..db import db, paginate
from ..documents import rendering
from ..documents import services as documents
from ..forms import ConfirmForm
from ..meetings.queries import meeting_for
from ..rules import RuleError
from ..web import edit_page, form_page
from . import config, printing, queries, services
from .forms import CoverLetterForm, EmblemForm, ParticularsForm
from .labels import KIND_LABELS
from .models import LetterKind

bp = Blueprint("letters", __name__, url_prefix="/letters")

#: Letters per page of the register.
PER_PAGE = 50
#: Who may read a letter's PDF (each then only the letters it covers, checked per letter).
READS = ("letters.view", "committees.own", "agreements.own")
#: Who issues a meeting's invitation letter: staff or the committee's secretary.
RUNS_MEETINGS = ("committees.manage", "committees.own")


# --- the register --------------------------------------------------------------------------


@bp.get("/")
@permission_required("letters.view")
def index():
    """The outgoing-letter register of a year, with the kind and text filters."""
    filters = queries.Filters.from_args(request.args)
    page = paginate(queries.register(filters), per_page=PER_PAGE)
    return render_template(
        "letters/index.html",
        page=page,
        filters=filters,
        years=queries.years(),
        kinds=KIND_LABELS,
        signed_versions=queries.signed_versions(page.items),
        sign_form=ConfirmForm(),
    )


@bp.get("/export.csv")
@permission_required("letters.view")
def export_csv():
    """The filtered register as CSV."""
    filters = queries.Filters.from_args(request.args)
    body = queries.register_csv(filters)
    name = documents.content_disposition(
        documents.download_names(
            lambda: [_("outgoing-letters"), str(filters.year)], extension="csv"
        )
    )
    return body, 200, {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": name}


@bp.get("/<int:letter_id>/pdf")
@any_permission_required(*READS)
def pdf(letter_id: int):
    """An issued letter's PDF as it went out (signed, once signed), for those who may read it."""
    letter = queries.readable_letter_or_404(current_user, letter_id)
    if letter.document is None:
        abort(404)
    name = documents.download_names(lambda: [_("letter"), letter.number, str(letter.year)])
    try:
        data = services.letter_pdf(letter)
    except RuleError as error:
        return render_template(
            "letters/refused.html", message=str(error), back=url_for("home.index")
        ), 409
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": documents.content_disposition(name),
            "Cache-Control": "private, no-cache",
        },
    )


@bp.post("/<int:letter_id>/sign")
@permission_required("documents.sign")
def sign(letter_id: int):
    """Sign an issued letter with the agency's certificate (in its signatory's space)."""
    letter = queries.readable_letter_or_404(current_user, letter_id)
    back = request.form.get("back") or url_for(".index", year=letter.year)
    if not back.startswith("/") or back.startswith("//"):
        back = url_for(".index", year=letter.year)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.sign(letter, current_user)
    except RuleError as error:
        db.session.rollback()
        return render_template("letters/refused.html", message=str(error), back=back), 409
    flash(_("Letter %(number)s has been signed.", number=letter.number), "success")
    return redirect(back)


def _unsigned_warning(letter) -> None:
    reason = getattr(letter, "unsigned_reason", None)
    if reason:
        flash(_("The letter went unsigned: %(reason)s", reason=reason), "warning")


# --- the agency's particulars and emblem --------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@permission_required("settings.manage")
def particulars():
    """The particulars every letter prints (prefix, agency, address, signatory, contact
    unit); a save from an outdated form is refused (409)."""
    form = ParticularsForm()
    if request.method == "GET":
        form.process(data=asdict(config.particulars()))

    def save(version):
        values = config.Particulars(
            **{
                name: (getattr(form, name).data or "").strip()
                for name in config.Particulars.field_names()
            }
        )
        config.save_particulars(values, current_user, version)

    return edit_page(
        form,
        config.particulars_row(),
        save,
        template="letters/settings.html",
        done=_("The letters' particulars have been saved."),
        back=url_for(".particulars"),
        emblem_form=EmblemForm(),
        remove_form=ConfirmForm(),
        emblem=config.emblem(),
        height_cm=config.EMBLEM_HEIGHT_CM,
    )


@bp.post("/settings/emblem")
@permission_required("settings.manage")
def upload_emblem():
    """Upload the emblem printed at the top of letters; a refused file changes nothing (422)."""
    form = EmblemForm()

    def save() -> None:
        upload = form.emblem.data
        config.upload_emblem(
            upload.read() if upload else b"", upload.filename if upload else None, current_user
        )

    def particulars_page() -> dict:
        particulars_form = ParticularsForm(formdata=None, data=asdict(config.particulars()))
        particulars_form.read_version(config.particulars_row())
        return {
            "form": particulars_form,
            "remove_form": ConfirmForm(),
            "emblem": config.emblem(),
            "height_cm": config.EMBLEM_HEIGHT_CM,
            "back": url_for(".particulars"),
        }

    return form_page(
        form,
        save,
        template="letters/settings.html",
        done=_("The emblem has been uploaded."),
        then=url_for(".particulars"),
        default_field="emblem",
        shown_as="emblem_form",
        shown_with=particulars_page,
    )


@bp.get("/settings/emblem")
@permission_required("settings.manage")
def emblem_image():
    """The uploaded emblem, as stored."""
    found = config.emblem()
    data = config.emblem_bytes(found) if found else None
    if data is None:
        abort(404)
    return data, 200, {"Content-Type": found.mimetype, "Cache-Control": "private, no-cache"}


@bp.post("/settings/emblem/remove")
@permission_required("settings.manage")
def remove_emblem():
    """Print letters without an emblem from now on."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    config.remove_emblem(current_user)
    flash(_("The emblem has been removed; letters print without one."), "success")
    return redirect(url_for(".particulars"))


@bp.get("/settings/preview.pdf")
@permission_required("settings.manage")
def sample():
    """A sample letter with the particulars and emblem as set (not numbered, not stored)."""
    text = printing.LetterText(
        subject=_("Sample letter"),
        recipient=_("The recipient"),
        paragraphs=[_("The body of the letter.")],
        enclosures=[_("An enclosure")],
    )
    return _pdf_response(printing.render(text, rendering.Stamp()), _("sample-letter"))


def _pdf_response(pdf: bytes, stem: str):
    name = documents.content_disposition(
        documents.download_names(lambda: [stem]), as_attachment=False
    )
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": name,
            "Cache-Control": "private, no-store",
        },
    )


# --- the meeting invitation letter -----------------------------------------------------------


def _meeting(meeting_id: int):
    return meeting_for(current_user, meeting_id)


def _meeting_back(saved, meeting_id: int, **_view_args) -> str:
    return url_for("meetings.show", meeting_id=meeting_id)


@bp.get("/meeting/<int:meeting_id>/preview.pdf")
@any_permission_required(*RUNS_MEETINGS)
def meeting_preview(meeting_id: int):
    """The meeting's invitation letter as it would be issued, without number or date."""
    meeting = _meeting(meeting_id)
    return _pdf_response(
        printing.render(printing.meeting_invitation(meeting), rendering.Stamp()),
        _("invitation-letter-draft"),
    )


@bp.post("/meeting/<int:meeting_id>/issue")
@any_permission_required(*RUNS_MEETINGS)
@submissions.submitted_once(_meeting_back)
def issue_meeting_letter(meeting_id: int):
    """Issue the invitation letter (the next number) and mail it with the agenda and the
    calendar file to every sitting member; pressed twice, it is issued once."""
    meeting = _meeting(meeting_id)
    back = url_for("meetings.show", meeting_id=meeting.id)
    try:
        letter = services.issue_meeting_invitation(meeting, current_user, submissions.sent_token())
    except RuleError as error:
        db.session.rollback()
        return render_template("letters/refused.html", message=str(error), back=back), 409
    flash(
        _(
            "Letter %(number)s issued and mailed to %(n)s member(s).",
            number=letter.number,
            n=letter.emails,
        ),
        "success",
    )
    _unsigned_warning(letter)
    return redirect(back)


# --- the cover letter of an agreement draft --------------------------------------------------


def _agreement_back(saved, agreement_id: int, **_view_args) -> str:
    return url_for("agreements.show", agreement_id=agreement_id)


@bp.route("/agreement/<int:agreement_id>/send", methods=["GET", "POST"])
@permission_required("agreements.edit")
@submissions.submitted_once(_agreement_back)
def send_agreement(agreement_id: int):
    """Send the agreement's draft to a partner with a cover letter: choose the partner, whom
    the letter is addressed to and the address it is mailed to."""
    agreement = db.get_or_404(Agreement, agreement_id)
    back = url_for("agreements.show", agreement_id=agreement.id)
    parties = services.sendable_parties(agreement)
    form = CoverLetterForm()
    form.party.choices = [(p.id, p.organisation.name_th) for p in parties]
    try:
        services.check_draft_sendable(agreement)
    except RuleError as error:
        return render_template("letters/refused.html", message=str(error), back=back), 409
    if request.method == "GET" and parties:
        first = parties[0]
        form.party.data = first.id
        form.recipient.data = first.signatory_position or first.organisation.name_th
        form.email.data = first.organisation.email or ""

    def back_saying_if_unsigned(letter) -> str:
        _unsigned_warning(letter)
        return back

    return form_page(
        form,
        lambda: services.send_agreement_draft(
            agreement,
            form.party.data,
            form.recipient.data,
            form.email.data,
            current_user,
            form.submission.data,
        ),
        template="letters/send_agreement.html",
        done=lambda letter: _(
            "Letter %(number)s issued and mailed with the draft.", number=letter.number
        ),
        then=back_saying_if_unsigned,
        default_field="recipient",
        agreement=agreement,
        back=back,
        preview=url_for(".agreement_preview", agreement_id=agreement.id),
    )


@bp.get("/agreement/<int:agreement_id>/preview.pdf")
@permission_required("agreements.edit")
def agreement_preview(agreement_id: int):
    """The cover letter as it would be issued to the first partner (no number, no date)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    parties = services.sendable_parties(agreement)
    if not parties:
        abort(404)
    party = next((p for p in parties if str(p.id) == request.args.get("party")), parties[0])
    recipient = (request.args.get("to") or "").strip()[:300] or (
        party.signatory_position or party.organisation.name_th
    )
    text = printing.agreement_cover(agreement, party, recipient)
    return _pdf_response(printing.render(text, rendering.Stamp()), _("cover-letter-draft"))


@bp.record_once
def _share(state) -> None:
    """The letters about a record and their labels, for the meeting and agreement pages."""
    state.app.jinja_env.globals.update(
        letters_about=services.letters_about,
        letter_signed=services.is_signed,
        LETTER_KIND_LABELS=KIND_LABELS,
        LETTER_KINDS=LetterKind,
    )
