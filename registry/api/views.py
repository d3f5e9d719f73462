"""The read-only JSON API under /api/v1, and the administrator's pages that issue and revoke
its tokens.

A request names its user with ``Authorization: Bearer <token>`` (a session cookie never
opens the API: see ``auth.permissions.token_required``) and sees what that user sees on the
pages. Every answer is JSON, errors included, and is not to be cached by the client.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import HTTPException
from wtforms import SelectChoice

from .. import submissions
from ..auth.labels import ROLE_LABELS
from ..auth.models import User
from ..auth.permissions import (
    BEARER_USER,
    permission_required,
    public,
    token_required,
    token_user,
)
from ..db import db, paginate
from ..errors import ERROR_RENDERERS, MESSAGES
from ..forms import ConfirmForm
from ..proposals import queries as proposal_queries
from ..proposals.forms import chosen_id
from ..web import confirmed_action, form_page
from . import openapi, queries, serializers, services
from .forms import TokenForm
from .models import ApiToken
from .params import PER_PAGE, BadParameter, read_args

bp = Blueprint("api", __name__, url_prefix="/api/v1")
admin_bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")

#: Who reads each collection: the permissions of the matching pages.
READS_ORGANISATIONS = ("organisations.view", "own_organisation.edit")
READS_AGREEMENTS = ("agreements.view", "agreements.own")
READS_COMMITTEES = ("committees.view", "committees.own", "committees.member")
READS_MEETINGS = READS_COMMITTEES
READS_PROPOSALS = ("proposals.view", "proposals.own")

#: The machine-readable code of each error status.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}
#: Tokens per page of the administrator's list.
TOKENS_PER_PAGE = 50


# --- answers ---------------------------------------------------------------------------------


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    """A JSON answer (UTF-8, Thai as is), never cached."""
    response = Response(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        status=status,
        mimetype="application/json",
        headers=headers,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_message(status: int) -> str:
    if status == 401:
        return _("A valid API token is required: send it as Authorization: Bearer <token>.")
    if status == 403:
        return _("The token's account may not read these records.")
    if status == 404:
        return _("There is no such address or record, or it is not yours to see.")
    if status == 405:
        return _("The API is read-only: use GET.")
    _title, explanation = MESSAGES.get(status, MESSAGES[500])
    return explanation()


def error_response(status: int, detail: str | None = None, **extra) -> Response:
    """The JSON error: {"error": {"code", "message", ...}}."""
    status = status if status in ERROR_CODES else 500
    body = {"code": ERROR_CODES[status], "message": detail or _error_message(status), **extra}
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="DGTi Partner Registry"'
        if request.headers.get("Authorization"):
            headers["WWW-Authenticate"] += ', error="invalid_token"'
    return json_response({"error": body}, status, headers)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    response = error_response(error.code or 500)
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    return error_response(400, str(error), parameter=error.name)


@bp.record_once
def _install(state) -> None:
    """Let the access check read bearer tokens, and answer every error under /api/ in JSON
    (unknown addresses and wrong methods included, which no blueprint handler sees)."""
    state.app.extensions[BEARER_USER] = services.user_for_request
    state.app.extensions.setdefault(ERROR_RENDERERS, []).append(
        (bp.url_prefix + "/", error_response)
    )


# --- pages of records ------------------------------------------------------------------------


def _link(page: int) -> str:
    args = request.args.to_dict() | {"page": page}
    return url_for(request.endpoint, _external=True, **request.view_args, **args)


def _paged(query: sa.Select, values: dict, serialize=None) -> tuple:
    """One page of a statement's rows and the page's envelope (items filled by the caller)."""
    per_page = int(values.get("per_page", PER_PAGE))
    page = paginate(query, per_page=per_page)
    envelope = {
        "page": page.page,
        "per_page": per_page,
        "total": page.total,
        "next": _link(page.page + 1) if page.has_next else None,
        "previous": _link(page.page - 1) if page.page > 1 else None,
    }
    items = [serialize(row) for row in page.items] if serialize else list(page.items)
    return items, envelope


def _collection(items: list, envelope: dict) -> Response:
    return json_response({"items": items, **envelope})


# --- the API ---------------------------------------------------------------------------------


@bp.get("/openapi.json")
@public
def openapi_description():
    """The OpenAPI 3.1 description of the API (public: it holds no data)."""
    return json_response(openapi.DESCRIPTION)


@bp.get("/organisations")
@token_required(*READS_ORGANISATIONS)
def organisations():
    """Organisations: staff every one, a representative their own."""
    values = read_args(queries.ORGANISATION_PARAMS, request.args)
    query = queries.organisations(token_user(), values)
    return _collection(*_paged(query, values, serializers.organisation))


@bp.get("/organisations/<int:organisation_id>")
@token_required(*READS_ORGANISATIONS)
def organisation(organisation_id: int):
    """One organisation's profile."""
    read_args((), request.args)
    record = queries.organisation(token_user(), organisation_id)
    return json_response(serializers.organisation(record))


@bp.get("/agreements")
@token_required(*READS_AGREEMENTS)
def agreements():
    """Agreements: staff every one, a representative their organisation's once approved."""
    values = read_args(queries.AGREEMENT_PARAMS, request.args)
    on = services.today()
    query = queries.agreements(token_user(), values)
    return _collection(*_paged(query, values, lambda a: serializers.agreement(a, on)))


