"""Who may do what: named permissions per role, declared on every endpoint, deny by default.

Each view declares its rule with one decorator: ``@public``, ``@signed_in`` or
``@permission_required("name")``. A request to an endpoint without a rule is
refused (see ``enforce``), and a test walks ``app.url_map`` to prove none is
left without one.
"""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user

from ..access import (
    PUBLIC,
    SIGNED_IN,
    TOKEN,
    access_rule,
    any_permission_required,
    permission_required,
    public,
    signed_in,
    token_required,
)
from ..errors import render_error
from ..i18n import current_language
from ..organisations.models import OrganisationStatus
from .roles import ROLE_PERMISSIONS, Role, role_has

#: Views take the declarations (made in ``registry.access``, the core's vocabulary) from here,
#: beside the enforcement; the roles' permissions are made in ``roles``.
__all__ = [
    "BEARER_USER",
    "PUBLIC",
    "READING_METHODS",
    "ROLE_PERMISSIONS",
    "SIGNED_IN",
    "TOKEN",
    "access_rule",
    "acts_for_inactive_organisation",
    "any_permission_required",
    "enforce",
    "hides_records",
    "permission_required",
    "public",
    "refuse_for_inactive_organisation",
    "role_has",
    "signed_in",
    "token_required",
    "token_user",
]

#: The ``app.extensions`` key of the function that answers the user a request's bearer token
#: acts for, or None (the API package sets it).
BEARER_USER = "registry.bearer_user"

#: Methods that read; every other method writes.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_user():
    """The user the bearer token of this request acts for (in a ``token_required`` view)."""
    return g.token_user


def enforce():
    """Check the declared rule before every request; no rule means no access. (The request
    and the signed-in account are each looked up once here, not once per question.)"""
    endpoint = request.endpoint
    if endpoint is None:  # no route: let the 404 / 405 handlers answer
        return None
    app = current_app._get_current_object()
    rule = access_rule(app, endpoint)
    if rule is None:
        app.logger.error("endpoint %s declares no access rule", endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if rule.startswith(TOKEN):
        return _enforce_token(rule.removeprefix(TOKEN))
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return app.login_manager.unauthorized()
    if rule == SIGNED_IN:
        return None
    if not user.can(rule):
        abort(404 if _hides_records(user, request.view_args) else 403)
    if request.method not in READING_METHODS:
        return refuse_for_inactive_organisation(user)
    return None


def acts_for_inactive_organisation(user) -> bool:
    """Whether the user is a representative of an organisation that is inactive."""
    if user.role is not Role.REPRESENTATIVE or user.organisation_id is None:
        return False
    organisation = user.organisation
    return organisation is not None and organisation.status is OrganisationStatus.INACTIVE


def refuse_for_inactive_organisation(user):
    """A representative of an inactive organisation reads what it has but changes nothing
    (its profile, contacts, proposals, endorsements): every write their permissions open
    is answered 403 with the reason, before the view runs, so nothing is saved. Their own
    account (sign-out, password, language) is not the organisation's and stays open."""
    if not acts_for_inactive_organisation(user):
        return None
    message = _(
        "%(name)s is inactive in the registry: its records can be read but no longer "
        "changed. Please contact DGTi staff if it should be active again.",
        name=user.organisation.display_name(current_language()),
    )
    return render_error(403, message)


def _enforce_token(permission: str):
    """A bearer token names the user; the session is not read. No valid token: 401."""
    g._login_user = AnonymousUserMixin()  # no session cookie signs anyone in here
    authenticate = current_app.extensions.get(BEARER_USER)
    user = authenticate() if authenticate is not None else None
    if user is None:
        abort(401)
    g.token_user = user
    if not user.can(permission):
        hides = user.role is Role.REPRESENTATIVE and any(
            key.endswith("_id") for key in (request.view_args or {})
        )
        abort(404 if hides else 403)
    return None


def hides_records(view_args: dict | None) -> bool:
    """Whether a refusal should say "not found": a representative asking for a record by its
    id (another organisation's, say) must not learn that the record exists."""
    return _hides_records(current_user._get_current_object(), view_args)


def _hides_records(user, view_args: dict | None) -> bool:
    return user.role is Role.REPRESENTATIVE and any(
        key.endswith("_id") for key in (view_args or {})
    )
