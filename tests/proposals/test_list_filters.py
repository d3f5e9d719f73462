"""The list's "submitted by" and "endorsed by" filters: the organisations offered (kept
between requests until the next write), the chosen one marked in each, one chosen that is not
offered added, and odd values choosing none. The list's pages: odd page values, the last page
and past it, and a kept total that follows a new proposal."""

from __future__ import annotations

import re

import pytest

from registry import audit
from registry.db import MAX_PAGE, db
from registry.organisations.models import Organisation, OrganisationStatus
from registry.proposals import views


def _page(client, **params) -> str:
    with client.get("/proposals/", query_string=params) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def _options(html: str, select_id: str) -> list[tuple[str, bool, str]]:
    """The (value, selected, label) of each option of the select with that id."""
    start = html.index(f'id="{select_id}"')
    block = html[start : html.index("</select>", start)]
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', block
        )
    ]


def _chosen(html: str, select_id: str) -> list[str]:
    return [value for value, selected, _label in _options(html, select_id) if selected]


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


@pytest.fixture
def partners(make_organisation):
    return make_organisation("สมาคมตัวกรองหนึ่ง"), make_organisation("สมาคมตัวกรองสอง")


def test_each_filter_marks_only_its_own_chosen_organisation(staff_client, partners):
    first, second = partners
    html = _page(staff_client, organisation=first, endorsed_by=second)
    assert _chosen(html, "organisation") == [str(first)]
    assert _chosen(html, "endorsed_by") == [str(second)]

    # Asked again with the choices the other way round, from the options kept.
    html = _page(staff_client, organisation=second, endorsed_by=first)
    assert _chosen(html, "organisation") == [str(second)]
    assert _chosen(html, "endorsed_by") == [str(first)]

    html = _page(staff_client)
    assert _chosen(html, "organisation") == [] and _chosen(html, "endorsed_by") == []
    offered = {value for value, _selected, _label in _options(html, "organisation")}
    assert {str(first), str(second)} <= offered


@pytest.mark.parametrize("value", ["abc", "0", "99999999", "-1", "1 OR 1=1", "9" * 12])
def test_an_odd_or_unknown_organisation_chooses_none(staff_client, partners, value):
    html = _page(staff_client, organisation=value, endorsed_by=value)
    assert _chosen(html, "organisation") == [] and _chosen(html, "endorsed_by") == []


def test_a_chosen_organisation_not_offered_is_added_marked_and_escaped(
    staff_client, make_organisation, partners
):
    retired = make_organisation("สมาคม <เลิก> & ปิดแล้ว", status=OrganisationStatus.INACTIVE)
    html = _page(staff_client)
    assert str(retired) not in {value for value, _s, _l in _options(html, "organisation")}

    html = _page(staff_client, endorsed_by=retired)
    assert _chosen(html, "endorsed_by") == [str(retired)]
    assert _chosen(html, "organisation") == []
    shown = "สมาคม &lt;เลิก&gt; &amp; ปิดแล้ว"
    assert (str(retired), False, shown) in _options(html, "organisation")
    assert _options(html, "endorsed_by")[-1] == (str(retired), True, shown)


def test_the_organisations_offered_follow_a_rename_and_a_new_partner(
    app, staff_client, make_organisation, partners
):
    first, _second = partners
    assert (str(first), False, "สมาคมตัวกรองหนึ่ง") in _options(_page(staff_client), "organisation")

    with app.app_context():
        organisation = db.session.get(Organisation, first)
        with audit.change(organisation, None, "updated"):
            organisation.name_th = "สมาคมตัวกรองชื่อใหม่"
        db.session.commit()
    newcomer = make_organisation("สมาคมตัวกรองมาใหม่")

    options = _options(_page(staff_client), "organisation")
    assert (str(first), False, "สมาคมตัวกรองชื่อใหม่") in options
    assert (str(newcomer), False, "สมาคมตัวกรองมาใหม่") in options
    assert all(label != "สมาคมตัวกรองหนึ่ง" for _value, _selected, label in options)


# --- pages of the list -------------------------------------------------------------------------


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr>\s*<td><a href="/proposals/(\d+)">', html)


@pytest.fixture
def five(submit, make_organisation, monkeypatch):
    """Five proposals, listed two a page."""
    monkeypatch.setattr(views, "PER_PAGE", 2)
    organisation = make_organisation()
    return [submit(organisation, title=f"ข้อเสนอหน้า {n}") for n in range(5)]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "", "1.5"])
def test_an_odd_page_value_answers_the_first_page(staff_client, five, value):
    html = _page(staff_client, page=value)
    assert _ids(html) == [str(ident) for ident in five[::-1][:2]]


def test_the_last_page_and_one_past_it(staff_client, five):
    html = _page(staff_client, page="3")
    assert _ids(html) == [str(five[0])]
    html = _page(staff_client, page="4")
    assert _ids(html) == [] and "Proposals found: 5" in html
    with staff_client.get("/proposals/", query_string={"page": str(MAX_PAGE + 1)}) as response:
        assert response.status_code == 404


def test_the_total_kept_for_a_full_page_follows_a_new_proposal(
    staff_client, five, submit, make_organisation
):
    for _ in range(2):  # counted, then from the kept total
        assert "Proposals found: 5" in _page(staff_client, status="submitted")
    newest = submit(make_organisation(), title="ข้อเสนอใหม่ล่าสุด")
    html = _page(staff_client, status="submitted")
    assert "Proposals found: 6" in html and _ids(html)[0] == str(newest)
