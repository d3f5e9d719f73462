"""A search costs a fixed number of SQL statements for each role: one per kind of record the
user may see (and the few every page sends), whether it finds nothing, a few or many."""

from __future__ import annotations

import pytest

from registry.search import queries

from .conftest import WORD


def _statements(client, statements, **params) -> list[str]:
    client.get("/search", query_string=params).close()  # warm caches
    with statements() as seen, client.get("/search", query_string=params) as response:
        assert response.status_code == 200
        response.get_data()
    return [s for s in seen if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize("role", ["staff", "secretary", "representative"])
def test_a_search_costs_the_same_statements_whatever_it_finds(
    client, sign_in, sign_in_as, world, make_organisation, make_contact, statements, role
):
    for n in range(12):  # more than are shown of each kind
        organisation = make_organisation(f"สมาคมค้นหาเพิ่ม {n:02d}")
        make_contact(organisation, first_name=f"คนค้นหา{n}")
    if role == "staff":
        sign_in("staff")
    else:
        sign_in_as(world.rep if role == "representative" else world.secretary)
    many = _statements(client, statements, q=WORD)
    few = _statements(client, statements, q="ไอโอที")
    none = _statements(client, statements, q="ไม่มีคำนี้เลยแน่นอน")
    short = _statements(client, statements, q="ค")
    assert len(many) == len(few) == len(none) == len(short)
    kinds = {"staff": 6, "secretary": 3, "representative": 6}[role]
    searched = [s for s in many if "LIMIT" in s.upper()]
    assert len(searched) == kinds  # one per kind the role may see
    assert len(many) <= kinds + 4


def test_one_kind_alone_costs_one_statement_for_it(client, sign_in, world, monkeypatch, statements):
    monkeypatch.setattr(queries, "PER_PAGE", 1)
    sign_in("staff")
    first = _statements(client, statements, q=WORD, kind="organisations")
    deep = _statements(client, statements, q=WORD, kind="organisations", page="3")
    assert len(first) == len(deep)
    assert len([s for s in first if "LIMIT" in s.upper()]) == 1
