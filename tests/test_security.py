"""Headers, CSRF, oversized bodies, and a database that is locked or gone."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.auth.models import LoginAttempt, User
from registry.db import db
from tests.conftest import PASSWORD, add_account, sign_in_client


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_carry_no_inline_script(client):
    body = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in body and "onclick=" not in body


def test_post_without_csrf_token_changes_nothing_and_explains(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/sign-in", data={"email": "a@example.go.th", "password": "x"})
    assert response.status_code == 400
    assert "แบบฟอร์ม" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0


def test_admin_post_without_csrf_token_creates_nothing(app, client, make_user, monkeypatch):
    with app.app_context():
        email = db.session.get(User, make_user("admin")).email
    sign_in_client(client, email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data = {"full_name": "x", "email": "x@example.go.th", "role": "staff", "password": PASSWORD}
    assert client.post("/admin/users/new", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "x@example.go.th")) is None


def test_csrf_token_from_the_page_is_accepted(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.app_context():
        email = db.session.get(User, make_user("staff")).email
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_oversized_request_body_is_refused_with_a_message(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/sign-in", data={"email": "a" * 5000, "password": "x"})
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "ไม่พบ" in response.get_data(as_text=True)


def test_database_gone_gives_an_error_page_not_a_traceback(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
            "WTF_CSRF_ENABLED": False,
            "MAIL_FOLDER": str(tmp_path),
        }
    )
    client = app.test_client()
    assert client.get("/sign-in").status_code == 200
    response = client.post("/sign-in", data={"email": "a@example.go.th", "password": "x"})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "ฐานข้อมูล" in body and "Traceback" not in body
    with app.app_context():
        db.engine.dispose()


def _lock_database(app):
    """Hold a lock that blocks the app's writes (sign-in records an attempt)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        return connection.close
    engine = sa.create_engine(url)
    connection = engine.connect()
    connection.begin()
    connection.execute(sa.text("LOCK TABLE login_attempts IN ACCESS EXCLUSIVE MODE"))

    def release():
        connection.close()
        engine.dispose()

    return release


def test_locked_database_gives_an_error_page_and_loses_nothing(make_app):
    app = make_app(
        SQLITE_BUSY_TIMEOUT_MS=200,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c lock_timeout=200"}}
        if "postgresql" in (__import__("os").environ.get("TEST_DATABASE_URL") or "")
        else {},
    )
    add_account(app, "kept@example.go.th")
    release = _lock_database(app)
    try:
        response = app.test_client().post(
            "/sign-in", data={"email": "kept@example.go.th", "password": PASSWORD}
        )
        assert response.status_code == 503
        assert "Traceback" not in response.get_data(as_text=True)
    finally:
        release()
    sign_in_client(app.test_client(), "kept@example.go.th")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?page=-1",
        "/admin/users?page=999999",
        "/admin/users?role=%00",
        "/admin/audit/?page=x&record_type=%27%22%3B--",
        "/admin/users/0",
        "/admin/users/99999999999999999999",
    ],
)
def test_odd_urls_never_answer_500(client, sign_in, url):
    sign_in("admin")
    assert client.get(url).status_code < 500


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "path",
    ["/organisations/", "/agreements/", "/committees/", "/meetings/", "/proposals/",
     "/admin/users", "/admin/audit/", "/admin/api-tokens/"],
)  # fmt: skip
def test_every_list_answers_not_found_for_a_page_beyond_any_database_integer(client, sign_in, path):
    """Every paginated list: a page number too large for a database offset is no page."""
    sign_in("admin")
    with client.get(path, query_string={"page": HUGE}) as response:
        assert response.status_code == 404
    with client.get(path, query_string={"page": "1000000"}) as response:
        assert response.status_code == 200  # far past the end: an empty page


def test_an_unexpected_error_shows_the_friendly_500_page(make_app):
    app = make_app(TESTING=False)

    def broken():
        raise RuntimeError("boom")

    from registry.auth.permissions import public

    app.add_url_rule("/broken", "broken", public(broken))
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "ขออภัย" in body or "ข้อผิดพลาด" in body
    assert "boom" not in body and "Traceback" not in body


# --- nothing private is kept by a browser or a proxy ----------------------------------------


def _cache_control(client, path: str, **options) -> tuple[int, str | None]:
    with client.get(path, **options) as response:
        return response.status_code, response.headers.get("Cache-Control")


def test_signed_in_pages_are_never_stored_even_when_asked_again(
    client, sign_in, make_contact
):
    contact = make_contact(email="somchai@example.or.th", phone="081 234 5678")
    sign_in("staff")
    for path in ["/", "/organisations/", f"/organisations/contacts/{contact}", "/admin/users"]:
        for _request in range(2):  # the second answer reads what the first kept
            status, cache_control = _cache_control(client, path)
            assert status in (200, 403), path
            assert cache_control == "no-store", path


def test_private_downloads_are_never_stored(client, sign_in, make_contact):
    contact = make_contact()
    sign_in("staff")
    for path in [
        "/organisations/export.csv",
        f"/organisations/contacts/{contact}/personal-data.json",
    ]:
        status, cache_control = _cache_control(client, path)
        assert status == 200 and "no-store" in cache_control, path


def test_a_printed_document_is_private_and_never_stored(app, client, sign_in, make_organisation):
    from registry.agreements import services as agreements
    from registry.organisations.models import OrganisationKind
    from tests.agreements.conftest import content_for

    staff_id = sign_in("staff")
    parties = [make_organisation(kind=OrganisationKind.OWN_AGENCY), make_organisation()]
    with app.app_context():
        actor = db.session.get(User, staff_id)
        agreement_id = agreements.create_agreement(content_for(parties), actor=actor).id
    status, cache_control = _cache_control(client, f"/agreements/{agreement_id}/pdf?variant=th")
    assert status == 200 and cache_control == "private, no-store"


def test_api_answers_and_refusals_are_never_stored(app, client, make_user):
    from tests.api.helpers import bearer, issue_token

    assert _cache_control(client, "/api/v1/organisations") == (401, "no-store")
    secret = issue_token(app, make_user("staff"))
    assert _cache_control(client, "/api/v1/organisations", headers=bearer(secret)) == (
        200,
        "no-store",
    )


def test_public_files_keep_their_own_caching_for_signed_in_users_too(client, sign_in):
    anonymous = [
        _cache_control(client, "/sign-in"),
        _cache_control(client, "/static/app.css"),
        _cache_control(client, "/open-data/organisations.csv"),
        _cache_control(client, "/no/such/page"),
    ]
    assert anonymous[0] == (200, None)
    assert anonymous[1][0] == 200 and "no-store" not in (anonymous[1][1] or "")
    assert anonymous[2] == (200, "public, max-age=300")
    assert anonymous[3] == (404, None)
    sign_in("staff")
    assert _cache_control(client, "/static/app.css") == anonymous[1]
    assert _cache_control(client, "/open-data/organisations.csv") == anonymous[2]
    # A page shown to a signed-in user carries their name: never stored.
    assert _cache_control(client, "/no/such/page") == (404, "no-store")
    assert _cache_control(client, "/open-data") == (200, "no-store")
