"""Pages of results, refused parameters (400 naming the parameter), unknown addresses and
wrong methods, and errors: always JSON, never 500, and a fixed number of statements."""

from __future__ import annotations

from datetime import date, time
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from registry import audit
from registry.agreements.models import AgreementStatus
from registry.api import views
from registry.committees.models import Committee, CommitteeKind
from registry.db import db
from registry.meetings.models import Meeting
from registry.proposals.models import Proposal, ProposalKind
from tests.api.conftest import _agreement
from tests.api.helpers import bearer, issue_token


@pytest.fixture
def many(app, make_organisation):
    """Thirty more organisations (named so that they sort together)."""
    return [make_organisation(f"สมาคมหน้า {n:02d}") for n in range(30)]


def test_collections_are_paged_with_next_and_previous_links(api, many):
    status, first = api("staff", "/api/v1/organisations", q="สมาคมหน้า", per_page=20)
    assert status == 200
    assert (first["page"], first["per_page"], first["total"]) == (1, 20, 30)
    assert len(first["items"]) == 20 and first["previous"] is None
    link = urlsplit(first["next"])
    assert link.path == "/api/v1/organisations"
    assert parse_qs(link.query) == {"q": ["สมาคมหน้า"], "per_page": ["20"], "page": ["2"]}
    status, second = api("staff", "/api/v1/organisations", **parse_qs(link.query))
    assert len(second["items"]) == 10 and second["next"] is None
    assert parse_qs(urlsplit(second["previous"]).query)["page"] == ["1"]
    names = [o["name_th"] for o in first["items"] + second["items"]]
    assert names == sorted(names) and len(set(names)) == 30
    status, beyond = api("staff", "/api/v1/organisations", q="สมาคมหน้า", page=9)
    assert (status, beyond["items"], beyond["next"]) == (200, [], None)


BAD = [
    ("/api/v1/organisations", {"kind": "club"}, "kind"),
    ("/api/v1/organisations", {"status": "ACTIVE"}, "status"),
    ("/api/v1/organisations", {"province": "99"}, "province"),
    ("/api/v1/organisations", {"q": "ก" * 101}, "q"),
    ("/api/v1/organisations", {"q": "ab\x00c"}, "q"),
    ("/api/v1/proposals", {"q": "\x1b[31m"}, "q"),
    ("/api/v1/organisations", {"colour": "red"}, "colour"),
    ("/api/v1/organisations", {"page": "two"}, "page"),
    ("/api/v1/organisations", {"page": "0"}, "page"),
    ("/api/v1/organisations", {"page": "-1"}, "page"),
    ("/api/v1/organisations", {"page": "1e3"}, "page"),
    ("/api/v1/organisations", {"page": "๒"}, "page"),
    ("/api/v1/organisations", {"page": "99999999999999999999"}, "page"),
    ("/api/v1/organisations", {"per_page": "101"}, "per_page"),
    ("/api/v1/organisations", {"per_page": "0"}, "per_page"),
    ("/api/v1/organisations", {"kind": ["association", "company"]}, "kind"),
    ("/api/v1/agreements", {"status": "lost"}, "status"),
    ("/api/v1/agreements", {"kind": "mou"}, "kind"),
    ("/api/v1/agreements", {"organisation": "AIAT"}, "organisation"),
    ("/api/v1/agreements", {"expiring_before": "2569-02-30"}, "expiring_before"),
    ("/api/v1/agreements", {"expiring_before": "21/11/2026"}, "expiring_before"),
    ("/api/v1/agreements", {"partner": "1"}, "partner"),
    ("/api/v1/committees", {"kind": "board"}, "kind"),
    ("/api/v1/meetings", {"committee": "x"}, "committee"),
    ("/api/v1/meetings", {"status": "held!"}, "status"),
    ("/api/v1/meetings", {"from": "2026-13-01"}, "from"),
    ("/api/v1/meetings", {"to": "20261101"}, "to"),
    ("/api/v1/proposals", {"status": "closed"}, "status"),
    ("/api/v1/proposals", {"kind": "idea"}, "kind"),
    ("/api/v1/proposals", {"category": "ai"}, "category"),
    ("/api/v1/proposals", {"organisation": "3.5"}, "organisation"),
    ("/api/v1/proposals", {"endorsed_by": "-2"}, "endorsed_by"),
    ("/api/v1/proposals", {"sort": "random"}, "sort"),
    ("/api/v1/proposals/1", {"full": "1"}, "full"),
]


