"""The administrator issues and revokes tokens (audited; the secret is shown once and only
its hash is stored); the command line does the same."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry.api import services
from registry.api.models import ApiToken
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.db import db
from tests.api.helpers import bearer


@pytest.fixture
def admin(client, sign_in):
    sign_in("admin")
    return client


def _tokens(app) -> list[ApiToken]:
    with app.app_context():
        tokens = list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)))
        db.session.expunge_all()
        return tokens


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return events


def test_an_admin_issues_a_token_and_sees_its_secret_once(admin, app, make_user, client):
    staff = make_user("staff", full_name="นางสาวข้อมูล เชื่อมระบบ")
    last_day = services.today() + timedelta(days=30)
    with admin.get("/admin/api-tokens/new") as form:
        assert form.status_code == 200
        assert "นางสาวข้อมูล เชื่อมระบบ" in form.get_data(as_text=True)
    with admin.post(
        "/admin/api-tokens/new",
        data={"user_id": str(staff), "name": "  ระบบ GDX  ", "expires_on": last_day.isoformat()},
    ) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
    secret = re.search(r'value="(dgti_[A-Za-z0-9_-]{43})"', page).group(1)
    [token] = _tokens(app)
    assert (token.name, token.user_id, token.expires_on) == ("ระบบ GDX", staff, last_day)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) == 13
    [event] = _events(app, "issued API token")
    assert event.record_type == "api_tokens" and secret not in str(event.changes)
    assert event.changes["token_hash"] == ["•••", "•••"]
    with admin.get("/admin/api-tokens/") as listing:
        text = listing.get_data(as_text=True)
    assert token.prefix in text and "ระบบ GDX" in text and secret not in text
    assert "/api/v1/openapi.json" in text
    with client.get("/api/v1/organisations", headers=bearer(secret)) as api:
        assert api.status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "ระบบ"}, "user_id", "This field is required."),
        ({"user_id": "999999", "name": "ระบบ"}, "user_id", "Choose the account"),
        ({"user_id": "abc", "name": "ระบบ"}, "user_id", "Choose the account"),
        ({"user_id": "USER", "name": ""}, "name", "This field is required."),
        ({"user_id": "USER", "name": "ก" * 101}, "name", "At most 100 characters."),
        ({"user_id": "USER", "name": "x", "expires_on": "2020-01-01"}, "expires_on", "past"),
        (
            {"user_id": "USER", "name": "x", "expires_on": "29/02/2027"},
            "expires_on",
            "February 2027 has 28 days.",
        ),
        ({"user_id": "DEACTIVATED", "name": "x"}, "user_id", "deactivated"),
    ],
    ids=[
        "no-user",
        "unknown-user",
        "not-a-number",
        "no-name",
        "long-name",
        "past",
        "bad-date",
        "deactivated",
    ],
)
def test_a_bad_issue_is_refused_at_the_field_and_saves_nothing(
    admin, app, make_user, data, field, message
):
    user = make_user("staff")
    deactivated = make_user("staff")
    with app.app_context():
        db.session.get(User, deactivated).active = False
        from registry import audit

        audit.record_event(None, "deactivated", record_type="users")
        db.session.commit()
    ids = {"USER": str(user), "DEACTIVATED": str(deactivated)}
    data = {key: ids.get(value, value) for key, value in data.items()}
    with admin.post("/admin/api-tokens/new", data=data) as response:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert error and message.lower() in error.group(1).lower(), page[:3000]
    assert "dgti_" not in page
    assert _tokens(app) == []
    assert _events(app, "issued API token") == []


def test_an_admin_revokes_a_token_after_confirming(admin, app, make_user, client):
    from tests.api.helpers import issue_token

    secret = issue_token(app, make_user("staff"))
    [token] = _tokens(app)
    with admin.post(f"/admin/api-tokens/{token.id}/revoke") as response:
        assert response.status_code == 302
    [revoked] = _tokens(app)
    assert revoked.revoked_at is not None and revoked.revoked_by_id is not None
    assert len(_events(app, "revoked API token")) == 1
    with client.get("/api/v1/organisations", headers=bearer(secret)) as api:
        assert api.status_code == 401
    with admin.post(f"/admin/api-tokens/{token.id}/revoke") as again:
        assert again.status_code == 302  # "already revoked" is said; nothing more recorded
    assert len(_events(app, "revoked API token")) == 1
    with admin.get("/admin/api-tokens/") as listing:
        assert "Revoked" in listing.get_data(as_text=True)


def test_revoking_a_token_that_does_not_exist_is_404(admin):
    with admin.post("/admin/api-tokens/2147483647/revoke") as response:
        assert response.status_code == 404


def test_only_admins_reach_the_token_pages(client, sign_in):
    sign_in("staff")
    with client.get("/admin/api-tokens/") as response:
        assert response.status_code == 403


def test_the_command_line_issues_and_revokes(app, runner, make_user, client):
    user = make_user("representative")
    with app.app_context():
        email = db.session.get(User, user).email
    result = runner.invoke(
        args=[
            "registry",
            "api-token",
            "issue",
            "--email",
            email.upper(),
            "--name",
            "load bench",
            "--expires",
            "2999-12-31",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"dgti_[A-Za-z0-9_-]{43}", secret)
    with client.get("/api/v1/proposals", headers=bearer(secret)) as api:
        assert api.status_code == 200
    [token] = _tokens(app)
    assert token.created_by_id is None and str(token.expires_on) == "2999-12-31"
    result = runner.invoke(args=["registry", "api-token", "revoke", token.prefix])
    assert result.exit_code == 0, result.output
    with client.get("/api/v1/proposals", headers=bearer(secret)) as api:
        assert api.status_code == 401
    assert len(_events(app, "revoked API token")) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["issue", "--email", "nobody@example.go.th", "--name", "x"],
        ["issue", "--email", "EMAIL", "--name", "   "],
        ["issue", "--email", "EMAIL", "--name", "x", "--expires", "2020-01-01"],
        ["issue", "--email", "EMAIL", "--name", "x", "--expires", "tomorrow"],
        ["revoke", "dgti_nothing"],
    ],
)
def test_the_command_line_refuses_bad_input(app, runner, make_user, args):
    with app.app_context():
        email = db.session.get(User, make_user("staff")).email
    result = runner.invoke(
        args=["registry", "api-token", *[email if a == "EMAIL" else a for a in args]]
    )
    assert result.exit_code != 0
    assert not re.search(r"dgti_[A-Za-z0-9_-]{43}", result.output)
    assert _tokens(app) == []
