"""The letters' forms: the agency's particulars and emblem (administrator), and the cover
letter that sends an agreement's draft to a partner (staff)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import CreateForm, VersionedForm


class ParticularsForm(VersionedForm, FlaskForm):
    """What every letter prints about the agency, with the version it was read at."""

    version_field_names = {"value": "prefix"}

    prefix = StringField(
        _l("Letter-number prefix"),
        validators=[InputRequired(_l("Enter the letter-number prefix.")), Length(max=40)],
    )
    agency = StringField(
        _l("Agency name"),
        validators=[InputRequired(_l("Enter the agency's name.")), Length(max=200)],
    )
    address = TextAreaField(
        _l("Agency address (one line each)"),
        validators=[InputRequired(_l("Enter the agency's address.")), Length(max=500)],
    )
    signatory_name = StringField(_l("Signatory's name"), validators=[Optional(), Length(max=200)])
    signatory_position = StringField(
        _l("Signatory's position"),
        validators=[InputRequired(_l("Enter the signatory's position.")), Length(max=200)],
    )
    unit = StringField(
        _l("Contact unit"),
        validators=[InputRequired(_l("Enter the contact unit.")), Length(max=200)],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=60)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    submit = SubmitField(_l("Save the particulars"))


class EmblemForm(FlaskForm):
    """The emblem printed at the top of letters (PNG or JPEG)."""

    emblem = FileField(_l("Emblem (PNG or JPEG)"))
    submit = SubmitField(_l("Upload the emblem"))


class CoverLetterForm(CreateForm, FlaskForm):
    """Send an agreement's draft to a partner with a cover letter."""

    party = SelectField(_l("Partner"), coerce=int, validate_choice=False)
    recipient = StringField(
        _l("To (เรียน)"),
        validators=[InputRequired(_l("Enter whom the letter is addressed to.")), Length(max=300)],
    )
    email = StringField(
        _l("Email address"),
        validators=[InputRequired(_l("Enter one valid email address.")), Length(max=254)],
    )
    submit = SubmitField(_l("Issue the letter and mail the draft"))
