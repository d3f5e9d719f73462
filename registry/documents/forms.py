"""The forms of electronic signing: the block to sign in, and a file signed elsewhere."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..forms import CreateForm


class SignatureForm(CreateForm, FlaskForm):
    """Sign a final printing with the agency's certificate, in one signature block (once,
    however often the form is sent)."""

    field = SelectField(
        _l("Signature block"),
        choices=[],
        validators=[InputRequired(message=_l("Choose the signature block to sign in."))],
    )


class SignedFileForm(CreateForm, FlaskForm):
    """A printing signed elsewhere (in a partner's PDF reader), to be checked and kept."""

    file = FileField(_l("Signed PDF file"))
