"""Only a valid bearer token opens the API: anything else is 401 in JSON, and the session
cookie of a signed-in user opens nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry.api import services
from registry.api.models import ApiToken
from registry.auth import services as accounts
from registry.auth.models import User
from registry.db import db
from tests.api.helpers import bearer, issue_token


def _get(client, headers=None, url="/api/v1/proposals"):
    with client.get(url, headers=headers or {}) as response:
        return response.status_code, response.get_json(), response.headers


def _unauthorized(result) -> None:
    status, body, headers = result
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert "Bearer" in body["error"]["message"]
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert headers["Cache-Control"] == "no-store"


def test_a_valid_token_opens_the_api(client, app, make_user):
    secret = issue_token(app, make_user("staff"))
    status, body, _headers = _get(client, bearer(secret))
    assert status == 200
    assert body["items"] == []


def test_no_token_is_refused(client):
    _unauthorized(_get(client))


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Token dgti_" + "a" * 43,
        "Bearer dgti_short",
        "Bearer dgti_" + "a" * 43 + " extra",
        "Bearer " + "x" * 5000,
        "Bearer dgti_" + "ก" * 43,
    ],
    ids=["basic", "no-secret", "empty", "wrong-scheme", "short", "two-words", "huge", "thai"],
)
def test_a_malformed_header_is_refused(client, header):
    result = _get(client, {"Authorization": header})
    _unauthorized(result)
    assert 'error="invalid_token"' in result[2]["WWW-Authenticate"]


def test_an_unknown_token_is_refused(client):
    _unauthorized(_get(client, bearer("dgti_" + "A" * 43)))


def test_a_revoked_token_is_refused(client, app, make_user):
    secret = issue_token(app, make_user("staff"))
    with app.app_context():
        token = db.session.query(ApiToken).filter_by(token_hash=services.hash_secret(secret)).one()
        services.revoke_token(token, actor=None)
    _unauthorized(_get(client, bearer(secret)))


def test_a_token_works_through_its_last_day_and_not_after(client, app, make_user, monkeypatch):
    last_day = services.today() + timedelta(days=3)
    secret = issue_token(app, make_user("staff"), expires_on=last_day)
    monkeypatch.setattr(services, "today", lambda: last_day)
    assert _get(client, bearer(secret))[0] == 200
    monkeypatch.setattr(services, "today", lambda: last_day + timedelta(days=1))
    _unauthorized(_get(client, bearer(secret)))


def test_the_token_of_a_deactivated_account_stops_working(client, app, make_user):
    user_id = make_user("staff")
    secret = issue_token(app, user_id)
    with app.app_context():
        accounts.deactivate_user(db.session.get(User, user_id), actor=None)
    _unauthorized(_get(client, bearer(secret)))


def test_a_session_cookie_does_not_open_the_api(client, sign_in):
    sign_in("admin")
    with client.get("/") as page:
        assert page.status_code == 200  # signed in for the pages
    _unauthorized(_get(client))


def test_a_token_does_not_sign_in_to_the_pages(client, app, make_user):
    secret = issue_token(app, make_user("admin"))
    with client.get("/organisations/", headers=bearer(secret)) as response:
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_an_api_request_sets_no_cookie_and_writes_nothing(client, app, make_user, statements):
    secret = issue_token(app, make_user("staff"))
    with statements() as seen, client.get("/api/v1/organisations", headers=bearer(secret)) as r:
        assert r.status_code == 200
        assert "Set-Cookie" not in r.headers
    assert not [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_a_must_change_password_account_still_reads_through_its_token(client, app, make_user):
    secret = issue_token(app, make_user("staff", must_change_password=True))
    assert _get(client, bearer(secret))[0] == 200


def test_a_role_without_the_permission_gets_403_in_json(client, app, make_user):
    secret = issue_token(app, make_user("secretary"))
    status, body, _headers = _get(client, bearer(secret), "/api/v1/organisations")
    assert status == 403
    assert body["error"]["code"] == "forbidden"
