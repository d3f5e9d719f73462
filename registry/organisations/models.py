"""Partner organisations: associations, federations, companies, universities, agencies."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import TimestampMixin, db, enum_column


class OrganisationKind(enum.StrEnum):
    """What sort of body an organisation is."""

    ASSOCIATION = "association"
    FEDERATION = "federation"
    COMPANY = "company"
    UNIVERSITY = "university"
    GOVERNMENT_AGENCY = "government_agency"
    OWN_AGENCY = "own_agency"
    OWN_CENTRE = "own_centre"


class OrganisationStatus(enum.StrEnum):
    """Where the relationship with the organisation stands."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    INACTIVE = "inactive"


class Organisation(TimestampMixin, db.Model):
    """A partner organisation, or the DGA/DGTi side itself."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Official name in Thai.
    name_th: Mapped[str] = mapped_column(sa.String(300))
    #: Official name in English.
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    #: Short name, for example AIAT or DGA.
    acronym: Mapped[str | None] = mapped_column(sa.String(30))
    #: What sort of body it is.
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, 30))
    #: Prospect, active or inactive.
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_column(OrganisationStatus), default=OrganisationStatus.PROSPECT
    )

    def __str__(self) -> str:
        return self.name_th

    def display_name(self, lang: str = "th") -> str:
        """The name in the reader's language, falling back to Thai."""
        return (self.name_en if lang == "en" and self.name_en else self.name_th) or ""
