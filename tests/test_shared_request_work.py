"""The work every request shares, done once: the language and its catalogue found once per
request (and the other language still given under ``force_locale``), a session cookie checked
once per worker while it stays the same (its age still checked on every request), and the
version of the data read from the ends of two indexes, never by scanning the audit log."""

from __future__ import annotations

import re
import time
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import session, url_for
from flask_babel import force_locale, refresh

from registry import cache, i18n, navigation, security
from registry.access import SIGNED_IN
from registry.auth.models import User
from registry.auth.roles import Role, role_has
from registry.db import db
from tests.conftest import PASSWORD, add_account, sign_in_client


def _request(app, path: str = "/"):
    """A request context with the app's before-request hooks run (as a real request has)."""
    ctx = app.test_request_context(path)
    ctx.push()
    app.preprocess_request()
    return ctx


def test_the_request_language_is_kept_and_a_forced_locale_still_answers_in_its_own(app, db_session):
    ctx = _request(app)
    try:
        assert i18n.current_language() == "th"
        thai = i18n.catalogue()
        assert thai.ugettext("Sign out") == "ออกจากระบบ"
        with force_locale("en"):
            assert i18n.current_language() == "en"
            assert i18n.catalogue().ugettext("Sign out") == "Sign out"
            assert i18n.format_date(date(2026, 12, 28)) == "28 December 2026"
        assert i18n.format_date(date(2026, 12, 28)) == "28 ธันวาคม 2569"
        # The request's own language again, from what was kept.
        assert i18n.current_language() == "th"
        assert i18n.catalogue() is thai
    finally:
        ctx.pop()


def test_a_language_changed_within_the_request_is_followed_after_a_refresh(app, db_session):
    ctx = _request(app)
    try:
        assert i18n.current_language() == "th"
        session["locale"] = "en"
        refresh()  # what Flask-Babel asks after changing the language within a request
        assert i18n.current_language() == "en"
        assert i18n.catalogue().ugettext("Sign out") == "Sign out"
    finally:
        ctx.pop()


def test_nothing_a_request_found_is_given_after_it_ends(app, client):
    with client.get("/sign-in") as response:
        assert response.status_code == 200
    assert i18n._READING.get() is None
    with app.test_request_context(), force_locale("en"):
        assert i18n.current_language() == "en"


def test_the_thai_digits_setting_is_read_once_per_request_and_again_by_the_next(app, db_session):
    answers = iter([True, False])
    reader = app.extensions[i18n.THAI_NUMERALS]
    app.extensions[i18n.THAI_NUMERALS] = lambda: next(answers)
    try:
        ctx = _request(app)
        try:
            assert i18n.format_number(2569) == "๒,๕๖๙"
            assert i18n.format_number(2569) == "๒,๕๖๙"  # the first answer, kept
        finally:
            ctx.pop()
        ctx = _request(app)
        try:
            assert i18n.format_number(2569) == "2,569"
        finally:
            ctx.pop()
    finally:
        app.extensions[i18n.THAI_NUMERALS] = reader


def _cookie(app, client) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def test_a_session_cookie_is_checked_once_and_read_again_from_what_was_kept(app, client, sign_in):
    sign_in("staff")
    client.get("/organisations/").close()  # the page's form token joins the session
    value = _cookie(app, client)
    with client.get("/organisations/") as response:
        assert response.status_code == 200
    assert value in app.extensions[security._READ_COOKIES]
    with client.get("/organisations/") as response:
        assert response.status_code == 200  # still signed in, from the kept reading
    assert _cookie(app, client) == value


def test_a_kept_cookie_older_than_the_session_lifetime_signs_no_one_in(
    app, client, sign_in, monkeypatch
):
    sign_in("staff")
    client.get("/organisations/").close()  # the page's form token joins the session
    with client.get("/organisations/") as response:
        assert response.status_code == 200
    assert _cookie(app, client) in app.extensions[security._READ_COOKIES]
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: later))
    with client.get("/organisations/") as response:
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_a_cookie_with_a_wrong_signature_is_refused_though_a_good_one_was_kept(
    app, client, sign_in
):
    sign_in("staff")
    with client.get("/organisations/") as response:
        assert response.status_code == 200
    good = _cookie(app, client)
    forged = good[:-2] + ("AA" if good[-2:] != "AA" else "BB")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged)
    with client.get("/organisations/") as response:
        assert response.status_code == 302
    assert forged not in app.extensions[security._READ_COOKIES]


