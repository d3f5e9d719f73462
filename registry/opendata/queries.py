"""The records of each open-data resource, read with a fixed number of statements (one per
resource, whatever the number of rows): only the columns published, never a person.

Each function returns the records as dicts keyed by the resource's field names, in its
field order, with codes for enumerations and ``date`` values for dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from ..agreements.models import Agreement, AgreementParty
from ..committees.models import Committee, Membership
from ..committees.queries import sitting_condition
from ..db import db
from ..i18n import to_local
from ..organisations.models import Organisation
from ..organisations.provinces import BY_CODE
from ..proposals.models import Category, Endorsement, Proposal
from . import dictionary
from .dictionary import PUBLISHED_AGREEMENTS


def _code(value) -> str | None:
    return None if value is None else str(value.value if hasattr(value, "value") else value)


def _web_address(url: str | None) -> str | None:
    """The website when it is an http or https address (anything else is not published)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def organisations(_on: date) -> list[dict]:
    """Every organisation: names, kind, status, registration number, province, website."""
    rows = db.session.execute(
        sa.select(
            Organisation.id,
            Organisation.name_th,
            Organisation.name_en,
            Organisation.acronym,
            Organisation.kind,
            Organisation.status,
            Organisation.registration_number,
            Organisation.province,
            Organisation.website,
        ).order_by(Organisation.id)
    )
    records = []
    for row in rows:
        province = BY_CODE.get(row.province or "")
        records.append(
            {
                "id": row.id,
                "name_th": row.name_th,
                "name_en": row.name_en,
                "acronym": row.acronym,
                "kind": _code(row.kind),
                "status": _code(row.status),
                "registration_number": row.registration_number,
                "province_code": province.code if province else None,
                "province_name_th": province.name_th if province else None,
                "province_name_en": province.name_en if province else None,
                "website": _web_address(row.website),
            }
        )
    return records


def agreements(on: date) -> list[dict]:
    """The signed and terminated agreements, with what their dates say on the day ``on``."""
    found = db.session.scalars(
        sa.select(Agreement)
        .options(
            load_only(
                Agreement.id,
                Agreement.reference,
                Agreement.kind,
                Agreement.title_th,
                Agreement.title_en,
                Agreement.status,
                Agreement.signed_on,
                Agreement.effective_from,
                Agreement.effective_until,
                Agreement.terminated_on,
                Agreement.predecessor_id,
                raiseload=True,
            )
        )
        .where(Agreement.status.in_(PUBLISHED_AGREEMENTS))
        .order_by(Agreement.id)
    ).all()
    published = {agreement.id for agreement in found}
    return [
        {
            "id": agreement.id,
            "reference": agreement.reference,
            "kind": _code(agreement.kind),
            "title_th": agreement.title_th,
            "title_en": agreement.title_en,
            "status": _code(agreement.status_on(on)),
            "state": _code(agreement.state(on)),
            "signed_on": agreement.signed_on,
            "effective_from": agreement.starts_on,
            "effective_until": agreement.effective_until,
            "terminated_on": agreement.terminated_on,
            # A renewal of an agreement that is not published names no predecessor.
            "predecessor_id": (
                agreement.predecessor_id if agreement.predecessor_id in published else None
            ),
        }
        for agreement in found
    ]


def agreement_parties(_on: date) -> list[dict]:
    """The parties (organisations only) of the signed and terminated agreements."""
    rows = db.session.execute(
        sa.select(
            AgreementParty.agreement_id,
            Agreement.reference,
            AgreementParty.position,
            Organisation.id.label("organisation_id"),
            Organisation.name_th,
            Organisation.name_en,
        )
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .join(Organisation, Organisation.id == AgreementParty.organisation_id)
        .where(Agreement.status.in_(PUBLISHED_AGREEMENTS))
        .order_by(AgreementParty.agreement_id, AgreementParty.position, AgreementParty.id)
    )
    return [
        {
            "agreement_id": row.agreement_id,
            "agreement_reference": row.reference,
            "position": row.position,
            "organisation_id": row.organisation_id,
            "organisation_name_th": row.name_th,
            "organisation_name_en": row.name_en,
        }
        for row in rows
    ]


def committees(_on: date) -> list[dict]:
    """Every committee: kind, names, parent, mandate, appointment order and dates."""
    rows = db.session.execute(
        sa.select(
            Committee.id,
            Committee.kind,
            Committee.name_th,
            Committee.name_en,
            Committee.parent_id,
            Committee.mandate,
            Committee.order_number,
            Committee.order_date,
            Committee.established_on,
            Committee.dissolved_on,
        ).order_by(Committee.id)
    )
    return [
        {
            "id": row.id,
            "kind": _code(row.kind),
            "name_th": row.name_th,
            "name_en": row.name_en,
            "parent_id": row.parent_id,
            "mandate": row.mandate,
            "order_number": row.order_number,
            "order_date": row.order_date,
            "established_on": row.established_on,
            "dissolved_on": row.dissolved_on,
        }
        for row in rows
    ]


