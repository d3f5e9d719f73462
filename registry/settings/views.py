"""Settings pages."""

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..web import form_page
from . import services
from .forms import ApprovalsForm, SettingsForm

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _shown(form, key: str) -> None:
    """Fill a form of one setting with its value and the version it is read at."""
    getattr(form, key).data = services.get_setting(key)
    form.read_version(services.setting_row(key))


def _setting_page(form, key: str, /, **context):
    """The settings page saving one setting from ``form`` (``form_page``): 422 not valid,
    409 from an outdated form, with who changed the setting since."""
    if request.method == "GET":
        getattr(form, key).data = services.get_setting(key)
    return form_page(
        form,
        lambda: services.set_setting(
            key, bool(getattr(form, key).data), current_user, lock_version=form.submitted_version()
        ),
        template="settings/edit.html",
        done=_("Settings saved."),
        then=url_for(".edit"),
        record=services.setting_row(key),
        **context,
    )


@bp.route("/", methods=["GET", "POST"])
@permission_required("settings.manage")
def edit():
    """Show and change the application settings; a save from an outdated form is refused
    (409) with who changed the setting since."""
    form, approvals = SettingsForm(), ApprovalsForm(prefix="approvals")
    _shown(approvals, "separate_approver")
    return _setting_page(form, "thai_numerals", approvals=approvals)


@bp.post("/approvals")
@permission_required("settings.manage")
def approvals():
    """Turn the rule that a draft's approver differs from its author on or off; a save from
    an outdated form is refused (409) with who changed the setting since."""
    form, approvals = SettingsForm(formdata=None), ApprovalsForm(prefix="approvals")
    _shown(form, "thai_numerals")
    return _setting_page(approvals, "separate_approver", shown_as="approvals", form=form)
