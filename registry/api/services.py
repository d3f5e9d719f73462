"""Issuing and revoking API tokens, and finding the account a request's bearer token acts for.

Requests leave no trace in the database: a token's "last used" time is not stored, so a read
through the API writes nothing (and needs no audit event). Issuing and revoking are audited.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from .. import audit, cache, submissions
from ..auth import services as accounts
from ..auth.models import User
from ..db import db, utcnow
from ..i18n import BANGKOK
from ..rules import RuleError
from .models import ApiToken

#: What every secret starts with, so a leaked one is easy to recognise (and to scan for).
SECRET_PREFIX = "dgti_"  # noqa: S105 (a label, not a secret)
#: How many characters of the secret, after SECRET_PREFIX, the list shows.
SHOWN_CHARACTERS = 8
#: A well-formed secret: the prefix and 43 URL-safe characters (32 random bytes).
SECRET_PATTERN = re.compile(r"dgti_[A-Za-z0-9_-]{43}")
#: The longest name a token may have.
NAME_MAX = 100


class ApiTokenError(RuleError):
    """Issuing or revoking a token was refused."""


def today() -> date:
    """Today's date in Thailand (a token's last day is a Thai date)."""
    return datetime.now(BANGKOK).date()


def hash_secret(secret: str) -> str:
    """The SHA-256 (hex) of a secret, as stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    user: User | None,
    name: str,
    expires_on: date | None,
    actor,
    submission: str | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for an active account; returns it and its secret, shown this once.
    ``submission``: the form's one-time token; the same form sent again raises
    ``submissions.AlreadySaved`` and issues nothing (the secret cannot be shown again)."""
    with submissions.once(submission, actor) as claim:
        token, secret = _issued(user, name, expires_on, actor)
        claim.made(token)
    db.session.commit()
    return token, secret


def _issued(user: User | None, name: str, expires_on: date | None, actor) -> tuple[ApiToken, str]:
    """The token and its secret, checked and audited, not yet committed."""
    name = " ".join((name or "").split())
    if not name:
        raise ApiTokenError(_("Give the token a name: what will use it?"), "name")
    if len(name) > NAME_MAX:
        raise ApiTokenError(_("The name can be at most %(n)d characters long.", n=NAME_MAX), "name")
    if user is None:
        raise ApiTokenError(_("Choose the account the token acts for."), "user_id")
    if not user.active:
        raise ApiTokenError(
            _("%(email)s is deactivated; a token for it would not work.", email=user.email),
            "user_id",
        )
    if expires_on is not None and expires_on < today():
        raise ApiTokenError(_("The last day cannot be in the past."), "expires_on")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        user_id=user.id,
        prefix=secret[: len(SECRET_PREFIX) + SHOWN_CHARACTERS],
        token_hash=hash_secret(secret),
        expires_on=expires_on,
        created_by_id=getattr(actor, "id", None),
    )
    with audit.change(token, actor, "issued API token"):
        pass
    return token, secret


def revoke_token(token: ApiToken, actor) -> None:
    """Revoke a token: from now on it no longer opens the API (it stays in the list)."""
    if token.revoked:
        raise ApiTokenError(_("This token has already been revoked."))
    with audit.change(token, actor, "revoked API token"):
        token.revoked_at = utcnow()
        token.revoked_by_id = getattr(actor, "id", None)
    db.session.commit()


def token_by_prefix(prefix: str) -> ApiToken | None:
    """The token whose shown prefix is this (for the command line)."""
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == prefix.strip()))


def bearer_secret() -> str | None:
    """The secret of the request's ``Authorization: Bearer ...`` header, when well formed."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not SECRET_PATTERN.fullmatch(secret):
        return None
    return secret


def user_for_request() -> User | None:
    """The account the request's bearer token acts for: None when the token is missing,
    malformed, unknown, revoked or expired, or its account deactivated.

    Which account a token opens is kept until the next write (``cache.remembered``: issuing,
    revoking and deactivating are writes) and for the day it was found on, so a request
    answered from the kept answers asks the database only for the version of the data."""
    secret = bearer_secret()
    if secret is None:
        return None
    digest, on = hash_secret(secret), today()
    user_id = cache.remembered("API token", (digest, on), lambda: _usable_token_user_id(digest, on))
    if user_id is None:
        return None
    user = accounts.signed_in_user(user_id)
    return user if user is not None and user.active else None


def _usable_token_user_id(digest: str, on: date) -> int | None:
    """The account of the token with this hash, when the token is neither revoked nor past
    its last day (the account's own state is checked on the account)."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    return token.user_id if token is not None and token.usable(on) else None
