"""Audit events: who did what to which record, before and after."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, utcnow


class AuditEvent(db.Model):
    """One change, or one security-relevant action, as it happened."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened (UTC).
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who did it; empty for the system or the command line.
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Who did it, as text, kept even if the account changes.
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    #: What was done, for example "created", "updated", "signed in".
    action: Mapped[str] = mapped_column(sa.String(100), index=True)
    #: The table of the record it touched.
    record_type: Mapped[str | None] = mapped_column(sa.String(60))
    #: The id of the record it touched.
    record_id: Mapped[int | None] = mapped_column()
    #: A short description of the record, for reading the log.
    record_label: Mapped[str | None] = mapped_column(sa.String(300))
    #: Changed fields: {"field": [before, after]}.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The client address, when it came over the web.
    address: Mapped[str | None] = mapped_column(sa.String(45))

    actor = relationship("User", lazy="joined")
