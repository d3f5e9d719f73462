"""Thai first: Buddhist-Era dates, Thai times and digits, and the language switch."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from registry.i18n import be_year, format_date, format_time, thai_digits
from tests.conftest import read_version, sign_in_client


@pytest.mark.parametrize(
    ("style", "lang", "expected"),
    [
        ("long", "th", "17 สิงหาคม 2563"),
        ("short", "th", "17 ส.ค. 2563"),
        ("formal", "th", "วันที่ 17 สิงหาคม พ.ศ. 2563"),
        ("long", "en", "17 August 2020"),
        ("short", "en", "17 Aug 2020"),
    ],
)
def test_dates_in_thai_use_the_buddhist_era(app, style, lang, expected):
    with app.test_request_context():
        assert format_date(date(2020, 8, 17), style, lang, use_thai_digits=False) == expected


def test_thai_digits_when_asked():
    assert thai_digits("17 สิงหาคม 2563") == "๑๗ สิงหาคม ๒๕๖๓"
    assert format_date(date(2020, 8, 17), "long", "th", use_thai_digits=True) == "๑๗ สิงหาคม ๒๕๖๓"


def test_times_are_written_the_thai_way(app):
    with app.test_request_context():
        assert format_time(time(10, 0), "th", use_thai_digits=False) == "10.00 น."
        assert format_time(time(13, 30), "en") == "13:30"


def test_stored_utc_timestamps_show_in_bangkok_time(app):
    with app.test_request_context():
        late = datetime(2020, 8, 16, 20, 30)  # 03.30 next day in Bangkok
        assert format_date(late, "long", "th", use_thai_digits=False) == "17 สิงหาคม 2563"
        assert format_time(late, "th", use_thai_digits=False) == "03.30 น."


def test_be_year():
    assert be_year(2026) == 2569


def test_thai_is_the_default_and_english_is_one_click_away(client):
    body = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="th" class="no-js">' in body and "เข้าสู่ระบบ" in body
    response = client.post("/language", data={"locale": "en", "next": "/sign-in"})
    assert response.headers["Location"] == "/sign-in"
    body = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="en" class="no-js">' in body and "Sign in" in body


def test_an_unknown_language_is_ignored(client):
    client.post("/language", data={"locale": "xx"})
    assert '<html lang="th" class="no-js">' in client.get("/sign-in").get_data(as_text=True)


def test_the_language_choice_is_remembered_for_the_user(app, client, sign_in, get_user):
    user_id = sign_in("staff")
    client.post("/language", data={"locale": "en"})
    assert get_user(user_id).locale == "en"
    other_browser = sign_in_client(app.test_client(), get_user(user_id).email)
    assert '<html lang="en" class="no-js">' in other_browser.get("/").get_data(as_text=True)


def test_thai_numerals_setting_changes_dates_on_pages(client, sign_in):
    sign_in("admin")
    data = {"thai_numerals": "y"} | read_version(client, "/admin/settings/")
    assert client.post("/admin/settings/", data=data).status_code == 302
    body = client.get("/").get_data(as_text=True)
    assert "๒๕" in body  # the Buddhist-Era year in Thai digits
    client.post("/admin/settings/", data=read_version(client, "/admin/settings/"))
    assert "๒๕" not in client.get("/").get_data(as_text=True)


def test_a_language_chosen_before_sign_in_survives_sign_in_and_sign_out(
    client, make_user, get_user
):
    email = get_user(make_user("secretary")).email
    client.post("/language", data={"locale": "en"})
    sign_in_client(client, email)
    assert '<html lang="en" class="no-js">' in client.get("/").get_data(as_text=True)
    client.post("/sign-out")
    assert '<html lang="en" class="no-js">' in client.get("/sign-in").get_data(as_text=True)
