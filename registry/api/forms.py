"""The administrator's form that issues an API token (the query parameters are declared and
checked in ``params``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..dates import BEDateField
from ..forms import CreateForm, required, strip
from .services import NAME_MAX

# --- the administrator's form ------------------------------------------------------------------


class TokenForm(CreateForm, FlaskForm):
    """Issue a token: for which account, what for, until when (one, however often the form
    is sent)."""

    user_id = SelectField(_l("Account"), validate_choice=False, validators=[required])
    name = StringField(
        _l("Name"),
        validators=[required, Length(max=NAME_MAX, message=_l("At most %(max)d characters."))],
        filters=[strip],
        description=_l("What will use it, for example the system that reads the registry."),
    )
    expires_on = BEDateField(
        _l("Last day it works"),
        validators=[Optional()],
        description=_l("Leave empty for a token that works until it is revoked."),
    )
    submit = SubmitField(_l("Issue token"))
