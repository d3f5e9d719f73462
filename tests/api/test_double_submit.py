"""The form that issues an API token sent twice with the same token (a double click, a
browser retry): one API token, one audit event; the second answer cannot show the secret
again, so it says where the token is and what to do if the secret was not copied."""

from __future__ import annotations

import sqlalchemy as sa

from registry.api.models import ApiToken
from registry.db import db
from tests.conftest import audit_actions, submit_twice


def test_a_token_form_sent_twice_issues_one_token(app, client, sign_in, make_user):
    sign_in("admin")
    staff = make_user("staff")
    data = {"user_id": str(staff), "name": "ระบบ GDX", "expires_on": ""}
    first, second = submit_twice(client, "/admin/api-tokens/new", data)
    with app.app_context():
        [token] = db.session.scalars(sa.select(ApiToken.id)).all()
    assert first.status_code == 200  # the answer that shows the secret, once
    assert second.status_code == 302
    assert second.headers["Location"] == "/admin/api-tokens/"
    assert audit_actions(app, "api_tokens", token) == ["issued API token"]
    with client.get(second.headers["Location"]) as listing:
        page = listing.get_data(as_text=True)
    assert "revoke the token and issue a new one" in page
