"""The audit log filter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from ..dates import BEDateField


class AuditFilterForm(FlaskForm):
    """Filters for the audit log (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (email)"), validators=[Optional()])
    action = StringField(_l("Action"), validators=[Optional()])
    record_type = StringField(_l("Record type"), validators=[Optional()])
    record_id = IntegerField(
        _l("Record id"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number above 0."))],
    )
    date_from = BEDateField(_l("From"), validators=[Optional()])
    date_to = BEDateField(_l("To"), validators=[Optional()])
