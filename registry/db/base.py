"""The declarative base, the constraint naming convention, the Flask-SQLAlchemy handle and the
mixins every model shares."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every model's base: one metadata with named constraints, so migrations are stable."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_cls, length: int = 20) -> sa.Enum:
    """A portable enum column: stored as its value in a VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        name=enum_cls.__name__.lower(),
        validate_strings=True,
    )


class TimestampMixin:
    """When the record was created and last changed (UTC)."""

    #: When the record was created.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the record was last changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """A record people edit through forms: ``lock_version`` is raised by every save, and an
    UPDATE made from an older version matches no row (SQLAlchemy's ``StaleDataError``), so
    one person's save never silently undoes another's. ``registry.versions`` turns that,
    and a form carrying an older version, into a refusal that says what changed."""

    #: Raised by every save; a form carries it so a stale save is refused, not applied.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.lock_version}
