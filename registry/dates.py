"""Dates and times as offices type them: day/month/year in the Buddhist Era on Thai pages
(``28/12/2569``, Thai digits too), in the Common Era on English pages (``28/12/2026``), and
24-hour times as ``13.30`` or ``13:30``. The server reads and checks what was typed (the
browser's script only helps); the stored value is a plain ``date`` or ``time``. ISO dates
(``2026-12-28``) are read on every page, as scripts and browsers' own pickers send them."""

from __future__ import annotations

import calendar
import re
from datetime import date, time

from flask_babel import gettext as _
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from .i18n import ENGLISH_MONTHS, THAI_MONTHS, be_year, current_language

#: The Common-Era years a date may fall in (the Buddhist-Era ones are 543 later).
FIRST_YEAR = 1950
LAST_YEAR = 2200
#: Added to a Common-Era year to give the Buddhist-Era one.
BE_OFFSET = 543

_FROM_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*[.:]\s*(\d{2})(?:\s*[.:]\s*(\d{2}))?")
#: What may follow a typed time: "น." (นาฬิกา), as a time is written in Thai.
_TIME_SUFFIX = re.compile(r"\s*(น\.?|นาฬิกา)$")


class DateInputError(ValueError):
    """What is wrong with a typed date or time, in the reader's language."""


def _plain(text: str) -> str:
    """The text with Thai digits as Arabic ones and the outer spaces gone."""
    return str(text).translate(_FROM_THAI_DIGITS).strip()


def _buddhist(lang: str | None) -> bool:
    return (lang or current_language()) == "th"


def _month_name(month: int, lang: str | None) -> str:
    return (THAI_MONTHS if _buddhist(lang) else ENGLISH_MONTHS)[month - 1]


def date_example(lang: str | None = None) -> str:
    """A date as it is typed on the page: 28/12/2569 in Thai, 28/12/2026 in English."""
    return format_date_input(date(2026, 12, 28), lang)


def parse_date(text: str, lang: str | None = None) -> date | None:
    """The date typed: dd/mm/yyyy (also with "." or "-", a two-digit year, Thai digits) in
    the Buddhist Era on Thai pages, the Common Era on English ones; or an ISO date
    (yyyy-mm-dd, Common Era) on any page. None for nothing typed; DateInputError, with a
    message that says what is wrong, for anything else."""
    plain = _plain(text)
    if not plain:
        return None
    buddhist = _buddhist(lang)
    iso = _ISO_DATE.fullmatch(plain)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        typed_year = be_year(year) if buddhist else year
        possible = 1 <= month <= 12 and 1 <= day <= 31
        if possible and FIRST_YEAR + BE_OFFSET <= year <= LAST_YEAR + BE_OFFSET:
            raise DateInputError(
                _("%(year)s looks like a Buddhist-Era year, but a date written "
                  "year-month-day is in the Common Era: type %(example)s.",
                  year=year, example=_as_typed(day, month, year - BE_OFFSET, lang))
            )  # fmt: skip
    else:
        found = _DAY_FIRST.fullmatch(plain)
        if not found:
            raise DateInputError(
                _("Enter a date as day/month/year, for example %(example)s.",
                  example=date_example(lang))
            )  # fmt: skip
        day, month, typed_year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            # Two digits: the Buddhist Era's 25xx on Thai pages, this century on English ones.
            typed_year += 2500 if buddhist else 2000
        year = _common_era_year(typed_year, buddhist, lang)
    if not 1 <= month <= 12:
        raise DateInputError(_("Enter a month from 1 to 12."))
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        if day < 1 or day > 31:
            raise DateInputError(_("Enter a day from 1 to 31."))
        raise DateInputError(
            _("%(month)s %(year)s has %(days)s days.",
              month=_month_name(month, lang), year=typed_year, days=last_day)
        )  # fmt: skip
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateInputError(_year_range_message(lang))
    return date(year, month, day)


def _as_typed(day: int, month: int, year: int, lang: str | None) -> str:
    """Day, month and Common-Era year as the page takes them (dd/mm/yyyy in its era)."""
    shown = be_year(year) if _buddhist(lang) else year
    return f"{day:02d}/{month:02d}/{shown}"


def _common_era_year(typed: int, buddhist: bool, lang: str | None) -> int:
    """The Common-Era year of a year typed on the page, refusing one typed in the other era
    (2026 on a Thai page, 2569 on an English one) and one outside the range."""
    if buddhist:
        if FIRST_YEAR <= typed <= LAST_YEAR:
            raise DateInputError(
                _("%(year)s looks like a Common-Era year (ค.ศ.); type the Buddhist-Era year "
                  "(พ.ศ.), for example %(be_year)s.", year=typed, be_year=typed + BE_OFFSET)
            )  # fmt: skip
        year = typed - BE_OFFSET
    else:
        if FIRST_YEAR + BE_OFFSET <= typed <= LAST_YEAR + BE_OFFSET:
            raise DateInputError(
                _("%(year)s looks like a Buddhist-Era year; type the Common-Era year, "
                  "for example %(ce_year)s.", year=typed, ce_year=typed - BE_OFFSET)
            )  # fmt: skip
        year = typed
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateInputError(_year_range_message(lang))
    return year


