"""The meeting tables' rows (``panels.formatted``): rows of the lists' columns read by
position and anything else by name give the same texts, in the reader's language (the words
kept per language follow a change of language both ways)."""

from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

from flask_babel import force_locale

from registry.db import read
from registry.meetings import panels, queries
from registry.meetings.labels import STATUS_LABELS
from registry.meetings.models import MeetingStatus

from .conftest import DAY


def test_rows_and_objects_give_the_same_texts_in_each_language(app, board, schedule):
    seats = board(name_th="คณะทดสอบตาราง")
    first = schedule(seats.committee, DAY, venue="ห้อง 1")
    schedule(seats.committee, DAY, starts_at=time(9, 0), ends_at=None, venue=None,
             electronic=True, online_link="https://meet.example/a")  # fmt: skip
    schedule(seats.committee, date(2025, 5, 2))

    for locale in ("th", "en", "th"):
        with app.test_request_context("/"), force_locale(locale):
            page = queries._listed("all")[0]
            rows = read(page, {"on_day": DAY, "page_limit": 30, "page_offset": 0}).all()
            objects = [SimpleNamespace(**row._asdict()) for row in rows]
            by_position, by_name = panels.formatted(rows), panels.formatted(objects)
            label = str(STATUS_LABELS[MeetingStatus.SCHEDULED])
            wording = "Meeting no." if locale == "en" else "ครั้งที่"

            assert by_position == by_name and len(by_position) == 3
            row = next(r for r in by_position if r.id == first)
            assert row.number.startswith(wording) and row.status_label == label
            assert row.held_on == ("10 March 2025" if locale == "en" else "10 มีนาคม 2568")
            assert row.times == ("13:30 – 16:00" if locale == "en" else "13.30 น. – 16.00 น.")
            assert row.committee == "คณะทดสอบตาราง" and row.venue == "ห้อง 1"
            times = {r.times for r in by_position}
            assert ("09:00" if locale == "en" else "09.00 น.") in times
