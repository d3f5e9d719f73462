"""What each API collection finds and which record a user may open: the list pages' own
filters and "what may this user see" rules, reused as they are.

Each collection declares its query parameters (``*_PARAMS``): the views check requests
against them and the OpenAPI description lists them.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort

from ..agreements import queries as agreement_queries
from ..agreements.models import Agreement, AgreementKind, AgreementStatus
from ..auth.models import User
from ..committees import queries as committee_queries
from ..committees.models import Committee, CommitteeKind
from ..db import db
from ..meetings import queries as meeting_queries
from ..meetings.models import AgendaItem, Meeting, MeetingStatus
from ..organisations import queries as organisation_queries
from ..organisations.models import Organisation, OrganisationKind, OrganisationStatus
from ..organisations.provinces import BY_CODE
from ..proposals import queries as proposal_queries
from ..proposals.models import ProposalKind, ProposalStatus
from .params import PAGING, Param, domain_args

ORGANISATION_PARAMS = (
    Param(
        "q",
        "text",
        "Text found anywhere in the Thai or English name, the acronym or the name of one "
        "of the organisation's people (Thai-aware, case-insensitive).",
    ),
    Param("kind", "enum", "The kind of organisation.", tuple(k.value for k in OrganisationKind)),
    Param(
        "status",
        "enum",
        "current: prospects and active partners (the default); all: every organisation.",
        (
            organisation_queries.CURRENT,
            organisation_queries.ALL,
            *(s.value for s in OrganisationStatus),
        ),
        default=organisation_queries.CURRENT,
    ),
    Param("province", "enum", "The province code of the head office.", tuple(BY_CODE)),
    Param("mou", "enum", "active: only parties to an agreement in force.", ("active",)),
    Param(
        "registration_number",
        "registration",
        "One registration number, exactly: Thai or Latin letters and digits with dots, "
        "dashes and slashes, for example 1234/2566 (Latin letters in either case).",
    ),
    Param(
        "sort",
        "enum",
        "name: by Thai name (the default); changed: most recently changed first.",
        organisation_queries.SORTS,
        default="name",
    ),
    *PAGING,
)

AGREEMENT_PARAMS = (
    Param(
        "status",
        "enum",
        "A lifecycle status, or what the dates say of signed agreements "
        "(active, expiring within 90 days, expired).",
        (*(s.value for s in AgreementStatus), *agreement_queries.DERIVED),
    ),
    Param("kind", "enum", "MOU or MOA.", tuple(k.value for k in AgreementKind)),
    Param(
        "organisation",
        "integer",
        "The id of an organisation that is a party.",
        target="partner",
    ),
    Param(
        "expiring_before",
        "date",
        "Signed agreements whose last day is on or before this day.",
    ),
    Param("q", "text", "Text in the reference number or the Thai or English title."),
    *PAGING,
)

COMMITTEE_PARAMS = (
    Param("kind", "enum", "The kind of committee.", tuple(k.value for k in CommitteeKind)),
    *PAGING,
)

MEETING_PARAMS = (
    Param("committee", "integer", "The id of the committee."),
    Param("status", "enum", "The meeting's status.", tuple(s.value for s in MeetingStatus)),
    Param("from", "date", "Meetings held on or after this day."),
    Param("to", "date", "Meetings held on or before this day."),
    *PAGING,
)

PROPOSAL_PARAMS = (
    Param(
        "q",
        "text",
        "Text in the title, the summary or the submitting organisation's names "
        "(Thai-aware, case-insensitive).",
    ),
    Param(
        "status",
        "enum",
        "A status, or open: every proposal not completed, rejected or withdrawn.",
        (proposal_queries.OPEN, *(s.value for s in ProposalStatus)),
    ),
    Param("kind", "enum", "The kind of proposal.", tuple(k.value for k in ProposalKind)),
    Param("category", "integer", "The id of the category."),
    Param("organisation", "integer", "The id of the submitting organisation."),
    Param("endorsed_by", "integer", "The id of an organisation that endorses it now."),
    Param(
        "sort",
        "enum",
        "newest (the default), oldest, or endorsements (most endorsed first).",
        proposal_queries.SORTS,
        default="newest",
    ),
    *PAGING,
)


# --- organisations -----------------------------------------------------------------------------


def organisations(user: User, values: dict) -> sa.Select:
    """Organisations matching the filters: every one for staff, a representative's own only."""
    filters = organisation_queries.Filters.from_args(domain_args(ORGANISATION_PARAMS, values))
    query = organisation_queries.search(
        filters, mou_parties=agreement_queries.organisation_ids_with_active_agreement()
    )
    if not user.can("organisations.view"):
        query = query.where(Organisation.id == user.organisation_id)
    return query


