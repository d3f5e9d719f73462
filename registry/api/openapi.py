"""The OpenAPI 3.1 description of the API, built once as data from the same parameter
declarations the views check requests against (served at /api/v1/openapi.json)."""

from __future__ import annotations

from ..agreements.models import AgreementState
from ..formats import REGISTRATION_NUMBER_MAX, REGISTRATION_NUMBER_PATTERN
from ..organisations.provinces import PROVINCES
from .params import MAX_PER_PAGE, MAX_TEXT, PER_PAGE, Param
from .queries import (
    AGREEMENT_PARAMS,
    COMMITTEE_PARAMS,
    MEETING_PARAMS,
    ORGANISATION_PARAMS,
    PROPOSAL_PARAMS,
)

#: A text parameter holds no control characters but tab and line breaks (``forms.CONTROL``).
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
STRING = {"type": "string"}
TEXT = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
MAYBE_INTEGER = {"type": ["integer", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}
DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
URL = {"type": "string", "format": "uri"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    if description:
        schema["description"] = description
    return schema


def _enum(values, nullable: bool = False) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "enum": list(values)}


def _parameter(param: Param) -> dict:
    schema: dict = {"type": "string"}
    if param.type == "enum":
        schema = {"type": "string", "enum": list(param.values)}
    elif param.type == "integer":
        schema = {"type": "integer", "minimum": param.minimum, "maximum": param.maximum}
    elif param.type == "date":
        schema = {"type": "string", "format": "date"}
    elif param.type == "registration":
        schema = {
            "type": "string",
            "maxLength": REGISTRATION_NUMBER_MAX,
            "pattern": REGISTRATION_NUMBER_PATTERN,
        }
    else:
        schema = {"type": "string", "maxLength": MAX_TEXT, "pattern": TEXT_PATTERN}
    if param.default is not None:
        schema["default"] = int(param.default) if param.type == "integer" else param.default
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.description,
        "schema": schema,
    }


def _id_parameter(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
    }


ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
}


def _collection(tag: str, schema: str, params: tuple[Param, ...], summary: str) -> dict:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": f"list_{tag}",
            "parameters": [_parameter(p) for p in params],
            "responses": {
                "200": {
                    "description": "One page of records.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [
                                    _ref("Page"),
                                    {
                                        "type": "object",
                                        "properties": {
                                            "items": {"type": "array", "items": _ref(schema)}
                                        },
                                    },
                                ]
                            }
                        }
                    },
                },
                **ERRORS,
            },
        }
    }


