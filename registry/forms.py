"""Form pieces every domain shares: filters, validators with translated messages,
the confirmation form, and placing a service's refusal at its field."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SubmitField
from wtforms.validators import DataRequired, Email

from .formats import EMAIL_MESSAGE
from .rules import RuleError


def strip(value):
    """Leading and trailing spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


required = DataRequired(message=_l("This field is required."))
email = Email(message=EMAIL_MESSAGE)


class ConfirmForm(FlaskForm):
    """An empty form: a button with a CSRF token, for actions that need a confirmation."""

    submit = SubmitField(_l("Confirm"))


def attach_error(form, error: RuleError, default_field: str, link: str | None = None) -> None:
    """Put a service's refusal at the field it concerns, with a link to a colliding record."""
    field = getattr(form, error.field or "", None) or getattr(form, default_field)
    message = Markup.escape(str(error))
    if link:
        message = Markup('{} <a href="{}">{}</a>').format(
            message, link, _("Open the existing record.")
        )
    field.errors = list(field.errors) + [message]
