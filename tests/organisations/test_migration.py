"""Migration 0002 on a register that already holds organisations and accounts."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa

from registry.db import db


def test_the_profile_migration_keeps_existing_records_and_their_references(make_app):
    app = make_app()
    with app.app_context():
        flask_migrate.downgrade(revision="0001_foundation")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO organisations (id, name_th, kind, status, created_at, updated_at)"
                    " VALUES (7, ' สมาคม  ไทยไอโอที ', 'association', 'active',"
                    " '2026-01-01', '2026-01-01')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO users (email, full_name, role, organisation_id, active,"
                    " must_change_password, session_version, created_at, updated_at)"
                    " VALUES ('rep@example.go.th', 'ผู้แทน', 'representative', 7, true, false, 1,"
                    " '2026-01-01', '2026-01-01')"
                )
            )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            key = connection.execute(sa.text("SELECT name_key FROM organisations")).scalar()
            assert key == "สมาคม ไทยไอโอที"
            assert connection.execute(sa.text("SELECT organisation_id FROM users")).scalar() == 7
            if connection.dialect.name == "sqlite":  # enforcement is back on after the rebuild
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        flask_migrate.downgrade(revision="0001_foundation")
        flask_migrate.upgrade()
