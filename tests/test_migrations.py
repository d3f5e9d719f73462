"""The schema exists only through migrations, and they match the models exactly."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry.db import db, include_object


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(make_app):
    app = make_app()
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        assert "users" not in sa.inspect(db.engine).get_table_names()
        flask_migrate.upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()
