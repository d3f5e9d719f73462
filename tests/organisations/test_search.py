"""The list of organisations: search inside Thai names, filters, sort order, pages."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from registry import cache
from registry.organisations import views
from registry.organisations.models import OrganisationKind, OrganisationStatus
from registry.organisations.views import PER_PAGE


@pytest.fixture
def partners(make_organisation):
    """A few organisations from the DGA news releases, by acronym."""
    return {
        "AIAT": make_organisation(
            "สมาคมปัญญาประดิษฐ์ประเทศไทย",
            name_en="Artificial Intelligence Association of Thailand",
            acronym="AIAT",
            province="10",
            status=OrganisationStatus.ACTIVE,
        ),
        "TIoT": make_organisation(
            "สมาคมไทยไอโอที", name_en="Thai IoT Association", acronym="TIoT", province="10"
        ),
        "KU-SRC": make_organisation(
            "มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา",
            name_en="Kasetsart University, Sriracha Campus",
            acronym="KU-SRC",
            kind=OrganisationKind.UNIVERSITY,
            province="20",
            status=OrganisationStatus.ACTIVE,
        ),
        "OLD": make_organisation(
            "สมาคมที่เลิกกิจการแล้ว 100%_จริง",
            name_en="Closed 100%_Association",
            acronym="OLD",
            status=OrganisationStatus.INACTIVE,
        ),
    }


def _listed(client, **params) -> set[int]:
    """The ids of the organisations the list shows for these parameters."""
    response = client.get("/organisations/", query_string=params)
    assert response.status_code == 200
    return {int(i) for i in re.findall(r'href="/organisations/(\d+)"', response.get_data(True))}


@pytest.fixture
def staff_client(client, sign_in):
    sign_in("staff")
    return client


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("ปัญญาประดิษฐ์", {"AIAT"}),  # a word inside a Thai name written without spaces
        ("ไอโอที", {"TIoT"}),
        ("ศรีราชา", {"KU-SRC"}),
        ("ไทย", {"AIAT", "TIoT"}),
        ("aiat", {"AIAT"}),  # acronyms, any case
        ("iot", {"TIoT"}),  # English names, any case
        ("SRIRACHA", {"KU-SRC"}),
        ("ไอ", {"TIoT"}),  # a two-letter query
        ("ม", {"AIAT", "TIoT", "KU-SRC"}),  # one letter
        ("  ไอโอที  ", {"TIoT"}),
        ("ไม่มีองค์กรนี้", set()),
    ],
)
def test_search_finds_text_anywhere_in_the_names(staff_client, partners, q, found):
    listed = _listed(staff_client, q=q)
    assert listed & set(partners.values()) == {partners[a] for a in found}


@pytest.mark.parametrize("q", ["%", "_", "100%", "%_"])
def test_percent_and_underscore_in_a_query_match_themselves(staff_client, partners, q):
    listed = _listed(staff_client, q=q, status="all")
    assert listed & set(partners.values()) == {partners["OLD"]}


def test_the_list_leaves_out_inactive_organisations_unless_asked(staff_client, partners):
    assert partners["OLD"] not in _listed(staff_client)
    assert partners["OLD"] in _listed(staff_client, status="all")
    assert _listed(staff_client, status="inactive") & set(partners.values()) == {partners["OLD"]}
    active = _listed(staff_client, status="active") & set(partners.values())
    assert active == {partners["AIAT"], partners["KU-SRC"]}


def test_filters_by_kind_and_province_combine_with_the_search(staff_client, partners):
    universities = _listed(staff_client, kind="university") & set(partners.values())
    assert universities == {partners["KU-SRC"]}
    chon_buri = _listed(staff_client, province="20") & set(partners.values())
    assert chon_buri == {partners["KU-SRC"]}
    assert _listed(staff_client, province="10", q="ไอโอที") & set(partners.values()) == {
        partners["TIoT"]
    }


def test_unknown_filter_values_are_ignored(staff_client, partners):
    everyone_current = _listed(staff_client) & set(partners.values())
    odd = {"kind": "cartel", "status": "weird", "province": "99", "sort": "x", "page": "abc"}
    assert _listed(staff_client, **odd) & set(partners.values()) == everyone_current


def test_sort_by_name_or_by_last_change(app, staff_client, partners, make_organisation):
    newest = make_organisation("กขค สมาคมที่เพิ่งแก้ไข")
    by_name = staff_client.get("/organisations/?status=all").get_data(as_text=True)
    by_change = staff_client.get("/organisations/?status=all&sort=changed").get_data(True)
    first_by_change = re.search(r'href="/organisations/(\d+)"', by_change).group(1)
    assert int(first_by_change) == newest
    assert by_name.index("มหาวิทยาลัยเกษตรศาสตร์") < by_name.index("สมาคมไทยไอโอที")


def test_the_list_is_paged(staff_client, make_organisation):
    made = {make_organisation(f"สมาคมแบ่งหน้า {n:02d}") for n in range(PER_PAGE + 3)}
    first = _listed(staff_client, q="แบ่งหน้า")
    second = _listed(staff_client, q="แบ่งหน้า", page=2)
    assert len(first) == PER_PAGE and len(second) == 3
    assert first | second == made
    page = staff_client.get("/organisations/?q=แบ่งหน้า").get_data(as_text=True)
    assert "page=2" in page  # the link to the next page keeps the search
    assert _listed(staff_client, q="แบ่งหน้า", page=99) == set()


def test_the_list_shows_translated_labels_and_the_province(staff_client, partners):
    body = staff_client.get("/organisations/?q=ศรีราชา").get_data(as_text=True)
    assert "มหาวิทยาลัย" in body and "ชลบุรี" in body and "ภาคีที่ร่วมมืออยู่" in body


# --- contact names -----------------------------------------------------------------------


@pytest.fixture
def people(make_organisation, make_contact):
    """Organisations found only through their people's names, by a short key."""
    orgs = {
        key: make_organisation(f"องค์กรของบุคคล {key}", name_en=f"People {key}", acronym=f"P{key}")
        for key in ("somchai", "john", "former", "erased", "odd")
    }
    make_contact(orgs["somchai"], title="ดร.", first_name="สมชาย", last_name="ใจดีมาก")
    make_contact(orgs["john"], title="Mr.", first_name="John", last_name="Smithson")
    make_contact(orgs["former"], title="นาง", first_name="วิไลวรรณ", last_name="เคยอยู่", active=False)
    make_contact(
        orgs["erased"],
        title="นาย",
        first_name="ลบแล้ว",
        last_name="ไม่ควรพบ",
        erased_at=datetime(2026, 1, 1),
    )
    make_contact(orgs["odd"], title=None, first_name="ชื่อ%_แปลก", last_name=None)
    return orgs


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("สมชาย", {"somchai"}),  # given name
        ("ใจดีมาก", {"somchai"}),  # family name
        ("ดีมา", {"somchai"}),  # inside the family name
        ("สมชาย ใจดี", {"somchai"}),  # "given family"
        ("ดร.สมชาย", {"somchai"}),  # title and given name, written together
        ("ดร.สมชาย ใจดีมาก", {"somchai"}),  # the whole written name
        ("ร.สม", {"somchai"}),  # across title and given name
        ("john", {"john"}),  # any case
        ("SMITHSON", {"john"}),
        ("john smith", {"john"}),
        ("Mr.John", {"john"}),
        ("mr.JOHN smiths", {"john"}),  # the whole written name, any case
        ("วิไลวรรณ", {"former"}),  # people who have left are still found
        ("สมชายใจดี", set()),  # given and family names are separated by a space
        ("ชาย ใจ", {"somchai"}),
        ("ลบแล้ว", set()),  # an erased person is not found, even by a name left behind
        ("ไม่ควรพบ", set()),
        ("นายลบ", set()),
        ("%_แปลก", {"odd"}),  # % and _ match themselves
        ("_", {"odd"}),
        ("ชื่อ%", {"odd"}),
        ("ชื่อx", set()),
    ],
)
def test_search_finds_organisations_by_their_peoples_names(staff_client, people, q, found):
    listed = _listed(staff_client, q=q)
    assert listed & set(people.values()) == {people[key] for key in found}


