"""The home page and the language switch."""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user

from ..auth import services as accounts
from ..auth.permissions import permission_required, public, signed_in
from ..security import safe_next
from . import panels, queries

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    """The signed-in user's starting page: what needs them, by role (see ``panels``)."""
    kind = queries.kind_of_home(current_user)
    return render_template(
        "home/index.html", home=kind, **panels.PAGES[kind](current_user._get_current_object())
    )


@bp.get("/statistics")
@permission_required("agreements.view")
def statistics():
    """Staff: the registry's pictures that read every endorsement (too slow for the home)."""
    return render_template("home/statistics.html", **panels.statistics())


@bp.get("/favicon.ico")
@public
def favicon():
    """The site's icon where browsers and tools look for it without reading the page."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.post("/language")
@public
def set_language():
    """Switch the interface language and remember the choice."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_language(current_user._get_current_object(), locale)
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))


@bp.record_once
def _share_pictures(state) -> None:
    """The committee page's attendance picture, for its template."""
    state.app.jinja_env.globals.update(committee_attendance_chart=panels.committee_attendance)
