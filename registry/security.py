"""Cross-cutting web security: the hosts served, response headers, the session cookie, safe
redirects."""

from __future__ import annotations

import time
import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from itsdangerous import BadSignature
from werkzeug.exceptions import SecurityError
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

from .access import PUBLIC, access_rule

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: What a private answer (a signed-in page, a download, an API answer) may be kept as.
PRIVATE_CACHE_CONTROL = "no-store"


def init_app(app: Flask) -> None:
    """Refuse a request under a host the site does not serve before anything else runs; give
    a session's pages the form token signed for it before (``reuse_form_token``)."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
    app.before_request(reuse_form_token)
    app.after_request(keep_form_token)


#: The ``app.extensions`` key of the form tokens signed so far: (the session's own token, the
#: key signing it) -> the signed token its forms carry.
_FORM_TOKENS = "registry_form_tokens"
#: How many sessions' signed form tokens a worker keeps (it starts again from none beyond).
FORM_TOKENS_KEPT = 1024


def _form_token_key() -> tuple[str, str | None, object] | None:
    """The name of the session's form token (``g``'s attribute too), the session's own token
    (None before it has one) and the key signing it; None when a signed token may not be
    reused: with a time limit it carries when it was signed, so each page signs its own."""
    config = current_app.config
    if config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return None
    name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(name)
    return (
        name,
        raw if isinstance(raw, str) and raw else None,
        (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key),
    )


#: The ``g`` attribute of the session's own form token as the request found it.
_FOUND = "registry_form_token_found"


def reuse_form_token() -> None:
    """Before a request: the form token signed for this session before, where Flask-WTF looks
    for the one it signed for this request, so that a page's forms carry it without signing
    it again. Without a time limit (``WTF_CSRF_TIME_LIMIT = None``, the app's setting) a
    signed token holds only the session's own token, signed: the same for every page of the
    session, and checked against the session as before."""
    where = _form_token_key()
    if where is None:
        return
    name, raw, secret = where
    setattr(g, _FOUND, raw)
    if raw is None:
        return
    token = current_app.extensions.get(_FORM_TOKENS, {}).get((raw, secret))
    if token is not None and name not in g:
        setattr(g, name, token)


def keep_form_token(response):
    """After a request that signed its session's form token: keep it for the next pages. Only
    a token signed from the session's own token as it is now: the one the request began
    with, or the first the session was given in this request (a session renewed by signing
    in or out has none; Flask-WTF signs the new one it is given on its next page)."""
    where = _form_token_key()
    if where is None or where[1] is None:
        return response
    name, raw, secret = where
    token = g.get(name)
    found = g.get(_FOUND, "")
    if token is not None and found in (None, raw):
        kept = current_app.extensions.get(_FORM_TOKENS)
        if kept is None or len(kept) >= FORM_TOKENS_KEPT:
            kept = current_app.extensions[_FORM_TOKENS] = {}
        kept[(raw, secret)] = token
    return response


def refuse_untrusted_host():
    """Answer 400, plainly, to a ``Host`` outside ``TRUSTED_HOSTS``.

    Flask checks the host against ``TRUSTED_HOSTS`` when it matches the address, and keeps
    the refusal for the view; no address can be built for such a request, so the answer is
    a short text rather than the error page (which links to the site), and no account is
    looked up for it."""
    if isinstance(request.routing_exception, SecurityError):
        g._login_user = AnonymousUserMixin()
        message = _("This site does not answer under that address (Host).")
        return Response(message + "\n", 400, mimetype="text/plain")
    return None


#: A signed-in session's cookie is signed and sent again (its idle limit,
#: ``PERMANENT_SESSION_LIFETIME``, starting over) at most this often while it is unchanged.
SESSION_RENEWED_AFTER = timedelta(minutes=1)


#: The ``app.extensions`` key of the session cookie's serializer and the keys it signs with.
_SERIALIZER = "registry_session_serializer"
#: The ``app.extensions`` key of the cookies read lately (see ``SessionInterface.read``).
_READ_COOKIES = "registry_session_cookies"
#: How many cookies a worker keeps read (it starts again from none beyond that).
READ_COOKIES_KEPT = 1024
#: Types of session value that cannot be changed in place: only a session holding nothing
#: else is kept read (a list of flashed messages, say, would be shared with the next request).
_UNCHANGEABLE = frozenset({str, int, float, bool, type(None)})


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked Secure whenever the request came over HTTPS.

    An unchanged session's cookie is renewed once it is ``SESSION_RENEWED_AFTER`` old, not on
    every answer (signing, compressing and sending it is work no answer needs more often).
    The idle limit is then kept within that minute. A cookie is checked and read once per
    worker while it stays the same, not on every request (see ``read``)."""

    def get_signing_serializer(self, app):
        """As Flask's, but made once per app and set of keys, not on every request (it holds
        no state between uses)."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get(_SERIALIZER)
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = super().get_signing_serializer(app)
        app.extensions[_SERIALIZER] = (keys, serializer)
        app.extensions[_READ_COOKIES] = {}  # read with other keys: checked again
        return serializer

    def get_cookie_secure(self, app) -> bool:
        """Secure when configured, or when this request is HTTPS."""
        return super().get_cookie_secure(app) or request.is_secure

    def open_session(self, app, request) -> SecureCookieSession | None:
        """As Flask opens it, remembering when the cookie was signed (``signed_at``)."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        found = self.read(app, serializer, value)
        if found is None:
            return self.session_class()
        data, signed_at = found
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def read(self, app, serializer, value: str) -> tuple[dict, datetime] | None:
        """The values of a session cookie and when it was signed, or None when its signature
        is wrong or it is older than the session's lifetime. A cookie whose signature was
        found good is not checked and decoded again while it is sent unchanged (each page a
        browser asks for sends the same one until it is renewed): only its age is, on every
        request, as the serializer would."""
        max_age = int(app.permanent_session_lifetime.total_seconds())
        read = app.extensions.get(_READ_COOKIES)
        if read is None:
            read = app.extensions[_READ_COOKIES] = {}
        found = read.get(value)
        if found is not None:
            data, signed_at, stamp = found
            if 0 <= int(time.time()) - stamp <= max_age:
                return data, signed_at
            return None
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return None
        if isinstance(data, dict) and all(type(v) in _UNCHANGEABLE for v in data.values()):
            if len(read) >= READ_COOKIES_KEPT:
                read.clear()
            read[value] = (data, signed_at, int(signed_at.timestamp()))
        return data, signed_at

    def should_set_cookie(self, app, session) -> bool:
        """When the session changed, or is permanent and its cookie due for renewal."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or renewal_due(session)


def renewal_due(session) -> bool:
    """Whether the session's cookie was signed ``SESSION_RENEWED_AFTER`` ago or more (so it
    is renewed with this answer, and the session noted as seen)."""
    signed_at = getattr(session, "signed_at", None)
    return signed_at is not None and datetime.now(UTC) - signed_at >= SESSION_RENEWED_AFTER


#: The headers every answer carries unless its view set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000")


def add_security_headers(response):
    """Headers on every response: CSP without inline script, no framing, no sniffing; and
    ``Cache-Control: no-store`` on every private answer (see ``is_private``), so that no
    browser or proxy keeps a copy of a signed-in page, a download or an API answer. A header
    the view set itself is kept. (The names present are read once: werkzeug answers each
    look-up of a missing header by raising an exception inside.)"""
    headers = response.headers
    present: dict[str, str] = {}
    for name, value in headers:
        present.setdefault(name.lower(), value)
    if is_private(response):
        kept = present.get("cache-control", "")
        if "no-store" not in kept:
            headers["Cache-Control"] = (
                "private, " + PRIVATE_CACHE_CONTROL if "private" in kept else PRIVATE_CACHE_CONTROL
            )
    for name, value in (*SECURITY_HEADERS, _HSTS) if request.is_secure else SECURITY_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def is_private(response) -> bool:
    """Whether an answer is for its reader alone: anything from an endpoint that is not
    public (the session's pages, downloads, the API), and any page shown to a signed-in
    user (an error page, say, carries their name). Static files and public files stay
    cacheable as they declare."""
    endpoint = request.endpoint
    if endpoint == "static":
        return False
    if endpoint is not None and access_rule(current_app, endpoint) != PUBLIC:
        return True
    user = g.get("_login_user")
    return response.mimetype == "text/html" and user is not None and bool(user.is_authenticated)


def is_control(char: str) -> bool:
    """Whether a character breaks a line or controls a terminal: C0 and C1 controls (CR,
    LF, tab, NUL ...) and the Unicode line and paragraph separators."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


ONE_LINE_MESSAGE = _l(
    "Type this on one line, without line breaks, tabs or other control characters."
)


def one_line(_form, field) -> None:
    """A form validator for names and other one-line values: no line break or control
    character (such a value would otherwise reach a mail header, a file name, a PDF)."""
    if isinstance(field.data, str) and any(is_control(c) for c in field.data):
        raise ValidationError(ONE_LINE_MESSAGE)


def safe_next(target: str | None) -> str | None:
    """The target when it is a path on this site, else None (no open redirects)."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a record id fits the database's integer, else the URL is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)
