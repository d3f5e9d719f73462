"""DGTi Partner Registry: the application factory."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cache, dates, errors, i18n, security, transactions
from . import config as config_module
from .config import PROJECT_ROOT
from .db import configure_sqlite, drop_closed_connections
from .extensions import babel, csrf, db, login_manager, migrate
from .settings.services import get_setting

#: The admin setting that asks for Thai digits.
THAI_DIGITS = "thai_numerals"


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application from the environment, plus explicit overrides (tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=False,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(config_module.load(Path(app.instance_path), overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.session_interface = security.SessionInterface()
    security.init_app(app)  # a Host outside TRUSTED_HOSTS is refused before anything else
    app.url_map.converters["int"] = security.RecordIdConverter

    _init_database(app)
    cache.init_app(app)
    app.extensions[i18n.THAI_NUMERALS] = _thai_numerals
    _init_sign_in(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    dates.init_app(app)
    _init_access(app)  # before CSRF, so a refused request is refused, not asked for a token
    csrf.init_app(app)
    _register_blueprints(app)
    transactions.init_app(app)  # once every view is registered
    errors.init_app(app)
    app.after_request(security.add_security_headers)
    _init_templates(app)

    from . import cli

    cli.init_app(app)
    # Link the models to each other now, once per process, rather than in the first
    # request a server worker answers; a mistake in a mapping stops the start.
    sa.orm.configure_mappers()
    return app


def _thai_numerals() -> bool:
    """The admin's Thai-digits setting, kept until the next write (i18n asks it per request)."""
    return bool(cache.remembered("setting", ("thai_numerals",), lambda: get_setting(THAI_DIGITS)))


def _init_database(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    app.teardown_appcontext(_end_session)  # runs before Flask-SQLAlchemy's own teardown
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(
                engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], transactions.begins_writing
            )
        elif engine.dialect.name == "postgresql":
            drop_closed_connections(engine)
        from .health import statements

        statements.init_app(app, engine)


def _end_session(_error: BaseException | None = None) -> None:
    """End the request's database session. When the ROLLBACK that ends it fails because the
    database went away (a restart), the answer is already made: log it and let the answer
    through rather than a 500 (the pool has dropped the broken connection)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.remove()
    except SQLAlchemyError as error:
        db.session.registry.clear()
        current_app.logger.warning("database session not ended cleanly: %s", error)


def _init_sign_in(app: Flask) -> None:
    from .auth import services as accounts
    from .auth.views import open_session_key

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to open that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str):
        user_id, _, version = identity.partition(":")
        key = open_session_key()  # the server-side session: ended by signing out
        if not user_id.isdigit() or not version.isdigit() or key is None:
            return None
        user = accounts.signed_in_user(int(user_id), key)
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user


#: What a user given a temporary password may open before choosing a new one.
_OPEN_BEFORE_NEW_PASSWORD = frozenset(
    {"auth.change_password", "auth.sign_out", "home.set_language", "static"}
)


def _init_access(app: Flask) -> None:
    from flask import redirect, url_for
    from flask_login import current_user

    from .auth.permissions import enforce

    app.before_request(enforce)

    @app.before_request
    def require_new_password():
        """A user given a temporary password chooses a new one before anything else."""
        user = current_user._get_current_object()
        if (
            user.is_authenticated
            and user.must_change_password
            and request.endpoint not in _OPEN_BEFORE_NEW_PASSWORD
        ):
            return redirect(url_for("auth.change_password"))
        return None


def _register_blueprints(app: Flask) -> None:
    from .agreements.views import bp as agreements_bp
    from .api.views import admin_bp as api_tokens_bp
    from .api.views import bp as api_bp
    from .auditlog.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .committees.views import bp as committees_bp
    from .documents.views import bp as documents_bp
    from .health.views import bp as health_bp
    from .home.views import bp as home_bp
    from .letters.views import bp as letters_bp
    from .meetings.views import bp as meetings_bp
    from .opendata.views import bp as opendata_bp
    from .organisations.views import bp as organisations_bp
    from .proposals.views import bp as proposals_bp
    from .search.views import bp as search_bp
    from .settings.views import bp as settings_bp

    for blueprint in (home_bp, auth_bp, audit_bp, settings_bp, organisations_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(documents_bp)
    app.register_blueprint(agreements_bp)
    app.register_blueprint(committees_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(health_bp)


def _init_templates(app: Flask) -> None:
    from .auth.labels import ROLE_LABELS
    from .navigation import address_book, frame_parts, visible_items

    app.jinja_env.globals.update(
        nav_items=visible_items,
        fixed_url=address_book(app),
        frame_part=frame_parts(app),
        ROLE_LABELS=ROLE_LABELS,
    )
    _keep_compiled_templates(app)


def _keep_compiled_templates(app: Flask) -> None:
    """Keep each template's compiled code in ``TEMPLATE_CACHE_DIR`` (Jinja's bytecode cache,
    checked against the template's source), so that a new server worker loads a page's
    templates instead of compiling them (compiling is most of the first request for each
    kind of page in a worker). A folder that cannot be
    made leaves templates compiled in memory only, as before, with a warning."""
    from jinja2 import FileSystemBytecodeCache

    folder = app.config["TEMPLATE_CACHE_DIR"]
    if not folder:
        return
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        app.logger.warning("compiled templates are not kept (%s): %s", folder, error)
        return
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(folder)
