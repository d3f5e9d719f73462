"""Agreement pages for electronic signatures: sign a final printing with the agency's
certificate, upload a printing a partner signed elsewhere, download the signed copy. Routes
of the agreements blueprint (``views.bp``).

The approved text prints as final (no draft mark); once every party's signature block holds
a verified signature, the agreement is recorded as signed (``services.record_electronic_
signing``). The scanned copy of a paper signing stays as it was: an agreement signed on paper
is recorded with "Record the signing" and its scan; one signed electronically needs no scan.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from .. import submissions
from ..auth.permissions import permission_required, role_has
from ..db import db
from ..documents import services as documents
from ..documents import signing
from ..documents.forms import SignatureForm, SignedFileForm
from ..documents.models import DocumentVersion
from ..forms import attach_error
from ..rules import RuleError
from . import printing, services
from .models import Agreement
from .views import bp


def _this_agreement(_saved, agreement_id: int, **_rest) -> str:
    return url_for(".show", agreement_id=agreement_id)


def _final_printing(agreement_id: int, version_id: int) -> tuple[Agreement, DocumentVersion]:
    """The agreement and one of its final printings, or 404."""
    agreement = db.get_or_404(Agreement, agreement_id)
    version = db.get_or_404(DocumentVersion, version_id)
    if (
        version.record_type != printing.RECORD_TYPE
        or version.record_id != agreement.id
        or not version.final
    ):
        abort(404)
    return agreement, version


def _block_choices(agreement: Agreement, version: DocumentVersion) -> list[tuple[str, str]]:
    """The parties' blocks of the printing not yet signed, named by signatory and party."""
    signed = signing.signed_fields(version)
    present = {block.name for block in signing.blocks_of(version)}
    return [
        (name, f"{party.signatory_name or '…'} · {party.organisation.display_name()}")
        for name, party in services.party_blocks(agreement)
        if name in present and name not in signed
    ]


def _urls(agreement: Agreement, version: DocumentVersion) -> dict[str, str]:
    ids = {"agreement_id": agreement.id, "version_id": version.id}
    return {
        "signatures": url_for(".signatures", **ids),
        "sign": url_for(".sign_electronically", **ids),
        "upload": url_for(".upload_signed", **ids),
        "download": url_for(".signed_copy", **ids),
        "back": url_for(".show", agreement_id=agreement.id),
    }


def _signing_page(template: str, form, agreement: Agreement, version: DocumentVersion):
    status = 422 if form.errors else 200
    page = render_template(
        template,
        form=form,
        agreement=agreement,
        version=version,
        signatures=signing.shown_signatures(version),
        variant=documents.variant_label(version.variant),
        may_sign=signing.may_sign(current_user),
        header="agreements/_header.html",
        urls=_urls(agreement, version),
    )
    return page, status


def _after_signing(agreement: Agreement, version: DocumentVersion, done_message: str):
    if services.record_electronic_signing(agreement, signing.signed_fields(version), current_user):
        flash(_("Every party has signed: the agreement is recorded as signed."), "success")
    else:
        flash(done_message, "success")
    return redirect(url_for(".signatures", agreement_id=agreement.id, version_id=version.id))


@bp.get("/<int:agreement_id>/documents/<int:version_id>/signatures")
@permission_required("agreements.view")
def signatures(agreement_id: int, version_id: int):
    """The electronic signatures on a final printing, and what can be done next."""
    agreement, version = _final_printing(agreement_id, version_id)
    form = SignatureForm()
    form.field.choices = _block_choices(agreement, version)
    page, _status = _signing_page("documents/signatures.html", form, agreement, version)
    return page


@bp.route("/<int:agreement_id>/documents/<int:version_id>/sign", methods=["GET", "POST"])
@permission_required("documents.sign")
@submissions.submitted_once(_this_agreement)
def sign_electronically(agreement_id: int, version_id: int):
    """Sign a final printing in a party's block with the agency's certificate."""
    if not role_has(current_user.role, "agreements.edit"):
        abort(403)  # signing an agreement is also editing it
    agreement, version = _final_printing(agreement_id, version_id)
    form = SignatureForm()
    form.field.choices = _block_choices(agreement, version)
    if form.validate_on_submit():
        try:
            services.check_ready_for_electronic_signing(agreement)
            signing.sign_document_version(
                version, form.field.data, current_user, submission=form.submission.data
            )
            return _after_signing(agreement, version, _("The document has been signed."))
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error, "field")
    return _signing_page("documents/sign.html", form, agreement, version)


@bp.route(
    "/<int:agreement_id>/documents/<int:version_id>/signed/upload", methods=["GET", "POST"]
)
@permission_required("agreements.edit")
@submissions.submitted_once(_this_agreement)
def upload_signed(agreement_id: int, version_id: int):
    """Check and keep a printing a partner signed in their own software."""
    agreement, version = _final_printing(agreement_id, version_id)
    form = SignedFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.check_ready_for_electronic_signing(agreement)
            signing.accept_signed_file(
                version,
                upload.read() if upload else b"",
                current_user,
                submission=form.submission.data,
            )
            return _after_signing(
                agreement, version, _("The signed file has been checked and kept.")
            )
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error, "file")
    return _signing_page("documents/upload_signed.html", form, agreement, version)


@bp.get("/<int:agreement_id>/documents/<int:version_id>/signed")
@permission_required("agreements.view")
def signed_copy(agreement_id: int, version_id: int):
    """The newest signed copy of a printing (every signature made so far), as kept."""
    _agreement, version = _final_printing(agreement_id, version_id)
    copy = signing.newest_copy(version)
    if copy is None:
        abort(404)
    try:
        signing.copy_bytes(copy)  # checks the SHA-256
    except RuleError:
        abort(404)
    name = printing.file_name(version)
    suffix = pgettext("file name", "signed copy")
    response = send_file(
        signing.copy_path(copy),
        mimetype="application/pdf",
        as_attachment=True,
        download_name="signed.pdf",  # the header is written below
        etag=copy.sha256,
        conditional=True,
        max_age=0,
    )
    response.headers["Content-Disposition"] = documents.content_disposition(
        documents.DownloadName(
            name.name.removesuffix(".pdf") + f"-{suffix}.pdf",
            name.ascii.removesuffix(".pdf") + "-signed.pdf",
        )
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response
