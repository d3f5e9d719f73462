"""Form pieces every domain shares: filters and validators with translated messages."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email


def strip(value):
    """Leading and trailing spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


required = DataRequired(message=_l("This field is required."))
email = Email(message=_l("Enter a valid email address, for example name@example.go.th."))
