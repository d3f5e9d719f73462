"""Registration numbers as offices write them, dots included ("ชบ.123/2565"): accepted by the
organisation form, the import and the API's filter; anything else (spaces, a leading dot,
other signs) refused with a clear Thai message at the field or cell, nothing saved, and a
400 naming the parameter from the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.auth.models import Role
from registry.db import db
from registry.formats import is_registration_number
from registry.organisations.models import Organisation
from tests.api.helpers import bearer, issue_token
from tests.organisations.test_import import GOOD_ROWS, csv_bytes, post_file, report_rows

from .test_profile import NEW

GOOD = ["ชบ.123/2565", "กท.1234/2560", "2560-0123/1", "REG.1", "๑๒๓/๒๕๖๕", "1234/2566."]
BAD = ["ชบ 123/2565", ".123/2565", "/123", "-123", "123_2565", "12#3", "ชบ.123\n", "ชบ,123"]


@pytest.mark.parametrize("number", GOOD)
def test_the_pattern_takes_numbers_with_dots(number):
    assert is_registration_number(number)


@pytest.mark.parametrize("number", BAD)
def test_the_pattern_refuses_spaces_leading_signs_and_other_characters(number):
    assert not is_registration_number(number)


def _numbers(app) -> dict[str, str | None]:
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(Organisation.name_th, Organisation.registration_number)
            ).all()
        )


def test_the_form_accepts_a_number_with_a_dot(app, client, sign_in):
    sign_in(Role.STAFF)
    with client.post("/organisations/new", data=NEW | {"registration_number": "ชบ.123/2565"}) as r:
        assert r.status_code == 302
    assert _numbers(app)[NEW["name_th"]] == "ชบ.123/2565"


@pytest.mark.parametrize("number", ["ชบ 123/2565", ".123/2565", "ชบ#123"])
def test_the_form_refuses_a_bad_number_at_the_field_in_thai(app, client, sign_in, number):
    sign_in(Role.STAFF)
    client.post("/language", data={"locale": "th"}).close()
    with client.post("/organisations/new", data=NEW | {"registration_number": number}) as r:
        assert r.status_code == 422
        page = r.get_data(as_text=True)
    error = page.split('id="registration_number-error">', 1)[1].split("</div>", 1)[0]
    assert "จุด (.)" in error and "ชบ.123/2565" in error
    assert NEW["name_th"] not in _numbers(app)


def test_the_import_takes_a_number_with_a_dot_and_refuses_a_bad_one(app, client, sign_in):
    sign_in(Role.STAFF)
    rows = [list(row) for row in GOOD_ROWS]
    rows[0][5] = "ชบ.123/2565"
    bad = [list(row) for row in rows]
    bad[0][5] = "ชบ 123/2565"
    response = post_file(client, csv_bytes(bad), "partners.csv")
    assert response.status_code == 422
    (problem,) = report_rows(response)
    assert problem[:3] == ["2", "F registration_number", "ชบ 123/2565"]
    assert "จุด (.)" in problem[3]
    assert _numbers(app) == {}
    response = post_file(client, csv_bytes(rows), "partners.csv")
    assert response.status_code == 302
    assert _numbers(app)[GOOD_ROWS[0][0]] == "ชบ.123/2565"


def test_the_api_finds_an_organisation_by_its_number_and_refuses_a_bad_one(
    app, client, make_user, make_organisation
):
    dotted = make_organisation(registration_number="ชบ.123/2565")
    latin = make_organisation(registration_number="REG.7/2560")
    make_organisation(registration_number="ชบ.1234/2565")
    headers = bearer(issue_token(app, make_user("staff")))

    def ids(number: str) -> list[int]:
        query = {"registration_number": number, "status": "all"}
        with client.get("/api/v1/organisations", query_string=query, headers=headers) as r:
            assert r.status_code == 200, r.get_json()
            return [item["id"] for item in r.get_json()["items"]]

    assert ids("ชบ.123/2565") == [dotted]
    assert ids("reg.7/2560") == [latin]
    assert ids("ชบ.9/2565") == []
    for bad in ("ชบ 123/2565", ".123"):
        query = {"registration_number": bad}
        with client.get("/api/v1/organisations", query_string=query, headers=headers) as r:
            assert r.status_code == 400
            assert "registration_number" in r.get_data(as_text=True)
    with client.get("/api/v1/openapi.json") as r:
        spec = r.get_json()
    params = {p["name"]: p for p in spec["paths"]["/organisations"]["get"]["parameters"]}
    assert params["registration_number"]["schema"]["maxLength"] == 30
    assert params["registration_number"]["schema"]["pattern"].startswith("^[0-9A-Za-z")
