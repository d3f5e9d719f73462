"""The settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField


class SettingsForm(FlaskForm):
    """The settings an administrator can change."""

    thai_numerals = BooleanField(_l("Write numbers with Thai digits (๐–๙) in Thai pages"))
    submit = SubmitField(_l("Save settings"))
