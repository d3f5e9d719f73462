"""A kind's statement is built once for each shape of search and kept: the words and the
limits are its values, so the same kept statement finds what each search asks for, and %
and _ in the words still match only themselves."""

from __future__ import annotations

import re

from registry.search import queries


def _committee_links(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/committees/(\d+)"', html)}


def _search(client, q: str) -> str:
    with client.get("/search", query_string={"q": q}) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_one_kept_statement_answers_each_search_with_its_own_words(client, sign_in, make_committee):
    percent = make_committee(name_th="คณะทำงานร่วม 50%_ข้อมูล")
    letters = make_committee(name_th="คณะทำงานร่วม 50ab ข้อมูล")
    other = make_committee(name_th="คณะทำงานร่วมด้านคลาวด์")
    sign_in("staff")
    assert _committee_links(_search(client, "0%_ข้อ")) == {percent}
    kept = dict(queries._BUILT)
    assert _committee_links(_search(client, "0ab ข้อ")) == {letters}
    assert _committee_links(_search(client, "ด้านคลาวด์")) == {other}
    assert _committee_links(_search(client, "คณะทำงานร่วม")) >= {percent, letters, other}
    # the same shape of search: no statement was built again
    assert all(queries._BUILT[key] is statement for key, statement in kept.items())
