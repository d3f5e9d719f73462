"""Finding organisations: the search box, the filters and the sort order of the list."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from .models import Organisation, OrganisationKind, OrganisationStatus
from .provinces import BY_CODE

#: Status filter value for prospects and active partners together (the default).
CURRENT = "current"
#: Status filter value for every organisation.
ALL = "all"
#: Sort orders: by Thai name, or most recently changed first.
SORTS = ("name", "changed")
#: The longest search text used; the rest is ignored.
MAX_QUERY = 100


@dataclass(frozen=True)
class Filters:
    """What the list asks for, every value checked (unknown values are ignored)."""

    q: str = ""
    kind: str = ""
    status: str = CURRENT
    province: str = ""
    sort: str = "name"

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read the filters from a query string, dropping values that mean nothing."""
        kind = args.get("kind", "")
        status = args.get("status", CURRENT)
        province = args.get("province", "")
        sort = args.get("sort", "name")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_QUERY],
            kind=kind if kind in {k.value for k in OrganisationKind} else "",
            status=status
            if status in {CURRENT, ALL, *(s.value for s in OrganisationStatus)}
            else CURRENT,
            province=province if province in BY_CODE else "",
            sort=sort if sort in SORTS else "name",
        )


def search(filters: Filters) -> sa.Select:
    """Organisations matching the filters, in the order asked for.

    The search text matches anywhere inside the Thai name, the English name or the
    acronym, ignoring case: Thai is written without spaces between words, so a
    word is found inside a longer name. % and _ are matched as themselves.
    """
    query = sa.select(Organisation)
    if filters.q:
        query = query.where(
            sa.or_(
                Organisation.name_th.icontains(filters.q, autoescape=True),
                Organisation.name_en.icontains(filters.q, autoescape=True),
                Organisation.acronym.icontains(filters.q, autoescape=True),
            )
        )
    if filters.kind:
        query = query.where(Organisation.kind == OrganisationKind(filters.kind))
    if filters.status == CURRENT:
        query = query.where(Organisation.status != OrganisationStatus.INACTIVE)
    elif filters.status != ALL:
        query = query.where(Organisation.status == OrganisationStatus(filters.status))
    if filters.province:
        query = query.where(Organisation.province == filters.province)
    if filters.sort == "changed":
        return query.order_by(Organisation.updated_at.desc(), Organisation.id.desc())
    return query.order_by(Organisation.name_th, Organisation.id)
