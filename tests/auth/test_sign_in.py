"""Signing in and out: generic failures, throttling, deactivation, sessions, safe redirects."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import request

from registry import security
from registry.audit.models import AuditEvent
from registry.auth import services
from registry.auth.forms import SignInForm
from registry.auth.models import LoginAttempt, User
from registry.db import db
from tests.conftest import PASSWORD, sign_in_client


def _email(get_user, user_id):
    return get_user(user_id).email


def _post_sign_in(client, email, password, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def test_sign_in_lands_on_home_and_records_an_audit_event(app, client, make_user, get_user):
    user_id = make_user("staff")
    response = _post_sign_in(client, _email(get_user, user_id), PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert get_user(user_id).last_sign_in_at is not None
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.record_id == user_id)
        ).all()
    assert "signed in" in actions


def test_email_is_matched_without_case_or_spaces(client, make_user, get_user):
    email = _email(get_user, make_user("staff"))
    response = _post_sign_in(client, f"  {email.upper()} ", PASSWORD)
    assert response.status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_generic_message(
    client, make_user, get_user
):
    email = _email(get_user, make_user("staff"))
    wrong = _post_sign_in(client, email, "not-the-password")
    unknown = _post_sign_in(client, "nobody@example.go.th", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_empty_or_malformed_sign_in_form_is_refused_at_the_field(client):
    response = client.post("/sign-in", data={"email": "not-an-email", "password": ""})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "is-invalid" in body
    assert client.get("/").status_code == 302


def test_deactivated_account_is_refused(app, client, make_user, get_user):
    user_id = make_user("staff")
    admin_id = make_user("admin")
    with app.app_context():
        services.deactivate_user(db.session.get(User, user_id), db.session.get(User, admin_id))
    response = _post_sign_in(client, _email(get_user, user_id), PASSWORD)
    assert response.status_code == 403
    assert "ระงับ" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_for_a_while(app, client, make_user, get_user):
    email = _email(get_user, make_user("staff"))
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert _post_sign_in(client, email, "wrong-password").status_code == 401
    response = _post_sign_in(client, email, PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert str(app.config["LOGIN_LOCK_MINUTES"]) in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        successes = db.session.scalar(
            sa.select(sa.func.count()).where(LoginAttempt.email == email, LoginAttempt.succeeded)
        )
    assert successes == 0


def test_lock_lapses_after_the_window(app, client, make_user, get_user):
    email = _email(get_user, make_user("staff"))
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        _post_sign_in(client, email, "wrong-password")
    with app.app_context():
        window = timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
        db.session.execute(sa.update(LoginAttempt).values(at=LoginAttempt.at - window))
        db.session.commit()
    assert _post_sign_in(client, email, PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_that_address(app, client, make_user, get_user):
    email = _email(get_user, make_user("staff"))
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        _post_sign_in(client, f"guess{n}@example.go.th", "wrong-password")
    assert _post_sign_in(client, email, PASSWORD).status_code == 429
    other = app.test_client()
    response = other.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 302  # the account itself is not locked


def test_session_cookie_is_httponly_samesite_and_renewed_at_sign_in(client, make_user, get_user):
    email = _email(get_user, make_user("staff"))
    client.get("/sign-in")
    client.post("/language", data={"locale": "en"})
    before = client.get_cookie("registry_session")
    response = _post_sign_in(client, email, PASSWORD)
    header = next(h for h in response.headers.getlist("Set-Cookie") if "registry_session" in h)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain http in tests
    assert client.get_cookie("registry_session").value != before.value


def test_session_cookie_is_secure_over_https(app, make_user, get_user, db_session):
    email = _email(get_user, make_user("staff"))
    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD}, base_url="https://localhost"
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if "registry_session" in h)
    assert "Secure" in header


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/audit/?action=x", "/admin/audit/?action=x"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_url_is_followed_only_on_this_site(client, make_user, get_user, next_url, expected):
    email = _email(get_user, make_user("admin"))
    response = _post_sign_in(client, email, PASSWORD, next=next_url)
    assert response.headers["Location"] == expected


def test_expired_session_goes_to_sign_in_then_back_to_the_page(
    app, client, make_user, get_user, monkeypatch
):
    email = _email(get_user, make_user("admin"))
    sign_in_client(client, email)
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=1))
    time.sleep(2.1)
    response = client.get("/admin/users?role=staff")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    response = _post_sign_in(client, email, PASSWORD, next="/admin/users?role=staff")
    assert response.headers["Location"] == "/admin/users?role=staff"


def _session_cookie_sent(response) -> str | None:
    return next(
        (h for h in response.headers.getlist("Set-Cookie") if h.startswith("registry_session=")),
        None,
    )


def test_an_unchanged_session_cookie_is_renewed_once_due_not_on_every_answer(
    client, make_user, get_user, monkeypatch
):
    sign_in_client(client, _email(get_user, make_user("staff")))
    with client.get("/organisations/") as response:  # shows "signed in" once: a change
        assert _session_cookie_sent(response) is not None
    for _request in range(2):
        with client.get("/organisations/") as response:
            assert response.status_code == 200
            assert _session_cookie_sent(response) is None
    monkeypatch.setattr(security, "SESSION_RENEWED_AFTER", timedelta(0))
    with client.get("/organisations/") as response:
        assert response.status_code == 200
        header = _session_cookie_sent(response)
    assert header and "Expires=" in header and "HttpOnly" in header


def test_the_idle_limit_starts_over_when_the_cookie_is_renewed(
    app, client, make_user, get_user, monkeypatch
):
    """Signed in 4 s ago with a 3 s idle limit, but seen 2 s ago: still signed in; then
    idle for longer than the limit: signed out."""
    email = _email(get_user, make_user("staff"))
    sign_in_client(client, email)
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=3))
    monkeypatch.setattr(security, "SESSION_RENEWED_AFTER", timedelta(seconds=1))
    time.sleep(2.1)
    with client.get("/organisations/") as response:
        assert response.status_code == 200
        assert _session_cookie_sent(response) is not None
    time.sleep(2.1)
    with client.get("/organisations/") as response:
        assert response.status_code == 200  # not sent to sign in
    time.sleep(4.1)  # the cookie's time is in whole seconds
    with client.get("/organisations/") as response:
        assert response.status_code == 302  # idle beyond the limit
        assert response.headers["Location"].startswith("/sign-in")


def test_sign_out_ends_the_session_and_is_audited(app, client, sign_in):
    user_id = sign_in("secretary")
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.record_id == user_id)
        ).all()
    assert "signed out" in actions


def test_sign_out_needs_a_post(client, sign_in):
    sign_in("staff")
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


_FORM_MARKUP = """{% from "macros/forms.html" import field %}{{ form.hidden_tag() }}
{{ field(form.email) }}{{ field(form.password) }}"""


def _tags(html: str) -> str:
    """Markup with the whitespace between tags and at the ends dropped."""
    return re.sub(r">\s+<", "><", html).strip()


def _sign_in_form(html: str) -> str:
    """The sign-in page's hidden fields and its two fields, without the button."""
    return _tags(html.split('<form method="post" novalidate>')[1].split("<button")[0])


