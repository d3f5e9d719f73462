"""User accounts, their sign-in sessions and sign-in attempts (the roles are in ``roles``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..collation import person_sort_key, sort_column
from ..db import TimestampMixin, VersionedMixin, db, enum_column, utcnow
from ..organisations.models import Organisation
from .roles import Role, role_has


class User(UserMixin, TimestampMixin, VersionedMixin, db.Model):
    """A person who signs in."""

    __tablename__ = "users"
    __audit_redact__ = frozenset({"password_hash", "session_version"})
    __audit_ignore__ = frozenset({"sort_key"})
    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'representative' OR organisation_id IS NOT NULL",
            name="representative_has_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in name, stored in lower case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: Name as shown to others, with title prefix.
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: The name without its title, as sorted in Thai dictionary order; set with the name.
    sort_key: Mapped[str] = mapped_column(sort_column(), default="", server_default="")
    #: Argon2 hash of the password; empty until a password is set.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    #: What the user may do.
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: For a representative, the organisation they act for.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: A deactivated account cannot sign in.
    active: Mapped[bool] = mapped_column(default=True)
    #: The user must choose a new password at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: Preferred language (th or en); empty means the default.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    #: Raised to sign the user out everywhere (password reset, deactivation).
    session_version: Mapped[int] = mapped_column(default=1)
    #: When the user last signed in.
    last_sign_in_at: Mapped[datetime | None] = mapped_column()

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    def __str__(self) -> str:
        return self.full_name

    @validates("full_name")
    def _keep_sort_key(self, _key: str, value: str) -> str:
        self.sort_key = person_sort_key(value)
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def get_id(self) -> str:
        """The session identity: the id and the session version, so old sessions lapse."""
        return f"{self.id}:{self.session_version}"

    #: The Thai and English names of the organisation, read with the signed-in account (see
    #: ``auth.services.signed_in_user``); not a column.
    kept_organisation_names = None

    def organisation_name(self, lang: str = "th") -> str:
        """The name of the organisation the user acts for in the reader's language (Thai
        when it has no English name), "" without one: from what was read with the signed-in
        account, so that the header of every page asks the database nothing for it."""
        if self.organisation_id is None:
            return ""
        if self.kept_organisation_names is None:
            return self.organisation.display_name(lang)
        name_th, name_en = self.kept_organisation_names
        return (name_en if lang == "en" and name_en else name_th) or ""

    def can(self, permission: str) -> bool:
        """Whether the user's role grants the named permission."""
        return self.active and role_has(self.role, permission)


class LoginAttempt(db.Model):
    """One try to sign in, kept to throttle repeated failures."""

    __tablename__ = "login_attempts"
    __audit_exempt__ = True
    __table_args__ = (
        sa.Index("ix_login_attempts_email_at", "email", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The email typed, lower case (it may match no account).
    email: Mapped[str] = mapped_column(sa.String(254))
    #: The client address.
    address: Mapped[str] = mapped_column(sa.String(45))
    #: Whether the password was right.
    succeeded: Mapped[bool] = mapped_column()
    #: When.
    at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSession(db.Model):
    """One signed-in session on one computer: the cookie holds a random key, this row its
    hash. Signing out ends the one session; a password change ends the user's others; a
    deactivation or a password reset ends them all. A session whose row has ended signs no
    one in, whatever cookie is shown."""

    __tablename__ = "user_sessions"
    # Sign-in and sign-out are audited on the account; that a session was seen is not.
    __audit_exempt__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the key the cookie holds; the key itself is never stored.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Whose session it is.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: When the user signed in.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was last used, to the minute (noted when its cookie is renewed).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it ended (signed out, password changed elsewhere, account deactivated); empty
    #: while it is open.
    ended_at: Mapped[datetime | None] = mapped_column()
    #: The client address it was opened from.
    address: Mapped[str | None] = mapped_column(sa.String(45))
