"""How an endpoint declares who may reach it: the rule names and the decorators that attach a
rule to a view, and the look-up of an endpoint's rule.

This is the vocabulary only; ``registry.auth.permissions`` enforces it (roles, permissions,
per-request checks). It sits in the core so that what must know an endpoint's rule without
enforcing it (the security headers, the navigation) needs no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

#: Anyone, signed in or not.
PUBLIC = "public"
#: Any signed-in user.
SIGNED_IN = "signed-in"
#: The start of the rule of a view reached with an API bearer token, never the session: the
#: rest names the permission(s) the token's user needs (see ``token_required``).
TOKEN = "token:"  # noqa: S105 (a rule name, not a secret)
#: Separates the alternatives of a rule declared with ``any_permission_required``.
ANY_OF = " | "

#: Endpoints Flask itself adds, and their rule.
BUILT_IN_RULES = {"static": PUBLIC}


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


def access_rule(app, endpoint: str) -> str | None:
    """The rule declared for an endpoint, or None when it has none."""
    if endpoint in BUILT_IN_RULES:
        return BUILT_IN_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)
