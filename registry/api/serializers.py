"""Records as the API writes them: plain JSON data, Thai and English names side by side,
dates as ISO 8601 (Gregorian: this is machine data), times in UTC, codes rather than labels.

Nothing personal goes out beyond what the same user reads on the pages, and less: no
contact person's details, no attendance, no staff notes. The people named are those an
agreement or a committee names in public capacity (signatories, seat holders).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import url_for

from ..agreements.models import Agreement
from ..committees.models import Committee, Membership
from ..meetings.models import AgendaItem, Meeting
from ..organisations.models import Organisation
from ..organisations.provinces import BY_CODE
from ..proposals.models import Endorsement, Proposal


def day(value: date | None) -> str | None:
    """A date as YYYY-MM-DD."""
    return value.isoformat() if value else None


def moment(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its offset."""
    return value.replace(tzinfo=UTC).isoformat() if value else None


def clock(value: time | None) -> str | None:
    """A time of day (Thai time) as HH:MM."""
    return value.strftime("%H:%M") if value else None


def _link(endpoint: str, **ids) -> str:
    return url_for(endpoint, _external=True, **ids)


# --- organisations -----------------------------------------------------------------------------


def organisation_ref(organisation: Organisation) -> dict:
    """An organisation named inside another record."""
    return {
        "id": organisation.id,
        "name_th": organisation.name_th,
        "name_en": organisation.name_en,
        "acronym": organisation.acronym,
    }


def organisation(record: Organisation) -> dict:
    """An organisation's profile (its people are not part of it)."""
    province = BY_CODE.get(record.province or "")
    return {
        **organisation_ref(record),
        "url": _link("api.organisation", organisation_id=record.id),
        "kind": record.kind.value,
        "status": record.status.value,
        "registration_number": record.registration_number,
        "province": (
            {"code": province.code, "name_th": province.name_th, "name_en": province.name_en}
            if province
            else None
        ),
        "address": record.address,
        "website": record.website,
        "email": record.email,
        "phone": record.phone,
        "created_at": moment(record.created_at),
        "updated_at": moment(record.updated_at),
    }


# --- agreements --------------------------------------------------------------------------------


def agreement(record: Agreement, today: date, *, full: bool = False) -> dict:
    """An agreement with its parties; in full, its objectives and signatories too."""
    data = {
        "id": record.id,
        "url": _link("api.agreement", agreement_id=record.id),
        "reference": record.reference,
        "kind": record.kind.value,
        "title_th": record.title_th,
        "title_en": record.title_en,
        "status": record.status_on(today).value,
        "state": record.state(today).value,
        "signed_on": day(record.signed_on),
        "effective_from": day(record.effective_from),
        "effective_until": day(record.effective_until),
        "terminated_on": day(record.terminated_on),
        "parties": [
            {
                "position": party.position,
                "organisation": organisation_ref(party.organisation),
                "short_name_th": party.short_name_th,
                "short_name_en": party.short_name_en,
                **(
                    {
                        "signatory_name": party.signatory_name,
                        "signatory_position": party.signatory_position,
                        "signatory_name_en": party.signatory_name_en,
                        "signatory_position_en": party.signatory_position_en,
                    }
                    if full
                    else {}
                ),
            }
            for party in record.parties
        ],
        "updated_at": moment(record.updated_at),
    }
    if full:
        data |= {
            "signing_place": record.signing_place,
            "objectives_th": record.objectives_th,
            "objectives_en": record.objectives_en,
            "language": record.language.value,
            "copies": record.copies,
            "notice_days": record.notice_days,
            "predecessor_id": record.predecessor_id,
            "created_at": moment(record.created_at),
        }
    return data


# --- committees --------------------------------------------------------------------------------


def committee(record: Committee, sitting: int | None = None) -> dict:
    """A committee: kind, parent, order, quorum rule, and how many seats are held today."""
    return {
        "id": record.id,
        "url": _link("api.committee", committee_id=record.id),
        "kind": record.kind.value,
        "name_th": record.name_th,
        "name_en": record.name_en,
        "parent_id": record.parent_id,
        "mandate": record.mandate,
        "order_number": record.order_number,
        "order_date": day(record.order_date),
        "established_on": day(record.established_on),
        "dissolved_on": day(record.dissolved_on),
        "quorum_rule": record.quorum_rule.value,
        "quorum_number": record.quorum_number,
        "sitting_members": sitting,
        "updated_at": moment(record.updated_at),
    }


def seat(record: Membership) -> dict:
    """A seat held today: the role, the holder's name as printed, the organisation."""
    return {
        "role": record.role.value,
        "title_th": record.title_th,
        "name": record.contact.full_name,
        "organisation": organisation_ref(record.organisation),
        "term_start": day(record.term_start),
        "term_end": day(record.term_end),
    }


# --- meetings ----------------------------------------------------------------------------------


def meeting(record: Meeting) -> dict:
    """A meeting: its committee, number, day, times, place and status."""
    return {
        "id": record.id,
        "url": _link("api.meeting", meeting_id=record.id),
        "committee": {
            "id": record.committee.id,
            "name_th": record.committee.name_th,
            "name_en": record.committee.name_en,
        },
        "number": record.number,
        "year_be": record.year_be,
        "number_label": record.number_label,
        "held_on": day(record.held_on),
        "starts_at": clock(record.starts_at),
        "ends_at": clock(record.ends_at),
        "venue": record.venue,
        "electronic": record.electronic,
        "status": record.status.value,
        "certified_on": day(record.certified_on),
        "updated_at": moment(record.updated_at),
    }


def agenda_item(item: AgendaItem, *, with_resolution: bool) -> dict:
    """An agenda item; the resolution only to those who may read it."""
    data = {
        "section": item.section,
        "position": item.position,
        "title": item.title,
        "proposal_id": item.proposal_id,
    }
    if with_resolution:
        data |= {
            "resolution": item.resolution,
            "outcome": item.outcome.value if item.outcome else None,
        }
    return data


# --- proposals ---------------------------------------------------------------------------------


def proposal(record: Proposal, *, full: bool | None = None) -> dict:
    """A proposal as the list shows it; with ``full`` set (the record itself), its public
    text, and when ``full`` is true the part only staff and its association read."""
    category = record.category
    data = {
        "id": record.id,
        "url": _link("api.proposal", proposal_id=record.id),
        "kind": record.kind.value,
        "title": record.title,
        "status": record.status.value,
        "category": {
            "id": category.id,
            "code": category.code,
            "name_th": category.name_th,
            "name_en": category.name_en,
        },
        "organisation": organisation_ref(record.organisation),
        "endorsement_count": record.endorsement_count,
        "created_at": moment(record.created_at),
    }
    if full is None:
        return data
    data |= {
        "summary": record.summary,
        "problem": record.problem,
        "approach": record.approach,
        "updated_at": moment(record.updated_at),
    }
    if full:
        data |= {
            "requested_support": record.requested_support,
            "forwarded_to": record.forwarded_to,
        }
    return data


def endorsement(record: Endorsement) -> dict:
    """An endorsement: which organisation, when, what it said; withdrawn ones say so."""
    return {
        "organisation": organisation_ref(record.organisation),
        "endorsed_on": day(record.endorsed_on),
        "statement": record.statement,
        "withdrawn": record.withdrawn_at is not None,
    }
