"""Agreement pages for electronic signatures: sign a final printing with the agency's
certificate, upload a printing a partner signed elsewhere, download the signed copy. Routes
of the agreements blueprint (``views.bp``).

The approved text prints as final (no draft mark); once every party's signature block holds
a verified signature, the agreement is recorded as signed (``services.record_electronic_
signing``). The scanned copy of a paper signing stays as it was: an agreement signed on paper
is recorded with "Record the signing" and its scan; one signed electronically needs no scan.
"""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..auth.permissions import permission_required, role_has
from ..db import db
from ..documents import signing, signing_pages
from ..documents.forms import SignatureForm, SignedFileForm
from ..documents.models import DocumentVersion
from . import printing, services
from .models import Agreement
from .views import bp

#: The header of the agreement's signing pages.
HEADER = "agreements/_header.html"


def _this_agreement(_saved, agreement_id: int, **_rest) -> str:
    return url_for(".show", agreement_id=agreement_id)


def _final_printing(agreement_id: int, version_id: int) -> tuple[Agreement, DocumentVersion]:
    """The agreement and one of its final printings, or 404."""
    agreement = db.get_or_404(Agreement, agreement_id)
    return agreement, signing_pages.final_printing(printing.RECORD_TYPE, agreement.id, version_id)


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


def _after_signing(agreement: Agreement, version: DocumentVersion) -> bool:
    """Record the agreement as signed once every party's block holds a verified signature;
    whether it now is."""
    return services.record_electronic_signing(
        agreement, signing.signed_fields(version), current_user
    )


def _done(message: str):
    """The message after a signature: ``message``, or that every party has now signed."""
    return lambda all_signed: (
        _("Every party has signed: the agreement is recorded as signed.") if all_signed else message
    )


def _signing_form(form, save, agreement, version, template: str, done: str, field: str):
    """A form that signs the printing or files a signed copy (``signing_pages``): saved,
    back to its signatures saying ``done`` (or that every party has now signed)."""
    return signing_pages.signing_form_page(
        form,
        save,
        version,
        template=template,
        done=_done(done),
        default_field=field,
        header=HEADER,
        urls=_urls(agreement, version),
        agreement=agreement,
    )


@bp.get("/<int:agreement_id>/documents/<int:version_id>/signatures")
@permission_required("agreements.view")
def signatures(agreement_id: int, version_id: int):
    """The electronic signatures on a final printing, and what can be done next."""
    agreement, version = _final_printing(agreement_id, version_id)
    form = SignatureForm()
    form.field.choices = _block_choices(agreement, version)
    return signing_pages.signatures_page(
        form, version, header=HEADER, urls=_urls(agreement, version), agreement=agreement
    )


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

    def save() -> bool:
        services.check_ready_for_electronic_signing(agreement)
        signing.sign_document_version(
            version, form.field.data, current_user, submission=form.submission.data
        )
        return _after_signing(agreement, version)

    return _signing_form(
        form, save, agreement, version, "documents/sign.html",
        _("The document has been signed."), "field",
    )  # fmt: skip


@bp.route(
    "/<int:agreement_id>/documents/<int:version_id>/signed/upload", methods=["GET", "POST"]
)
@permission_required("agreements.edit")
@submissions.submitted_once(_this_agreement)
def upload_signed(agreement_id: int, version_id: int):
    """Check and keep a printing a partner signed in their own software."""
    agreement, version = _final_printing(agreement_id, version_id)
    form = SignedFileForm()

    def save() -> bool:
        upload = form.file.data
        services.check_ready_for_electronic_signing(agreement)
        signing.accept_signed_file(
            version, upload.read() if upload else b"", current_user,
            submission=form.submission.data,
        )  # fmt: skip
        return _after_signing(agreement, version)

    return _signing_form(
        form, save, agreement, version, "documents/upload_signed.html",
        _("The signed file has been checked and kept."), "file",
    )  # fmt: skip


@bp.get("/<int:agreement_id>/documents/<int:version_id>/signed")
@permission_required("agreements.view")
def signed_copy(agreement_id: int, version_id: int):
    """The newest signed copy of a printing (every signature made so far), as kept."""
    _agreement, version = _final_printing(agreement_id, version_id)
    return signing_pages.send_signed_copy(version, printing.file_name(version))