def test_one_and_two_letter_queries_reach_peoples_names(staff_client, people):
    assert people["john"] in _listed(staff_client, q="J")
    assert people["somchai"] in _listed(staff_client, q="ดร")
    assert people["erased"] not in _listed(staff_client, q="ลบ")


def test_a_name_match_and_a_person_match_list_the_organisation_once(
    staff_client, make_organisation, make_contact
):
    organisation = make_organisation("สมาคมซ้ำซ้อนทดสอบ")
    make_contact(organisation, first_name="ซ้ำซ้อน", last_name="ซ้ำซ้อน")
    make_contact(organisation, first_name="ซ้ำซ้อนอีก", last_name="คนหนึ่ง")
    body = staff_client.get("/organisations/?q=ซ้ำซ้อน").get_data(as_text=True)
    assert body.count(f'href="/organisations/{organisation}"') == 1
    assert "พบองค์กร 1 รายการ" in body


def test_filters_apply_to_organisations_found_by_a_persons_name(staff_client, people):
    assert people["somchai"] in _listed(staff_client, q="สมชาย", kind="association")
    assert people["somchai"] not in _listed(staff_client, q="สมชาย", kind="university")
    assert people["somchai"] not in _listed(staff_client, q="สมชาย", status="inactive")


# --- a fixed number of SQL statements per page ---------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "สถิติ"}, {"q": "ผู้นับ"}, {"q": "ก", "sort": "changed", "status": "all"}],
    ids=["list", "name", "person", "one-letter"],
)
def test_a_page_costs_the_same_statements_whatever_its_size(
    app, staff_client, make_organisation, make_contact, statements, monkeypatch, params
):
    for n in range(30):
        organisation = make_organisation(f"สมาคมสถิติ {n:02d}", province="10")
        make_contact(organisation, first_name=f"ผู้นับ{n}")
        make_contact(organisation, first_name=f"ผู้นับอีก{n}", active=False)
    counts = {}
    for size in (10, 25):
        monkeypatch.setattr(views, "PER_PAGE", size)
        staff_client.get("/organisations/", query_string=params).close()  # warm caches
        with statements() as seen, staff_client.get("/organisations/", query_string=params) as r:
            assert r.status_code == 200
            assert len(_ids(r.get_data(as_text=True))) == size  # full pages, so rows differ
        counts[size] = len(seen)
    assert counts[10] == counts[25]
    assert counts[10] <= 6


