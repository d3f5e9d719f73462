"""The home page and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..auth import services as accounts
from ..auth.permissions import public, signed_in
from ..security import safe_next

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    """The signed-in user's starting page."""
    return render_template("home/index.html")


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
