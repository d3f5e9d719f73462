"""Sign-in, password and user-administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import EqualTo, Length, Optional

from ..forms import CreateForm, VersionedForm, strip
from ..forms import email as _email
from ..forms import required as _required
from ..security import one_line
from .labels import ROLE_LABELS


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        _l("Email"), validators=[_required, _email, Length(max=254)], filters=[strip]
    )
    password = PasswordField(_l("Password"), validators=[_required, Length(max=200)])
    # Labelled (never shown) so that making the form does not translate a label for it:
    # WTForms would load its own catalogue from disk for that on every sign-in page.
    next = HiddenField("")
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    """A user's own new password."""

    current_password = PasswordField(
        _l("Current password"), validators=[_required, Length(max=200)]
    )
    new_password = PasswordField(_l("New password"), validators=[_required, Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[_required, EqualTo("new_password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class UserForm(FlaskForm):
    """An account as the administrator edits it."""

    full_name = StringField(
        _l("Full name"), validators=[_required, Length(max=200), one_line], filters=[strip]
    )
    email = EmailField(
        _l("Email"), validators=[_required, _email, Length(max=254)], filters=[strip]
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[_required],
    )
    organisation_id = SelectField(
        _l("Organisation (for a representative)"),
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save"))


class UserEditForm(VersionedForm, UserForm):
    """An account as the administrator changes it: with the version it was read at."""


class NewUserForm(CreateForm, UserForm):
    """A new account, with its first (temporary) password (opened once, however often the
    form is sent)."""

    password = PasswordField(_l("Temporary password"), validators=[_required, Length(max=200)])


class ResetPasswordForm(FlaskForm):
    """A temporary password set by the administrator."""

    new_password = PasswordField(_l("Temporary password"), validators=[_required, Length(max=200)])
    submit = SubmitField(_l("Reset password"))
