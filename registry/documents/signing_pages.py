"""The pages of electronic signatures that every signed record shares (an agreement's final
printing, a meeting's certified minutes): the signatures on a printing, the form that signs
or files one (``registry.web.form_page``), and the newest signed copy as a download. The
record's views say which printing, who may act, where to go and what the header shows."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, send_file
from flask_babel import pgettext
from flask_login import current_user

from ..db import db
from ..rules import RuleError
from ..web import form_page
from . import services, signing
from .models import DocumentVersion


def final_printing(record_type: str, record_id: int, version_id: int) -> DocumentVersion:
    """A final printing of the record (``record_type``, ``record_id``), the only kind that is
    signed; 404 for another record's printing or a draft one."""
    version = db.get_or_404(DocumentVersion, version_id)
    if version.record_type != record_type or version.record_id != record_id or not version.final:
        abort(404)
    return version


def page_context(version: DocumentVersion, header: str, urls: dict[str, str | None]) -> dict:
    """What a signatures page shows besides its form: the printing, its signatures, whether
    the reader may sign, the record's header (a template) and the page's links (signatures,
    sign, upload or None, download, back)."""
    return {
        "version": version,
        "signatures": signing.shown_signatures(version),
        "variant": services.variant_label(version.variant),
        "may_sign": signing.may_sign(current_user),
        "header": header,
        "urls": urls,
    }


def signatures_page(form, version: DocumentVersion, *, header: str, urls: dict, **context):
    """The signatures on a printing and what can be done next (``form`` offers the blocks not
    yet signed); ``context`` names the record for the header."""
    return render_template(
        "documents/signatures.html", form=form, **page_context(version, header, urls), **context
    )


def signing_form_page(
    form,
    save: Callable[[], object],
    version: DocumentVersion,
    *,
    template: str,
    done: str | Callable[[object], str],
    default_field: str,
    header: str,
    urls: dict,
    **context,
):
    """A form that signs ``version`` or files a copy signed elsewhere (``form_page``): saved,
    back to the printing's signatures saying ``done``; refused (a block already signed, a
    file that does not verify), the reason at its field, 422, nothing kept."""
    return form_page(
        form,
        save,
        template=template,
        done=done,
        then=urls["signatures"],
        default_field=default_field,
        shown_with=lambda: page_context(version, header, urls),
        **context,
    )


def send_signed_copy(version: DocumentVersion, name: services.DownloadName):
    """The newest signed copy of ``version`` (every signature made so far), checked against
    its SHA-256 and named after the printing's file (``name``) with "signed copy"; 404 when
    there is none or the stored file is not the one signed."""
    copy = signing.newest_copy(version)
    if copy is None:
        abort(404)
    try:
        signing.copy_bytes(copy)  # checks the SHA-256
    except RuleError:
        abort(404)
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
    response.headers["Content-Disposition"] = services.content_disposition(
        services.DownloadName(
            name.name.removesuffix(".pdf") + f"-{suffix}.pdf",
            name.ascii.removesuffix(".pdf") + "-signed.pdf",
        )
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response
