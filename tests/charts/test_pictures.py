"""The registry's pictures: figures and their table agree, links lead to the records, years
follow the reader's language, empty data says so; and a picture prints in a PDF."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from registry.agreements.models import Agreement, AgreementParty, AgreementStatus
from registry.charts import pictures
from registry.documents.rendering import render_pdf
from registry.home.panels import AGREEMENT_CHART_LABELS, TIMELINE_STATE_LABELS
from registry.organisations.models import Organisation, OrganisationKind
from tests.documents.conftest import comparable, pdf_page_images, pdf_pages_text

TODAY = date(2026, 11, 21)


def _agreement(ident, reference, start, until=None, status=AgreementStatus.SIGNED, **fields):
    """An agreement in memory (never saved) between DGA and a partner."""
    agreement = Agreement(
        id=ident,
        reference=reference,
        title_th=f"ความร่วมมือ {reference}",
        status=status,
        effective_from=start,
        effective_until=until,
        **fields,
    )
    dga = Organisation(
        name_th="สำนักงานพัฒนารัฐบาลดิจิทัล", acronym="DGA", kind=OrganisationKind.OWN_AGENCY
    )
    partner = Organisation(
        name_th="สมาคมไทยไอโอที", acronym="TIOT", kind=OrganisationKind.ASSOCIATION
    )
    agreement.parties = [
        AgreementParty(position=1, short_name_th="สพร.", organisation=dga),
        AgreementParty(position=2, short_name_th="สมาคม", organisation=partner),
    ]
    return agreement


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"), force_locale("th"):
        yield


def _timeline():
    agreements = [
        _agreement(1, "MOU-2567/001", date(2024, 1, 15), date(2027, 6, 14)),
        _agreement(2, "MOU-2568/002", date(2025, 3, 1), date(2026, 12, 31)),  # expiring
        _agreement(3, "MOU-2569/003", date(2026, 2, 1)),  # open-ended
        _agreement(
            4,
            "MOU-2568/004",
            date(2025, 1, 1),
            date(2028, 1, 1),
            status=AgreementStatus.TERMINATED,
            terminated_on=date(2026, 6, 30),
        ),  # fmt: skip
    ]
    return pictures.agreement_timeline(agreements, TODAY, TIMELINE_STATE_LABELS, more=3)


def test_the_timeline_table_lists_each_agreement_with_its_link_and_state(request_context):
    chart = _timeline()
    assert not chart.empty
    rows = chart.table.rows
    assert [row[0].text for row in rows] == ["MOU-2567/001", "MOU-2568/002", "MOU-2569/003",
                                             "MOU-2568/004"]  # fmt: skip
    assert rows[0][0].href == "/agreements/1"
    assert rows[0][2].text == "TIOT"  # the partner, not DGA
    assert rows[0][3].text == "15 ม.ค. 2567"  # Buddhist Era
    states = [row[5].text for row in rows]
    assert states == [str(TIMELINE_STATE_LABELS[s]) for s in
                      ("active", "expiring", "active", "terminated")]  # fmt: skip
    assert rows[2][4].text == "ไม่กำหนดวันสิ้นสุด" or rows[2][4].text == "No end date"
    assert rows[3][4].text == "30 มิ.ย. 2569"  # a terminated agreement ends on that day
    svg = str(chart.svg)
    assert ">2567<" in svg and ">2570<" in svg and ">2024<" not in svg
    assert "21 พฤศจิกายน 2569" in svg  # today, in the description


def test_the_timeline_years_follow_english_readers(app):
    with app.test_request_context("/"), force_locale("en"):
        chart = _timeline()
    assert ">2024<" in str(chart.svg) and ">2567<" not in str(chart.svg)
    assert chart.table.rows[0][3].text == "15 Jan 2024"


def test_agreements_by_state_links_each_bar_to_the_filtered_list(request_context):
    chart = pictures.agreements_by_state({"draft": 2, "active": 5}, AGREEMENT_CHART_LABELS)
    figures = {row[0].text: (row[1].text, row[0].href) for row in chart.table.rows}
    assert figures[str(AGREEMENT_CHART_LABELS["draft"])] == ("2", "/agreements/?status=draft")
    assert figures[str(AGREEMENT_CHART_LABELS["active"])] == ("5", "/agreements/?status=active")
    assert figures[str(AGREEMENT_CHART_LABELS["expired"])][0] == "0"
    assert not chart.empty
    assert pictures.agreements_by_state({}, AGREEMENT_CHART_LABELS).empty


def test_endorsements_per_month_puts_the_year_under_january(request_context):
    months = [(date(2025, 11, 1), 3), (date(2025, 12, 1), 0), (date(2026, 1, 1), 7)]
    chart = pictures.endorsements_per_month(months)
    svg = str(chart.svg)
    assert ">พ.ย.<" in svg and ">ม.ค.<" in svg
    assert svg.count(">2568<") == 1 and svg.count(">2569<") == 1  # first month, then January
    assert [row[0].text for row in chart.table.rows] == ["พ.ย. 2568", "ธ.ค. 2568", "ม.ค. 2569"]
    # Starting in December, the year goes under January only (not twice side by side).
    december = str(
        pictures.endorsements_per_month([(date(2025, 12, 1), 1), (date(2026, 1, 1), 2)]).svg
    )
    assert ">2568<" not in december and december.count(">2569<") == 1
    assert pictures.endorsements_per_month([(date(2026, 1, 1), 0)]).empty


def test_a_chart_prints_in_a_pdf_with_its_thai_labels_and_years(app, request_context, tmp_path):
    chart = _timeline()
    template = app.jinja_env.from_string(
        '{% extends "documents/base.html" %}{% block content %}'
        "<h1>ข้อตกลงตามช่วงเวลา</h1>{{ chart.svg }}{% endblock %}"
    )
    pdf = render_pdf(template, {"chart": chart})
    text = comparable(" ".join(pdf_pages_text(pdf)))
    for expected in ("MOU-2567/001", "MOU-2569/003", "2567", "2568", "2569", "2570", "วันนี้",
                     "มีผลใช้บังคับ", "ใกล้สิ้นสุด"):  # fmt: skip
        assert comparable(expected) in text, expected
    (page,) = pdf_page_images(pdf, tmp_path, dpi=50)
    pixels = page.tobytes()
    rgb = zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=True)
    blue = sum(1 for r, g, b in rgb if b > 120 and r < 60 and g < 110)
    assert blue > 200  # the bars are drawn, in their colour
