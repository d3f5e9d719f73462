"""Small SVG drawing helpers: horizontal bars, stacked bars, columns over time and a timeline.

Every chart is drawn on the server as one inline ``<svg>`` (no script, no external library,
no ``style`` attribute: only presentation attributes, which the Content-Security-Policy
allows and WeasyPrint prints). Each has ``role="img"`` with a ``<title>`` and ``<desc>``
named by ``aria-labelledby``; the page adds a data table beside it (see ``pictures``).
Series differ by colour *and* by a fill pattern, and every bar carries its label and value
as text, so nothing is told by colour alone. The size is set by ``viewBox`` (with width and
height attributes for print), so the picture scales on screen and keeps its shape on paper.

The helpers take text already in the reader's language: they draw, they do not translate.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

#: The chart's width in SVG units; 600 px prints 15.9 cm wide, inside an A4 text column.
WIDTH = 600
FONT = "Sarabun, 'TH Sarabun New', 'Noto Sans Thai', Tahoma, sans-serif"
INK = "#212529"
MUTED = "#495057"
GRID = "#ced4da"
TODAY = "#a61c3c"


@dataclass(frozen=True)
class Style:
    """How one series is filled: a colour (4.5:1 or more against white, so white pattern
    lines and white numbers on it read well) and a pattern drawn over it in white."""

    colour: str
    pattern: str = "solid"


#: Colours and patterns for series, in order: each differs from the others in both.
STYLES = (
    Style("#1f4e99", "solid"),
    Style("#b35900", "diagonal"),
    Style("#1b7f4b", "dots"),
    Style("#8e3b8e", "cross"),
    Style("#006d77", "horizontal"),
    Style("#a61c3c", "backdiagonal"),
    Style("#7a5c00", "vertical"),
    Style("#4d5b6a", "grid"),
)

#: The white strokes that make each pattern, in a 6×6 tile.
_PATTERN_SHAPES = {
    "diagonal": '<path d="M-1,1 L1,-1 M0,6 L6,0 M5,7 L7,5" stroke="#fff" stroke-width="1.4"/>',
    "backdiagonal": '<path d="M-1,5 L1,7 M0,0 L6,6 M5,-1 L7,1" stroke="#fff" stroke-width="1.4"/>',
    "dots": '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
    "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1"/>',
    "horizontal": '<path d="M0,3 L6,3" stroke="#fff" stroke-width="1.4"/>',
    "vertical": '<path d="M3,0 L3,6" stroke="#fff" stroke-width="1.4"/>',
    "grid": '<path d="M0,3 L6,3 M3,0 L3,6" stroke="#fff" stroke-width="1"/>',
}

_ID = re.compile(r"[^A-Za-z0-9_-]")


def style_for(index: int) -> Style:
    """The style of the n-th series (they repeat after eight)."""
    return STYLES[index % len(STYLES)]


def clip(text: str, length: int) -> str:
    """Text cut to ``length`` visible characters with an ellipsis; Thai vowel and tone marks
    above and below a letter take no width, so they are not counted."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text  # no more visible characters than characters
    seen = 0
    for position, char in enumerate(text):
        if unicodedata.combining(char) or unicodedata.category(char) == "Mn":
            continue
        seen += 1
        if seen > length:
            return text[:position].rstrip() + "…"
    return text


