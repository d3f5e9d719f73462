"""Friendly error pages: no traceback ever reaches the user."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .db import db
from .transactions import is_unique_violation

#: (title, explanation) for each status the application answers with.
MESSAGES = {
    400: (lambda: _("Bad request"), lambda: _("The request could not be understood.")),
    403: (
        lambda: _("Access denied"),
        lambda: _("You do not have permission to open this page."),
    ),
    404: (
        lambda: _("Page not found"),
        lambda: _("The page or record you asked for does not exist or is not yours to see."),
    ),
    405: (lambda: _("Not allowed"), lambda: _("This page cannot be used that way.")),
    409: (
        lambda: _("Changed meanwhile"),
        lambda: _(
            "Someone saved this record at the same moment, so your change was not saved. "
            "Open the record again and repeat your change."
        ),
    ),
    413: (
        lambda: _("Too large"),
        lambda: _("What you sent is larger than the limit of %(mb)d MB.", mb=_limit_mb()),
    ),
    429: (
        lambda: _("Too many requests"),
        lambda: _("Please wait a moment and try again."),
    ),
    500: (
        lambda: _("Something went wrong"),
        lambda: _("An unexpected error occurred. It has been logged; please try again."),
    ),
    503: (
        lambda: _("Service unavailable"),
        lambda: _(
            "The database is busy or unavailable. Nothing already saved has been lost; "
            "please try again in a moment."
        ),
    ),
}


def _limit_mb() -> int:
    return int((current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1024 / 1024)


#: The ``app.extensions`` key of [(path prefix, render(status, detail))]: errors of requests
#: under such a path are answered by ``render`` (the JSON API), not with the error page.
ERROR_RENDERERS = "registry.error_renderers"


def render_error(status: int, detail: str | None = None):
    """The error page for a status code (or the answer of the area the request is in)."""
    for prefix, render in current_app.extensions.get(ERROR_RENDERERS, ()):
        if request.path.startswith(prefix):
            return render(status, detail), status
    title, explanation = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=title(), explanation=detail or explanation()
        ),
        status,
    )


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    response = render_error(error.code if error.code in MESSAGES else 500)
    if error.code == 405 and getattr(error, "valid_methods", None):
        return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
    return response


def _csrf_error(_error: CSRFError):
    return render_error(
        400,
        _(
            "The form had expired or did not come from this site, so nothing was changed. "
            "Please go back, reload the page and try again."
        ),
    )


def _database_error(error: sa.exc.OperationalError):
    """A locked or unreachable database: say so, roll back, never show a traceback."""
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    # The page must not ask the database who is signed in.
    g._login_user = AnonymousUserMixin()
    current_app.logger.warning("database unavailable on %s: %s", request.path, error.orig)
    return render_error(503)


def _overtaken(_error: StaleDataError):
    """A save another one overtook where no form could say so (``registry.versions``
    refuses those from forms at the form): nothing was saved; say so, never a 500."""
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    return render_error(409)


def _integrity_error(error: sa.exc.IntegrityError):
    """Two saves of the same details that raced past the checks (the second attempt did not
    settle it, ``registry.transactions``): nothing was saved; say so, never a 500. Any other
    broken constraint is a fault, answered as one."""
    if not is_unique_violation(error):
        return _unexpected(error)
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    current_app.logger.warning("unique constraint race on %s: %s", request.path, error.orig)
    return render_error(
        409,
        _(
            "Someone else saved the same details at the same moment, so yours were not saved. "
            "Open the page again to see what is there now."
        ),
    )


def _unexpected(_error: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        g._login_user = AnonymousUserMixin()
    return render_error(500)


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(sa.exc.OperationalError, _database_error)
    app.register_error_handler(sa.exc.IntegrityError, _integrity_error)
    app.register_error_handler(StaleDataError, _overtaken)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
