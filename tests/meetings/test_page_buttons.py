"""The meeting page's buttons: each carries the hidden fields of its form (the request's CSRF
token; a button that mails or issues, its own one-time token), though the forms are made
only when a button is shown."""

from __future__ import annotations

import re
from datetime import timedelta

from registry.auth.models import Role
from registry.meetings import services

_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]*)"')
_FORM = re.compile(r'<form[^>]*method="post"')
_TOKEN = re.compile(r'<input id="submission" name="submission" type="hidden" value="([^"]*)">')


def test_a_scheduled_meetings_buttons_carry_the_csrf_token_and_their_own_tokens(
    app, client, sign_in, board, schedule, monkeypatch
):
    sign_in(Role.STAFF)
    meeting = schedule(board().committee, services.today() + timedelta(days=14))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    page = client.get(f"/meetings/{meeting}").get_data(as_text=True)

    csrf = _CSRF.findall(page)
    tokens = _TOKEN.findall(page)
    assert len(csrf) == len(_FORM.findall(page)) > 1  # in every form
    assert len(set(csrf)) == 1 and csrf[0]  # one request, one CSRF token
    assert len(tokens) == 2 and tokens[0] != tokens[1]  # the invitations and the letter
    assert f'action="/meetings/{meeting}/invitations"' in page


def test_a_page_without_buttons_shows_no_form_tokens(
    app, client, sign_in, board, schedule, hold, monkeypatch
):
    sign_in(Role.STAFF)
    seats = board()
    meeting = schedule(seats.committee)
    hold(meeting, seats.seats, drafted=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    page = client.get(f"/meetings/{meeting}").get_data(as_text=True)

    assert not _TOKEN.findall(page)
    assert len(_CSRF.findall(page)) == len(_FORM.findall(page))
