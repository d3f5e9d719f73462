"""Configuration read from the environment, with safe embedded defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

#: The key used when none is configured; refused in production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 (refused in production)

#: The public address used when none is configured, outside production: ``flask run``'s.
#: Documents and mails printed in development lead there, never to a request's host.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"

#: The host names served outside production, besides PUBLIC_BASE_URL's.
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The environment asks for something the application must not run with."""


def _flag(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(name: str) -> list[str] | None:
    """Read a comma-separated list from the environment; None when unset or empty."""
    names = [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]
    return names or None


def database_url(url: str | None, instance_path: Path) -> str:
    """Normalise DATABASE_URL; the default is SQLite under instance/."""
    if not url:
        return f"sqlite:///{instance_path / 'registry.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the configuration mapping from the environment and explicit overrides."""
    env = os.environ.get("REGISTRY_ENV", "development")
    config = {
        "REGISTRY_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000")),
        # Sessions: signed cookie, HttpOnly, SameSite; Secure whenever served over HTTPS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", env == "production"),
        "SESSION_COOKIE_NAME": "registry_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(
            minutes=int(os.environ.get("SESSION_MINUTES", "480"))
        ),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Partners: how long a representative's invitation link works; the largest import.
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "7")),
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", "5000")),
        # Sign-in throttling.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_ADDRESS", "20")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        "PASSWORD_MIN_LENGTH": 10,
        "PASSWORD_HASH_FAST": False,
        # Locale: Thai first.
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": ("th", "en"),
        # Mail: SMTP when MAIL_SERVER is set, otherwise messages are written to a folder.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "DGTi Registry <no-reply@dgti.example>"),
        "MAIL_FOLDER": os.environ.get("MAIL_FOLDER", str(instance_path / "mail")),
        "STORAGE_DIR": os.environ.get("STORAGE_DIR", str(instance_path / "files")),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", str(instance_path / "backups")),
        # Electronic signatures (PAdES): the agency's certificate and key as a PKCS#12 file and
        # its passphrase (read at each signing, never stored), an RFC 3161 timestamp authority
        # (B-T when set, else B-B), and the CA certificates (PEM) a signature must chain to.
        "SIGNING_PKCS12_PATH": os.environ.get("SIGNING_PKCS12_PATH", "").strip(),
        "SIGNING_PKCS12_PASSPHRASE": os.environ.get("SIGNING_PKCS12_PASSPHRASE", ""),
        "SIGNING_TSA_URL": os.environ.get("SIGNING_TSA_URL", "").strip(),
        "SIGNING_TRUST_ROOTS": os.environ.get("SIGNING_TRUST_ROOTS", "").strip(),
        # Compiled page templates, kept across worker restarts (empty: compiled in memory only).
        "TEMPLATE_CACHE_DIR": os.environ.get(
            "TEMPLATE_CACHE_DIR", str(instance_path / "cache" / "templates")
        ),
        # The address the public sees (https://registry.example.go.th): the QR code on every
        # generated document and the links in mails lead there, never to the address a
        # request came by. Required in production; elsewhere DEVELOPMENT_BASE_URL by default.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").strip(),
        # The host names the site answers under; any other Host gets 400 (Flask's own
        # check). Default: PUBLIC_BASE_URL's host (and, outside production, DEVELOPMENT_HOSTS).
        "TRUSTED_HOSTS": _names("TRUSTED_HOSTS"),
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0")),
        # Development and tests refuse a commit that writes without an audit event.
        "AUDIT_STRICT": env != "production",
        # The load benchmark's per-request SQL statement count (X-SQL-Statements); off by default.
        "SQL_COUNT_HEADER": _flag("SQL_COUNT_HEADER"),
    }
    config.update(overrides or {})
    _settle_addresses(config)
    check(config)
    return config


def _settle_addresses(config: dict) -> None:
    """Fill in the public address and the trusted hosts from each other, after overrides."""
    production = config["REGISTRY_ENV"] == "production"
    base = (config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if not base and not production:
        base = DEVELOPMENT_BASE_URL
    config["PUBLIC_BASE_URL"] = base
    if config.get("TRUSTED_HOSTS") is None:
        hosts = [] if production else list(DEVELOPMENT_HOSTS)
        host = urlsplit(base).hostname if base else None
        if host and host not in hosts:
            hosts.append(host)
        config["TRUSTED_HOSTS"] = hosts


def check(config: dict) -> None:
    """Refuse settings that are unsafe in production, and a public address that is no
    address (printed links would lead nowhere)."""
    production = config["REGISTRY_ENV"] == "production"
    if production and config["SECRET_KEY"] in (DEVELOPMENT_SECRET_KEY, "", None):
        raise ConfigurationError(
            "SECRET_KEY must be set to a private random value when REGISTRY_ENV=production."
        )
    base = config["PUBLIC_BASE_URL"]
    if production and not base:
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be set to the address the public uses (for example "
            "https://registry.example.go.th) when REGISTRY_ENV=production: printed documents "
            "and mails link to it."
        )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigurationError(
            f"PUBLIC_BASE_URL must be an http(s) address such as https://registry.example.go.th,"
            f" not {base!r}."
        )
    if not config["TRUSTED_HOSTS"]:
        raise ConfigurationError("TRUSTED_HOSTS must name at least one host.")
