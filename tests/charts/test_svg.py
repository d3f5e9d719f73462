"""The SVG drawing helpers: well-formed, accessible (role, title, description), no style
attribute, patterns beside colours, Buddhist-Era years, today marked, text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from registry.charts import svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(markup) -> ET.Element:
    root = ET.fromstring(str(markup))  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def _check_accessible(markup, chart_id: str, title: str, desc: str) -> ET.Element:
    """The common promises: an image with a title and a description, sized by a viewBox,
    no style attribute, every pattern it uses defined in it."""
    text = str(markup)
    root = _parse(markup)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find("svg:title", NS).text == title
    assert root.find("svg:title", NS).get("id") == f"{chart_id}-title"
    assert root.find("svg:desc", NS).text == desc
    assert re.fullmatch(r"0 0 600 \d+", root.get("viewBox"))
    assert root.get("width") == "600" and root.get("height") == root.get("viewBox").split()[3]
    assert (
        "style=" not in text
        and "<script" not in text
        and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    used = set(re.findall(r"url\(#([^)]+)\)", text))
    defined = {p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}pattern")}
    assert used <= defined, used - defined
    assert all(name.startswith(f"{chart_id}-") for name in defined)
    return root


def test_bar_chart_labels_every_bar_with_its_value():
    bars = [svg.Bar("ฉบับร่าง", 3), svg.Bar("มีผลใช้บังคับ", 12), svg.Bar("ยุติ", 0)]
    markup = svg.bar_chart(bars, chart_id="c1", title="ข้อตกลงตามสถานะ", desc="ฉบับร่าง 3")
    root = _check_accessible(markup, "c1", "ข้อตกลงตามสถานะ", "ฉบับร่าง 3")
    texts = _texts(root)
    assert texts == ["ฉบับร่าง", "3", "มีผลใช้บังคับ", "12", "ยุติ", "0"]
    rects = [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("fill", "").startswith("#")
    ]
    assert len(rects) == 2  # a zero draws no bar, only its "0"
    widths = sorted(float(r.get("width")) for r in rects)
    assert widths[1] == pytest.approx(widths[0] * 4, rel=0.01)  # 12 is four times 3


def test_text_is_escaped_and_long_labels_are_cut():
    label = '<script>alert("x")</script> & สมาคมผู้ประกอบการที่มีชื่อยาวมากเป็นพิเศษจริงๆ'
    markup = svg.bar_chart([svg.Bar(label, 1)], chart_id="c2", title="<b>t</b>", desc="d & e")
    text = str(markup)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "&lt;b&gt;t&lt;/b&gt;" in text and "d &amp; e" in text
    root = _parse(markup)
    assert _texts(root)[0].endswith("…")


def test_clip_counts_letters_not_thai_marks():
    assert svg.clip("ผู้ใหญ่", 4) == "ผู้ใหญ่"  # four letters, three marks above and below
    assert svg.clip("ผู้ใหญ่บ้าน", 4) == "ผู้ใหญ่…"
    assert svg.clip("ผู้ใหญ่บ้าน", 5) == "ผู้ใหญ่บ้…"  # a mark stays with its letter
    assert svg.clip("  a   b ", 10) == "a b"


@pytest.mark.parametrize(
    ("largest", "step"), [(0, 1), (3, 1), (9, 2), (10, 2), (47, 10), (230, 50), (1234, 500)]
)
def test_nice_step(largest, step):
    assert svg.nice_step(largest, 5) == step


def test_timeline_marks_today_and_writes_buddhist_era_years():
    spans = [
        svg.Span("MOU-2567/001", date(2024, 3, 1), date(2027, 2, 28)),
        svg.Span("MOU-2568/004", date(2025, 6, 1), None, svg.STYLES[1]),
    ]
    markup = svg.timeline(
        spans,
        today=date(2026, 11, 21),
        chart_id="t1",
        title="ข้อตกลงตามช่วงเวลา",
        desc="มีข้อตกลง 2 ฉบับ",
        today_label="วันนี้",
        open_label="ลูกศร: ไม่กำหนดวันสิ้นสุด",
        legend=[("มีผลใช้บังคับ", svg.STYLES[0]), ("ใกล้สิ้นสุด", svg.STYLES[1])],
    )
    root = _check_accessible(markup, "t1", "ข้อตกลงตามช่วงเวลา", "มีข้อตกลง 2 ฉบับ")
    texts = _texts(root)
    years = [int(t) for t in texts if re.fullmatch(r"\d{4}", t)]
    assert years == [2567, 2568, 2569, 2570]  # 2024–2027 in the Buddhist Era
    assert "วันนี้" in texts and "MOU-2567/001" in texts and "มีผลใช้บังคับ" in texts
    lines = [line for line in root.iter("{http://www.w3.org/2000/svg}line")
             if line.get("stroke-dasharray")]  # fmt: skip
    assert len(lines) == 1  # today, dashed
    today_x = float(lines[0].get("x1"))
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")
            if r.get("fill") == svg.STYLES[0].colour and float(r.get("height")) == 15]  # fmt: skip
    first = bars[0]
    assert float(first.get("x")) < today_x < float(first.get("x")) + float(first.get("width"))
    # The open-ended row ends in an arrow (and the legend explains it with one).
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polygon"))) == 2
    assert "ลูกศร: ไม่กำหนดวันสิ้นสุด" in texts
    # The second series differs by its pattern, not only its colour.
    assert 'fill="url(#t1-diagonal)"' in str(markup)


def test_timeline_years_can_follow_the_common_era():
    markup = svg.timeline(
        [svg.Span("A", date(2020, 1, 1), date(2021, 6, 1))], today=date(2020, 7, 1),
        chart_id="t2", title="t", desc="d", today_label="Today", year_label=str,
    )  # fmt: skip
    years = [t for t in _texts(_parse(markup)) if re.fullmatch(r"\d{4}", t)]
    assert years == ["2020", "2021"]


def test_a_long_timeline_labels_every_few_years():
    markup = svg.timeline(
        [svg.Span("A", date(1995, 1, 1), date(2040, 1, 1))], today=date(2026, 1, 1),
        chart_id="t3", title="t", desc="d", today_label="วันนี้",
    )  # fmt: skip
    years = [int(t) for t in _texts(_parse(markup)) if re.fullmatch(r"\d{4}", t)]
    assert len(years) <= 10 and years[0] == 1995 + 543
    assert {b - a for a, b in zip(years, years[1:], strict=False)} == {5}


def test_stacked_bars_number_each_part_and_give_the_total():
    markup = svg.stacked_bar_chart(
        [svg.StackedRow("นายสมชาย ใจดี", (5, 1, 2)), svg.StackedRow("นางสาวสุดา", (0, 0, 0))],
        ["มาประชุม", "มีผู้มาแทน", "ไม่มาประชุม"],
        chart_id="s1",
        title="การเข้าประชุม",
        desc="d",
    )
    root = _check_accessible(markup, "s1", "การเข้าประชุม", "d")
    texts = _texts(root)
    assert texts[:3] == ["มาประชุม", "มีผู้มาแทน", "ไม่มาประชุม"]  # the legend
    assert texts[3:] == ["นายสมชาย ใจดี", "5", "1", "2", "8", "นางสาวสุดา", "0"]
    # Three series: three colours, each with its own pattern too (solid, lines, dots).
    assert {"s1-diagonal", "s1-dots"} == {p.get("id") for p in root.iter(
        "{http://www.w3.org/2000/svg}pattern")}  # fmt: skip


def test_column_chart_writes_values_months_and_the_year():
    columns = [svg.Column("ธ.ค.", 4, "2568"), svg.Column("ม.ค.", 0, "2569"), svg.Column("ก.พ.", 17)]
    markup = svg.column_chart(columns, chart_id="k1", title="การสนับสนุนรายเดือน", desc="d")
    root = _check_accessible(markup, "k1", "การสนับสนุนรายเดือน", "d")
    texts = _texts(root)
    assert texts[:5] == ["0", "5", "10", "15", "20"]  # round gridlines above the largest
    assert {"ธ.ค.", "ม.ค.", "ก.พ.", "2568", "2569", "4", "17"} <= set(texts)


def test_two_charts_on_one_page_keep_their_patterns_apart():
    one = svg.bar_chart([svg.Bar("a", 1)], chart_id="x", title="t", desc="d", style=svg.STYLES[1])
    two = svg.bar_chart([svg.Bar("a", 1)], chart_id="y", title="t", desc="d", style=svg.STYLES[1])
    assert 'id="x-diagonal"' in one and 'id="y-diagonal"' in two and "x-" not in two


def test_every_style_keeps_contrast_with_white():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for style in svg.STYLES:
        assert (1.05) / (luminance(style.colour) + 0.05) >= 4.5, style
    assert len({s.pattern for s in svg.STYLES}) == len(svg.STYLES)
    assert len({s.colour for s in svg.STYLES}) == len(svg.STYLES)
