"""Apps on fresh databases (SQLite, or PostgreSQL via TEST_DATABASE_URL) filled by
``python -m bench.seed`` at a tiny scale, shared by the tests of a module."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from bench import seed
from tests.conftest import _admin_execute, _server_url, build_app, dispose


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory) -> Iterator:
    """A factory of apps, each on a new, migrated, empty database (dropped afterwards)."""
    made: list[tuple] = []
    server = _server_url()

    def factory():
        url = None
        if server:
            name = f"registry_bench_{uuid.uuid4().hex[:10]}"
            _admin_execute(server, f'CREATE DATABASE "{name}"')
            url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
        application = build_app(tmp_path_factory.mktemp("bench"), url)
        made.append((application, url))
        return application

    yield factory
    for application, url in made:
        dispose(application)
        if url:
            name = sa.make_url(url).database
            _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_bench(app, *args: str):
    """Run ``python -m bench.seed`` with these arguments on ``app``'s database; the click
    result."""
    return CliRunner().invoke(seed.command, list(args), obj=app)
