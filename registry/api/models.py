"""API tokens: what lets another government system read the registry as one user account.

A token acts with the role and permissions its user has at the time of each request (a
representative's token sees what that representative sees on the pages). Only the SHA-256
of the secret is stored; the short prefix, which is not secret, lets people tell tokens
apart in the list. A token is never deleted: it is revoked, and stays in the list.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, utcnow


class ApiToken(db.Model):
    """A bearer token issued by an administrator for one user account."""

    __tablename__ = "api_tokens"
    __audit_redact__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the token is for (the system that uses it), as the administrator wrote it.
    name: Mapped[str] = mapped_column(sa.String(100))
    #: The account whose role and permissions the token acts with.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    #: The first characters of the secret ("dgti_" and eight more): shown, not secret.
    prefix: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: SHA-256 (hex) of the secret; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The last day (Thai date) the token works; empty means until revoked.
    expires_on: Mapped[date | None] = mapped_column()
    #: Who issued it (empty when issued from the command line).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: When it was issued (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was revoked (UTC); from then on it no longer works.
    revoked_at: Mapped[datetime | None] = mapped_column()
    #: Who revoked it (empty when revoked from the command line).
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def revoked(self) -> bool:
        """Whether the token has been revoked."""
        return self.revoked_at is not None

    def expired(self, today: date) -> bool:
        """Whether the token's last day has passed."""
        return self.expires_on is not None and today > self.expires_on

    def usable(self, today: date) -> bool:
        """Whether the token still opens the API (its user's state is checked apart)."""
        return not self.revoked and not self.expired(today)
