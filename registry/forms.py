"""Form pieces every domain shares: filters, validators with translated messages,
the confirmation form, and placing a service's refusal at its field."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Email

from .formats import EMAIL_MESSAGE
from .rules import RuleError
from .submissions import new_token


def strip(value):
    """Leading and trailing spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


required = DataRequired(message=_l("This field is required."))
email = Email(message=EMAIL_MESSAGE)


class SubmissionField(HiddenField):
    """A create form's one-time token (``registry.submissions``): fresh each time the empty
    form is shown, kept as sent when the form is shown again with errors, so that the form
    submitted twice creates one record. Name it ``submission`` in the form."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("default", new_token)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        """Keep the token sent; a form sent without one is given a fresh one to show again."""
        if valuelist and valuelist[0]:
            self.data = valuelist[0]


class ConfirmForm(FlaskForm):
    """An empty form: a button with a CSRF token, for actions that need a confirmation."""

    submit = SubmitField(_l("Confirm"))


class CreateForm:
    """Mixed into a form that creates a record (before ``FlaskForm``): it carries the one-time
    token, so that the form submitted twice creates one record (``registry.submissions``)."""

    #: The form's one-time token.
    submission = SubmissionField()


class CreateConfirmForm(CreateForm, ConfirmForm):
    """A confirmation button that creates something (or sends mail): it carries a token, so
    pressing it twice does it once. Make one per button: each gets its own token."""


def attach_error(form, error: RuleError, default_field: str, link: str | None = None) -> None:
    """Put a service's refusal at the field it concerns, with a link to a colliding record."""
    field = getattr(form, error.field or "", None) or getattr(form, default_field)
    message = Markup.escape(str(error))
    if link:
        message = Markup('{} <a href="{}">{}</a>').format(
            message, link, _("Open the existing record.")
        )
    field.errors = list(field.errors) + [message]
