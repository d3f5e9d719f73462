"""Settings pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..db import db
from ..versions import ConflictError
from . import services
from .forms import SettingsForm

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


@bp.route("/", methods=["GET", "POST"])
@permission_required("settings.manage")
def edit():
    """Show and change the application settings; a save from an outdated form is refused
    (409) with who changed the setting since."""
    form = SettingsForm()
    status = 200
    if request.method == "GET":
        form.thai_numerals.data = services.get_setting("thai_numerals")
        form.read_version(services.setting_row("thai_numerals"))
    elif form.validate_on_submit():
        try:
            services.set_setting(
                "thai_numerals",
                bool(form.thai_numerals.data),
                current_user,
                lock_version=form.submitted_version(),
            )
        except ConflictError as conflict:
            db.session.rollback()
            form.refuse_as_outdated(conflict, services.setting_row("thai_numerals"))
            status = 409
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".edit"))
    else:
        status = 422
    return render_template("settings/edit.html", form=form), status
