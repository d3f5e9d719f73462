"""Agreement pages for negotiating in Word: the draft as .docx, and the partner's reviewed
drafts (upload, list, download). Routes of the agreements blueprint (``views.bp``)."""

from __future__ import annotations

from flask import abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from .. import submissions
from ..auth.permissions import permission_required
from ..db import db
from ..documents import services as documents
from ..forms import CreateForm
from ..web import form_page
from . import printing, queries, reviews, word
from .models import Agreement
from .views import bp


class ReviewForm(CreateForm, FlaskForm):
    """A partner's reviewed draft (.docx), filed once however often the form is sent."""

    file = FileField(_l("Reviewed draft (Word, .docx)"))


def _this_agreement(_saved, agreement_id: int) -> str:
    return url_for(".show", agreement_id=agreement_id)


@bp.get("/<int:agreement_id>/draft.docx")
@permission_required("agreements.view")
def draft_docx(agreement_id: int):
    """The draft as an editable Word file (?lang=th, en or bilingual, as the PDF offers)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    offered = printing.LANGUAGES[agreement.language]
    lang = request.args.get("lang") or offered[0]
    if lang not in offered:
        abort(404)
    data = word.docx(agreement, lang)
    name = documents.download_names(
        lambda: [
            pgettext("file name", "agreement"),
            agreement.reference,
            pgettext("file name", "draft"),
            lang,
        ],
        "en" if lang == "en" else "th",
        extension="docx",
    )
    return (
        data,
        200,
        {
            "Content-Type": word.MIMETYPE,
            "Content-Disposition": documents.content_disposition(name),
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/<int:agreement_id>/reviews/new", methods=["GET", "POST"])
@permission_required("agreements.edit")
@submissions.submitted_once(_this_agreement)
def upload_review(agreement_id: int):
    """File the partner's reviewed draft (.docx); a refused file changes nothing (422)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    form = ReviewForm()

    def save() -> None:
        upload = form.file.data
        reviews.upload(
            agreement,
            upload.read() if upload else b"",
            upload.filename if upload else None,
            current_user,
            submission=form.submission.data,
        )

    return form_page(
        form,
        save,
        template="agreements/review_upload.html",
        done=_("The reviewed draft has been filed."),
        then=url_for(".show", agreement_id=agreement.id),
        default_field="file",
        agreement=agreement,
    )


@bp.get("/<int:agreement_id>/reviews/<int:review_id>")
@permission_required("agreements.view")
def review_file(agreement_id: int, review_id: int):
    """Download a reviewed draft as it was filed."""
    agreement = db.get_or_404(Agreement, agreement_id)
    return _send_review(reviews.review_or_404(agreement, review_id))


@bp.get("/mine/<int:agreement_id>/reviews/<int:review_id>")
@permission_required("agreements.own")
def mine_review_file(agreement_id: int, review_id: int):
    """Download a reviewed draft of one's own organisation's agreement."""
    agreement = queries.representative_agreement_or_404(current_user, agreement_id)
    return _send_review(reviews.review_or_404(agreement, review_id))


def _send_review(review: reviews.AgreementReview):
    path = reviews.stored_file(review)
    if path is None:
        abort(404)
    response = send_file(
        path, mimetype=word.MIMETYPE, as_attachment=True, download_name="review.docx"
    )
    response.headers["Content-Disposition"] = documents.content_disposition(review.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.record_once
def _share(state) -> None:
    """The reviewed drafts and the forms of the negotiation card, for the agreement pages."""
    state.app.jinja_env.globals.update(
        agreement_reviews=reviews.reviews_of,
        agreement_word_languages=lambda agreement: printing.LANGUAGES[agreement.language],
    )
