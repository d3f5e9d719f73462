"""Staff pages for the register of organisations: list and search, profile, new, edit,
deactivate and reactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..db import db
from ..forms import ConfirmForm, attach_error
from ..web import confirmed_action
from . import queries, services
from .forms import KIND_LABELS, STATUS_LABELS, OrganisationForm
from .models import Organisation
from .provinces import sorted_provinces

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

#: Organisations per page of the list.
PER_PAGE = 25


@bp.get("/")
@permission_required("organisations.view")
def index():
    """List organisations, with the search box, filters and sort order."""
    filters = queries.Filters.from_args(request.args)
    page = db.paginate(queries.search(filters), per_page=PER_PAGE, error_out=False)
    return render_template(
        "organisations/index.html", page=page, filters=filters, provinces=sorted_provinces
    )


@bp.get("/<int:organisation_id>")
@permission_required("organisations.view")
def show(organisation_id: int):
    """Show an organisation's profile."""
    organisation = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "organisations/show.html", organisation=organisation, confirm_form=ConfirmForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("organisations.edit")
def new():
    """Register a new organisation."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                actor=current_user, status=form.chosen_status(), **form.details()
            )
        except services.OrganisationError as error:
            _attach_error(form, error)
        else:
            flash(_("The organisation has been registered."), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return _form_page(form, None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@permission_required("organisations.edit")
def edit(organisation_id: int):
    """Change an organisation's profile."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    if not organisation.active:
        del form.status  # inactive until reactivated
    if form.validate_on_submit():
        try:
            services.update_organisation(
                organisation, actor=current_user, status=form.chosen_status(), **form.details()
            )
        except services.OrganisationError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            flash(_("The organisation has been saved."), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return _form_page(form, organisation)


@bp.post("/<int:organisation_id>/deactivate")
@permission_required("organisations.edit")
def deactivate(organisation_id: int):
    """Mark an organisation inactive (it is never deleted)."""
    return _status_action(
        organisation_id,
        services.deactivate_organisation,
        _("The organisation is now inactive."),
    )


@bp.post("/<int:organisation_id>/reactivate")
@permission_required("organisations.edit")
def reactivate(organisation_id: int):
    """Make an inactive organisation an active partner again."""
    return _status_action(
        organisation_id,
        services.reactivate_organisation,
        _("The organisation is active again."),
    )


def _status_action(organisation_id: int, action, done_message: str):
    organisation = db.get_or_404(Organisation, organisation_id)
    back = url_for(".show", organisation_id=organisation.id)
    return confirmed_action(organisation, action, done_message, back)


def _form_page(form: OrganisationForm, organisation: Organisation | None):
    status = 422 if form.errors else 200
    return render_template("organisations/form.html", form=form, organisation=organisation), status


def _attach_error(form: OrganisationForm, error: services.OrganisationError) -> None:
    """Put a service's refusal at its field, linking to the record it collides with."""
    link = url_for(".show", organisation_id=error.existing_id) if error.existing_id else None
    attach_error(form, error, "name_th", link)


@bp.record_once
def _share_labels(state) -> None:
    """The kind and status labels, for every template (macros included)."""
    state.app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS, STATUS_LABELS=STATUS_LABELS)
