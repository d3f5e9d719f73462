"""The administrator's new-account form sent twice with the same token (a double click, a
browser retry): one account, one audit event, and the second answer leads to the account
(not to "an account with this email already exists")."""

from __future__ import annotations

import sqlalchemy as sa

from registry.auth.models import User
from registry.db import db
from tests.conftest import audit_actions, submit_twice

NEW = {
    "full_name": "นางสาวมาลี ส่งซ้ำ",
    "email": "malee.double@example.go.th",
    "role": "staff",
    "organisation_id": "",
    "password": "temporary-pass-2568",
}


def test_a_new_account_sent_twice_is_opened_once(app, client, sign_in):
    sign_in("admin")
    first, second = submit_twice(client, "/admin/users/new", NEW)
    with app.app_context():
        [user] = db.session.scalars(sa.select(User.id).where(User.email == NEW["email"])).all()
    assert first.status_code == second.status_code == 302
    # Both answers lead where a new account's first answer does: the list of accounts.
    assert first.headers["Location"] == second.headers["Location"] == "/admin/users"
    assert audit_actions(app, "users", user) == ["created"]
