"""The audit log filter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from ..dates import BEDateField

#: The longest filter: the filters are a few words.
LONGEST_FILTER = 100


def _words() -> list:
    """A filter typed as words: optional, a few words long, without control characters (a NUL
    byte, a line break: no label or code holds one, and databases refuse some in a query)."""
    return [
        Optional(),
        Length(max=LONGEST_FILTER, message=_l("At most %(max)d characters.")),
        Regexp(
            r"^[^\x00-\x1f\x7f]*$", message=_l("Type words only, without control characters.")
        ),
    ]


class AuditFilterForm(FlaskForm):
    """Filters for the audit log (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (email)"), validators=_words())
    #: Found by the action's name as the page shows it (in either language) or as recorded.
    action = StringField(_l("Action"), validators=_words(), render_kw={"list": "audit-actions"})
    #: Found by the record type's name as the page shows it, or its table's name.
    record_type = StringField(
        _l("Record type"), validators=_words(), render_kw={"list": "audit-records"}
    )
    #: A changed field, found by its label as the page shows it, or its column's name.
    field = StringField(_l("Changed field"), validators=_words())
    record_id = IntegerField(
        _l("Record id"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number above 0."))],
    )
    date_from = BEDateField(_l("From"), validators=[Optional()])
    date_to = BEDateField(_l("To"), validators=[Optional()])