def _record(tag: str, schema: str, id_name: str, summary: str) -> dict:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": f"get_{tag}",
            "parameters": [_id_parameter(id_name)],
            "responses": {
                "200": {
                    "description": "The record.",
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                **ERRORS,
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


ORGANISATION_REF = _object(
    {"id": INTEGER, "name_th": STRING, "name_en": TEXT, "acronym": TEXT},
    "An organisation named inside another record.",
)

SCHEMAS = {
    "Error": _object(
        {
            "error": {
                "type": "object",
                "properties": {
                    "code": _enum(
                        (
                            "bad_request",
                            "unauthorized",
                            "forbidden",
                            "not_found",
                            "method_not_allowed",
                            "too_large",
                            "too_many_requests",
                            "server_error",
                            "unavailable",
                        )
                    ),
                    "message": {
                        "type": "string",
                        "description": "For people, in the registry's language (Thai).",
                    },
                    "parameter": {
                        "type": "string",
                        "description": "On 400: the query parameter refused.",
                    },
                },
                "required": ["code", "message"],
            }
        }
    ),
    "Page": _object(
        {
            "page": INTEGER,
            "per_page": INTEGER,
            "total": {"type": "integer", "description": "Records on every page together."},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
        },
        "A page of a collection; follow next until it is null.",
    ),
    "OrganisationRef": ORGANISATION_REF,
    "Organisation": _object(
        {
            "id": INTEGER,
            "name_th": STRING,
            "name_en": TEXT,
            "acronym": TEXT,
            "url": URL,
            "kind": _enum(ORGANISATION_PARAMS[1].values),
            "status": _enum(("prospect", "active", "inactive")),
            "registration_number": TEXT,
            "province": {
                "type": ["object", "null"],
                "properties": {
                    "code": _enum(p.code for p in PROVINCES),
                    "name_th": STRING,
                    "name_en": STRING,
                },
            },
            "address": TEXT,
            "website": TEXT,
            "email": TEXT,
            "phone": TEXT,
            "created_at": DATE_TIME,
            "updated_at": DATE_TIME,
        },
        "A partner organisation's profile (its people are not part of it).",
    ),
    "Party": {
        "type": "object",
        "properties": {
            "position": INTEGER,
            "organisation": _ref("OrganisationRef"),
            "short_name_th": STRING,
            "short_name_en": TEXT,
            "signatory_name": {**TEXT, "description": "Only on the agreement itself."},
            "signatory_position": TEXT,
            "signatory_name_en": TEXT,
            "signatory_position_en": TEXT,
        },
        "required": ["position", "organisation", "short_name_th", "short_name_en"],
    },
    "Agreement": {
        "type": "object",
        "description": "An MOU or MOA. The fields after updated_at come on the agreement "
        "itself, not in the list.",
        "properties": {
            "id": INTEGER,
            "url": URL,
            "reference": STRING,
            "kind": _enum(AGREEMENT_PARAMS[1].values),
            "title_th": STRING,
            "title_en": TEXT,
            "status": _enum(("draft", "in_review", "approved", "signed", "terminated")),
            "state": _enum(tuple(state.value for state in AgreementState)),
            "signed_on": DATE,
            "effective_from": DATE,
            "effective_until": DATE,
            "terminated_on": DATE,
            "parties": {"type": "array", "items": _ref("Party")},
            "updated_at": DATE_TIME,
            "signing_place": TEXT,
            "objectives_th": TEXT,
            "objectives_en": TEXT,
            "language": _enum(("th", "en", "both")),
            "copies": INTEGER,
            "notice_days": INTEGER,
            "predecessor_id": MAYBE_INTEGER,
            "created_at": DATE_TIME,
        },
        "required": [
            "id",
            "url",
            "reference",
            "kind",
            "title_th",
            "title_en",
            "status",
            "state",
            "signed_on",
            "effective_from",
            "effective_until",
            "terminated_on",
            "parties",
            "updated_at",
        ],
    },
    "Seat": _object(
        {
            "role": _enum(("chair", "vice_chair", "member", "secretary", "assistant_secretary")),
            "title_th": STRING,
            "name": STRING,
            "organisation": _ref("OrganisationRef"),
            "term_start": DATE,
            "term_end": DATE,
        },
        "A seat held today.",
    ),
    "Committee": {
        "type": "object",
        "description": "A joint committee, subcommittee or working group; members come on "
        "the committee itself, not in the list.",
        "properties": {
            "id": INTEGER,
            "url": URL,
            "kind": _enum(COMMITTEE_PARAMS[0].values),
            "name_th": STRING,
            "name_en": TEXT,
            "parent_id": MAYBE_INTEGER,
            "mandate": TEXT,
            "order_number": TEXT,
            "order_date": DATE,
            "established_on": DATE,
            "dissolved_on": DATE,
            "quorum_rule": _enum(("more_than_half", "two_thirds", "fixed_number")),
            "quorum_number": MAYBE_INTEGER,
            "sitting_members": INTEGER,
            "updated_at": DATE_TIME,
            "members": {"type": "array", "items": _ref("Seat")},
        },
        "required": [
            "id",
            "url",
            "kind",
            "name_th",
            "name_en",
            "parent_id",
            "established_on",
            "dissolved_on",
            "quorum_rule",
            "sitting_members",
        ],
    },
    "AgendaItem": {
        "type": "object",
        "properties": {
            "section": {"type": "integer", "minimum": 1, "maximum": 5},
            "position": INTEGER,
            "title": STRING,
            "proposal_id": MAYBE_INTEGER,
            "resolution": {
                **TEXT,
                "description": "Only to staff, the committee's secretary, and member "
                "associations once the minutes are certified.",
            },
            "outcome": _enum(
                ("noted", "approved", "approved_with_changes", "rejected", "deferred"),
                nullable=True,
            ),
        },
        "required": ["section", "position", "title", "proposal_id"],
    },
    "Meeting": {
        "type": "object",
        "description": "A committee meeting, numbered n/year (Buddhist Era) per committee; "
        "starts_at and ends_at are Thai time. The agenda comes on the meeting itself.",
        "properties": {
            "id": INTEGER,
            "url": URL,
            "committee": _object({"id": INTEGER, "name_th": STRING, "name_en": TEXT}),
            "number": INTEGER,
            "year_be": INTEGER,
            "number_label": STRING,
            "held_on": {"type": "string", "format": "date"},
            "starts_at": {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"},
            "ends_at": {"type": ["string", "null"], "pattern": "^[0-9]{2}:[0-9]{2}$"},
            "venue": TEXT,
            "electronic": {"type": "boolean"},
            "status": _enum(MEETING_PARAMS[1].values),
            "certified_on": DATE,
            "updated_at": DATE_TIME,
            "agenda": {"type": "array", "items": _ref("AgendaItem")},
        },
        "required": [
            "id",
            "url",
            "committee",
            "number",
            "year_be",
            "number_label",
            "held_on",
            "starts_at",
            "status",
        ],
    },
    "Endorsement": _object(
        {
            "organisation": _ref("OrganisationRef"),
            "endorsed_on": DATE,
            "statement": STRING,
            "withdrawn": {"type": "boolean"},
        }
    ),
    "Proposal": {
        "type": "object",
        "description": "A problem statement, draft project or recommendation. summary, "
        "problem, approach and endorsements come on the proposal itself; requested_support "
        "and forwarded_to only to staff, secretaries and the submitting association.",
        "properties": {
            "id": INTEGER,
            "url": URL,
            "kind": _enum(PROPOSAL_PARAMS[2].values),
            "title": STRING,
            "status": _enum(PROPOSAL_PARAMS[1].values[1:]),
            "category": _object({"id": INTEGER, "code": TEXT, "name_th": STRING, "name_en": TEXT}),
            "organisation": _ref("OrganisationRef"),
            "endorsement_count": INTEGER,
            "created_at": DATE_TIME,
            "summary": STRING,
            "problem": TEXT,
            "approach": TEXT,
            "updated_at": DATE_TIME,
            "requested_support": TEXT,
            "forwarded_to": TEXT,
            "endorsements": {"type": "array", "items": _ref("Endorsement")},
        },
        "required": [
            "id",
            "url",
            "kind",
            "title",
            "status",
            "category",
            "organisation",
            "endorsement_count",
            "created_at",
        ],
    },
}

DESCRIPTION: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "DGTi Partner Registry API",
        "version": "1.0.0",
        "description": (
            "Read-only access to the DGTi Partner Registry: partner organisations, "
            "agreements (MOU/MOA), committees, meetings and proposals.\n\n"
            "Authenticate with a token issued by a registry administrator, sent as "
            "`Authorization: Bearer <token>`. A token acts as the account it was issued "
            "for and sees exactly what that account sees in the registry (an association "
            "representative's token: its own association's records). Session cookies do "
            "not authenticate the API.\n\n"
            "Dates are ISO 8601 in the Gregorian calendar (YYYY-MM-DD), times of record "
            "changes are UTC; a meeting's year_be is the Buddhist-Era year of its number. "
            "Names are given in Thai and English. Collections are paginated (page, "
            f"per_page up to {MAX_PER_PAGE}, default {PER_PAGE}); follow `next`. "
            "An unknown parameter or a value a filter does not accept is refused with 400, "
            "naming the parameter; so is an empty one (`?status=`): leave out a filter not "
            "wanted. An empty or blank search text (`?q=`) searches for nothing. Values are "
            "checked as sent (no spaces trimmed). Every answer is JSON and must not be cached."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "tags": [
        {"name": name}
        for name in ("organisations", "agreements", "committees", "meetings", "proposals")
    ],
    "paths": {
        "/openapi.json": {
            "get": {
                "summary": "This description.",
                "operationId": "openapi",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI 3.1 description."}},
            }
        },
        "/organisations": _collection(
            "organisations",
            "Organisation",
            ORGANISATION_PARAMS,
            "Partner organisations (staff: every one; a representative: their own).",
        ),
        "/organisations/{organisation_id}": _record(
            "organisations", "Organisation", "organisation_id", "One organisation."
        ),
        "/agreements": _collection(
            "agreements",
            "Agreement",
            AGREEMENT_PARAMS,
            "Agreements, newest first (a representative: their association's, once approved).",
        ),
        "/agreements/{agreement_id}": _record(
            "agreements", "Agreement", "agreement_id", "One agreement."
        ),
        "/committees": _collection(
            "committees",
            "Committee",
            COMMITTEE_PARAMS,
            "Committees (staff: all; a secretary: theirs; a representative: those where "
            "their association holds a seat).",
        ),
        "/committees/{committee_id}": _record(
            "committees", "Committee", "committee_id", "One committee and its sitting members."
        ),
        "/meetings": _collection(
            "meetings",
            "Meeting",
            MEETING_PARAMS,
            "Meetings the account may see, upcoming first (soonest first), then past ones.",
        ),
        "/meetings/{meeting_id}": _record(
            "meetings", "Meeting", "meeting_id", "One meeting and its agenda."
        ),
        "/proposals": _collection(
            "proposals", "Proposal", PROPOSAL_PARAMS, "Proposals to the joint committee."
        ),
        "/proposals/{proposal_id}": _record(
            "proposals", "Proposal", "proposal_id", "One proposal and its endorsements."
        ),
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token issued by a registry administrator (dgti_...).",
            }
        },
        "responses": {
            "BadRequest": _error_response("A parameter is unknown or its value is refused."),
            "Unauthorized": _error_response(
                "The token is missing, malformed, unknown, revoked or expired, or its "
                "account is deactivated."
            ),
            "Forbidden": _error_response("The token's account may not read these records."),
            "NotFound": _error_response("No such record, or not the account's to see."),
        },
        "schemas": SCHEMAS,
    },
}