def _year_range_message(lang: str | None) -> str:
    if _buddhist(lang):
        return _("Enter a year from %(first)s to %(last)s (Buddhist Era).",
                 first=be_year(FIRST_YEAR), last=be_year(LAST_YEAR))  # fmt: skip
    return _("Enter a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)


def parse_time(text: str, lang: str | None = None) -> time | None:
    """The time of day typed, 24-hour: 13.30 or 13:30 (also 9.05, 13.30 น., Thai digits,
    seconds). None for nothing typed; DateInputError saying what is wrong otherwise."""
    plain = _TIME_SUFFIX.sub("", _plain(text))
    if not plain:
        return None
    found = _TIME.fullmatch(plain)
    if not found:
        raise DateInputError(
            _("Enter a time as hours and minutes, for example %(example)s.",
              example=format_time_input(time(13, 30), lang))
        )  # fmt: skip
    hour, minute = int(found.group(1)), int(found.group(2))
    second = int(found.group(3) or 0)
    if hour > 23:
        raise DateInputError(_("Enter hours from 00 to 23."))
    if minute > 59 or second > 59:
        raise DateInputError(_("Enter minutes from 00 to 59."))
    return time(hour, minute, second)


def format_date_input(value: date | None, lang: str | None = None) -> str:
    """A date as the input shows it: 28/12/2569 on Thai pages, 28/12/2026 on English ones."""
    if value is None:
        return ""
    year = be_year(value.year) if _buddhist(lang) else value.year
    return f"{value.day:02d}/{value.month:02d}/{year}"


def format_time_input(value: time | None, lang: str | None = None) -> str:
    """A time as the input shows it: 13.30 on Thai pages, 13:30 on English ones."""
    if value is None:
        return ""
    separator = "." if _buddhist(lang) else ":"
    return f"{value.hour:02d}{separator}{value.minute:02d}"


def file_date(value: date, lang: str | None = None) -> str:
    """A date in a file name, sortable: 2569-12-28 for a Thai reader (Buddhist Era, as the
    rest of the page), 2026-12-28 for an English one."""
    year = be_year(value.year) if _buddhist(lang) else value.year
    return f"{year}-{value.month:02d}-{value.day:02d}"


# --- form fields --------------------------------------------------------------------------------


class DateTimeTextInput(TextInput):
    """A plain text input for a date or time: digits on a phone's keyboard, no browser
    autofill, the format hint read with the field (``aria-describedby``), and a marker for
    the page's script (static/dates.js)."""

    def __call__(self, field, **kwargs):
        """Render the input, naming the hint before any error the caller describes it with."""
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("spellcheck", "false")
        kwargs.setdefault("data-date-input", field.input_kind)
        kwargs.setdefault("data-era", "be" if _buddhist(None) else "ce")
        kwargs.setdefault("maxlength", "10" if field.input_kind == "date" else "8")
        described = [field.hint_id] + kwargs.get("aria-describedby", "").split()
        kwargs["aria-describedby"] = " ".join(dict.fromkeys(described))
        return super().__call__(field, **kwargs)


class _TypedField(Field):
    """What the date and the time fields share: the text typed is kept to show again, the
    value read by the server, an error message at the field when it cannot be read."""

    widget = DateTimeTextInput()
    input_kind = ""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.pop("invalid_value_message", None)
        kwargs.pop("format", None)
        super().__init__(label, validators, **kwargs)

    @property
    def hint_id(self) -> str:
        """The id of the format hint under the input (macros/forms.html)."""
        return f"{self.id}-hint"

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self._shown(self.data)

    def _read(self, text: str):
        raise NotImplementedError

    def _shown(self, value) -> str:
        raise NotImplementedError

    def pre_validate(self, form):
        """Text that is not a date (or time) is answered by what is wrong with it alone: not
        also, or instead, by "This field is required"."""
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist):
        """Read the typed text; a message at the field when it is not a date (or time)."""
        if not valuelist:
            return
        self.data = None
        try:
            self.data = self._read(str(valuelist[0]))
        except DateInputError as error:
            raise ValueError(str(error)) from None


class BEDateField(_TypedField):
    """A date typed day/month/year: Buddhist Era on Thai pages, Common Era on English ones
    (ISO dates too); stores a ``date``."""

    input_kind = "date"

    @property
    def hint(self) -> str:
        """The format, with an example, under the input."""
        return date_hint()

    def _read(self, text: str):
        return parse_date(text)

    def _shown(self, value) -> str:
        return format_date_input(value)


class TimeOfDayField(_TypedField):
    """A 24-hour time typed as 13.30 or 13:30; stores a ``time``."""

    input_kind = "time"

    @property
    def hint(self) -> str:
        """The format, with an example, under the input."""
        if _buddhist(None):
            return _("hh.mm, 24-hour, for example 13.30")
        return _("hh:mm, 24-hour, for example 13:30")

    def _read(self, text: str):
        return parse_time(text)

    def _shown(self, value) -> str:
        return format_time_input(value)


def init_app(app) -> None:
    """Give templates what a date input outside a form class needs (a list's filter): the
    value as typed on the page, and the hint."""
    app.add_template_filter(format_date_input, "date_input")
    app.jinja_env.globals["date_hint"] = date_hint


def date_hint() -> str:
    """The format of a date input, with an example, in the page's language and era."""
    if _buddhist(None):
        return _("dd/mm/yyyy in the Buddhist Era, for example %(example)s",
                 example=date_example())  # fmt: skip
    return _("dd/mm/yyyy, for example %(example)s", example=date_example())