def nice_step(largest: float, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) that reaches ``largest`` in at most
    ``ticks`` steps."""
    if largest <= 0:
        return 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, int(factor * power))
    return int(10 * power)


def _number(value: float) -> str:
    return f"{value:,.0f}"


class Canvas:
    """An SVG document being written: shapes, text and the patterns they use."""

    def __init__(self, chart_id: str, height: float, title: str, desc: str):
        self.id = _ID.sub("-", chart_id) or "chart"
        self.height = math.ceil(height)
        self.title = title
        self.desc = desc
        self.parts: list[str] = []
        self.patterns: set[str] = set()

    def rect(self, x, y, width, height, style: Style | None = None, **attributes) -> None:
        """A rectangle filled in a series style (colour, then its pattern over it)."""
        geometry = f'x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}"'
        extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attributes.items())
        if style is None:
            self.parts.append(f"<rect {geometry}{extra}/>")
            return
        self.parts.append(f'<rect {geometry} fill="{style.colour}"{extra}/>')
        if style.pattern in _PATTERN_SHAPES and width > 0:
            self.patterns.add(style.pattern)
            self.parts.append(f'<rect {geometry} fill="url(#{self.id}-{style.pattern})"/>')

    def line(self, x1, y1, x2, y2, colour: str = GRID, width: float = 1, dash: str = "") -> None:
        """A straight line."""
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="{width}"{dashed}/>'
        )

    def text(self, x, y, content: str, *, anchor: str = "start", size: int = 13,
             colour: str = INK, bold: bool = False) -> None:  # fmt: skip
        """A line of text (escaped)."""
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{colour}"{weight}>{escape(content)}</text>'
        )

    def polygon(self, points: Sequence[tuple[float, float]], colour: str) -> None:
        """A filled polygon (arrow heads)."""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(f'<polygon points="{path}" fill="{colour}"/>')

    def legend(self, y: float, entries: Sequence[tuple[str, Style]], x: float = 0) -> float:
        """Swatches with their labels in a row, wrapping; returns the y below them."""
        left = x
        for label, style in entries:
            width = 26 + 7.5 * len(clip(label, 40))
            if left + width > WIDTH and left > x:
                left, y = x, y + 22
            self.rect(left, y - 11, 16, 14, style, stroke=INK, stroke_width="0.6")
            self.text(left + 22, y, clip(label, 40), size=12)
            left += width + 10
        return y + 12

    def render(self) -> Markup:
        """The finished ``<svg>`` element."""
        defs = "".join(
            f'<pattern id="{self.id}-{name}" patternUnits="userSpaceOnUse" width="6" height="6">'
            f"{_PATTERN_SHAPES[name]}</pattern>"
            for name in sorted(self.patterns)
        )
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{self.id}" '
            f'viewBox="0 0 {WIDTH} {self.height}" width="{WIDTH}" height="{self.height}" '
            f'role="img" aria-labelledby="{self.id}-title {self.id}-desc" '
            f'font-family="{escape(FONT)}">'
            f'<title id="{self.id}-title">{escape(self.title)}</title>'
            f'<desc id="{self.id}-desc">{escape(self.desc)}</desc>'
        )
        # Every piece of text went through escape() above; the rest is our own markup.
        return Markup(  # noqa: S704
            head + (f"<defs>{defs}</defs>" if defs else "") + "".join(self.parts) + "</svg>"
        )


# --- horizontal bars ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One labelled quantity."""

    label: str
    value: int


