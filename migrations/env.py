"""Alembic environment: the schema changes only through these migrations."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from registry.db import include_object

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def run_migrations_offline():
    """Write the SQL for the migrations without a database connection."""
    context.configure(
        url=db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Apply the migrations to the configured database."""

    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty)
    options["compare_type"] = True
    options["include_object"] = include_object
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, target_metadata=target_metadata, **options)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                # Each migration has committed its own work; what is left open only read.
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)
        if sqlite:
            _check_foreign_keys(connection)


def _sqlite_foreign_keys(connection, on: bool):
    """Turn SQLite's foreign-key enforcement on or off for this connection.

    A batch migration rebuilds a table (copy, drop, rename), and dropping a table
    that other rows refer to fails while enforcement is on. SQLite ignores this
    PRAGMA inside a transaction, so it goes straight to the driver, outside one.
    """
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection):
    """Fail loudly when the migrations left a reference to a missing row."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    connection.rollback()
    if broken:
        raise RuntimeError(f"the migrations left broken foreign keys: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
