"""The upload form of the import page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from ...forms import CreateForm
from .reading import EXTENSIONS


class ImportForm(CreateForm, FlaskForm):
    """The file to import, and whether only to check it."""

    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(EXTENSIONS, message=_l("Choose a CSV or XLSX file.")),
        ],
    )
    check = SubmitField(_l("Check only"))
    submit = SubmitField(_l("Import"))
