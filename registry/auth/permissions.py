"""Who may do what: named permissions per role, declared on every endpoint, deny by default.

Each view declares its rule with one decorator: ``@public``, ``@signed_in`` or
``@permission_required("name")``. A request to an endpoint without a rule is
refused (see ``enforce``), and a test walks ``app.url_map`` to prove none is
left without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user

from ..organisations.models import OrganisationStatus
from .models import Role

#: Anyone, signed in or not.
PUBLIC = "public"
#: Any signed-in user.
SIGNED_IN = "signed-in"
#: The start of the rule of a view reached with an API bearer token, never the session: the
#: rest names the permission(s) the token's user needs (see ``token_required``).
TOKEN = "token:"  # noqa: S105 (a rule name, not a secret)
#: The ``app.extensions`` key of the function that answers the user a request's bearer token
#: acts for, or None (the API package sets it).
BEARER_USER = "registry.bearer_user"

#: Endpoints Flask itself adds, and their rule.
BUILT_IN_RULES = {"static": PUBLIC}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({"users.manage", "audit.read", "settings.manage", "api.tokens"}),
    Role.STAFF: frozenset(
        {
            "organisations.view",
            "organisations.edit",
            "organisations.import",
            "organisations.export",
            "contacts.edit",
            "contacts.personal_data",
            "representatives.invite",
            "agreements.view",
            "agreements.edit",
            "agreements.approve",
            # Signing with the agency's certificate (PAdES); administrators hold it as well.
            "documents.sign",
            "committees.view",
            "committees.manage",
            "proposals.view",
            "proposals.manage",
            "proposals.schedule",
            "letters.view",
        }
    ),
    # A secretary's permission reaches only the committees where they hold a secretary seat.
    Role.SECRETARY: frozenset({"committees.own", "proposals.view", "proposals.schedule"}),
    # A representative's permissions reach only their own organisation (checked per record).
    Role.REPRESENTATIVE: frozenset(
        {
            "own_organisation.edit",
            "contacts.edit",
            "agreements.own",
            "committees.member",
            "proposals.own",
        }
    ),
}


#: Methods that read; every other method writes.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Separates the alternatives of a rule declared with ``any_permission_required``.
ANY_OF = " | "


def role_has(role: Role, permission: str) -> bool:
    """Whether a role grants a permission (or one of "a | b"); admins hold every permission."""
    if ANY_OF in permission:
        return any(role_has(role, name) for name in permission.split(ANY_OF))
    return role is Role.ADMIN or permission in ROLE_PERMISSIONS.get(role, frozenset())


def _declare(rule: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Declare a view open to everyone."""
    return _declare(PUBLIC)(view)


def signed_in(view: Callable) -> Callable:
    """Declare a view open to any signed-in user."""
    return _declare(SIGNED_IN)(view)


def permission_required(permission: str) -> Callable:
    """Declare the named permission a view needs."""
    return _declare(permission)


def any_permission_required(*permissions: str) -> Callable:
    """Declare several permissions, any one of which opens the view (each then reaches only
    the records it covers, checked per record by the view)."""
    return _declare(ANY_OF.join(permissions))


def token_required(*permissions: str) -> Callable:
    """Declare a view of the JSON API: a bearer token opens it (a session cookie never does),
    and the token's user needs one of the permissions (each then reaches only the records it
    covers, checked per record by the view)."""
    return _declare(TOKEN + ANY_OF.join(permissions))


def token_user():
    """The user the bearer token of this request acts for (in a ``token_required`` view)."""
    return g.token_user


def access_rule(app, endpoint: str) -> str | None:
    """The rule declared for an endpoint, or None when it has none."""
    if endpoint in BUILT_IN_RULES:
        return BUILT_IN_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce():
    """Check the declared rule before every request; no rule means no access."""
    if request.endpoint is None:  # no route: let the 404 / 405 handlers answer
        return None
    rule = access_rule(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if rule.startswith(TOKEN):
        return _enforce_token(rule.removeprefix(TOKEN))
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if rule != SIGNED_IN and not current_user.can(rule):
        abort(404 if hides_records(request.view_args) else 403)
    if rule != SIGNED_IN and request.method not in READING_METHODS:
        return refuse_for_inactive_organisation(current_user)
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
    from ..errors import render_error
    from ..i18n import current_language

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
    return current_user.role is Role.REPRESENTATIVE and any(
        key.endswith("_id") for key in (view_args or {})
    )
