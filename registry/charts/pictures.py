"""The registry's pictures: each one an SVG (``svg``) with the same figures as a data table,
in the reader's language, ready for ``templates/charts/macros.html`` ``figure(chart)``.

The builders take what the queries found (counts, records) and only draw and label: the
queries stay in each page's queries module, so a page's SQL is counted in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup

from ..i18n import (
    ENGLISH_MONTHS,
    THAI_MONTHS_SHORT,
    current_language,
    format_date,
    thai_digits,
    thai_numerals_enabled,
)
from ..i18n import format_number as number
from . import svg


@dataclass(frozen=True)
class Cell:
    """One cell of the data table: text, and the record it links to."""

    text: str
    href: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """The chart's figures as a table, for screen readers and for anyone who prefers them."""

    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    """A picture and its text alternative."""

    title: str
    svg: Markup
    table: Table
    #: Whether there was nothing to draw (the page says so in a sentence instead).
    empty: bool = False


def _year_label(year: int) -> str:
    """An axis year: Buddhist Era in Thai (พ.ศ.), Common Era in English, as dates read."""
    if current_language() == "th":
        text = str(year + 543)
        return thai_digits(text) if thai_numerals_enabled() else text
    return str(year)


def _counts_chart(
    chart_id: str, title: str, desc: str, heading: str, items: Iterable[tuple[str, int]],
    style: svg.Style = svg.STYLES[0], links: Sequence[str | None] | None = None,
) -> Chart:  # fmt: skip
    items = list(items)
    bars = [svg.Bar(label, value) for label, value in items]
    links = links or [None] * len(items)
    rows = [
        (Cell(label, href), Cell(number(value), numeric=True))
        for (label, value), href in zip(items, links, strict=True)
    ]
    return Chart(
        title=title,
        svg=svg.bar_chart(bars, chart_id=chart_id, title=title, desc=desc, style=style),
        table=Table(title, (heading, pgettext("count", "Number")), rows),
        empty=not any(value for _label, value in items),
    )


def _numbers():
    """``format_number`` for many numbers of one page: the language and the digits setting
    looked up once, each number written once."""
    lang = current_language()
    thai = lang == "th" and thai_numerals_enabled()
    written: dict[int, str] = {}

    def write(value: int) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = thai_digits(f"{value:,}") if thai else f"{value:,}"
        return text

    return write


def _summary(items: Iterable[tuple[str, int]]) -> str:
    """ "label: n, label: n" — the figures in one sentence, for the picture's description."""
    return ", ".join(f"{label} {value:,}" for label, value in items if value)


# --- agreements ----------------------------------------------------------------------------------


def agreements_by_state(counts: dict, labels: dict) -> Chart:
    """Agreements by where they stand: the lifecycle status, and for signed ones what the
    dates say (in force, expiring, expired, not yet in force). ``counts`` {key: n} in the
    order of ``labels`` {key: label}."""
    items = [(str(label), counts.get(key, 0)) for key, label in labels.items()]
    links = [url_for("agreements.index", status=_filter_for(key)) for key in labels]
    title = _("Agreements by status")
    desc = _("Number of agreements in each status: %(figures)s.", figures=_summary(items) or "0")
    return _counts_chart("chart-agreement-states", title, desc, _("Status"), items,
                         svg.STYLES[0], links)  # fmt: skip


def _filter_for(key: str) -> str:
    """The agreements list's status filter for a state key of the chart."""
    return {"pending": "signed"}.get(key, key)


def agreements_by_partner_kind(counts: dict, labels: dict) -> Chart:
    """Agreements by the kind of partner organisation that is party to them (an agreement
    with two kinds of partner counts once under each)."""
    items = [(str(label), counts.get(key, 0)) for key, label in labels.items()]
    title = _("Agreements by kind of partner")
    desc = _("Number of agreements with each kind of partner: %(figures)s.",
             figures=_summary(items) or "0")  # fmt: skip
    return _counts_chart("chart-agreement-partners", title, desc, _("Kind of partner"), items,
                         svg.STYLES[2])  # fmt: skip


#: How each state of an agreement is drawn on the timeline.
STATE_STYLES = {
    "active": svg.STYLES[0],
    "expiring": svg.STYLES[1],
    "pending": svg.STYLES[4],
    "expired": svg.STYLES[7],
    "terminating": svg.STYLES[1],
    "terminated": svg.STYLES[5],
}


