"""Settings pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from . import services
from .forms import SettingsForm

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


@bp.route("/", methods=["GET", "POST"])
@permission_required("settings.manage")
def edit():
    """Show and change the application settings."""
    form = SettingsForm()
    if request.method == "GET":
        form.thai_numerals.data = services.get_setting("thai_numerals")
    elif form.validate_on_submit():
        services.set_setting("thai_numerals", bool(form.thai_numerals.data), current_user)
        flash(_("Settings saved."), "success")
        return redirect(url_for(".edit"))
    return render_template("settings/edit.html", form=form), 422 if form.errors else 200