@bp.get("/agreements/<int:agreement_id>")
@token_required(*READS_AGREEMENTS)
def agreement(agreement_id: int):
    """One agreement, with its objectives and signatories."""
    read_args((), request.args)
    record = queries.agreement(token_user(), agreement_id)
    return json_response(serializers.agreement(record, services.today(), full=True))


@bp.get("/committees")
@token_required(*READS_COMMITTEES)
def committees():
    """Committees the user works with, or where their association holds a seat."""
    values = read_args(queries.COMMITTEE_PARAMS, request.args)
    items, envelope = _paged(queries.committees(token_user(), values), values)
    counts = queries.sitting_counts() if items else {}
    return _collection([serializers.committee(c, counts.get(c.id, 0)) for c in items], envelope)


@bp.get("/committees/<int:committee_id>")
@token_required(*READS_COMMITTEES)
def committee(committee_id: int):
    """One committee, with the seats held today."""
    read_args((), request.args)
    record = queries.committee(token_user(), committee_id)
    seats = queries.sitting_members(record)
    data = serializers.committee(record, len(seats))
    data["members"] = [serializers.seat(s) for s in seats]
    return json_response(data)


@bp.get("/meetings")
@token_required(*READS_MEETINGS)
def meetings():
    """The meetings the user may see, upcoming first (soonest first), then past ones."""
    values = read_args(queries.MEETING_PARAMS, request.args)
    query = queries.meetings(token_user(), values)
    return _collection(*_paged(query, values, serializers.meeting))


@bp.get("/meetings/<int:meeting_id>")
@token_required(*READS_MEETINGS)
def meeting(meeting_id: int):
    """One meeting with its agenda (resolutions to those who may read them)."""
    read_args((), request.args)
    record, resolutions = queries.meeting(token_user(), meeting_id)
    data = serializers.meeting(record)
    data["agenda"] = [
        serializers.agenda_item(item, with_resolution=resolutions)
        for item in queries.agenda(record)
    ]
    return json_response(data)


@bp.get("/proposals")
@token_required(*READS_PROPOSALS)
def proposals():
    """Proposals (every signed-in reader sees every proposal's public part)."""
    values = read_args(queries.PROPOSAL_PARAMS, request.args)
    filters = queries.proposal_filters(values)
    ids, envelope = _paged(proposal_queries.search_ids(filters), values)
    return _collection([serializers.proposal(p) for p in proposal_queries.listed(ids)], envelope)


@bp.get("/proposals/<int:proposal_id>")
@token_required(*READS_PROPOSALS)
def proposal(proposal_id: int):
    """One proposal: the public part, the rest to staff, secretaries and its association;
    with its endorsements."""
    read_args((), request.args)
    user = token_user()
    record = proposal_queries.proposal_for(user, proposal_id)
    data = serializers.proposal(record, full=proposal_queries.reads_in_full(user, record))
    data["endorsements"] = [
        serializers.endorsement(e) for e in proposal_queries.endorsements(record)
    ]
    return json_response(data)


# --- the administrator's token pages ----------------------------------------------------------


@admin_bp.get("/")
@permission_required("api.tokens")
def index():
    """Every token issued, newest first, with its state; a link to the API description."""
    query = (
        sa.select(ApiToken)
        .options(
            joinedload(ApiToken.user),
            selectinload(ApiToken.created_by),
            selectinload(ApiToken.revoked_by),
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    page = paginate(query, per_page=TOKENS_PER_PAGE)
    return render_template(
        "api/tokens.html",
        page=page,
        today=services.today(),
        roles=ROLE_LABELS,
        confirm_form=ConfirmForm(),
    )


def _account_choices() -> list[SelectChoice]:
    users = db.session.scalars(
        sa.select(User).where(User.active.is_(True)).order_by(User.sort_key, User.id)
    )
    return [SelectChoice("", "—")] + [
        SelectChoice(str(u.id), f"{u.full_name} ({u.email}) · {ROLE_LABELS[u.role]}") for u in users
    ]


@admin_bp.route("/new", methods=["GET", "POST"])
@permission_required("api.tokens")
@submissions.submitted_once(
    lambda _saved: url_for(".index"),
    _l(
        "This token was already issued; its secret was shown once, on the answer to the first "
        "submission. If it was not copied, revoke the token and issue a new one."
    ),
)
def new():
    """Issue a token; its secret is shown on the answer to this form, once (one token,
    however often the form is sent)."""
    form = TokenForm()
    form.user_id.choices = _account_choices()

    def save() -> tuple[ApiToken, str]:
        ident = chosen_id(form.user_id.data)
        user = db.session.get(User, ident) if ident and ident > 0 else None
        return services.issue_token(
            user, form.name.data, form.expires_on.data, current_user,
            submission=form.submission.data,
        )  # fmt: skip

    return form_page(
        form, save, template="api/new.html", answer=_secret_shown_once, default_field="name"
    )


def _secret_shown_once(issued: tuple[ApiToken, str]):
    """The answer to the issuing form: the token with its secret, which is never kept or
    shown again (and never cached)."""
    token, secret = issued
    response = current_app.make_response(
        render_template("api/issued.html", token=token, secret=secret)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@admin_bp.post("/<int:token_id>/revoke")
@permission_required("api.tokens")
def revoke(token_id: int):
    """Revoke a token (after a confirmation); it stays in the list."""
    token = db.get_or_404(ApiToken, token_id)
    return confirmed_action(
        token,
        services.revoke_token,
        _("The token %(prefix)s… has been revoked.", prefix=token.prefix),
        url_for(".index"),
    )
