"""The Flask extensions, created once and bound in create_app()."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .db import db


class Migrations:
    """Flask-Migrate, bound in create_app() like the other extensions, but loaded (with
    Alembic, some 10 MB a process) only when a ``flask db`` command or one of Flask-Migrate's
    functions first needs it: a server's workers never do."""

    def init_app(self, app: Flask, database, **options) -> None:
        """Register the ``flask db`` commands and ``app.extensions["migrate"]``, both loading
        Flask-Migrate on first use with ``options`` (its ``init_app``'s)."""

        def load():
            # Flask-Migrate's init_app puts its own configuration and commands in place of
            # these stand-ins.
            from flask_migrate import Migrate

            Migrate().init_app(app, database, **options)
            return app.extensions["migrate"]

        app.extensions["migrate"] = _PendingMigrate(load)
        app.cli.add_command(_MigrationCommands(load), name="db")


class _PendingMigrate:
    """``app.extensions["migrate"]`` until Flask-Migrate is loaded: any attribute asked for
    loads it and answers with its configuration's."""

    def __init__(self, load: Callable[[], object]):
        self._load = load

    def __getattr__(self, name: str):
        return getattr(self._load(), name)


class _MigrationCommands(click.Group):
    """``flask db ...``: listed like any command group; Flask-Migrate's own group takes over
    as soon as it runs or is asked for its commands."""

    def __init__(self, load: Callable[[], object]):
        super().__init__("db", help="Perform database migrations.")
        self._load = load

    def _group(self) -> click.Group:
        self._load()
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra):
        """Flask-Migrate's group parses the options and runs the command."""
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx) -> list[str]:
        """Flask-Migrate's commands."""
        return self._group().list_commands(ctx)

    def get_command(self, ctx, name: str):
        """One of Flask-Migrate's commands."""
        return self._group().get_command(ctx, name)


migrate = Migrations()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

__all__ = ["db", "migrate", "login_manager", "csrf", "babel"]
