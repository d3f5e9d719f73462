"""Settings pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..db import db
from ..versions import ConflictError
from . import services
from .forms import ApprovalsForm, SettingsForm

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _shown(form, key: str) -> None:
    """Fill a form of one setting with its value and the version it is read at."""
    getattr(form, key).data = services.get_setting(key)
    form.read_version(services.setting_row(key))


def _saved(form, key: str) -> int | None:
    """Save one setting from its sent form: None when saved, else the status of the page
    that shows the form again (409 outdated, 422 not valid)."""
    if not form.validate_on_submit():
        return 422
    try:
        services.set_setting(
            key, bool(getattr(form, key).data), current_user, lock_version=form.submitted_version()
        )
    except ConflictError as conflict:
        db.session.rollback()
        form.refuse_as_outdated(conflict, services.setting_row(key))
        return 409
    return None


@bp.route("/", methods=["GET", "POST"])
@permission_required("settings.manage")
def edit():
    """Show and change the application settings; a save from an outdated form is refused
    (409) with who changed the setting since."""
    form, approvals = SettingsForm(), ApprovalsForm(prefix="approvals")
    _shown(approvals, "separate_approver")
    status = 200
    if request.method == "GET":
        _shown(form, "thai_numerals")
    else:
        status = _saved(form, "thai_numerals")
        if status is None:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".edit"))
    return render_template("settings/edit.html", form=form, approvals=approvals), status


@bp.post("/approvals")
@permission_required("settings.manage")
def approvals():
    """Turn the rule that a draft's approver differs from its author on or off; a save from
    an outdated form is refused (409) with who changed the setting since."""
    form, approvals = SettingsForm(formdata=None), ApprovalsForm(prefix="approvals")
    _shown(form, "thai_numerals")
    status = _saved(approvals, "separate_approver")
    if status is None:
        flash(_("Settings saved."), "success")
        return redirect(url_for(".edit"))
    return render_template("settings/edit.html", form=form, approvals=approvals), status