def _ids(body: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/organisations/(\d+)"', body)}


def test_the_last_page_is_not_counted_again_but_its_total_is_right(
    app, staff_client, make_organisation, statements, monkeypatch
):
    for n in range(7):
        make_organisation(f"สมาคมนับหน้า {n:02d}", province="10")
    monkeypatch.setattr(views, "PER_PAGE", 5)
    counts = {}
    for page in (1, 2, 3):
        staff_client.get("/organisations/", query_string={"q": "นับหน้า", "page": page}).close()
        cache.forget(app)  # counts are kept until the next write
        with (
            statements() as seen,
            staff_client.get("/organisations/", query_string={"q": "นับหน้า", "page": page}) as r,
        ):
            body = r.get_data(as_text=True)
            assert r.status_code == 200
            assert "พบองค์กร 7 รายการ" in body
            counted = [s for s in seen if "count(" in s.lower() and "organisations" in s]
            counts[page] = (len(_ids(body)), len(counted))
    # Page 1 is full: the total needs a count. Page 2 holds the last two: no count, yet
    # the total still reads 7. Page 3 is past the end: empty, counted to say so.
    assert counts == {1: (5, 1), 2: (2, 0), 3: (0, 1)}


@pytest.mark.parametrize("q", ['"คิว" AND *', 'NEAR("คิว"', 'คิว" OR "', "^คิว", "คิว:*", "{คิว}"])
def test_quotes_and_search_operators_are_looked_for_as_written(staff_client, make_organisation, q):
    written = make_organisation('สมาคม "คิว" AND * NEAR("คิว" OR "^คิว:*{คิว}')
    plain = make_organisation("สมาคมคิวธรรมดา")
    listed = _listed(staff_client, q=q)
    assert written in listed
    assert plain not in listed


def test_the_search_follows_every_change_of_names_and_people(
    app, staff_client, make_organisation, make_contact
):
    from registry.db import db
    from registry.organisations import services
    from registry.organisations.models import Contact, Organisation

    organisation_id = make_organisation("สมาคมชื่อเดิมยาวพอ")
    contact_id = make_contact(organisation_id, first_name="ประพันธ์", last_name="ก่อนลบ")
    assert organisation_id in _listed(staff_client, q="ชื่อเดิม")
    assert organisation_id in _listed(staff_client, q="ประพันธ์")
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        services.update_organisation(organisation, actor=None, name_th="สมาคมชื่อใหม่ยาวพอ")
        services.erase_contact(db.session.get(Contact, contact_id), actor=None)
    assert organisation_id not in _listed(staff_client, q="ชื่อเดิม")
    assert organisation_id in _listed(staff_client, q="ชื่อใหม่")
    assert organisation_id not in _listed(staff_client, q="ประพันธ์")


@pytest.mark.parametrize("path", ["/organisations/", "/proposals/", "/agreements/"])
def test_control_characters_in_a_search_read_as_spaces(staff_client, make_organisation, path):
    found = make_organisation("สมาคมตัวควบคุมทดสอบ")
    for q in ["ตัวควบคุม\x00ทดสอบ", "\x00", "ตัว\x1fควบคุม", "\x7f\x9f"]:
        with staff_client.get(path, query_string={"q": q, "partner_name": q}) as response:
            assert response.status_code == 200, (path, q)
    if path == "/organisations/":
        # The control character splits the words; each half is still found on its own.
        assert found in _listed(staff_client, q="ตัวควบคุม\x00")


def test_a_count_is_kept_until_the_next_write(
    staff_client, make_organisation, statements, monkeypatch
):
    for n in range(3):
        make_organisation(f"สมาคมนับซ้ำ {n:02d}")
    monkeypatch.setattr(views, "PER_PAGE", 2)

    def visit() -> tuple[str, int]:
        with (
            statements() as seen,
            staff_client.get("/organisations/", query_string={"q": "นับซ้ำ"}) as response,
        ):
            body = response.get_data(as_text=True)
        return body, len([s for s in seen if "count(" in s.lower() and "organisations" in s])

    body, counted = visit()
    assert "พบองค์กร 3 รายการ" in body and counted == 1
    body, counted = visit()
    assert "พบองค์กร 3 รายการ" in body and counted == 0  # kept: nothing was written
    make_organisation("สมาคมนับซ้ำ 03")
    body, counted = visit()
    assert "พบองค์กร 4 รายการ" in body and counted == 1
