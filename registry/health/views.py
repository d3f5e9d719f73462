"""``GET /health``: one trivial query, one tiny template; 503 when the database does not answer."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import Blueprint, current_app, g, render_template
from flask_login import AnonymousUserMixin

from ..auth.permissions import public
from ..db import db

bp = Blueprint("health", __name__)


@bp.get("/health")
@public
def ok():
    """Whether the app and its database answer: 200, or 503 with a short message."""
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except sa.exc.SQLAlchemyError as error:
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            db.session.rollback()
        g._login_user = AnonymousUserMixin()  # nothing after this asks the database who it is
        current_app.logger.warning("health check: database unavailable: %s", error)
        return _no_store(render_template("health/unavailable.html"), 503)
    return _no_store(render_template("health/ok.html"), 200)


def _no_store(body: str, status: int):
    """A health answer is never cached: a proxy must ask again each time."""
    return body, status, {"Cache-Control": "no-store"}
