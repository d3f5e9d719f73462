"""The public verification page that the QR code on every generated document leads to."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..auth.permissions import public
from . import services, signing

bp = Blueprint("documents", __name__)


@bp.get("/verify/<token>")
@public
def verify(token: str):
    """Say what a generated document is, its version, whether it is current, and who has
    signed it electronically."""
    version = services.by_token(token)
    if version is None:
        abort(404)
    response = render_template(
        "documents/verify.html",
        info=services.describe(version),
        signatures=signing.shown_signatures(version),
    )
    return response, 200, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
