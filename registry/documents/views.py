"""The public verification page that the QR code on every generated document leads to."""

from __future__ import annotations

from flask import Blueprint, abort

from ..auth.permissions import public
from . import models  # noqa: F401 (the model is registered with the metadata)

bp = Blueprint("documents", __name__)


@bp.get("/verify/<token>")
@public
def verify(token: str):
    """Say what a generated document is, its version and whether it is current."""
    abort(404)
