"""The real app served over HTTP on a loopback port, and people using it as a browser does.

``serve(app)`` runs the app in Werkzeug's threaded server (one thread per request, as many
at once as arrive) for the length of a ``with`` block. A ``Visitor`` is one person's
browser: a cookie jar of its own, redirects not followed (the answer to a save is the
redirect itself), and forms filled from the page: ``submit`` opens the page, reads every
field the form sends (the CSRF token, hidden fields such as a record's version or a form's
one-time token, the current values) and posts it back with the changes given, multipart
when the form says so. ``at_once`` runs one call per person in threads released together
by a barrier, and returns what each got.

The fixtures: ``live_app`` is the app on a fresh database of the suite's engine (SQLite, or
PostgreSQL under ``TEST_DATABASE_URL``) with CSRF on, not yet served (add test views to it
here); ``live_site`` serves it (``site_for``) and makes signed-in people of any role
(``Site.person``). A test module takes them with ``from tests.live import live_app,
live_site``.

Plain standard library (``urllib``, ``http.cookiejar``, ``html.parser``), so what is
measured is the app and nothing in between.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import TypeVar
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from flask import Flask
from werkzeug.serving import make_server

from registry.auth import services as accounts
from registry.auth.models import Role
from registry.db import db
from tests.conftest import PASSWORD
from tests.forms import Form, FormReader

T = TypeVar("T")
_people = itertools.count(1)

#: How long a request may take before the test fails (generous: a slow shared machine).
TIMEOUT = 60


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) in a threaded server; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=TIMEOUT)
        server.server_close()


@dataclass
class Answer:
    """What the server answered: status, where a redirect points (a path), and the body."""

    status: int
    location: str | None
    body: str

    @property
    def redirected(self) -> bool:
        """Whether the answer is a redirect (the acknowledgement of a save)."""
        return self.status in (301, 302, 303, 307, 308)


class _KeepRedirects(HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # the redirect is the answer


class Visitor:
    """One person's browser on the served app: its own cookies, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        #: The signed-in person's name as the app shows it (set by ``Site.person``).
        self.full_name: str | None = None
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies), _KeepRedirects())

    def _send(self, request: Request) -> Answer:
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                status, headers, body = response.status, response.headers, response.read()
        except HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            status, headers, body = error.code, error.headers, error.read()
            error.close()
        location = headers.get("Location")
        if location:
            location = urlsplit(urljoin(self.base_url, location)).path
        return Answer(status, location, body.decode("utf-8", "replace"))

    def get(self, path: str) -> Answer:
        """Open a page."""
        return self._send(self._request(path))

    def post(
        self,
        path: str,
        fields: Sequence[tuple[str, str]],
        *,
        files: Sequence[str | tuple[str, str, bytes]] = (),
        multipart: bool = False,
    ) -> Answer:
        """Send a form's fields, multipart when it has file inputs or says so: each file
        input as a name (none chosen, sent empty as a browser does) or (name, file name,
        content)."""
        if multipart or files:
            boundary = "----live" + uuid.uuid4().hex
            body = _multipart(fields, files, boundary)
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = urlencode(list(fields)).encode(), "application/x-www-form-urlencoded"
        request = self._request(path, data=body, method="POST")
        request.add_header("Content-Type", kind)
        return self._send(request)

    def _request(self, path: str, **options) -> Request:
        # Always http://127.0.0.1:<port>: the served app, never a file or another scheme.
        return Request(self.base_url + path, **options)  # noqa: S310

    def form(self, path: str, action: str | None = None) -> Form:
        """The POST form on the page at ``path`` that posts to ``action`` (default: the page
        itself); fails the test when the page has none."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.body[:500])
        reader = FormReader(self.base_url + path)
        reader.feed(page.body)
        target = urlsplit(action or path).path
        for form in reader.forms:
            if form.action == target:
                return form
        raise AssertionError(f"no form posting to {target} on {path}")

    def submit(self, path: str, changes: dict[str, str], action: str | None = None) -> Answer:
        """Open the page, fill its form as it stands with ``changes``, and send it."""
        form = self.form(path, action)
        return self.post(
            form.action, form.with_changes(changes), files=form.files, multipart=form.multipart
        )

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real sign-in form (CSRF token and all)."""
        answer = self.submit("/sign-in", {"email": email, "password": password})
        assert answer.redirected, (answer.status, answer.body[:500])


def _multipart(fields, files, boundary: str) -> bytes:
    parts: list[bytes] = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + str(value).encode() + b"\r\n")
    for item in files:
        name, filename, content = (item, "", b"") if isinstance(item, str) else item
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def at_once(calls: Sequence[Callable[[], T]]) -> list[T | BaseException]:
    """Run the calls in threads released together; what each returned (or raised), in order."""
    barrier = threading.Barrier(len(calls))
    results: list[T | BaseException] = [None] * len(calls)  # type: ignore[list-item]

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the test to report
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results


@dataclass
class Site:
    """The served app: its address, the app itself (to set up and read records), and people."""

    app: Flask
    url: str

    def visitor(self) -> Visitor:
        """A browser with no one signed in."""
        return Visitor(self.url)

    def read(self, function: Callable[[], T]) -> T:
        """``function()``'s result in an app context whose session is ended at once, so
        that the test holds no transaction while the server works."""
        with self.app.app_context():
            try:
                return function()
            finally:
                db.session.remove()

    def person(self, role: Role | str = Role.STAFF, organisation_id: int | None = None) -> Visitor:
        """A new account of ``role`` (a representative speaks for ``organisation_id``),
        signed in through the sign-in form in a browser of its own."""
        role = Role(role)
        email = f"{role.value}-{next(_people)}@example.go.th"
        full_name = f"ผู้ทดสอบ {email}"

        def create():
            accounts.create_user(
                email=email,
                full_name=full_name,
                role=role,
                password=PASSWORD,
                organisation_id=organisation_id,
                must_change_password=False,
                actor=None,
            )

        self.read(create)
        visitor = self.visitor()
        visitor.sign_in(email, PASSWORD)
        visitor.full_name = full_name
        return visitor


@contextmanager
def site_for(app: Flask) -> Iterator[Site]:
    """Serve ``app`` for the block (add its test views before: Flask refuses them once it
    has answered a request)."""
    with serve(app) as url:
        yield Site(app, url)


#: SQLite's busy timeout on the served app: long enough that a slow, busy machine never
#: turns a writer's wait for its turn into a failure. What the concurrency tests guard
#: against fails at once whatever the timeout (a transaction that read and then cannot wait
#: to write), so a long one hides nothing.
BUSY_TIMEOUT_MS = 30_000


@pytest.fixture
def live_app(make_app) -> Flask:
    """The real app with CSRF on, on a fresh database of the suite's engine, not yet served."""
    return make_app(WTF_CSRF_ENABLED=True, SQLITE_BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS)


@pytest.fixture
def live_site(live_app) -> Iterator[Site]:
    """``live_app`` served on a loopback port for the test."""
    with site_for(live_app) as site:
        yield site
