"""Words for the letters' values, in the reader's language (shared by views and exports)."""

from flask_babel import lazy_gettext as _l

from .models import LetterKind

#: What each kind of letter is called in lists.
KIND_LABELS = {
    LetterKind.MEETING_INVITATION: _l("Meeting invitation"),
    LetterKind.AGREEMENT_COVER: _l("Agreement draft for review"),
}
