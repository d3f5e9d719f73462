"""Committee pages: the list, the committee with its current and past members, setting up and
editing a committee, appointing and ending seats, dissolving; and the read-only pages of the
committees where a representative's association holds a seat.

Staff work with every committee; a secretary only with the committees where a sitting
secretary seat is linked to their account (any other answers "not found").
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from .. import submissions
from ..auth.permissions import any_permission_required, permission_required
from ..db import db
from ..forms import attach_error
from ..i18n import catalogue, format_number, kept_strings
from ..meetings import panels as meeting_panels
from ..web import edit_page, form_page
from . import queries, services
from .forms import (
    AppointForm,
    CommitteeEditForm,
    DissolveForm,
    EndMembershipForm,
    NewCommitteeForm,
)
from .labels import KIND_LABELS, QUORUM_LABELS, ROLE_LABELS
from .models import Committee

bp = Blueprint("committees", __name__, url_prefix="/committees")

#: Staff (every committee) or a secretary (their own committees).
WORKS_WITH = ("committees.view", "committees.own")
#: Staff (every committee) or a secretary (their own committees' seats).
MANAGES_SEATS = ("committees.manage", "committees.own")
#: Committees per page of the list.
PER_PAGE = 25


@bp.get("/")
@any_permission_required(*WORKS_WITH)
def index():
    """The committees, with their kind, parent and the number of sitting members, a page at
    a time (``?page=``: past the end, an empty page; not a number, the first page)."""
    page = queries.committees_page(current_user, per_page=PER_PAGE)
    committees = page.items
    return render_template(
        "committees/index.html",
        page=page,
        committees=committees,
        labels=_list_labels(),
        # one address prefix for all the rows
        committee_url=url_for(".index"),
        # each count of sitting members written once for the page, not once per row
        sitting={count: format_number(count) for count in {row.sitting for row in committees}},
    )


#: Where the list's labels are kept beside the catalogue's own strings (``kept_strings``).
_LIST_LABELS = ("registry.committees.views", "list labels")


class ListLabels(NamedTuple):
    """The labels the committees list's rows show: each kind's name, "active", "dissolved"."""

    kinds: dict
    active: str
    dissolved: str


def _list_labels() -> ListLabels:
    """The list's labels in the language in use, translated once per language and kept with
    its catalogue, not once per page or per row."""
    kept = kept_strings(catalogue(), False)
    labels = kept.get(_LIST_LABELS)
    if labels is None:
        labels = kept[_LIST_LABELS] = ListLabels(
            {kind: str(label) for kind, label in KIND_LABELS.items()},
            pgettext("committee", "Active"),
            _("Dissolved"),
        )
    return labels


#: Where the committee page's labels are kept beside the catalogue's own strings.
_PAGE_LABELS = ("registry.committees.views", "page labels")


def _page_labels() -> dict:
    """The committee page's members' roles by name in the language in use, translated once
    per language and kept with its catalogue, not once per seat of every page."""
    kept = kept_strings(catalogue(), False)
    roles = kept.get(_PAGE_LABELS)
    if roles is None:
        roles = kept[_PAGE_LABELS] = {role: str(label) for role, label in ROLE_LABELS.items()}
    return roles


@bp.get("/<int:committee_id>")
@any_permission_required(*WORKS_WITH)
def show(committee_id: int):
    """A committee: mandate, order, quorum, current and past members, subcommittees."""
    committee = queries.committee_page(current_user, committee_id)
    members = queries.seat_lists(committee)
    return render_template(
        "committees/show.html",
        committee=committee,
        role_labels=_page_labels(),
        kind_labels=_list_labels().kinds,
        sitting=members.sitting,
        upcoming=members.upcoming,
        past=members.past,
        quorum=committee.quorum_needed(len(members.sitting)),
        may_manage=queries.manages_all(current_user),
        meetings=meeting_panels.meeting_table(committee),
        attendance_chart=meeting_panels.attendance_chart(committee, members.every),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("committees.manage")
@submissions.submitted_once(lambda saved: url_for(".show", committee_id=saved.record_id))
def new():
    """Set up a committee (one, however often the form is sent)."""
    form = NewCommitteeForm()
    form.set_parents(queries.parent_choices())
    if request.method == "GET" and request.args.get("parent", "").isdigit():
        form.parent_id.data = request.args["parent"][:9]
        form.kind.data = "subcommittee"
    return form_page(
        form,
        lambda: services.create_committee(
            actor=current_user, submission=form.submission.data, **form.details()
        ),
        template="committees/form.html",
        done=_("The committee has been set up."),
        then=lambda committee: url_for(".show", committee_id=committee.id),
        place=_attach,
        committee=None,
    )


@bp.route("/<int:committee_id>/edit", methods=["GET", "POST"])
@permission_required("committees.manage")
def edit(committee_id: int):
    """Change a committee's details; a save from an outdated form is refused (409)."""
    committee = db.get_or_404(Committee, committee_id)
    if request.method == "GET" and not committee.active:
        flash(_("This committee has been dissolved; it can no longer be changed."), "warning")
        return redirect(url_for(".show", committee_id=committee.id))
    form = CommitteeEditForm(obj=committee if request.method == "GET" else None)
    form.set_parents(queries.parent_choices(committee))
    if request.method == "GET":
        form.parent_id.data = str(committee.parent_id or "")
        form.kind.data = committee.kind.value
        form.quorum_rule.data = committee.quorum_rule.value
    return edit_page(
        form,
        committee,
        lambda version: services.update_committee(
            committee, actor=current_user, lock_version=version, **form.details()
        ),
        template="committees/form.html",
        done=_("The committee has been saved."),
        back=url_for(".show", committee_id=committee.id),
        place=_attach,
        committee=committee,
    )


