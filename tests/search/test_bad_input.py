"""Whatever is typed into the search box answers a normal page, never an error."""

from __future__ import annotations

import re

import pytest

from registry.search import queries

from .conftest import WORD

#: Queries a user can send that must each answer a normal page.
ODD_QUERIES = [
    "",
    "   ",
    "\t\n",
    '"',
    '""',
    '"""ค้นหา',
    "ค้นหา*",
    "*",
    "ค้นหา NEAR ไอโอที",
    "NEAR(ค้นหา ไอโอที, 2)",
    "ค้นหา OR ไอโอที",
    "ค้นหา AND NOT ไอโอที",
    "-ค้นหา",
    "^ค้นหา",
    "name_th:ค้นหา",
    "{name_th}: ค้นหา",
    "ค้นหา'",
    "' OR 1=1 --",
    "'; DROP TABLE organisations; --",
    "%",
    "_",
    "%%%",
    "\\",
    "ค้นหา\x00",
    "\x00",
    "\x07\x1b[31m",
    "\u200b\u200b",
    "\ufffd",
    "<script>alert(1)</script>",
    "ค้นหา" * 40,
    "1/99999",
    "ครั้งที่ 999/2568",
]


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_answer_a_normal_page(staff_client, q):
    with staff_client.get("/search", query_string={"q": q}) as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html


def test_an_empty_query_asks_for_words_and_names_what_can_be_found(client, sign_in):
    sign_in("secretary")
    with client.get("/search") as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    assert "Type a few letters" in html
    assert "You can find: Proposals · Committees · Meetings" in " ".join(html.split())
    assert 'id="results-' not in html


def test_a_very_long_query_is_cut_and_the_page_says_so(staff_client, world):
    long = WORD + "ก" * 10_000
    with staff_client.get("/search", query_string={"q": long}) as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    assert "The search was shortened to its first 100 characters." in html
    shown = re.search(r'id="search-words" name="q" value="([^"]*)"', html).group(1)
    assert len(shown) == queries.MAX_QUERY
    assert 'id="results-organisations"' in html


def test_control_characters_are_dropped_not_searched(staff_client, world):
    with staff_client.get("/search", query_string={"q": "\x00ค้น\x07หา\u200b"}) as response:
        html = response.get_data(as_text=True)
    assert f'value="{WORD}"' in html
    assert f"/organisations/{world.ours}" in html


@pytest.mark.parametrize(
    "raw",
    [
        "q=%ff%fe",
        "q=%E0%B8",  # a Thai letter cut in half
        "q=%ED%A0%80",  # an encoded surrogate
        "q=%00",
        "q=%",
        "q=%zz",
        "q=a&q=b",
        "q=ค้นหา&kind=nothing&page=-1",
        "q=ค้นหา&kind=contacts&page=99999999999999999999",
        "q=ค้นหา&kind=contacts&page=abc",
        "kind=contacts",
    ],
)
def test_broken_query_strings_answer_a_normal_page(staff_client, world, raw):
    with staff_client.get(f"/search?{raw}") as response:
        assert response.status_code == 200


def test_quotes_and_operators_are_only_text_to_look_for(staff_client, make_organisation):
    odd = make_organisation('สมาคม "ทดสอบ" OR NEAR*:^- 100%_จริง')
    plain = make_organisation("สมาคมทดสอบ OR อื่น 100 จริง")
    for q in ('"ทดสอบ" or near*:^-', "100%_จริง", '"ทดสอบ"'):
        with staff_client.get("/search", query_string={"q": q}) as response:
            html = response.get_data(as_text=True)
        assert f"/organisations/{odd}" in html, q
        assert f"/organisations/{plain}" not in html, q
