"""Application settings an administrator can change."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import TimestampMixin, VersionedMixin, db


class Setting(TimestampMixin, VersionedMixin, db.Model):
    """One named setting with a JSON value."""

    __tablename__ = "settings"

    #: The setting's name, for example "thai_numerals".
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: Its value.
    value: Mapped[object] = mapped_column(sa.JSON)

    def __str__(self) -> str:
        # The audit log names a setting by its key (it has no number).
        return self.key
