"""A timeline entry dated with a day sorts from the start of that day in Thailand, worked out
without a time-zone lookup since Thailand kept UTC+7 (1920), and with one before."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from registry.i18n import BANGKOK
from registry.organisations.timeline import Entry


def _day_start_in_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BANGKOK).astimezone(UTC).replace(tzinfo=None)


def test_a_day_sorts_from_its_start_in_thailand_on_either_side_of_1920():
    days = [date(1920, 3, 31) + timedelta(days=n) for n in range(4)]
    days += [date(1999, 12, 31), date(2026, 12, 7), date(2028, 2, 29)]
    for day in days:
        assert Entry(day, "x").sort_key == _day_start_in_utc(day), day
    # before 2 April 1920 Bangkok kept its local mean time, 6:42:04 ahead of UTC
    assert Entry(date(1920, 3, 31), "x").sort_key == datetime(1920, 3, 30, 17, 17, 56)


def test_a_timestamp_sorts_as_it_was_stored():
    at = datetime(2026, 11, 21, 16, 59)
    assert Entry(at, "x").sort_key is at
    assert not Entry(at, "x").is_date and Entry(at.date(), "x").is_date
