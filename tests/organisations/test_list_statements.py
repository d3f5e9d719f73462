"""The organisations list reads a page, and its total when the page cannot tell it, with
statements built once per shape of filters, the filters' values bound: each list answers with
its own values, and a kept total follows every write."""

from __future__ import annotations

import re

import pytest

from registry.organisations import views
from registry.organisations.models import OrganisationKind, OrganisationStatus


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


def _listed(client, **args) -> tuple[list[int], int]:
    """The organisations a page of the list links to, in order, and the total it states."""
    with client.get("/organisations/", query_string=args) as response:
        assert response.status_code == 200
        body = response.get_data(as_text=True)
    ids = [int(found) for found in re.findall(r'<td><a href="/organisations/(\d+)">', body)]
    total = re.search(r'aria-live="polite">\D*(\d+)', body)
    return ids, int(total.group(1))


def test_lists_of_the_same_shape_answer_each_with_their_own_values(staff_client, make_organisation):
    north = make_organisation("สมาคมเหนือสุดทดสอบ", province="50", kind=OrganisationKind.COMPANY)
    south = make_organisation("สมาคมใต้สุดทดสอบ", province="90", kind=OrganisationKind.UNIVERSITY)
    closed = make_organisation("สมาคมปิดตัวทดสอบ", status=OrganisationStatus.INACTIVE)
    assert _listed(staff_client, q="เหนือสุด") == ([north], 1)  # the text index
    assert _listed(staff_client, q="ใต้สุด") == ([south], 1)
    assert _listed(staff_client, q="ปิดตัว") == ([], 0)  # inactive: not among the current
    assert _listed(staff_client, q="ปิดตัว", status="inactive") == ([closed], 1)
    assert _listed(staff_client, q="เหนือสุด", status="inactive") == ([], 0)
    assert _listed(staff_client, province="50") == ([north], 1)
    assert _listed(staff_client, province="90") == ([south], 1)
    assert _listed(staff_client, kind="company", q="สุดทดสอบ") == ([north], 1)
    assert _listed(staff_client, kind="university", q="สุดทดสอบ") == ([south], 1)


def test_short_words_match_the_text_itself_where_percent_and_underscore_are_only_text(
    staff_client, make_organisation
):
    percent = make_organisation("Club 5% Thai", acronym="P5")
    underscore = make_organisation("Club a_b Thai", acronym="U5")
    make_organisation("Club ab Thai", acronym="N5")
    assert _listed(staff_client, q="5%") == ([percent], 1)
    assert _listed(staff_client, q="_b") == ([underscore], 1)


def test_the_kept_total_follows_a_new_organisation(staff_client, make_organisation, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    made = [make_organisation(f"บริษัทนับรวม{n}", kind=OrganisationKind.COMPANY) for n in range(4)]
    ids, total = _listed(staff_client, kind="company", q="นับรวม")
    assert (len(ids), total) == (2, 4)
    assert _listed(staff_client, kind="company", q="นับรวม", page=2) == (made[2:], 4)
    made.append(make_organisation("บริษัทนับรวม9", kind=OrganisationKind.COMPANY))
    assert _listed(staff_client, kind="company", q="นับรวม")[1] == 5
    assert _listed(staff_client, kind="company", q="นับรวม", page=3) == (made[4:], 5)


@pytest.mark.parametrize("page", ["abc", "-2", "0", ""])
def test_a_page_that_is_no_number_is_the_first(staff_client, make_organisation, page):
    first = _listed(staff_client)
    assert _listed(staff_client, page=page) == first


def test_a_page_beyond_the_deepest_is_not_found(staff_client):
    with staff_client.get("/organisations/", query_string={"page": "99999999999"}) as response:
        assert response.status_code == 404
