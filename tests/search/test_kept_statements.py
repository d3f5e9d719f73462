"""A kind's statement is built once for each shape of search and kept: the words, the limits
and the reader's account, association and day are its values, so the same kept statement
finds what each search asks for within each reader's own scope, and % and _ in the words
still match only themselves."""

from __future__ import annotations

import re
from datetime import date

from registry.auth.models import User
from registry.committees.queries import secretary_committee_ids_bound
from registry.db import db
from registry.search import queries
from tests.conftest import sign_in_client

from .conftest import WORD


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


def _links(html: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'class="fw-semibold" href="{prefix}(\d+)"', html)}


def test_kept_statements_answer_each_reader_with_their_own_scope(
    app, world, make_user, make_contact, appoint
):
    """Two representatives of different associations and two secretaries of different
    committees search the same words in turn: the statements kept for the first answer the
    second with their own agreements, committees and meetings, never the first one's."""
    their_rep = make_user("representative", organisation_id=world.theirs)
    other_secretary = make_user("secretary")
    sitter = make_contact(world.theirs, first_name="ผู้แทนนั่งค้นหา")
    appoint(world.other_committee, sitter, "member", organisation_id=world.theirs)
    clerk = make_contact(world.dga, first_name="เลขานุการอื่นค้นหา")
    appoint(world.other_committee, clerk, "secretary", user_id=other_secretary)

    def reader(user_id: int):
        with app.app_context():
            email = db.session.get(User, user_id).email
        return sign_in_client(app.test_client(), email)

    ours = _search(reader(world.rep), WORD)
    kept = dict(queries._BUILT)
    theirs = _search(reader(their_rep), WORD)
    assert set(queries._BUILT) == set(kept)  # no statement built for the second reader
    # the representatives' scopes are kept statements, not built for each search
    assert {key[1][0] for key in kept if key[0] in ("agreements", "committees", "meetings")} >= {
        "own",
        "member",
    }
    assert _links(ours, "/agreements/mine/") == {world.our_approved}
    assert _links(theirs, "/agreements/mine/") == {world.their_signed}
    assert _links(ours, "/committees/ours/") == {world.our_committee}
    # their association's person is also the secretary of the joint committee
    assert _links(theirs, "/committees/ours/") == {world.our_committee, world.other_committee}
    assert _links(ours, "/meetings/ours/") == {world.our_meeting}
    assert _links(theirs, "/meetings/ours/") == {world.our_meeting, world.other_meeting}

    first = _search(reader(world.secretary), WORD)
    kept = dict(queries._BUILT)
    second = _search(reader(other_secretary), WORD)
    assert set(queries._BUILT) == set(kept)
    assert "secretary" in {key[1][0] for key in kept if key[0] == "committees"}
    assert _links(first, "/committees/") == {world.our_committee}
    assert _links(second, "/committees/") == {world.other_committee}
    assert _links(first, "/meetings/") == {world.our_meeting}
    assert _links(second, "/meetings/") == {world.other_meeting}


def test_searches_whose_statements_read_alike_share_one_statement(
    client, sign_in, make_committee, monkeypatch
):
    """A Thai word and digits give the committees the same SQL: the second search
    uses the statement kept for the first (the one SQLAlchemy compiled), so its result
    columns are not matched again to another object's at each search, and each still finds
    its own committees."""
    thai = make_committee(name_th="คณะทำงานร่วมสถิติ")
    english = make_committee(name_th="คณะทำงาน", name_en="Joint board 2033")
    sign_in("staff")
    monkeypatch.setattr(queries, "_BUILT", {})  # only this test's statements
    monkeypatch.setattr(queries, "_ALIKE", {})
    assert _committee_links(_search(client, "ร่วมสถิติ")) == {thai}
    assert _committee_links(_search(client, "2033")) == {english}
    committees = [statement for key, statement in queries._BUILT.items() if key[0] == "committees"]
    shapes = {key[1] for key in queries._BUILT if key[0] == "committees"}
    assert len(shapes) >= 2  # two shapes of search ...
    assert len({id(statement) for statement in committees}) == 1  # ... one statement


def test_latin_letters_are_found_in_any_case_and_thai_exactly(client, sign_in, make_committee):
    """The text is looked for as a plain substring: Latin letters in any case (the column
    lowered only for a search with such letters), Thai as written, % and _ as themselves."""
    latin = make_committee(name_th="คณะทำงานลาติน", name_en="Joint DATA Board")
    accented = make_committee(name_th="คณะทำงานฝรั่งเศส", name_en="Comité Numérique")
    thai = make_committee(name_th="คณะทำงานร่วมมือ_ข้อมูล", name_en="Working group")
    sign_in("staff")
    assert _committee_links(_search(client, "data board")) == {latin}
    assert _committee_links(_search(client, "DATA BOARD")) == {latin}
    assert _committee_links(_search(client, "COMITÉ NUM")) == {accented}
    assert _committee_links(_search(client, "มือ_ข้อ")) == {thai}
    assert _committee_links(_search(client, "มือxข้อ")) == set()


def test_the_search_s_secretary_scope_is_the_committee_pages_own(
    app, world, make_user, make_committee, make_contact, appoint
):
    """The search writes the secretarial roles into its own statement of a secretary's
    committees: it gives what the committee pages' own statement gives, for a secretary, an
    assistant secretary, a secretary whose term is over and one whose term has not begun,
    on the day searched."""
    assistant, former, coming = (make_user("secretary") for _ in range(3))
    second = make_committee(name_th="คณะทำงานผู้ช่วยเลขานุการ")
    appoint(second, world.our_person, "assistant_secretary", user_id=assistant)
    appoint(second, world.their_person, "secretary", user_id=world.secretary)
    people = [make_contact(world.theirs, first_name=f"เลขานุการ{n}") for n in range(2)]
    appoint(world.other_committee, people[0], "secretary", user_id=former,
            term_end=date(2024, 6, 30))  # fmt: skip
    appoint(world.other_committee, people[1], "secretary", user_id=coming,
            term_start=date(2025, 2, 1))  # fmt: skip
    expected = {
        world.secretary: {world.our_committee, second},
        assistant: {second},
        former: set(),
        coming: set(),
    }
    with app.app_context():
        for user_id, committees in expected.items():
            values = {"user_id": user_id, "on_day": date(2025, 1, 15)}
            pages = set(db.session.execute(secretary_committee_ids_bound(), values).scalars())
            ours = set(db.session.execute(queries._secretary_committee_ids(), values).scalars())
            assert ours == pages == committees
        values = {"user_id": former, "on_day": date(2024, 3, 1)}  # while it was sitting
        ours = set(db.session.execute(queries._secretary_committee_ids(), values).scalars())
        assert ours == {world.other_committee}
