"""The settings forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from ..forms import VersionedForm


class SettingsForm(VersionedForm, FlaskForm):
    """The settings an administrator can change, with the version of the setting they were
    read at."""

    version_field_names = {"value": "thai_numerals"}

    thai_numerals = BooleanField(_l("Write numbers with Thai digits (๐–๙) in Thai pages"))
    submit = SubmitField(_l("Save settings"))


class ApprovalsForm(VersionedForm, FlaskForm):
    """The four-eyes rule for drafts, with the version of the setting it was read at."""

    version_field_names = {"value": "separate_approver"}

    separate_approver = BooleanField(
        _l("A draft is approved by someone other than its author (four eyes)")
    )
    submit = SubmitField(_l("Save settings"))
