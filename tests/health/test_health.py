"""The bare endpoint ``GET /health`` and the ``X-SQL-Statements`` header of the load bench."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.config import load
from registry.db import db
from registry.health.statements import HEADER
from tests.conftest import (
    _base_overrides,
    add_account,
    close_server_connections,
    dispose,
    sign_in_client,
)


def test_health_answers_200_with_a_tiny_page(client):
    with client.get("/health") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        body = response.get_data(as_text=True)
    assert "ทะเบียนและฐานข้อมูลทำงานตามปกติ" in body
    assert "<nav" not in body  # not the full layout: the bare endpoint stays bare


def test_health_needs_no_sign_in_and_no_csrf_token(client):
    with client.get("/health", headers={"Accept-Language": "en"}) as response:
        assert response.status_code == 200
        assert "/sign-in" not in response.headers.get("Location", "")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder-for-health-test/registry.sqlite3",
        "postgresql+psycopg://nobody@127.0.0.1:1/nowhere?connect_timeout=2",
    ],
    ids=["sqlite-unopenable", "postgresql-refused"],
)
def test_health_answers_503_not_500_when_the_database_is_unreachable(tmp_path, url):
    app = create_app(_base_overrides(tmp_path) | {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.test_client().get("/health") as response:
            assert response.status_code == 503
            assert response.headers["Cache-Control"] == "no-store"
            body = response.get_data(as_text=True)
        assert "ฐานข้อมูลไม่ตอบสนอง" in body
        assert "Traceback" not in body
    finally:
        dispose(app)


def test_health_recovers_once_the_database_answers_again(make_app, monkeypatch):
    app = make_app()
    client = app.test_client()
    real_execute = db.session.execute

    def broken(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        with client.get("/health") as response:
            assert response.status_code == 503
        monkeypatch.setattr(db.session, "execute", real_execute)
    with client.get("/health") as response:
        assert response.status_code == 200


def test_sql_count_header_is_off_by_default(client):
    with client.get("/health") as response:
        assert HEADER not in response.headers


def test_sql_count_header_flag_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("SQL_COUNT_HEADER", raising=False)
    assert load(tmp_path)["SQL_COUNT_HEADER"] is False
    monkeypatch.setenv("SQL_COUNT_HEADER", "1")
    assert load(tmp_path)["SQL_COUNT_HEADER"] is True
    monkeypatch.setenv("SQL_COUNT_HEADER", "0")
    assert load(tmp_path)["SQL_COUNT_HEADER"] is False


def test_sql_count_header_counts_each_request_on_its_own(make_app):
    app = make_app(SQL_COUNT_HEADER=True)
    client = app.test_client()
    for _ in range(3):  # per request: the count does not add up across requests
        with client.get("/health") as response:
            assert response.status_code == 200
            assert response.headers[HEADER] == "1"  # SELECT 1, nothing else


def test_sql_count_header_matches_the_statements_sent(make_app):
    app = make_app(SQL_COUNT_HEADER=True)
    add_account(app, "count@example.go.th")
    with app.app_context():
        engine = db.engine
    client = sign_in_client(app.test_client(), "count@example.go.th")
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with client.get("/organisations/") as response:
            assert response.status_code == 200
            counted = int(response.headers[HEADER])
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    sent = [s for s in seen if s != "BEGIN"]
    assert counted == len(sent)
    assert counted >= 2  # the signed-in user, then the list itself


@pytest.mark.postgresql
def test_connections_the_database_server_closed_are_replaced_before_a_request_uses_them(
    make_app, statements
):
    """A restart of PostgreSQL closes every connection the pool keeps. The pool must notice
    before a request uses one, without a round trip of its own: the next requests are
    served, not answered with the "database unavailable" page."""
    app = make_app()
    client = app.test_client()
    with client.get("/health") as response:
        assert response.status_code == 200
    # the connection the first request used, idle in the pool
    assert close_server_connections(app) >= 1
    for _request in range(3):
        with statements() as seen, client.get("/health") as response:
            assert response.status_code == 200
        assert seen == ["SELECT 1"]  # no SELECT of its own to test the connection