def agreement_timeline(
    agreements: Sequence, today: date, state_labels: dict, *, endpoint: str = "agreements.show",
    more: int = 0,
) -> Chart:  # fmt: skip
    """Signed agreements over their effective periods, today marked. ``agreements`` are
    signed (or terminated) ones with a first day; a terminated one ends on the day it was
    terminated; one without an end runs on."""
    spans, rows, seen = [], [], []
    for agreement in agreements:
        start = agreement.starts_on
        if start is None:
            continue
        state = agreement.state(today).value
        end = agreement.effective_until
        if state in ("terminating", "terminated") and agreement.terminated_on:
            end = min(end, agreement.terminated_on) if end else agreement.terminated_on
        style = STATE_STYLES.get(state, svg.STYLES[0])
        spans.append(svg.Span(agreement.reference, start, end, style))
        if state not in seen:
            seen.append(state)
        partners = ", ".join(
            party.organisation.acronym or party.organisation.name_th
            for party in agreement.parties
            if not party.organisation.kind.value.startswith("own_")
        )
        rows.append(
            (
                Cell(agreement.reference, url_for(endpoint, agreement_id=agreement.id)),
                Cell(agreement.title_th),
                Cell(partners),
                Cell(format_date(start, "short")),
                Cell(format_date(end, "short") if end else _("No end date")),
                Cell(str(state_labels[state]) if state in state_labels else state),
            )
        )
    title = _("Agreements over their periods in force")
    desc = _(
        "Timeline of %(count)s signed agreements from their first to their last day in force; "
        "a dashed line marks today, %(today)s.",
        count=len(spans),
        today=format_date(today),
    )
    if more:
        desc += " " + _("%(count)s more are not drawn.", count=number(more))
    legend = [(str(state_labels[state]), STATE_STYLES[state]) for state in STATE_STYLES
              if state in seen]  # fmt: skip
    picture = svg.timeline(
        spans,
        today=today,
        chart_id="chart-agreement-timeline",
        title=title,
        desc=desc,
        today_label=_("Today"),
        open_label=_("Arrow: no end date") if any(s.end is None for s in spans) else "",
        legend=legend,
        year_label=_year_label,
    )
    headers = (
        _("Reference"), pgettext("document", "Title"), _("Partners"), _("From"), _("Until"),
        _("State"),
    )  # fmt: skip
    return Chart(title, picture, Table(title, headers, rows), empty=not spans)


# --- proposals and endorsements ----------------------------------------------------------------


def proposals_by_status(counts: dict, labels: dict) -> Chart:
    """Proposals by status, in the order of the lifecycle."""
    items = [(str(label), counts.get(key, 0)) for key, label in labels.items()]
    links = [url_for("proposals.index", status=key.value) for key in labels]
    title = _("Proposals by status")
    desc = _("Number of proposals in each status: %(figures)s.", figures=_summary(items) or "0")
    return _counts_chart("chart-proposal-states", title, desc, _("Status"), items,
                         svg.STYLES[4], links)  # fmt: skip


def proposals_by_category(rows: Sequence[tuple[int, str, int]]) -> Chart:
    """Proposals by category: (category id, name, count) rows, largest first."""
    items = [(name, count) for _id, name, count in rows]
    links = [url_for("proposals.index", category=ident) for ident, _name, _count in rows]
    title = _("Proposals by category")
    desc = _("Number of proposals in each category: %(figures)s.",
             figures=_summary(items) or "0")  # fmt: skip
    return _counts_chart("chart-proposal-categories", title, desc, _("Category"), items,
                         svg.STYLES[3], links)  # fmt: skip


def month_label(month: date) -> str:
    """A month's short name in the reader's language."""
    if current_language() == "th":
        return THAI_MONTHS_SHORT[month.month - 1]
    return ENGLISH_MONTHS[month.month - 1][:3]


def endorsements_per_month(months: Sequence[tuple[date, int]]) -> Chart:
    """Endorsements given per month: (first day of the month, count), oldest first. The
    year is written under January and under the first month (unless that is December, whose
    year would run into January's)."""
    columns = [
        svg.Column(
            month_label(month),
            count,
            _year_label(month.year)
            if month.month == 1 or (index == 0 and month.month < 12)
            else "",
        )
        for index, (month, count) in enumerate(months)
    ]
    title = _("Endorsements per month")
    first = format_date(months[0][0]) if months else ""
    desc = _(
        "Number of endorsements given each month over %(count)s months from %(first)s, "
        "those later withdrawn included; in all %(total)s.",
        count=len(months),
        first=first,
        total=number(sum(count for _month, count in months)),
    )
    rows = [
        (Cell(f"{month_label(month)} {_year_label(month.year)}"), Cell(number(count), numeric=True))
        for month, count in months
    ]
    return Chart(
        title,
        svg.column_chart(
            columns, chart_id="chart-endorsements", title=title, desc=desc, style=svg.STYLES[1]
        ),  # fmt: skip
        Table(title, (_("Month"), _("Endorsements")), rows),
        empty=not any(count for _month, count in months),
    )


# --- meetings ----------------------------------------------------------------------------------


#: Present (solid blue), substitute (orange, diagonal lines), absent (slate, grid).
ATTENDANCE_STYLES = (svg.STYLES[0], svg.STYLES[1], svg.STYLES[7])


def attendance(rows: Sequence[tuple[str, int, int, int]], series: Sequence[str]) -> Chart:
    """How often each member was present, sent a substitute or was absent: (member,
    present, substitute, absent) rows; ``series`` names the three kinds."""
    stacked = [svg.StackedRow(label, (present, substitute, absent))
               for label, present, substitute, absent in rows]  # fmt: skip
    title = _("Meeting attendance per member")
    desc = _(
        "For each of %(count)s members, the meetings held at which they were present, sent a "
        "substitute or were absent; the table below lists the figures.",
        count=len(rows),
    )
    written = _numbers()
    table_rows = [
        (Cell(label), *(Cell(written(v), numeric=True) for v in values)) for label, *values in rows
    ]
    return Chart(
        title,
        svg.stacked_bar_chart(
            stacked,
            list(series),
            chart_id="chart-attendance",
            title=title,
            desc=desc,
            styles=ATTENDANCE_STYLES,
        ),  # fmt: skip
        Table(title, (_("Member"), *series), table_rows),
        empty=not any(sum(values) for _label, *values in rows),
    )