def organisation(user: User, organisation_id: int) -> Organisation:
    """An organisation the user may read (a representative: their own); else 404."""
    if not user.can("organisations.view") and user.organisation_id != organisation_id:
        abort(404)
    return db.get_or_404(Organisation, organisation_id)


# --- agreements --------------------------------------------------------------------------------


def agreements(user: User, values: dict) -> sa.Select:
    """Agreements matching the filters: every one for staff; for a representative, their
    organisation's once approved (as their "Our agreements" page)."""
    filters = agreement_queries.Filters.from_args(domain_args(AGREEMENT_PARAMS, values))
    query = agreement_queries.search(filters)
    if not user.can("agreements.view"):
        visible = (
            agreement_queries.visible_to_representative(user)
            .with_only_columns(Agreement.id)
            .order_by(None)
        )
        query = query.where(Agreement.id.in_(visible))
    return query


def agreement(user: User, agreement_id: int) -> Agreement:
    """An agreement the user may read; else 404."""
    if user.can("agreements.view"):
        return db.get_or_404(Agreement, agreement_id)
    return agreement_queries.representative_agreement_or_404(user, agreement_id)


# --- committees --------------------------------------------------------------------------------


def _works_with_committees(user: User) -> bool:
    return user.can("committees.view") or user.can("committees.own")


def committees(user: User, values: dict) -> sa.Select:
    """Committees the user works with (staff: all; a secretary: theirs), or for a
    representative those where their association holds a seat."""
    if _works_with_committees(user):
        query = committee_queries.visible_committees(user)
    else:
        query = (
            sa.select(Committee)
            .where(
                Committee.id.in_(
                    committee_queries.organisation_committee_ids(user.organisation_id or 0)
                )
            )
            .order_by(Committee.parent_id.is_not(None), Committee.sort_key, Committee.id)
        )
    if "kind" in values:
        query = query.where(Committee.kind == CommitteeKind(values["kind"]))
    return query.order_by(Committee.id)


def committee(user: User, committee_id: int) -> Committee:
    """A committee the user may read; else 404."""
    if _works_with_committees(user):
        return committee_queries.committee_for(user, committee_id)
    return committee_queries.representative_committee_or_404(user, committee_id)


def sitting_counts() -> dict[int, int]:
    """How many seats each committee holds today (one statement)."""
    return committee_queries.sitting_counts()


def sitting_members(record: Committee) -> list:
    """The seats held today, chair first."""
    return committee_queries.sitting_members(record)


# --- meetings ----------------------------------------------------------------------------------


def meetings(user: User, values: dict) -> sa.Select:
    """The meetings the user may see (as the meetings page), narrowed by the filters."""
    query = meeting_queries.visible_meetings(user)
    if "committee" in values:
        query = query.where(Meeting.committee_id == int(values["committee"]))
    if "status" in values:
        query = query.where(Meeting.status == MeetingStatus(values["status"]))
    if "from" in values:
        query = query.where(Meeting.held_on >= date.fromisoformat(values["from"]))
    if "to" in values:
        query = query.where(Meeting.held_on <= date.fromisoformat(values["to"]))
    return query


def meeting(user: User, meeting_id: int) -> tuple[Meeting, bool]:
    """A meeting the user may read, and whether they read its resolutions (staff and the
    committee's secretary always; a member association's representative once certified)."""
    if _works_with_committees(user):
        return meeting_queries.meeting_for(user, meeting_id), True
    record = meeting_queries.representative_meeting_or_404(user, meeting_id)
    return record, meeting_queries.minutes_public(record)


def agenda(record: Meeting) -> list[AgendaItem]:
    """The meeting's agenda items, in section order."""
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.meeting_id == record.id)
            .order_by(AgendaItem.section, AgendaItem.position, AgendaItem.id)
        )
    )


# --- proposals ---------------------------------------------------------------------------------


def proposal_filters(values: dict) -> proposal_queries.Filters:
    """The proposals list's filters from checked values."""
    return proposal_queries.Filters.from_args(domain_args(PROPOSAL_PARAMS, values))
