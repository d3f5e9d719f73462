"""What a committee's pages show of its meetings beside the seats, made once and kept until
the next write (``registry.cache``): the table of the committee's meetings, and the picture of
its members' attendance.

A committee meets many times (a busy one well over a hundred meetings in a few years); the
rows are formatted here in one pass, with each label translated once, instead of one
template macro and several translations per meeting, and the table is kept rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from flask import render_template
from markupsafe import Markup

from .. import cache
from ..charts import pictures
from ..committees.models import Committee
from ..i18n import (
    catalogue,
    current_language,
    format_date,
    format_time,
    kept_strings,
    thai_numerals_enabled,
)
from .labels import ATTENDANCE_LABELS, STATUS_LABELS
from .models import AttendanceKind
from .queries import attendance_rows, committee_meetings

#: The three ways a member takes part, in the order the attendance picture stacks them.
ATTENDANCE_SERIES = (AttendanceKind.PRESENT, AttendanceKind.SUBSTITUTE, AttendanceKind.ABSENT)


class MeetingRow(NamedTuple):
    """One meeting of a table of meetings (the committee page's, the meetings list), every
    text ready to print (a named tuple: a table makes one per meeting)."""

    id: int
    number: str
    held_on: str
    times: str
    venue: str | None
    electronic: bool
    #: The status value (it picks the badge's colour) and its label.
    status: str
    status_label: str
    #: The committee's name (the meetings list's column; the committee page has none).
    committee: str | None = None


def record_key(committee: Committee) -> tuple:
    """The committee a kept result was made for: its id, and when it was created (an id
    given again after a rolled-back transaction, as in the test suite, is another record)."""
    return (committee.id, committee.created_at)


def _reader_key() -> tuple:
    """What the formatted texts depend on: the reader's language and the digits setting."""
    return (current_language(), thai_numerals_enabled())


def meeting_table(committee: Committee, endpoint: str = "meetings.show") -> Markup:
    """The table of the committee's meetings, each linking to ``endpoint``, rendered for the
    reader and kept until the next write (one query and one render when not kept).

    Every reader who may open a committee's page sees all its meetings, so the table depends
    only on the committee, the endpoint and the reader's language and digits."""
    return cache.remembered(
        "committees.meeting_table",
        (*record_key(committee), endpoint, *_reader_key()),
        lambda: _render_table(committee, endpoint),
    )


def _render_table(committee: Committee, endpoint: str) -> Markup:
    rows = meeting_rows(committee)
    html = render_template("committees/_meeting_table.html", meetings=rows, endpoint=endpoint)
    return Markup(html)  # noqa: S704 (an autoescaped template's output)


def meeting_rows(committee: Committee) -> list[MeetingRow]:
    """The committee's meetings in the order of the meetings list (upcoming first, soonest
    first; then the rest, latest first), formatted for the reader (one query)."""
    return formatted(committee_meetings(committee))


#: Where the rows' labels are kept beside the catalogue's own strings (``kept_strings``).
_ROW_LABELS = ("registry.meetings.panels", "row labels")


def _row_labels() -> tuple[str, dict]:
    """The rows' words in the language in use: the meeting number's wording, and each
    status's value and name; translated once per language and kept with its catalogue,
    not on every page."""
    translations = catalogue()
    kept = kept_strings(translations, False)
    labels = kept.get(_ROW_LABELS)
    if labels is None:
        statuses = {status: (status.value, str(label)) for status, label in STATUS_LABELS.items()}
        number = translations.ugettext("Meeting no. %(number)s")
        labels = kept[_ROW_LABELS] = (number, statuses)
    return labels


#: The columns ``formatted`` reads of each meeting, in the order of the lists' rows
#: (``queries.LIST_ROW``, the committee page's and the lists' statements).
_COLUMNS = (
    "id", "number", "year_be", "held_on", "starts_at", "ends_at", "venue", "electronic", "status",
)  # fmt: skip


def formatted(meetings: Iterable) -> list[MeetingRow]:
    """Meetings (rows or objects with id, number, year_be, held_on, starts_at, ends_at, venue,
    electronic, status, and for the list committee_name) formatted for the reader, each
    label translated once for all of them, and each time of day (meetings mostly start and
    end at a few) and each day written once. Rows of those columns in that order (the
    lists') are read by position, anything else by name."""
    meetings = list(meetings)
    if not meetings:
        return []
    lang, digits = _reader_key()
    number, labels = _row_labels()
    first = meetings[0]
    fields = getattr(first, "_fields", None)
    named = "committee_name" in fields if fields is not None else hasattr(first, "committee_name")
    wanted = (*_COLUMNS, "committee_name") if named else _COLUMNS
    if fields is None or tuple(fields[: len(wanted)]) != wanted:
        meetings = [attrgetter(*wanted)(meeting) for meeting in meetings]
    times: dict = {}
    days: dict = {}
    rows = []
    for meeting_id, n, year_be, held_on, starts, ends, venue, electronic, state, *more in meetings:
        written = times.get((starts, ends))
        if written is None:
            written = format_time(starts, lang, digits)
            if ends:
                written += " – " + format_time(ends, lang, digits)
            times[starts, ends] = written
        day = days.get(held_on)
        if day is None:
            day = days[held_on] = format_date(held_on, lang=lang, use_thai_digits=digits)
        status, label = labels[state]
        rows.append(
            MeetingRow(
                meeting_id,
                number % {"number": f"{n}/{year_be}"},
                day,
                written,
                venue,
                electronic,
                status,
                label,
                more[0] if named else None,
            )
        )
    return rows


def attendance_chart(committee: Committee, seats: Iterable | None = None) -> pictures.Chart:
    """The committee page's picture of its members' attendance at the meetings held, kept
    until the next write (two statements and the drawing when not kept: it counts over every
    meeting held; one when the page gives every seat of the committee it has read, as
    ``queries.attendance_rows`` takes them); it depends only on the committee and the
    reader's language and digits."""
    return cache.remembered(
        "committees.attendance",
        (*record_key(committee), *_reader_key()),
        lambda: _attendance_chart(committee, seats),
    )


def _attendance_chart(committee: Committee, seats: Iterable | None) -> pictures.Chart:
    rows = [
        (seat.full_name, *(counts.get(kind, 0) for kind in ATTENDANCE_SERIES))
        for seat, counts in attendance_rows(committee, seats)
    ]
    return pictures.attendance(rows, [str(ATTENDANCE_LABELS[k]) for k in ATTENDANCE_SERIES])
