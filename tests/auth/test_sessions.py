"""Sessions end on the server: signing out, a password change and a deactivation end them,
and a copied cookie of an ended session signs no one in. Each browser's session is its own:
signing out on one computer leaves the user signed in on another."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry import cache, security
from registry.audit.models import AuditEvent
from registry.auth import services as accounts
from registry.auth.models import User, UserSession
from registry.auth.views import SESSION_KEY
from registry.db import db, utcnow
from tests.conftest import PASSWORD, sign_in_client

NEW_PASSWORD = "a-new-password-2568"
COOKIE = "registry_session"


def _copy_of(client, app):
    """A second browser holding a copy of the client's session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _key_of(client) -> str:
    with client.session_transaction() as session:
        return session[SESSION_KEY]


def _rows(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _is_signed_out(client, path: str = "/organisations/") -> bool:
    with client.get(path) as response:
        return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_copied_cookie_after_sign_out_gets_the_sign_in_page_and_cannot_post(
    app, client, sign_in, get_user
):
    user_id = sign_in("staff")
    thief = _copy_of(client, app)
    for _request in range(2):  # the second answer reads the account kept by the first
        with thief.get("/organisations/") as response:
            assert response.status_code == 200  # a copied cookie works while signed in
    assert client.post("/sign-out").status_code == 302

    with thief.get("/organisations/", follow_redirects=True) as response:
        assert response.request.path == "/sign-in"
        assert 'name="password"' in response.get_data(as_text=True)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    with thief.post("/account/password", data=change) as response:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert accounts.verify_password(user, PASSWORD)  # nothing was changed
    (row,) = _rows(app, user_id)
    assert row.ended_at is not None


def test_signing_out_on_one_computer_leaves_the_other_signed_in(app, client, sign_in, get_user):
    user_id = sign_in("staff")
    other = sign_in_client(app.test_client(), get_user(user_id).email)
    client.post("/sign-out")
    assert _is_signed_out(client)
    assert not _is_signed_out(other)
    ended = [row.ended_at is not None for row in _rows(app, user_id)]
    assert ended == [True, False]


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    app, client, sign_in, get_user
):
    user_id = sign_in("representative")
    other = sign_in_client(app.test_client(), get_user(user_id).email)
    copy_of_this = _copy_of(client, app)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=change).status_code == 302
    assert not _is_signed_out(client, "/")
    assert _is_signed_out(other, "/")
    assert _is_signed_out(copy_of_this, "/")  # the cookie from before the change lapses
    this, elsewhere = _rows(app, user_id)
    assert this.ended_at is None and elsewhere.ended_at is not None


def test_a_deactivation_ends_every_session(app, client, sign_in, make_user, get_user):
    target = make_user("staff")
    browsers = [sign_in_client(app.test_client(), get_user(target).email) for _ in range(2)]
    assert not any(_is_signed_out(browser) for browser in browsers)
    sign_in("admin")
    assert client.post(f"/admin/users/{target}/deactivate").status_code == 302
    assert all(_is_signed_out(browser) for browser in browsers)
    assert all(row.ended_at is not None for row in _rows(app, target))


def test_a_password_reset_by_the_administrator_ends_every_session(
    app, client, sign_in, make_user, get_user
):
    target = make_user("staff")
    browser = sign_in_client(app.test_client(), get_user(target).email)
    sign_in("admin")
    data = {"new_password": "temporary-2568-y"}
    assert client.post(f"/admin/users/{target}/reset-password", data=data).status_code == 302
    assert _is_signed_out(browser)
    assert all(row.ended_at is not None for row in _rows(app, target))


def test_a_session_ended_in_another_process_is_refused_at_its_next_request(
    app, client, sign_in, get_user, monkeypatch
):
    """The signed-in account is kept between requests; a sign-out made by another worker
    (seen here only through its audit event) still ends the session at its next request."""
    user_id = sign_in("staff")
    for _request in range(2):  # the second request reads the kept account
        assert not _is_signed_out(client)
    writes = cache._writes
    with app.app_context():
        accounts.record_sign_out(db.session.get(User, user_id), _key_of(client))
    monkeypatch.setattr(cache, "_writes", writes)  # as if another process had written
    assert _is_signed_out(client)


def test_the_cookie_holds_a_random_key_and_the_table_only_its_hash(app, client, sign_in, get_user):
    user_id = sign_in("staff")
    key = _key_of(client)
    (row,) = _rows(app, user_id)
    assert len(key) >= 40 and row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in row.key_hash
    assert row.created_at is not None and row.last_seen_at is not None
    assert row.ended_at is None and row.address == "127.0.0.1"
    other = sign_in_client(app.test_client(), get_user(user_id).email)
    assert _key_of(other) != key


def test_sign_in_and_sign_out_are_audited(app, client, sign_in):
    user_id = sign_in("secretary")
    client.post("/sign-out")
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.record_type == "users", AuditEvent.record_id == user_id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions[-2:] == ["signed in", "signed out"]


@pytest.mark.parametrize("key", [None, "", "not-a-session-key", 12345, ["a"]])
def test_a_cookie_without_an_open_session_signs_no_one_in(app, client, sign_in, key):
    sign_in("staff")
    with client.session_transaction() as session:
        if key is None:
            del session[SESSION_KEY]
        else:
            session[SESSION_KEY] = key
    assert _is_signed_out(client)
    with client.get("/sign-in") as response:
        assert response.status_code == 200


def test_the_session_check_is_part_of_the_one_account_lookup(app, client, sign_in, statements):
    """Reading the account and checking that its session is open is one statement, sent
    only when nothing kept answers (a page still costs what it cost before sessions)."""
    sign_in("staff")
    client.get("/organisations/").close()
    cache.forget(app)
    with statements() as seen, client.get("/organisations/") as response:
        assert response.status_code == 200
    about_sessions = [statement for statement in seen if "user_sessions" in statement]
    assert len(about_sessions) == 1
    assert "FROM users" in about_sessions[0]
    with statements() as seen, client.get("/organisations/") as response:
        assert response.status_code == 200
    assert cache._NEWEST_EVENT in seen
    assert not [statement for statement in seen if "users" in statement]  # kept, both


def test_a_session_in_use_is_noted_as_seen_without_ending_kept_results(
    app, client, sign_in, monkeypatch
):
    user_id = sign_in("staff")
    client.get("/organisations/").close()
    long_ago = utcnow() - timedelta(hours=2)
    with app.app_context():
        db.session.execute(sa.update(UserSession).values(last_seen_at=long_ago))
        db.session.commit()
    client.get("/organisations/").close()  # kept from here on
    monkeypatch.setattr(security, "SESSION_RENEWED_AFTER", timedelta(0))
    writes = cache._writes
    with client.get("/organisations/") as response:
        assert response.status_code == 200
    (row,) = _rows(app, user_id)
    assert row.last_seen_at > long_ago + timedelta(hours=1)
    assert cache._writes == writes  # the note moved no version: kept results stand


def test_old_ended_sessions_are_removed_at_the_next_sign_in(app, client, sign_in, get_user):
    user_id = sign_in("staff")
    client.post("/sign-out")
    with app.app_context():
        past = utcnow() - accounts.SESSIONS_KEPT_FOR - timedelta(days=1)
        db.session.execute(sa.update(UserSession).values(ended_at=past, last_seen_at=past))
        db.session.commit()
    sign_in_client(client, get_user(user_id).email)
    (row,) = _rows(app, user_id)
    assert row.ended_at is None
