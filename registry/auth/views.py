"""Sign-in and sign-out, the user's own password, and the administrator's user pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms import SelectChoice

from .. import submissions
from ..db import db, paginate
from ..forms import ConfirmForm, attach_error
from ..organisations.models import Organisation
from ..security import renewal_due, safe_next
from ..web import PageRefusal, confirmed_action, edit_page, form_page
from . import services
from .forms import ChangePasswordForm, NewUserForm, ResetPasswordForm, SignInForm, UserEditForm
from .labels import ROLE_LABELS
from .models import Role, User
from .permissions import permission_required, public, signed_in

bp = Blueprint("auth", __name__)

#: Where the cookie keeps the key of its server-side session (``services.open_session``).
SESSION_KEY = "_session_key"


def open_session_key() -> str | None:
    """The key of the server-side session this request's cookie names, if any."""
    key = session.get(SESSION_KEY)
    return key if isinstance(key, str) and key else None


def begin_session(user: User, key: str | None = None) -> None:
    """Sign the user in on this browser: a fresh cookie (only the language kept), lasting
    ``PERMANENT_SESSION_LIFETIME`` unused, tied to an open server-side session (``key``, or
    one opened now)."""
    if key is None:
        key = services.start_session(user, request.remote_addr)
    _renew_session()
    session.permanent = True
    login_user(user)
    session[SESSION_KEY] = key


@bp.after_app_request
def _note_session_seen(response):
    """Once a minute per session (when its cookie is renewed), note that it is in use."""
    user = g.get("_login_user")
    key = open_session_key()
    if key and user is not None and user.is_authenticated and renewal_due(session):
        services.note_session_seen(key)
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """Show the sign-in form and sign the user in. The empty form is written by its template
    from the address alone, without a form object: it is the page every visitor asks for
    first (a signed-in user asking for it is sent on to ``next``)."""
    if request.method == "GET":
        target = request.args.get("next")
        if current_user.is_authenticated:
            return redirect(safe_next(target) or url_for("home.index"))
        return render_template("auth/sign_in.html", form=None, next=target)
    form = SignInForm(next=request.args.get("next"))

    def save() -> None:
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        if not result.user:  # the try is recorded; the same words for every wrong account
            raise PageRefusal(result.error, result.status)
        begin_session(result.user, result.session_key)

    return form_page(
        form,
        save,
        template="auth/sign_in.html",
        then=lambda _signed_in: safe_next(form.next.data) or url_for("home.index"),
    )


@bp.post("/sign-out")
@signed_in
def sign_out():
    """Sign the user out of this session (the user's sessions elsewhere stay open)."""
    services.record_sign_out(current_user._get_current_object(), open_session_key())
    logout_user()
    _renew_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Let the user choose a new password."""
    form = ChangePasswordForm()

    def save() -> None:
        services.change_own_password(
            current_user,
            form.current_password.data,
            form.new_password.data,
            keep_session=open_session_key(),
        )
        login_user(current_user._get_current_object())  # keep this session after the change

    return form_page(
        form,
        save,
        template="auth/change_password.html",
        done=_("Your password has been changed."),
        then=url_for("home.index"),
        place=_place_password_refusal,
    )


def _place_password_refusal(form, error: services.AccountError) -> None:
    """A refusal of the new password is shown at the field where it was typed."""
    if error.field == "password":
        error.field = "new_password"
    attach_error(form, error, "new_password")


def _renew_session() -> None:
    """Start a fresh session, keeping only the language the visitor chose."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


# --- administration of users ---------------------------------------------------------


def _organisation_choices():
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name_th)
        .order_by(Organisation.sort_key, Organisation.id)
    ).all()
    return [SelectChoice("", "—")] + [SelectChoice(str(row.id), row.name_th) for row in rows]


@bp.get("/admin/users")
@permission_required("users.manage")
def users():
    """List the accounts, filtered by role and state."""
    query = sa.select(User).order_by(User.active.desc(), User.sort_key, User.id)
    role = request.args.get("role", "")
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    if request.args.get("state") == "inactive":
        query = query.where(User.active.is_(False))
    elif request.args.get("state") != "all":
        query = query.where(User.active.is_(True))
    page = paginate(query, per_page=25)
    return render_template("auth/users.html", page=page, roles=ROLE_LABELS, role=role)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@permission_required("users.manage")
@submissions.submitted_once(lambda _saved: url_for(".users"))  # as the first answer
def new_user():
    """Open a new account (one, however often the form is sent)."""
    form = NewUserForm()
    form.organisation_id.choices = _organisation_choices()
    return form_page(
        form,
        lambda: services.create_user(
            email=form.email.data,
            full_name=form.full_name.data,
            role=Role(form.role.data),
            organisation_id=form.organisation_id.data,
            password=form.password.data,
            actor=current_user,
            submission=form.submission.data,
        ),
        template="auth/user_form.html",
        done=lambda user: _("The account %(email)s has been created.", email=user.email),
        then=url_for(".users"),
        default_field="email",
        user=None,
    )


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("users.manage")
def edit_user(user_id: int):
    """Change an account's details; a save from an outdated form is refused (409)."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user, data={"role": user.role.value})
    form.organisation_id.choices = _organisation_choices()
    return edit_page(
        form,
        user,
        lambda version: services.update_user(
            user,
            full_name=form.full_name.data,
            email=form.email.data,
            role=Role(form.role.data),
            organisation_id=form.organisation_id.data,
            actor=current_user,
            lock_version=version,
        ),
        template="auth/user_form.html",
        done=_("The account has been saved."),
        back=url_for(".users"),
        default_field="email",
        user=user,
        reset_form=ResetPasswordForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/admin/users/<int:user_id>/deactivate")
@permission_required("users.manage")
def deactivate_user(user_id: int):
    """Stop an account from signing in."""
    return _account_action(
        user_id, services.deactivate_user, _("The account has been deactivated.")
    )


@bp.post("/admin/users/<int:user_id>/reactivate")
@permission_required("users.manage")
def reactivate_user(user_id: int):
    """Let a deactivated account sign in again."""
    return _account_action(user_id, services.reactivate_user, _("The account is active again."))


@bp.post("/admin/users/<int:user_id>/reset-password")
@permission_required("users.manage")
def reset_password(user_id: int):
    """Give an account a temporary password."""
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.reset_password(user, form.new_password.data, current_user)
    except services.AccountError as error:
        flash(str(error), "danger")
        return redirect(url_for(".edit_user", user_id=user.id)), 303
    flash(_("The password has been reset; the user must change it at the next sign-in."), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


def _account_action(user_id: int, action, done_message: str):
    user = db.get_or_404(User, user_id)
    return confirmed_action(user, action, done_message, url_for(".edit_user", user_id=user.id))
