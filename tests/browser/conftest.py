"""Browser fixtures: the real app served on a local port, and Chromium driven by Playwright.

Self-contained: nothing here uses the fixtures of ``tests/conftest.py``. The server runs
the real application (CSRF on, the real session cookie, demo data loaded by the real
``flask registry seed-demo`` command) on its own SQLite database in a temporary folder.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import flask_migrate
import pytest
from babel.support import NullTranslations, Translations
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from registry import create_app
from registry.auth import services as accounts
from registry.db import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    """Where the app is served, and the Thai catalogue it serves with."""

    url: str
    app: Flask
    thai: NullTranslations

    def th(self, message: str) -> str:
        """What the app shows in Thai for an English message (itself while untranslated)."""
        return self.thai.gettext(message)

    def reset_language(self, email: str, locale: str = "th") -> None:
        """Set an account's saved language directly (a safety net for tests that change it)."""
        with self.app.app_context():
            user = accounts.find_user_by_email(email)
            if user is not None:
                accounts.set_language(user, locale)
            db.session.remove()


@dataclass
class ConsoleLog:
    """The error messages the browser's console received during one test."""

    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [m for m in self.errors if "content security policy" in m.lower()]

    def script_errors(self) -> list[str]:
        """Uncaught exceptions in the page's own scripts."""
        return [m for m in self.errors if m.startswith("pageerror:")]


def _closing_before_sending(app: Flask):
    """The app, with each response read whole and closed before the server sends it.

    Werkzeug's development server does not close a response whose client went away in the
    middle (Chromium drops font downloads when it leaves a page), so the open file behind a
    static response would be left to the garbage collector. No page streams, so reading
    each response first changes nothing the browser sees.
    """

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()
        return [body]

    return wsgi


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app on a fresh SQLite database with the demo data, served on 127.0.0.1, shared
    by the session's browser tests."""
    with serving_demo(tmp_path_factory.mktemp("browser")) as server:
        yield server


@contextlib.contextmanager
def serving_demo(folder: Path) -> Iterator[LiveServer]:
    """The app on a fresh SQLite database in ``folder`` with the demo data, served on
    127.0.0.1: for a module whose journey needs the demo data as seeded (a module-scoped
    ``live_server`` fixture of its own), not as earlier journeys left it."""
    # The catalogue the app loads: flask-babel reads the compiled .mo, not the .po.
    translations = PROJECT_ROOT / "registry" / "translations"
    catalogue = translations / "th" / "LC_MESSAGES"
    if (catalogue / "messages.po").exists() and not (catalogue / "messages.mo").exists():
        pytest.fail(
            "The Thai catalogue is not compiled: run "
            "`.venv/bin/pybabel -q compile -d registry/translations` (make install does)."
        )
    thai = Translations.load(str(translations), ["th"])

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.sqlite3'}",
            "STORAGE_DIR": str(folder / "files"),
            "MAIL_FOLDER": str(folder / "mail"),
            "BACKUP_DIR": str(folder / "backups"),
            "PASSWORD_HASH_FAST": True,
            "SECRET_KEY": "browser-tests",
        }
    )
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) == translations
    try:
        with app.app_context():
            flask_migrate.upgrade()
        result = app.test_cli_runner().invoke(args=["registry", "seed-demo"])
        assert result.exit_code == 0, (result.output, result.exception)

        server = make_server("127.0.0.1", 0, _closing_before_sending(app), threaded=True)
        # Printed and mailed links (invitations, verification) point at this server.
        app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, name="browser-live-server")
        thread.daemon = True
        thread.start()
        try:
            yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, thai=thai)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's) for the whole session."""
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def console_log() -> ConsoleLog:
    """The console errors of the test's page (filled by the ``page`` fixture)."""
    return ConsoleLog()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser: Browser, live_server: LiveServer, console_log: ConsoleLog) -> Page:
    """A fresh page in a fresh browser context (no cookies), with a Thai browser locale."""
    context = browser.new_context(
        base_url=live_server.url, locale="th-TH", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    new_page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_log.errors.append(message.text)

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: console_log.errors.append(f"pageerror: {error}"))
    try:
        yield new_page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
            with contextlib.suppress(PlaywrightError):
                new_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
