"""Shared fixtures: the app on a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
per-test rollback, clients signed in as each role, and record factories.

Requests made with the test client run in their own application context, as in
production; tests that call services directly open one with ``app.app_context()``.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from registry import cache, create_app
from registry.auth import services as accounts
from registry.auth.models import Role, User
from registry.db import db
from registry.organisations.models import Contact, Organisation, OrganisationKind, PdpaBasis
from tests.forms import page_form

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def _base_overrides(folder: Path) -> dict:
    return {
        "TESTING": True,
        "REGISTRY_ENV": "testing",
        "SECRET_KEY": "tests-" + uuid.uuid4().hex,
        "PASSWORD_HASH_FAST": True,
        "WTF_CSRF_ENABLED": False,
        "MAIL_FOLDER": str(folder / "mail"),
        "STORAGE_DIR": str(folder / "files"),
        "BACKUP_DIR": str(folder / "backups"),
        "TEMPLATE_CACHE_DIR": str(folder / "compiled-templates"),
        # Printed and mailed links lead here (the test client's own host).
        "PUBLIC_BASE_URL": "http://localhost",
    }


def _server_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``postgresql`` check what only PostgreSQL does (a server that closes its
    connections, say): the PostgreSQL pass of ``make test`` runs them; a run on SQLite
    leaves them out (deselected and counted as such, not skipped). Tests marked ``sqlite``
    (SQLite's write lock, say) likewise run on the SQLite pass only."""
    other = "sqlite" if (_server_url() or "").startswith("postgresql") else "postgresql"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    left_out = [item for item in items if item.get_closest_marker(other) is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def build_app(folder: Path, database_url: str | None = None, **overrides) -> Flask:
    """A new app on its own database, with the schema built by the migrations."""
    folder.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{folder / 'registry.sqlite3'}"
    if url.startswith("postgresql"):
        _reset_postgres(url)
    app = create_app(_base_overrides(folder) | {"SQLALCHEMY_DATABASE_URI": url} | overrides)
    with app.app_context():
        flask_migrate.upgrade()
    return app


def run_in_fresh_interpreter(script: str, folder: Path) -> subprocess.CompletedProcess:
    """Run ``script`` in a new Python process, as a server worker starts: in the project
    folder, on a SQLite database of its own under ``folder``. Fails the test when the
    script fails; the finished process, for its output."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'fresh.sqlite3'}",
        "REGISTRY_ENV": "development",
    }
    finished = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[1],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return finished


def dispose(app: Flask) -> None:
    """Close every pooled connection of an app."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    """The application on the suite's database."""
    application = build_app(tmp_path_factory.mktemp("app"), _server_url())
    yield application
    dispose(application)


@pytest.fixture
def make_app(tmp_path) -> Iterator:
    """Build extra apps, each on a fresh database of the same engine as the suite's."""
    made: list[tuple[Flask, str | None]] = []
    admin_url = _server_url()

    def factory(**overrides) -> Flask:
        url = None
        if admin_url:
            name = f"registry_extra_{uuid.uuid4().hex[:10]}"
            _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
            url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        application = build_app(tmp_path / f"app{len(made)}", url, **overrides)
        made.append((application, url))
        return application

    yield factory
    for application, url in made:
        dispose(application)
        if url:
            name = sa.make_url(url).database
            _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin_execute(url: str, statement: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture
def db_session(app) -> Iterator[None]:
    """Run the test inside one outer transaction that is rolled back at the end.

    Every session (the test's and each request's) joins that transaction through
    savepoints, so commits inside the application work and nothing outlives the test.
    """
    engines = db._app_engines[app]
    engine = engines[None]
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection
    cache.forget(app)  # results kept for another test's data
    try:
        with app.app_context():
            db.session.configure(join_transaction_mode="create_savepoint")
        yield
    finally:
        with app.app_context():
            db.session.remove()
        engines[None] = engine
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, db_session):
    """A browser-like client with no one signed in."""
    return app.test_client()


@pytest.fixture
def runner(app, db_session):
    """The command-line runner."""
    return app.test_cli_runner()


@pytest.fixture
def make_organisation(app, db_session):
    """Create an organisation; returns its id."""

    def factory(name_th: str | None = None, **fields) -> int:
        n = next(_counter)
        with app.app_context():
            organisation = Organisation(
                name_th=name_th or f"สมาคมทดสอบ {n}",
                name_en=fields.pop("name_en", f"Test Association {n}"),
                acronym=fields.pop("acronym", f"T{n}"),
                kind=fields.pop("kind", OrganisationKind.ASSOCIATION),
                **fields,
            )
            db.session.add(organisation)
            from registry import audit

            audit.record_event(None, "created (test)", record_type="organisations")
            db.session.commit()
            return organisation.id

    return factory


@pytest.fixture
def make_contact(app, db_session, make_organisation):
    """Create a contact (at a new organisation unless one is given); returns its id."""

    def factory(organisation_id: int | None = None, **fields) -> int:
        n = next(_counter)
        organisation_id = organisation_id or make_organisation()
        with app.app_context():
            contact = Contact(
                organisation_id=organisation_id,
                title=fields.pop("title", "นางสาว"),
                first_name=fields.pop("first_name", f"ทดสอบ{n}"),
                last_name=fields.pop("last_name", "ใจดี"),
                email=fields.pop("email", f"contact{n}@example.or.th"),
                pdpa_basis=fields.pop("pdpa_basis", PdpaBasis.LEGITIMATE_INTEREST),
                **fields,
            )
            from registry import audit

            with audit.change(contact, None, "created (test)"):
                pass
            db.session.commit()
            return contact.id

    return factory


@pytest.fixture
def make_user(app, db_session, make_organisation):
    """Create an account; returns its id. Representatives get an organisation."""

    def factory(role: Role | str = Role.STAFF, email: str | None = None, **fields) -> int:
        role = Role(role)
        n = next(_counter)
        organisation_id = fields.pop("organisation_id", None)
        if role is Role.REPRESENTATIVE and organisation_id is None:
            organisation_id = make_organisation()
        with app.app_context():
            user = accounts.create_user(
                email=email or f"{role.value}{n}@example.go.th",
                full_name=fields.pop("full_name", f"ผู้ใช้ทดสอบ {n}"),
                role=role,
                password=fields.pop("password", PASSWORD),
                organisation_id=organisation_id,
                must_change_password=fields.pop("must_change_password", False),
                actor=None,
            )
            return user.id

    return factory


def add_account(app: Flask, email: str, role: Role = Role.STAFF) -> None:
    """An account on ``app`` (one ``make_app`` built, say), with the suite's password."""
    with app.app_context():
        accounts.create_user(
            email=email,
            full_name="ผู้ทดสอบ",
            role=role,
            password=PASSWORD,
            actor=None,
            must_change_password=False,
        )


def close_server_connections(app: Flask) -> int:
    """PostgreSQL: have the server close every connection to the app's database, as a
    restart does, and wait until those server processes have gone (a termination is only
    asked for: the process says goodbye to its client a moment later); how many it closed."""
    with app.app_context():
        url = db.engine.url
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        pids = connection.execute(
            sa.text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        pids = list(pids)
        closed = connection.execute(
            sa.text("SELECT count(pg_terminate_backend(pid)) FROM unnest(:pids) AS pid"),
            {"pids": pids},
        ).scalar_one()
        deadline = time.monotonic() + 10
        left = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")
        while pids and connection.execute(left, {"pids": pids}).scalar_one():
            if time.monotonic() > deadline:
                raise AssertionError("the server did not close the connections in 10 s")
            time.sleep(0.02)
    admin.dispose()
    return closed


def sign_in_client(client, email: str, password: str = PASSWORD):
    """Sign a client in through the real sign-in form."""
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


#: The one-time token of a create form, as a page shows it (``registry.submissions``).
_FORM_TOKEN = re.compile(r'name="submission" type="hidden" value="([A-Za-z0-9_-]+)"')


def form_token(client, url: str) -> str:
    """The one-time token of the (first) create form on the page at ``url``."""
    with client.get(url) as response:
        assert response.status_code == 200, response.status_code
        found = _FORM_TOKEN.search(response.get_data(as_text=True))
    assert found, f"no form token on {url}"
    return found.group(1)


def form_tokens(html: str) -> list[str]:
    """Every create form token in a page's HTML, in order."""
    return _FORM_TOKEN.findall(html)


def submit_twice(client, url: str, data, form_url: str | None = None):
    """Send a create form twice with the one token its page (``form_url``, else ``url``)
    gave, as a double click does: the two answers. ``data`` is the form's fields, or a
    function that makes them (for files, which a post reads once)."""
    token = form_token(client, form_url or url)
    answers = []
    for _attempt in range(2):
        fields = data() if callable(data) else dict(data)
        with client.post(url, data=fields | {"submission": token}) as response:
            answers.append(response)
    return tuple(answers)


def audit_actions(app: Flask, record_type: str, record_id: int | None = None) -> list[str]:
    """The actions of the audit events of a record (or of a record type), oldest first."""
    from registry.audit.models import AuditEvent

    query = sa.select(AuditEvent.action).where(AuditEvent.record_type == record_type)
    if record_id is not None:
        query = query.where(AuditEvent.record_id == record_id)
    with app.app_context():
        return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def sign_in(app, client, make_user):
    """Sign the client in as a new user of the given role; returns that user's id."""

    def do(role: Role | str = Role.STAFF, **fields) -> int:
        user_id = make_user(role, **fields)
        with app.app_context():
            email = db.session.get(User, user_id).email
        sign_in_client(client, email)
        return user_id

    return do


@pytest.fixture
def fetch(app):
    """Read any record afresh from the database, detached so it can be inspected freely."""

    def read(model, record_id: int):
        with app.app_context():
            record = db.session.get(model, record_id)
            db.session.expunge(record)
            return record

    return read


@pytest.fixture
def get_user(fetch):
    """Read an account afresh from the database."""
    return lambda user_id: fetch(User, user_id)


@pytest.fixture
def statements():
    """Count the SQL statements sent while the block runs: ``with statements() as seen:``
    gives the list of statements, filled as they are sent."""

    @contextmanager
    def counting():
        seen: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            seen.append(statement)

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)

    return counting


# --- forms as a browser sends them ---------------------------------------------------------


def form_fields(client, url: str, having: str = "lock_version") -> dict:
    """Open ``url`` (GET) and read its form as a browser would send it back: the form's
    values (the hidden version an edit form was read at included), to change and post."""
    with client.get(url) as response:
        assert response.status_code == 200, response.status_code
        return page_form(response.get_data(as_text=True), having)


def read_version(client, url: str) -> dict:
    """Open an edit form (GET) and give the version it carries, as {"lock_version": ...}:
    what a browser sends back with the fields a test posts."""
    return {"lock_version": form_fields(client, url)["lock_version"]}


#: Versions a browser never sends back for an edit form it was given: missing, empty,
#: garbled, or one no save ever gave.
BAD_VERSIONS = [None, "", "abc", "-1", "0", "1.5", "๑", "99999"]


def with_version(form: dict, version: str | None) -> dict:
    """The form's fields with its version replaced (``None``: left out)."""
    sent = {name: value for name, value in form.items() if name != "lock_version"}
    return sent if version is None else sent | {"lock_version": version}


def assert_refused_as_outdated(
    response, *, who: str | None, shows: dict, kept: dict, having: str = "lock_version"
) -> dict:
    """A save refused because its form was outdated: 409; the conflict panel says who saved
    meanwhile and shows each changed field (label: new value, from ``shows``); what the user
    typed (``kept``) is still in the form. The form as the page gives it back, carrying the
    record's version as it is now: posting it saves knowingly."""
    assert response.status_code == 409, response.status_code
    html = response.get_data(as_text=True)
    start = html.index('id="conflict"')
    panel = html[start : html.index("</div>", start)]
    assert (
        "มีผู้แก้ไขระเบียนนี้ระหว่างที่ท่านเปิดแบบฟอร์มอยู่" in panel
        or "Someone changed this record while you had it open" in panel
    ), panel
    if who is not None:
        assert who in panel, panel
    for label, value in shows.items():
        assert f">{label}</dt>" in panel, (label, panel)
        assert f"<strong>{value}</strong>" in panel, (value, panel)
    form = page_form(html, having)
    for name, value in kept.items():
        assert form.get(name) == value, (name, form.get(name), value)
    return form