def committee_organisations(on: date) -> list[dict]:
    """The organisations holding seats on each committee on the day ``on``, with how many."""
    seats = sa.func.count(Membership.id).label("seats")
    rows = db.session.execute(
        sa.select(
            Membership.committee_id,
            Organisation.id.label("organisation_id"),
            Organisation.name_th,
            Organisation.name_en,
            seats,
        )
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(sitting_condition(on))
        .group_by(
            Membership.committee_id, Organisation.id, Organisation.name_th, Organisation.name_en
        )
        .order_by(Membership.committee_id, Organisation.id)
    )
    return [
        {
            "committee_id": row.committee_id,
            "organisation_id": row.organisation_id,
            "organisation_name_th": row.name_th,
            "organisation_name_en": row.name_en,
            "seats": row.seats,
        }
        for row in rows
    ]


def proposals(_on: date) -> list[dict]:
    """Every proposal: title, kind, category, status, submitter, date, endorsements."""
    rows = db.session.execute(
        sa.select(
            Proposal.id,
            Proposal.title,
            Proposal.kind,
            Category.id.label("category_id"),
            Category.code.label("category_code"),
            Category.name_th.label("category_name_th"),
            Category.name_en.label("category_name_en"),
            Proposal.status,
            Organisation.id.label("organisation_id"),
            Organisation.name_th.label("organisation_name_th"),
            Organisation.name_en.label("organisation_name_en"),
            Proposal.created_at,
            Proposal.endorsement_count,
        )
        .join(Category, Category.id == Proposal.category_id)
        .join(Organisation, Organisation.id == Proposal.organisation_id)
        .order_by(Proposal.id)
    )
    return [
        {
            "id": row.id,
            "title": row.title,
            "kind": _code(row.kind),
            "category_id": row.category_id,
            "category_code": row.category_code,
            "category_name_th": row.category_name_th,
            "category_name_en": row.category_name_en,
            "status": _code(row.status),
            "organisation_id": row.organisation_id,
            "organisation_name_th": row.organisation_name_th,
            "organisation_name_en": row.organisation_name_en,
            "submitted_on": to_local(row.created_at).date(),
            "endorsement_count": row.endorsement_count,
        }
        for row in rows
    ]


#: How each resource's records are read.
READERS: dict[str, Callable[[date], list[dict]]] = {
    dictionary.ORGANISATIONS.name: organisations,
    dictionary.AGREEMENTS.name: agreements,
    dictionary.AGREEMENT_PARTIES.name: agreement_parties,
    dictionary.COMMITTEES.name: committees,
    dictionary.COMMITTEE_ORGANISATIONS.name: committee_organisations,
    dictionary.PROPOSALS.name: proposals,
}


def fingerprint() -> tuple:
    """What the published data is made from, in one statement: each source table's row count
    and latest change (endorsements change a proposal's count without touching the proposal;
    parties change only on drafts, and signing touches the agreement). Equal fingerprints
    mean equal files on the same day."""
    parts = []
    for column in (
        Organisation.updated_at,
        Agreement.updated_at,
        Committee.updated_at,
        Membership.updated_at,
        Proposal.updated_at,
        Category.updated_at,
        Endorsement.created_at,
        Endorsement.withdrawn_at,
    ):
        table = column.class_.__table__
        parts.append(sa.select(sa.func.count()).select_from(table).scalar_subquery())
        parts.append(sa.select(sa.func.max(column)).scalar_subquery())
    return tuple(str(value) for value in db.session.execute(sa.select(*parts)).one())


def last_change() -> datetime | None:
    """When anything published last changed (naive UTC): one statement over the tables."""
    parts = [
        sa.select(sa.func.max(Organisation.updated_at)),
        sa.select(sa.func.max(Agreement.updated_at)).where(
            Agreement.status.in_(PUBLISHED_AGREEMENTS)
        ),
        sa.select(sa.func.max(Committee.updated_at)),
        sa.select(sa.func.max(Membership.updated_at)),
        sa.select(sa.func.max(Proposal.updated_at)),
        sa.select(sa.func.max(Category.updated_at)),
        # An endorsement given or withdrawn changes a proposal's count.
        sa.select(sa.func.max(Endorsement.created_at)),
        sa.select(sa.func.max(Endorsement.withdrawn_at)),
    ]
    union = sa.union_all(*parts).subquery()
    value = db.session.scalar(sa.select(sa.func.max(union.c[0])))
    if isinstance(value, str):  # SQLite returns the max over a union as text
        value = datetime.fromisoformat(value)
    return value
