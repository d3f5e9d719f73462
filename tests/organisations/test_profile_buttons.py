"""The buttons of an organisation's page (deactivate, invite a contact) carry the request's
CSRF token, written once for every form, and the token the page wrote is accepted."""

from __future__ import annotations

import re

from registry.db import db
from registry.organisations.models import Organisation

_CSRF = re.compile(r'<input [^>]*name="csrf_token"[^>]*value="([^"]+)">')


def test_every_button_carries_the_one_csrf_token_and_the_page_s_token_is_accepted(
    app, client, sign_in, make_organisation, make_contact, monkeypatch
):
    organisation = make_organisation()
    make_contact(organisation, email="invite.me@example.or.th")
    sign_in("staff")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    page = client.get(f"/organisations/{organisation}").get_data(as_text=True)

    tokens = _CSRF.findall(page)
    assert f'action="/organisations/{organisation}/deactivate"' in page
    assert re.search(r'action="/organisations/contacts/\d+/invite"', page)
    # the two buttons' forms and the header's: one request's token
    assert len(tokens) >= 3 and len(set(tokens)) == 1
    with client.post(
        f"/organisations/{organisation}/deactivate", data={"csrf_token": tokens[0]}
    ) as response:
        assert response.status_code in (302, 303)
    with app.app_context():
        assert not db.session.get(Organisation, organisation).active


def test_a_deactivation_without_the_token_is_refused(
    app, client, sign_in, make_organisation, monkeypatch
):
    organisation = make_organisation()
    sign_in("staff")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with client.post(f"/organisations/{organisation}/deactivate", data={}) as response:
        assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Organisation, organisation).active