def test_a_session_holding_a_list_is_read_afresh_each_time(app, client, sign_in):
    """A flashed message is a list in the session: were it kept, the next request would
    share (and change) the same list."""
    sign_in("staff")
    with client.session_transaction() as kept:
        kept["_flashes"] = [("info", "ข้อความทดสอบ")]
    value = _cookie(app, client)
    with client.get("/organisations/") as response:
        assert "ข้อความทดสอบ" in response.get_data(as_text=True)
    assert value not in app.extensions[security._READ_COOKIES]
    with client.get("/organisations/") as response:
        assert "ข้อความทดสอบ" not in response.get_data(as_text=True)  # shown once


def test_the_version_of_the_data_reads_the_ends_of_two_indexes(app, db_session):
    """Every request asks it: it must not grow with the audit log."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            plan = db.session.execute(sa.text("EXPLAIN QUERY PLAN " + cache._NEWEST_EVENT))
            details = [row[-1] for row in plan]
            db.session.rollback()
            assert not [d for d in details if d.startswith("SCAN audit_events")], details
            assert sum(d.startswith("SEARCH audit_events") for d in details) == 2, details
        else:  # PostgreSQL, told to avoid scanning a table it can: each maximum from an index
            db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
            plan = db.session.execute(sa.text("EXPLAIN " + cache._NEWEST_EVENT)).scalars().all()
            db.session.rollback()
            assert not [line for line in plan if "Seq Scan" in line], plan
            assert sum("Index" in line and "Scan" in line for line in plan) == 2, plan


_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _page_token(client, path: str) -> str:
    with client.get(path) as response:
        assert response.status_code == 200
        return _TOKEN.search(response.get_data(as_text=True)).group(1)


def _sign_in_with_token(client, email: str) -> None:
    token = _page_token(client, "/sign-in")
    data = {"email": email, "password": PASSWORD, "csrf_token": token}
    with client.post("/sign-in", data=data) as response:
        assert response.status_code == 302


def test_a_sessions_pages_carry_its_signed_form_token_which_is_accepted(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.app_context():
        email = db.session.get(User, make_user("staff")).email
    _sign_in_with_token(client, email)
    first = _page_token(client, "/organisations/")
    assert first in app.extensions[security._FORM_TOKENS].values()
    assert _page_token(client, "/committees/") == first  # kept, not signed again
    with client.post("/language", data={"locale": "en", "csrf_token": first}) as response:
        assert response.status_code == 302
    with client.post("/language", data={"locale": "th", "csrf_token": "x" + first}) as response:
        assert response.status_code == 400
    # Signing out and in again renews the session: its pages carry a new token, which works,
    # and the old one no longer does.
    with client.post("/sign-out", data={"csrf_token": first}) as response:
        assert response.status_code in (302, 303)
    _sign_in_with_token(client, email)
    renewed = _page_token(client, "/organisations/")
    assert renewed != first
    assert _page_token(client, "/committees/") == renewed
    with client.post("/language", data={"locale": "th", "csrf_token": first}) as response:
        assert response.status_code == 400
    with client.post("/language", data={"locale": "th", "csrf_token": renewed}) as response:
        assert response.status_code == 302


def test_a_form_token_with_a_time_limit_is_signed_for_each_page(
    app, client, make_user, monkeypatch
):
    """With a time limit a token carries when it was signed: none is kept for later pages."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    app.extensions.pop(security._FORM_TOKENS, None)
    with app.app_context():
        email = db.session.get(User, make_user("staff")).email
    _sign_in_with_token(client, email)
    token = _page_token(client, "/organisations/")
    assert not app.extensions.get(security._FORM_TOKENS)
    with client.post("/language", data={"locale": "th", "csrf_token": token}) as response:
        assert response.status_code == 302


def test_a_signed_in_page_reads_the_version_once_on_a_connection_of_its_own(make_app):
    """The version goes first and alone, outside the page's transaction, and is seen by
    whatever watches the statements sent (the counts stay as they were)."""
    app = make_app()
    add_account(app, "version@example.go.th")
    client = sign_in_client(app.test_client(), "version@example.go.th")
    with app.app_context():
        engine = db.engine
    sent: list[tuple[str, bool]] = []
    pg = engine.dialect.name == "postgresql"

    def record(connection, _cursor, statement, *_args):
        driver = connection.connection.dbapi_connection
        sent.append((statement, not driver.autocommit if pg else driver.in_transaction))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with client.get("/organisations/") as response:
            assert response.status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert sent[0] == (cache._NEWEST_EVENT, False)
    assert [statement for statement, _ in sent].count(cache._NEWEST_EVENT) == 1