@pytest.mark.parametrize(
    "data",
    [
        None,  # the page as shown
        {"email": 'not-an-"email"<b>', "password": "", "next": '/x"><script>'},
        {"email": "", "password": "x" * 201},
    ],
)
def test_the_form_is_written_as_the_forms_macro_writes_its_fields(app, client, data):
    if data is None:
        response = client.get("/sign-in?next=/organisations/1%3Fa%3D%22b")
        assert response.status_code == 200
    else:
        response = client.post("/sign-in?next=/organisations/1", data=data)
        assert response.status_code == 422
    with app.test_request_context(
        "/sign-in?next=/organisations/1" + ("" if data else "%3Fa%3D%22b"),
        method="POST" if data else "GET",
        data=data or {},
    ):
        form = SignInForm(next=request.args.get("next"))
        if data:
            assert not form.validate()
        expected = app.jinja_env.from_string(_FORM_MARKUP).render(form=form)
    assert _sign_in_form(response.get_data(as_text=True)) == _tags(expected)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/organisations/?page=2", "/organisations/?page=2"),
        ("https://evil.example/", "/"),
        ("", "/"),
    ],
)
def test_a_signed_in_user_asking_for_the_page_is_sent_on(client, sign_in, next_url, expected):
    sign_in("staff")
    response = client.get("/sign-in", query_string={"next": next_url} if next_url else None)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_a_refused_form_keeps_the_email_typed_never_the_password(client):
    response = client.post(
        "/sign-in", data={"email": '"a"@<b>', "password": "secret-typed", "next": "/"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="&#34;a&#34;@&lt;b&gt;"' in html and "<b>" not in html
    assert "secret-typed" not in html
    assert 'aria-describedby="email-error" aria-invalid="true"' in html


def test_the_page_carries_the_form_token_that_signing_in_needs(
    app, make_user, get_user, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    email = _email(get_user, make_user("staff"))
    client = app.test_client()
    refused = _post_sign_in(client, email, PASSWORD)
    assert refused.status_code == 400  # no token: refused, nobody signed in
    assert client.get("/").status_code == 302
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    assert _post_sign_in(client, email, PASSWORD, csrf_token=token.group(1)).status_code == 302
