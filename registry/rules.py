"""The error every service raises when its rules refuse a change, and the checks of values
that every domain's services share."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _


class RuleError(ValueError):
    """A change the rules refuse; the message is for the user.

    ``field`` names the form field the message belongs to; ``existing_id`` names
    the record a duplicate collides with, so the page can link to it.
    """

    def __init__(self, message: str, field: str | None = None, existing_id: int | None = None):
        super().__init__(message)
        self.field = field
        self.existing_id = existing_id


#: The earliest and latest years (CE) a date may carry: catches a Buddhist-Era year typed
#: as if it were CE (2567 → year 2567 CE) and other slips.
EARLIEST_YEAR, LATEST_YEAR = 1950, 2150


def clean_text(value):
    """A value as the services store it: a one-line text with its runs of spaces made one, a
    text of several lines trimmed, an empty text None; any other value unchanged."""
    if isinstance(value, str):
        value = " ".join(value.split()) if "\n" not in value else value.strip()
        return value or None
    return value


def plausible_date(day: date | None, field: str, error: type[RuleError] = RuleError) -> None:
    """Refuse (with ``error``, at ``field``) a date outside the years a record can carry,
    such as a Buddhist-Era year typed as a Common-Era one."""
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise error(
            _("Enter a date between the years %(first)s and %(last)s (Buddhist Era).",
              first=EARLIEST_YEAR + 543, last=LATEST_YEAR + 543),
            field,
        )  # fmt: skip
