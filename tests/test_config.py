"""Configuration from the environment, and the embedded SQLite defaults."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.config import ConfigurationError, database_url
from registry.db import db
from tests.conftest import build_app, dispose, run_in_fresh_interpreter


def test_production_refuses_the_development_secret_key(monkeypatch):
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://registry.example.go.th")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["AUDIT_STRICT"] is False
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url_is_normalised_for_psycopg3(tmp_path, given, expected):
    assert database_url(given, tmp_path) == expected


def test_default_database_is_sqlite_under_instance(tmp_path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'registry.sqlite3'}"


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    with app.app_context():
        db.engine.dispose()


def test_foreign_keys_are_enforced(app, db_session):
    with app.app_context():
        from registry.auth.models import User

        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.insert(User).values(
                    email="fk@example.go.th",
                    full_name="x",
                    role="representative",
                    organisation_id=987654,
                    active=True,
                    must_change_password=False,
                    session_version=1,
                    created_at=sa.func.current_timestamp(),
                    updated_at=sa.func.current_timestamp(),
                )
            )
        db.session.rollback()


def test_the_models_are_linked_when_the_app_is_built_not_at_its_first_request(tmp_path):
    """A fresh process (a server worker) has every mapping configured once create_app
    returns, so its first request does not pay for it."""
    script = (
        "import sqlalchemy as sa\n"
        "from registry import create_app\n"
        "from registry.db import db\n"
        "create_app()\n"
        "mappers = list(db.Model.registry.mappers)\n"
        "assert len(mappers) > 20, len(mappers)\n"
        "assert all(m.configured for m in mappers), [m for m in mappers if not m.configured]\n"
    )
    run_in_fresh_interpreter(script, tmp_path)


def _compiled_for_sign_in(app, monkeypatch) -> list[str]:
    """The templates the app compiles to answer the sign-in page."""
    compiled: list[str] = []
    original = app.jinja_env.compile

    def compile_(source, name=None, *args, **kwargs):
        compiled.append(name)
        return original(source, name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "compile", compile_)
    with app.test_client().get("/sign-in") as response:
        assert response.status_code == 200
    return compiled


def test_a_new_app_loads_the_templates_an_earlier_one_compiled(tmp_path, monkeypatch):
    """A new server worker finds the page templates compiled already (TEMPLATE_CACHE_DIR)."""
    folder = tmp_path / "compiled"
    apps = [build_app(tmp_path / name, TEMPLATE_CACHE_DIR=str(folder)) for name in "ab"]
    apps.append(build_app(tmp_path / "c", TEMPLATE_CACHE_DIR=""))
    try:
        assert "auth/sign_in.html" in _compiled_for_sign_in(apps[0], monkeypatch)
        assert any(folder.iterdir())
        assert _compiled_for_sign_in(apps[1], monkeypatch) == []
        assert "auth/sign_in.html" in _compiled_for_sign_in(apps[2], monkeypatch)  # none kept
    finally:
        for app in apps:
            dispose(app)


def test_a_template_folder_that_cannot_be_made_leaves_templates_in_memory(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = build_app(tmp_path / "app", TEMPLATE_CACHE_DIR=str(blocker / "templates"))
    try:
        assert app.jinja_env.bytecode_cache is None
        assert "compiled templates are not kept" in caplog.text
        with app.test_client().get("/sign-in") as response:
            assert response.status_code == 200
    finally:
        dispose(app)
