"""Certified minutes signed electronically: the signatures on a certified printing, signing a
block (the minute taker's or the reviewer's, e.g. for the chair) with the agency's
certificate, and the signed copy. Routes of the meetings blueprint (``views.bp``)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..auth.permissions import permission_required
from ..documents import signing, signing_pages
from ..documents.forms import SignatureForm
from ..documents.models import DocumentVersion
from . import printing, queries
from .models import Meeting
from .views import bp

#: The header of the minutes' signing pages.
HEADER = "meetings/_header.html"


def _this_meeting(_saved, meeting_id: int, **_rest) -> str:
    return url_for(".show", meeting_id=meeting_id)


def _certified_minutes(meeting_id: int, version_id: int) -> tuple[Meeting, DocumentVersion]:
    """A meeting the user works with and one of its certified (final) minutes, or 404."""
    meeting = queries.meeting_for(current_user, meeting_id)
    version = signing_pages.final_printing(printing.MINUTES_RECORD_TYPE, meeting.id, version_id)
    return meeting, version


def _block_choices(version: DocumentVersion) -> list[tuple[str, str]]:
    """The minutes' signature blocks not yet signed: the minute taker's, the reviewer's."""
    labels = {"signature-1": _("Minutes taken by"), "signature-2": _("Minutes reviewed by")}
    signed = signing.signed_fields(version)
    return [
        (block.name, labels.get(block.name, block.name))
        for block in signing.blocks_of(version)
        if block.name not in signed
    ]


def _urls(meeting: Meeting, version: DocumentVersion) -> dict[str, str | None]:
    ids = {"meeting_id": meeting.id, "version_id": version.id}
    return {
        "signatures": url_for(".minutes_signatures", **ids),
        "sign": url_for(".sign_minutes", **ids),
        "upload": None,
        "download": url_for(".signed_minutes", **ids),
        "back": url_for(".show", meeting_id=meeting.id),
    }


@bp.get("/<int:meeting_id>/minutes/<int:version_id>/signatures")
@permission_required("documents.sign")
def minutes_signatures(meeting_id: int, version_id: int):
    """The electronic signatures on certified minutes, and signing the next block."""
    meeting, version = _certified_minutes(meeting_id, version_id)
    form = SignatureForm()
    form.field.choices = _block_choices(version)
    return signing_pages.signatures_page(
        form, version, header=HEADER, urls=_urls(meeting, version), meeting=meeting,
        below=_("Electronic signatures"),
    )  # fmt: skip


@bp.route("/<int:meeting_id>/minutes/<int:version_id>/sign", methods=["GET", "POST"])
@permission_required("documents.sign")
@submissions.submitted_once(_this_meeting)
def sign_minutes(meeting_id: int, version_id: int):
    """Sign certified minutes in a block with the agency's certificate."""
    meeting, version = _certified_minutes(meeting_id, version_id)
    form = SignatureForm()
    form.field.choices = _block_choices(version)
    return signing_pages.signing_form_page(
        form,
        lambda: signing.sign_document_version(
            version, form.field.data, current_user, submission=form.submission.data
        ),
        version,
        template="documents/sign.html",
        done=_("The document has been signed."),
        default_field="field",
        header=HEADER,
        urls=_urls(meeting, version),
        meeting=meeting,
        below=_("Electronic signatures"),
    )


@bp.get("/<int:meeting_id>/minutes/<int:version_id>/signed")
@permission_required("documents.sign")
def signed_minutes(meeting_id: int, version_id: int):
    """The newest signed copy of certified minutes, as kept."""
    meeting, version = _certified_minutes(meeting_id, version_id)
    return signing_pages.send_signed_copy(version, printing.file_name(meeting, version))