def _attach(form, error: services.CommitteeError) -> None:
    link = url_for(".show", committee_id=error.existing_id) if error.existing_id else None
    attach_error(form, error, "name_th", link)


@bp.route("/<int:committee_id>/dissolve", methods=["GET", "POST"])
@permission_required("committees.manage")
def dissolve(committee_id: int):
    """Dissolve a committee; the seats still held end that day. One changed since the form
    was opened is not dissolved from it (409)."""
    committee = db.get_or_404(Committee, committee_id)
    form = DissolveForm()
    if request.method == "GET":
        form.dissolved_on.data = services.today()
    return edit_page(
        form,
        committee,
        lambda version: services.dissolve_committee(
            committee,
            current_user,
            dissolved_on=form.dissolved_on.data,
            reason=form.reason.data,
            lock_version=version,
        ),
        template="committees/dissolve.html",
        done=_("The committee has been dissolved."),
        back=url_for(".show", committee_id=committee.id),
        default_field="dissolved_on",
        committee=committee,
    )


@bp.route("/<int:committee_id>/appoint", methods=["GET", "POST"])
@any_permission_required(*MANAGES_SEATS)
@submissions.submitted_once(lambda _saved, **args: url_for(".show", **args))
def appoint(committee_id: int):
    """Give a person a seat on the committee (once, however often the form is sent)."""
    committee = queries.committee_for(current_user, committee_id)
    if not committee.active:
        flash(_("This committee has been dissolved; no one can be appointed."), "warning")
        return redirect(url_for(".show", committee_id=committee.id))
    form = AppointForm()
    form.set_choices(
        queries.contact_choices(),
        queries.organisation_choices(),
        queries.secretary_account_choices(),
    )
    if request.method == "GET":
        form.term_start.data = max(services.today(), committee.established_on)
        form.appointed_by.data = _order_text(committee)
    return form_page(
        form,
        lambda: services.appoint(
            committee, actor=current_user, submission=form.submission.data, **form.details()
        ),
        template="committees/appoint.html",
        done=_("The appointment has been recorded."),
        then=url_for(".show", committee_id=committee.id),
        default_field="contact_id",
        committee=committee,
    )


def _order_text(committee: Committee) -> str | None:
    if not committee.order_number:
        return None
    return _("Order no. %(number)s", number=committee.order_number)


@bp.route("/<int:committee_id>/members/<int:membership_id>/end", methods=["GET", "POST"])
@any_permission_required(*MANAGES_SEATS)
def end_membership(committee_id: int, membership_id: int):
    """End a seat early (resignation, replacement ...); it stays in the history. A seat
    changed since the form was opened is not ended from it (409)."""
    seat = queries.seat_for(current_user, committee_id, membership_id)
    if request.method == "GET" and seat.ended:
        flash(_("This seat has already ended."), "warning")
        return redirect(url_for(".show", committee_id=committee_id))
    form = EndMembershipForm()
    if request.method == "GET":
        form.ended_on.data = max(services.today(), seat.term_start)
    return edit_page(
        form,
        seat,
        lambda version: services.end_membership(
            seat,
            current_user,
            ended_on=form.ended_on.data,
            reason=form.reason.data,
            lock_version=version,
        ),
        template="committees/end_membership.html",
        done=_("The seat has been ended."),
        back=url_for(".show", committee_id=committee_id),
        default_field="ended_on",
        seat=seat,
        committee=seat.committee,
    )


# --- representatives: committees where their association sits --------------------------------


@bp.get("/ours")
@permission_required("committees.member")
def mine():
    """The committees where the representative's association holds a seat."""
    if current_user.organisation_id is None:
        abort(404)
    committees = queries.representative_committees(current_user)
    counts = queries.sitting_counts(committee_ids=[c.id for c in committees]) if committees else {}
    return render_template("committees/mine.html", committees=committees, counts=counts)


@bp.get("/ours/<int:committee_id>")
@permission_required("committees.member")
def mine_show(committee_id: int):
    """One of those committees, read only: members' names, seats and organisations."""
    committee = queries.representative_committee_or_404(current_user, committee_id)
    return render_template(
        "committees/mine_show.html",
        committee=committee,
        sitting=queries.sitting_seats(committee),
        meetings=meeting_panels.meeting_table(committee, "meetings.mine_show"),
    )


@bp.record_once
def _share_labels(state) -> None:
    """The committee labels, for every template."""
    state.app.jinja_env.globals.update(
        COMMITTEE_KIND_LABELS=KIND_LABELS,
        COMMITTEE_ROLE_LABELS=ROLE_LABELS,
        COMMITTEE_QUORUM_LABELS=QUORUM_LABELS,
    )