def bar_chart(
    bars: Sequence[Bar], *, chart_id: str, title: str, desc: str, style: Style = STYLES[0],
    label_width: int = 210,
) -> Markup:  # fmt: skip
    """Horizontal bars, one per label, with the value written after each bar."""
    row, top = 28, 6
    canvas = Canvas(chart_id, top * 2 + row * max(len(bars), 1), title, desc)
    right = WIDTH - 64
    largest = max((bar.value for bar in bars), default=0) or 1
    canvas.line(label_width, top, label_width, top + row * max(len(bars), 1), MUTED)
    for index, bar in enumerate(bars):
        y = top + index * row
        canvas.text(label_width - 8, y + 19, clip(bar.label, label_width // 8), anchor="end")
        width = (right - label_width) * bar.value / largest
        if bar.value:
            canvas.rect(label_width, y + 5, max(width, 2), 18, style, stroke=INK,
                        stroke_width="0.6")  # fmt: skip
        canvas.text(label_width + width + 6, y + 19, _number(bar.value), bold=True)
    return canvas.render()


# --- stacked horizontal bars ------------------------------------------------------------------


@dataclass(frozen=True)
class StackedRow:
    """One label with a value per series."""

    label: str
    values: tuple[int, ...]


def stacked_bar_chart(
    rows: Sequence[StackedRow], series: Sequence[str], *, chart_id: str, title: str, desc: str,
    styles: Sequence[Style] | None = None, label_width: int = 200,
) -> Markup:  # fmt: skip
    """Horizontal bars split into series (a legend on top), each part numbered inside it
    when it is wide enough, the row's total after the bar.

    A chart has a bar per member of a committee: the shapes of a bar are written straight
    into the canvas (the same markup as ``Canvas.rect`` and ``Canvas.text`` write), each
    series' fill and pattern attributes once for the chart."""
    styles = list(styles or [style_for(index) for index in range(len(series))])
    row, legend_height = 28, 30
    height = legend_height + 6 + row * max(len(rows), 1) + 6
    canvas = Canvas(chart_id, height, title, desc)
    canvas.legend(18, list(zip(series, styles, strict=True)), x=label_width)
    top = legend_height + 6
    right = WIDTH - 48
    largest = max((sum(r.values) for r in rows), default=0) or 1
    unit = (right - label_width) / largest
    canvas.line(label_width, top, label_width, top + row * max(len(rows), 1), MUTED)
    # per series: the filled rectangle's colour and stroke, the pattern drawn over it
    fills = []
    for style in styles:
        pattern = None
        if style.pattern in _PATTERN_SHAPES:
            pattern = f'fill="url(#{canvas.id}-{style.pattern})"/>'
        fills.append((style, f'fill="{style.colour}" stroke="{INK}" stroke-width="0.6"/>', pattern))
    parts = canvas.parts
    label_x = f"{label_width - 8:.1f}"
    label_length = label_width // 8
    for index, item in enumerate(rows):
        y = top + index * row
        label = escape(clip(item.label, label_length))
        parts.append(
            f'<text x="{label_x}" y="{y + 19:.1f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{label}</text>'
        )
        x = label_width
        for value, (style, filled, pattern) in zip(item.values, fills, strict=True):
            if not value:
                continue
            width = value * unit
            geometry = (
                f'<rect x="{x:.1f}" y="{y + 5:.1f}" width="{max(width, 0):.1f}" height="18.0" '
            )
            parts.append(geometry + filled)
            if pattern is not None and width > 0:
                canvas.patterns.add(style.pattern)
                parts.append(geometry + pattern)
            if width >= 18:
                parts.append(
                    f'<rect x="{x + width / 2 - 8:.1f}" y="{y + 7:.1f}" width="16" height="14" '
                    f'rx="3" fill="{style.colour}"/>'
                    f'<text x="{x + width / 2:.1f}" y="{y + 18.5:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="#fff" font-weight="bold">{value:,.0f}</text>'
                )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 19:.1f}" text-anchor="start" font-size="13" '
            f'fill="{INK}" font-weight="bold">{sum(item.values):,.0f}</text>'
        )
    return canvas.render()


# --- columns over time --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One period's value, with the label under it and an optional second line (the year)."""

    label: str
    value: int
    sublabel: str = ""


def column_chart(
    columns: Sequence[Column], *, chart_id: str, title: str, desc: str, style: Style = STYLES[0]
) -> Markup:
    """Vertical columns over time on a value axis with round gridlines; each column's value
    is written above it when there is room."""
    height, left, top, bottom = 250, 44, 16, 44
    canvas = Canvas(chart_id, height, title, desc)
    plot_height = height - top - bottom
    largest = max((c.value for c in columns), default=0)
    step = nice_step(largest or 1, 4)
    ceiling = max(step, math.ceil((largest or 1) / step) * step)
    for tick in range(0, ceiling + 1, step):
        y = top + plot_height * (1 - tick / ceiling)
        canvas.line(left, y, WIDTH - 4, y, GRID if tick else MUTED)
        canvas.text(left - 6, y + 4, _number(tick), anchor="end", size=11, colour=MUTED)
    slot = (WIDTH - 4 - left) / max(len(columns), 1)
    width = max(min(slot * 0.7, 40), 2)
    for index, column in enumerate(columns):
        x = left + slot * index + (slot - width) / 2
        bar = plot_height * column.value / ceiling
        base = top + plot_height
        if column.value:
            canvas.rect(x, base - bar, width, bar, style, stroke=INK, stroke_width="0.6")
        if slot >= 20:
            canvas.text(x + width / 2, base - bar - 4, _number(column.value), anchor="middle",
                        size=10)  # fmt: skip
        canvas.text(x + width / 2, base + 15, column.label, anchor="middle", size=10)
        if column.sublabel:
            canvas.text(x + width / 2, base + 30, column.sublabel, anchor="middle", size=10,
                        colour=MUTED, bold=True)  # fmt: skip
    return canvas.render()