def test_a_version_that_cannot_be_read_answers_database_unavailable(
    make_app, monkeypatch
):
    """SQLite's version read goes through the driver's cursor, PostgreSQL's through
    SQLAlchemy's own statement: a driver's failure is SQLAlchemy's error either way, as for
    any statement, and the reader gets the "database unavailable" page (503), never a 500."""
    app = make_app()
    add_account(app, "unreadable@example.go.th")
    client = sign_in_client(app.test_client(), "unreadable@example.go.th")
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    # A read the database cannot answer: a missing table on SQLite; on PostgreSQL the
    # server ending the connection under the statement (a lost database, as on a restart).
    failing = ("SELECT max(id), max(at) FROM no_such_table" if sqlite
               else "SELECT pg_terminate_backend(pg_backend_pid()), now()")  # fmt: skip
    monkeypatch.setattr(cache, "_NEWEST_EVENT", failing)
    with client.get("/organisations/") as response:
        assert response.status_code == 503
    with app.test_request_context(), pytest.raises(sa.exc.DBAPIError):
        cache.data_version()


def _menu_links(html: str) -> list[str]:
    """The addresses of the header's menus (main and administration), in order."""
    start = html.index('data-testid="main-menu"')
    return re.findall(r'href="([^"]+)"', html[start : html.index('class="nav-tools"', start)])


@pytest.mark.parametrize("language", ["th", "en"])
def test_each_reader_sees_the_menu_of_their_own_role_whoever_asked_before(
    app, client, make_user, make_organisation, language
):
    """Menus are kept per role, language and whether the reader acts for an organisation:
    readers of every kind, asking in turn in one process, each get exactly the entries their
    own permissions open, with their labels in the reader's language."""
    readers = [
        (Role.ADMIN, None),
        (Role.REPRESENTATIVE, make_organisation()),
        (Role.STAFF, None),
        (Role.SECRETARY, None),
        (Role.STAFF, make_organisation()),  # staff acting for an organisation
    ]
    clients = []
    for role, organisation_id in readers:
        reader = app.test_client()
        user_id = make_user(role, organisation_id=organisation_id)
        with app.app_context():
            sign_in_client(reader, db.session.get(User, user_id).email)
        reader.post("/language", data={"locale": language, "next": "/"})
        clients.append((reader, role, organisation_id))
    for reader, role, organisation_id in clients + clients[::-1]:
        expected = [
            item
            for item in navigation.NAV_ITEMS
            if (item.permission == SIGNED_IN or role_has(role, item.permission))
            and (not item.for_organisation or organisation_id is not None)
        ]
        with reader.get("/") as response:
            html = response.get_data(as_text=True)
        hrefs = [h for h in _menu_links(html) if h not in ("#", "/")]
        assert hrefs == [
            {"home.index": "/"}.get(item.endpoint, _path(app, item.endpoint))
            for item in expected
            if item.endpoint != "home.index"
        ]
        with app.test_request_context(), force_locale(language):
            for item in expected:
                assert f">{item.label}</a>" in html


def _path(app, endpoint: str) -> str:
    with app.test_request_context():
        return url_for(endpoint)


def _frame(html: str) -> tuple[str, str, str]:
    """The brand and menu button, the footer with the scripts, and the head's links."""
    brand = html[html.index('class="navbar-brand') : html.index('<div class="collapse')]
    foot = html[html.index("<footer") : html.index("</body>")]
    head = html[html.index("</title>") : html.index("</head>")]
    return brand, foot, head


def test_the_frame_kept_per_language_and_script_root_follows_each_reader(client, sign_in):
    """The brand, menu button, footer and links are rendered once per language and script
    root: each page still shows them in the reader's language and under the site's path,
    whichever was asked for before."""
    sign_in(Role.STAFF)
    for language, prefix in [("th", ""), ("en", ""), ("en", "/registry"), ("th", "/registry")]:
        client.post("/language", data={"locale": language, "next": "/"})
        with client.get("/", base_url="http://localhost" + prefix) as response:
            brand, foot, head = _frame(response.get_data(as_text=True))
        if language == "th":
            assert '<span class="text-nowrap">ระบบทะเบียนภาคีเครือข่าย</span>' in brand
            assert ">เมนู<" in brand and "สำนักงานพัฒนารัฐบาลดิจิทัล" in foot
            assert ">ข้อมูลเปิด</a>" in foot and "Open data" not in foot
        else:
            assert '<span class="text-nowrap">Partner</span>' in brand and ">Menu<" in brand
            assert "Digital Government Development Agency" in foot and ">Open data</a>" in foot
        assert f'href="{prefix}/"' in brand and f'href="{prefix}/open-data"' in foot
        assert f'href="{prefix}/static/app.css"' in head
        assert f'src="{prefix}/static/app.js"' in foot and f'src="{prefix}/static/nav.js"' in head