@pytest.mark.parametrize(("url", "params", "name"), BAD)
def test_a_bad_parameter_is_400_naming_it(api, url, params, name):
    status, body = api("admin", url, **params)
    assert status == 400
    assert body["error"]["code"] == "bad_request"
    assert body["error"]["parameter"] == name
    assert name in body["error"]["message"]


def test_operators_and_quotes_in_a_search_are_just_text(api, world):
    for text in ['"', "' OR 1=1 --", "%_", 'NEAR("a" "b")', "*", "a AND b"]:
        for url in ("/api/v1/organisations", "/api/v1/proposals", "/api/v1/agreements"):
            status, body = api("staff", url, q=text)
            assert (status, body["items"]) == (200, [])


def test_a_blank_search_means_no_search_but_an_empty_filter_is_refused(api, world):
    status, body = api("staff", "/api/v1/proposals", q="  ")
    assert status == 200 and len(body["items"]) >= 2
    status, body = api("staff", "/api/v1/proposals", status="", q="  ")
    assert (status, body["error"]["parameter"]) == (400, "status")


def test_an_unknown_address_under_the_api_is_404_in_json(client):
    for url in (
        "/api/v1/",
        "/api/v1/people",
        "/api/v1/organisations/abc",
        "/api/v1/organisations/0",
        "/api/v1/organisations/1/contacts",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
            assert response.get_json()["error"]["code"] == "not_found"
            assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_is_405_in_json(client, app, make_user, method):
    secret = issue_token(app, make_user("admin"))
    with client.open("/api/v1/organisations", method=method, headers=bearer(secret)) as response:
        assert response.status_code == 405
        assert response.get_json()["error"]["code"] == "method_not_allowed"
        assert "GET" in response.headers["Allow"]


def test_an_unexpected_failure_is_500_in_json_not_a_page(client, app, make_user, monkeypatch):
    secret = issue_token(app, make_user("admin"))

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(views.queries, "organisations", broken)
    with client.get("/api/v1/organisations", headers=bearer(secret)) as response:
        assert response.status_code == 500
        assert response.get_json()["error"]["code"] == "server_error"
        assert "boom" not in response.get_data(as_text=True)


def test_a_busy_database_is_503_in_json(client, app, make_user, monkeypatch):
    secret = issue_token(app, make_user("admin"))

    def locked(*_args):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(views.queries, "organisations", locked)
    with client.get("/api/v1/organisations", headers=bearer(secret)) as response:
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "unavailable"


def test_other_pages_keep_their_html_error_pages(client):
    with client.get("/no-such-page") as response:
        assert response.status_code == 404
        assert response.mimetype == "text/html"


LISTS = [
    "/api/v1/organisations",
    "/api/v1/agreements",
    "/api/v1/committees",
    "/api/v1/meetings",
    "/api/v1/proposals",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_page_costs_the_same_statements_whatever_its_size(
    app, client, make_user, world, many, statements, url
):
    """Two full pages of different sizes send the same statements (no query per row)."""
    with app.app_context():
        for n in range(6):
            _agreement(100 + n, AgreementStatus.SIGNED, [world.dga, world.b])
            committee = Committee(
                kind=CommitteeKind.JOINT, name_th=f"คณะเพิ่ม {n}", established_on=date(2024, 1, 1)
            )
            db.session.add(committee)
            db.session.flush()
            db.session.add(
                Meeting(
                    committee_id=committee.id,
                    year_be=2569,
                    number=1,
                    held_on=date(2026, 1, 1 + n),
                    starts_at=time(9),
                )
            )
            db.session.add(
                Proposal(
                    kind=ProposalKind.RECOMMENDATION,
                    title=f"เพิ่ม {n}",
                    summary="ย่อ",
                    organisation_id=world.b,
                    category_id=world.category,
                )
            )
        audit.record_event(None, "created (test)", record_type="agreements")
        db.session.commit()
    secret = issue_token(app, make_user("staff"))
    counts = {}
    for size in (2, 5):
        client.get(url, query_string={"per_page": size}, headers=bearer(secret)).close()
        with (
            statements() as seen,
            client.get(url, query_string={"per_page": size}, headers=bearer(secret)) as response,
        ):
            assert response.status_code == 200
            assert len(response.get_json()["items"]) == size
        counts[size] = len(seen)
    assert counts[2] == counts[5]
    assert counts[2] <= 6
