"""A user changes their own password."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, sign_in_client


def _change(client, current=PASSWORD, new="a-new-password-2568", confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_change_password_keeps_this_session_and_ends_others(app, client, sign_in, get_user):
    user_id = sign_in("representative")
    email = get_user(user_id).email
    other = sign_in_client(app.test_client(), email)
    assert _change(client).status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    sign_in_client(app.test_client(), email, "a-new-password-2568")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"current": "wrong-password"}, "current_password"),
        ({"new": "short", "confirm": "short"}, "new_password"),
        ({"confirm": "something-else-2568"}, "confirm"),
        ({"new": PASSWORD}, "new_password"),
        ({"new": "aaaaaaaaaaaa"}, "new_password"),
    ],
)
def test_bad_new_password_is_refused_at_the_field(app, client, sign_in, get_user, kwargs, field):
    user_id = sign_in("staff")
    response = _change(client, **kwargs)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    sign_in_client(app.test_client(), get_user(user_id).email, PASSWORD)