# --- timeline (Gantt) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One row of the timeline: from ``start`` to ``end`` (None: no end date), in a style."""

    label: str
    start: date
    end: date | None
    style: Style = STYLES[0]


def be_year(year: int) -> str:
    """A year on the axis in the Buddhist Era (the default label)."""
    return str(year + 543)


def _years(first: date, last: date) -> tuple[date, date, int]:
    """The axis: from 1 January of the first year to 1 January after the last, and the step
    in years between labelled ticks (at most ten ticks)."""
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1)
    years = end.year - start.year
    step = next(s for s in (1, 2, 5, 10, 20, 50) if years / s <= 10)
    return start, end, step


def timeline(
    spans: Sequence[Span], *, today: date, chart_id: str, title: str, desc: str,
    today_label: str, open_label: str = "", legend: Sequence[tuple[str, Style]] = (),
    year_label: Callable[[int], str] = be_year, label_width: int = 170,
) -> Markup:  # fmt: skip
    """Bars over a time axis with a tick each year (Buddhist Era by default), today marked
    by a dashed line; a row without an end runs to the edge and ends in an arrow."""
    known = [s.start for s in spans] + [s.end for s in spans if s.end] + [today]
    start, end, step = _years(min(known), max(known))
    row, axis = 26, 34
    legend_rows = 1 if legend or open_label else 0
    height = axis + row * max(len(spans), 1) + 12
    canvas = Canvas(chart_id, height, title, desc)
    right = WIDTH - 14
    days = (end - start).days or 1

    def x_of(day: date) -> float:
        return label_width + (right - label_width) * (day - start).days / days

    bottom = axis + row * max(len(spans), 1)
    for year in range(start.year, end.year + 1):
        x = x_of(date(year, 1, 1))
        canvas.line(x, axis - 4, x, bottom, GRID)
        if (year - start.year) % step == 0 and year < end.year:
            canvas.text(x + 3, axis - 8, year_label(year), size=11, colour=MUTED, bold=True)
    canvas.line(label_width, axis, right, axis, MUTED)
    for index, span in enumerate(spans):
        y = axis + index * row
        canvas.text(label_width - 8, y + 18, clip(span.label, label_width // 8), anchor="end",
                    size=12)  # fmt: skip
        x1 = x_of(max(span.start, start))
        x2 = x_of(span.end) if span.end else right - 8
        canvas.rect(x1, y + 6, max(x2 - x1, 3), 15, span.style, stroke=INK, stroke_width="0.6")
        if span.end is None:
            canvas.polygon([(right - 8, y + 3), (right, y + 13.5), (right - 8, y + 24)], INK)
    x = x_of(today)
    canvas.line(x, axis - 2, x, bottom + 4, TODAY, 2, "5 3")
    anchor = "end" if x > WIDTH - 80 else "start"
    canvas.text(x + (-4 if anchor == "end" else 4), 12, today_label, anchor=anchor, size=11,
                colour=TODAY, bold=True)  # fmt: skip
    if legend_rows:
        after = canvas.legend(bottom + 26, legend) if legend else bottom + 14
        if open_label:
            # The arrow of a row without an end date, explained under the swatches.
            y = after + 14
            canvas.polygon([(0, y - 10), (8, y - 4.5), (0, y + 1)], INK)
            canvas.text(14, y, open_label, size=12)
            after = y + 8
        canvas.height = math.ceil(after + 4)
    return canvas.render()
