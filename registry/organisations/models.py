"""Partner organisations: associations, federations, companies, universities, agencies."""

from __future__ import annotations

import enum
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..db import TimestampMixin, db, enum_column
from .provinces import province_name

#: Characters that change nothing a reader sees: zero-width spaces and joiners, BOM.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


def name_key(name: str | None) -> str:
    """A name as compared for duplicates: Unicode-normalised, case-folded, single-spaced.

    NFKC makes the two ways of typing sara am (ำ) equal; zero-width spaces,
    common in Thai text pasted from the web, are dropped.
    """
    text = unicodedata.normalize("NFKC", name or "").translate(_INVISIBLE)
    return " ".join(text.casefold().split())[:600]


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
    #: The Thai name as compared for duplicates (see ``name_key``); set with the name.
    name_key: Mapped[str] = mapped_column(sa.String(600), unique=True)
    #: Registration number with the registrar (associations vary in form); upper case.
    registration_number: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    #: Province of the head office: a code from ``provinces.PROVINCES``.
    province: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    #: Postal address of the head office.
    address: Mapped[str | None] = mapped_column(sa.Text)
    #: Website, an http or https address.
    website: Mapped[str | None] = mapped_column(sa.String(300))
    #: The organisation's general email address.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: The organisation's general telephone number, as written.
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    #: Staff notes about the organisation.
    notes: Mapped[str | None] = mapped_column(sa.Text)

    def __str__(self) -> str:
        return self.name_th

    @validates("name_th")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = name_key(value)
        return value

    @property
    def active(self) -> bool:
        """Whether the organisation is still a current partner or prospect."""
        return self.status is not OrganisationStatus.INACTIVE

    def province_name(self, lang: str = "th") -> str:
        """The name of the province in the reader's language."""
        return province_name(self.province, lang)

    @property
    def website_link(self) -> str | None:
        """The website, when it is safe to link to (http or https only)."""
        url = self.website or ""
        return url if url.lower().startswith(("http://", "https://")) else None

    def display_name(self, lang: str = "th") -> str:
        """The name in the reader's language, falling back to Thai."""
        return (self.name_en if lang == "en" and self.name_en else self.name_th) or ""
