"""Meeting pages."""

from __future__ import annotations

from flask import Blueprint

from . import models  # noqa: F401  (the models join the metadata with the blueprint)

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
