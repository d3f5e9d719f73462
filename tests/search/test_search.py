"""The one search box: every kind found together, Thai-aware, grouped by kind, and only what
the signed-in user may see (others' private records never show, not even as a count)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale

from registry import cache
from registry.agreements.models import AgreementStatus
from registry.committees.models import Committee
from registry.committees.services import dissolve_committee
from registry.db import db
from registry.meetings.labels import STATUS_LABELS as MEETING_STATUSES
from registry.meetings.models import MeetingStatus
from registry.search import queries

from .conftest import WORD


def search(client, q: str, **params) -> str:
    """The search page's HTML for a query (it must answer 200)."""
    with client.get("/search", query_string={"q": q, **params}) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def links(html: str) -> set[str]:
    """Every record link in the results."""
    return set(re.findall(r'<a class="fw-semibold" href="([^"]+)"', html))


def counts(html: str) -> dict[str, str]:
    """Each group's heading id and its count ("3 found", "more than 100 found")."""
    found = re.findall(r'id="results-(\w+)">[^<]*<span[^>]*>([^<]+)</span>', html)
    return dict(found)


def test_staff_find_every_kind_in_one_search(client, sign_in, world):
    sign_in("staff")
    html = search(client, WORD)
    assert set(counts(html)) == set(queries.KINDS)
    found = links(html)
    assert {
        f"/organisations/{world.ours}",
        f"/organisations/{world.theirs}",
        f"/organisations/{world.closed}",  # inactive ones too, marked so
        f"/organisations/{world.dga}",
        f"/organisations/contacts/{world.our_person}",
        f"/organisations/contacts/{world.their_person}",
        f"/agreements/{world.our_approved}",
        f"/agreements/{world.our_draft}",
        f"/agreements/{world.their_signed}",
        f"/proposals/{world.proposal}",
        f"/committees/{world.our_committee}",
        f"/committees/{world.other_committee}",
        f"/meetings/{world.our_meeting}",
        f"/meetings/{world.other_meeting}",
    } <= found
    assert f"/organisations/contacts/{world.erased}" not in found
    assert counts(html)["agreements"] == "3 found"
    assert counts(html)["committees"] == "2 found"
    # Context: the organisation of a person, the reference and status of an agreement, the
    # number and committee of a meeting.
    assert "เลขาธิการสมาคม · AI Search Association · somchai@aiatx.example" in html
    assert re.search(r"MOU-\d{4}/\d{3} · ", html)
    assert "Meeting no. 1/2568 · Joint Search Committee" in html
    assert "Inactive" in html


def test_a_representative_finds_only_what_their_pages_show(client, sign_in_as, world):
    sign_in_as(world.rep)
    html = search(client, WORD)
    found = links(html)
    # Their own association (My association) and its people; no one else's.
    assert "/organisations/mine" in found
    assert f"/organisations/{world.theirs}" not in found
    assert f"/organisations/contacts/{world.our_person}" in found
    assert f"/organisations/contacts/{world.their_person}" not in found
    # Their agreements once approved; never a draft, never another association's.
    assert f"/agreements/mine/{world.our_approved}" in found
    agreements = {a for a in found if a.startswith("/agreements/")}
    assert not {a for a in agreements if a.endswith(f"/{world.our_draft}")}
    assert not {a for a in agreements if a.endswith(f"/{world.their_signed}")}
    # Every proposal's public part, as the proposal list shows it.
    assert f"/proposals/{world.proposal}" in found
    # The committees their association sits on, and those committees' meetings.
    assert f"/committees/ours/{world.our_committee}" in found
    assert f"/meetings/ours/{world.our_meeting}" in found
    # (Each kind's links only: a meeting's id may equal another committee's.)
    assert not {
        a for a in found if a.startswith("/committees/") and a.endswith(f"/{world.other_committee}")
    }
    assert not {
        a for a in found if a.startswith("/meetings/") and a.endswith(f"/{world.other_meeting}")
    }
    # The counts leave out what they may not see.
    assert counts(html) == {
        "organisations": "1 found",
        "contacts": "1 found",
        "agreements": "1 found",
        "proposals": "1 found",
        "committees": "1 found",
        "meetings": "1 found",
    }
    assert "AI Search Association" in html  # the proposal's submitter: public
    assert "somchai@aiatx.example" not in html
    assert "ร่างความร่วมมือ" not in html


def test_a_secretary_finds_proposals_and_their_own_committees(client, sign_in_as, world):
    sign_in_as(world.secretary)
    html = search(client, WORD)
    # No organisation, contact or agreement page is theirs: those kinds are not searched.
    assert set(counts(html)) == {"proposals", "committees", "meetings"}
    found = links(html)
    assert f"/committees/{world.our_committee}" in found
    assert f"/meetings/{world.our_meeting}" in found
    assert f"/committees/{world.other_committee}" not in found
    assert f"/meetings/{world.other_meeting}" not in found
    assert counts(html)["committees"] == "1 found"
    assert "somchai@aiatx.example" not in html
    assert "สมาคมไทยไอโอทีค้นหา" not in html


def test_admin_finds_everything(client, sign_in, world):
    sign_in("admin")
    html = search(client, WORD)
    assert set(counts(html)) == set(queries.KINDS)
    assert f"/organisations/contacts/{world.their_person}" in links(html)


def test_a_secretary_asking_for_a_kind_they_may_not_see_gets_the_overview(
    client, sign_in_as, world
):
    sign_in_as(world.secretary)
    html = search(client, WORD, kind="contacts")
    assert "somchai" not in html
    assert set(counts(html)) == {"proposals", "committees", "meetings"}


#: (query, a record it finds): Thai inside longer words, one or two characters, any case.
FINDS = [
    ("ไอโอที", "/organisations/{ours}"),  # a Thai word inside a longer name
    ("ปัญญาประดิษฐ์", "/organisations/{theirs}"),
    ("ไอ", "/organisations/{ours}"),  # two characters
    ("ห", "/organisations/{ours}"),  # one
    ("tiotx", "/organisations/{ours}"),  # acronym, any case
    ("search association", "/organisations/{ours}"),  # English name, any case
    ("นางสาวศิริพรค้นหา ใจดี", "/organisations/contacts/{our_person}"),  # as written
    ("ศิริพรค้นหา  ใจดี", "/organisations/contacts/{our_person}"),  # spaces collapsed
    ("เลขาธิการสมาคม", "/organisations/contacts/{their_person}"),  # position
    ("SOMCHAI@AIATX", "/organisations/contacts/{their_person}"),  # email
    ("ร่างความร่วมมือ", "/agreements/{our_draft}"),  # agreement title
    ("search cooperation", "/agreements/{their_signed}"),
    ("การนำข้อมูล", "/agreements/{our_approved}"),  # sara am, in a column stored as typed
    ("การนําข้อมูล", "/agreements/{our_approved}"),
    ("น้ำท่วม", "/proposals/{proposal}"),  # proposal title (sara am)
    ("น\u0e49\u0e4d\u0e32ท่วม", "/proposals/{proposal}"),  # sara am typed in two parts
    ("สำนักงานพัฒนา", "/organisations/{dga}"),
    ("ส\u0e4d\u0e32นักงาน", "/organisations/{dga}"),
    ("7/2567", "/committees/{our_committee}"),  # appointment order
    ("joint search", "/committees/{our_committee}"),
    ("ครั้งที่ 1/2568", "/meetings/{our_meeting}"),  # meeting number
    ("๑/๒๕๖๘", "/meetings/{our_meeting}"),  # in Thai digits
    ("1/2025", "/meetings/{our_meeting}"),  # the Common-Era year
    ("ห้องประชุมค้นหา 2", "/meetings/{other_meeting}"),  # venue
]


def test_text_is_found_anywhere_ignoring_case(client, sign_in, world):
    sign_in("staff")
    missed = [
        q for q, expected in FINDS if expected.format(**vars(world)) not in links(search(client, q))
    ]
    assert missed == []


def test_each_result_shows_its_status(client, sign_in, world, make_agreement):
    terminated = make_agreement(AgreementStatus.TERMINATED, title_th="ความร่วมมือที่ยุติค้นหา")
    sign_in("staff")
    html = search(client, WORD)
    lines = dict(
        re.findall(r'<a class="fw-semibold" href="([^"]+)"[^>]*>[^<]*</a>\s*(.*?)\n', html)
    )
    badges = {href: re.findall(r'<span class="badge[^"]*">([^<]+)</span>', line)
              for href, line in lines.items()}  # fmt: skip
    assert badges[f"/agreements/{world.their_signed}"] == ["Signed", "In force"]
    assert badges[f"/agreements/{world.our_draft}"] == ["Draft"]
    assert badges[f"/agreements/{terminated}"] == ["Terminated"]  # once, not twice
    assert badges[f"/meetings/{world.our_meeting}"] == ["Scheduled"]
    assert badges[f"/organisations/{world.closed}"] == ["Inactive"]


def test_a_meeting_number_finds_only_that_meeting(client, sign_in, world):
    sign_in("staff")
    found = links(search(client, "ครั้งที่ 1/2568"))
    assert f"/meetings/{world.our_meeting}" in found
    assert f"/meetings/{world.other_meeting}" in found  # the other committee's first of 2568
    assert not links(search(client, "ครั้งที่ 2/2568")) & {
        f"/meetings/{world.our_meeting}",
        f"/meetings/{world.other_meeting}",
    }


def test_erased_people_are_never_found(client, sign_in, world):
    sign_in("staff")
    html = search(client, "—")
    assert f"/organisations/contacts/{world.erased}" not in links(html)
    assert "erased@aiatx.example" not in search(client, "erased@")


def test_a_common_word_is_counted_up_to_a_limit_with_a_link_to_the_list(
    client, sign_in, world, monkeypatch
):
    monkeypatch.setattr(queries, "COUNTED", 2)
    monkeypatch.setattr(queries, "SHOWN", 1)
    sign_in("staff")
    html = search(client, WORD)
    assert counts(html)["organisations"] == "more than 2 found"
    assert counts(html)["committees"] == "2 found"
    # One shown of each; the rest in the kind's own list, or this kind alone here.
    assert len([a for a in links(html) if re.fullmatch(r"/organisations/\d+", a)]) == 1
    assert 'href="/organisations/?q=%E0%B8%84' in html and "status=all" in html
    assert 'href="/agreements/?q=' in html
    assert 'href="/proposals/?q=' not in html  # one proposal: all of it is shown
    assert (
        'href="/search?q=%E0%B8%84%E0%B9%89%E0%B8%99%E0%B8%AB%E0%B8%B2&amp;kind=contacts"' in html
    )


@pytest.mark.parametrize(("counted", "expected"), [(20, "9 found"), (5, "more than 5 found")])
def test_a_kind_found_through_its_index_counts_every_match_but_reads_only_those_shown(
    client, sign_in, make_organisation, statements, monkeypatch, counted, expected
):
    """Organisations and proposals are found through their index, meetings from their own
    table: the page counts every match (up to COUNTED) in the same statement that reads the
    few it shows."""
    made = {make_organisation(f"สมาคมนับจำนวน {n:02d}") for n in range(9)}
    monkeypatch.setattr(queries, "COUNTED", counted)
    monkeypatch.setattr(queries, "SHOWN", 3)
    sign_in("staff")
    search(client, "นับจำนวน")  # statements built
    with statements() as seen:
        html = search(client, "นับจำนวน")
    assert counts(html)["organisations"] == expected
    shown = {a for a in links(html) if re.fullmatch(r"/organisations/\d+", a)}
    assert shown == {f"/organisations/{n}" for n in sorted(made)[-3:]}  # the newest three
    assert counts(html)["proposals"] == "0 found"
    counting = [s for s in seen if queries._FOUND in s]
    assert len(counting) == 3  # organisations, proposals, meetings: counted with those shown
    assert [s for s in counting if "organisations.acronym" in s]


@pytest.mark.parametrize(("counted", "expected"), [(20, "4 found"), (3, "more than 3 found")])
def test_a_secretary_s_meetings_are_counted_in_their_committees_only_the_latest_shown(
    client, sign_in_as, world, schedule, monkeypatch, counted, expected
):
    """The meetings counted with the few shown are the secretary's committees' only (the
    other committee's meeting, in the same room, is neither shown nor counted), latest
    first."""
    latest = [
        schedule(world.our_committee, held_on=date(2025, 5, day), venue="ห้องนับประชุม")
        for day in (20, 6, 13)
    ]
    schedule(world.other_committee, held_on=date(2025, 6, 1), venue="ห้องนับประชุม")
    schedule(world.our_committee, held_on=date(2025, 1, 8), venue="ห้องนับประชุม")
    monkeypatch.setattr(queries, "COUNTED", counted)
    monkeypatch.setattr(queries, "SHOWN", 2)
    sign_in_as(world.secretary)
    html = search(client, "นับประชุม")
    assert counts(html)["meetings"] == expected
    shown = re.findall(r'<a class="fw-semibold" href="/meetings/(\d+)"', html)
    assert shown == [str(latest[0]), str(latest[2])]  # 20 May, then 13 May


def test_the_search_s_own_words_follow_the_reader_s_language_and_come_back(
    app, client, sign_in, world
):
    """Headings, badges and the words the search writes around a number are kept once per
    language: each page shows the reader's language, Thai, English and Thai again."""
    with app.app_context():
        committee = db.session.get(Committee, world.other_committee)
        dissolve_committee(committee, None, dissolved_on=date(2025, 6, 30), reason="ครบวาระ")
        with app.test_request_context():
            statuses = {}
            for locale in ("th", "en"):
                with force_locale(locale):
                    statuses[locale] = str(MEETING_STATUSES[MeetingStatus.SCHEDULED])
    sign_in("staff")
    pages = []
    for locale in ("th", "en", "th"):
        client.post("/language", data={"locale": locale}).close()
        pages.append(search(client, WORD))
    words = {
        "th": (">การประชุม\n", "ครั้งที่ 1/2568", "คำสั่งที่ 7/2567", "ยุบแล้ว", statuses["th"]),
        "en": (">Meetings\n", "Meeting no. 1/2568", "Order 7/2567", "Dissolved", statuses["en"]),
    }
    assert statuses["th"] != statuses["en"]
    for html, locale, other in zip(pages, ("th", "en", "th"), ("en", "th", "en"), strict=True):
        assert [w for w in words[locale] if w not in html] == [], locale
        assert not any(word in html for word in words[other][1:]), locale


def test_the_counted_list_finds_what_the_search_counted(client, sign_in, world):
    sign_in("staff")
    with client.get("/organisations/", query_string={"q": WORD, "status": "all"}) as response:
        listed = set(re.findall(r'href="/organisations/(\d+)"', response.get_data(as_text=True)))
    html = search(client, WORD)
    searched = {a.rsplit("/", 1)[1] for a in links(html) if re.fullmatch(r"/organisations/\d+", a)}
    assert searched <= listed
    assert counts(html)["organisations"] == f"{len(listed)} found"


def test_one_kind_alone_page_by_page(client, sign_in, world, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 1)
    sign_in("staff")
    first = search(client, WORD, kind="committees")
    assert counts(first) == {}  # one kind, no other group
    assert links(first) == {f"/committees/{world.other_committee}"}  # newest first
    assert "page=2" in first
    second = search(client, WORD, kind="committees", page="2")
    assert links(second) == {f"/committees/{world.our_committee}"}
    assert "page=3" not in second and "page=1" in second
    third = search(client, WORD, kind="committees", page="3")
    assert links(third) == set() and "No more results." in third


def test_the_header_has_a_labelled_search_form_for_signed_in_users(client, sign_in):
    with client.get("/sign-in") as response:
        assert 'role="search"' not in response.get_data(as_text=True)
    sign_in("representative")
    with client.get("/") as response:
        html = response.get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/search"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'role="search"' in form.group(0) and 'method="get"' in form.group(0)
    assert re.search(r'<label class="visually-hidden" for="header-search">', form.group(1))
    assert 'id="header-search" name="q"' in form.group(1)


def test_results_read_in_thai(client, sign_in, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "th")
    sign_in("staff")
    html = search(client, WORD)
    assert "ค้นหา" in html
    assert "Organisations" not in html and "found" not in html


def _proposal_links(html: str) -> list[int]:
    return sorted(int(a.rsplit("/", 1)[1]) for a in links(html) if a.startswith("/proposals/"))


def test_old_records_are_found_beyond_the_newest_ones_read_directly(
    app, client, sign_in, submit, make_organisation, monkeypatch
):
    """PostgreSQL reads the newest RECENT records directly and the older ones through the
    trigram index on their folded text: both parts are found, newest first, and a word with
    LIKE's wildcards in it is only text (SQLite answers the same through its FTS index)."""
    monkeypatch.setattr(queries, "RECENT", 2)
    organisation = make_organisation()
    oldest = submit(organisation, title="ระบบเก่าแก่ที่สุด 50%_off")
    middle = submit(organisation, title="ระบบกลางเรื่อง")
    newer = [submit(organisation, title=f"ระบบใหม่ {n}") for n in range(2)]
    sign_in("staff")
    assert _proposal_links(search(client, "เก่าแก่")) == [oldest]  # only in an old one
    assert _proposal_links(search(client, "50%_off")) == [oldest]
    assert _proposal_links(search(client, "0%_o")) == [oldest]
    assert _proposal_links(search(client, "0%xo")) == []  # % and _ match only themselves
    assert _proposal_links(search(client, "ระบบ")) == sorted([oldest, middle, *newer])
    monkeypatch.setattr(queries, "COUNTED", 2)
    cache.forget(app)  # the pages kept before the change of rule
    html = search(client, "ระบบ")
    assert counts(html)["proposals"] == "more than 2 found"
    monkeypatch.setattr(queries, "PER_PAGE", 3)
    cache.forget(app)
    assert _proposal_links(search(client, "ระบบ", kind="proposals")) == sorted([middle, *newer])
    assert _proposal_links(search(client, "ระบบ", kind="proposals", page="2")) == [oldest]


def _contact_links(html: str) -> list[int]:
    prefix = "/organisations/contacts/"
    return sorted(int(a.rsplit("/", 1)[1]) for a in links(html) if a.startswith(prefix))


def test_old_contacts_are_found_by_name_position_or_address_beyond_the_newest_ones(
    client, sign_in, make_contact, monkeypatch
):
    """Contacts too: the newest RECENT read directly, the older ones through the trigram
    index of their folded name, position and address on PostgreSQL (through their
    organisation's FTS5 index, and their own text, on SQLite)."""
    monkeypatch.setattr(queries, "RECENT", 2)
    oldest = make_contact(
        first_name="ประภาพรรณโบราณ", position="ผู้ประสานงานโบราณคดี", email="old.ka@archive.or.th"
    )
    older = make_contact(first_name="ประภาพรรณ", position="นายกสมาคม", email="nayok@x.or.th")
    newer = [make_contact(first_name=f"ใหม่{n}", position="นายกสมาคม") for n in range(2)]
    sign_in("staff")
    assert _contact_links(search(client, "ประภาพรรณโบราณ")) == [oldest]  # name
    assert _contact_links(search(client, "โบราณคดี")) == [oldest]  # position
    assert _contact_links(search(client, "OLD.KA@ARCH")) == [oldest]  # address, any case
    assert _contact_links(search(client, "ประภาพรรณ")) == [oldest, older]
    assert _contact_links(search(client, "นายกสมาคม")) == sorted([older, *newer])
    assert _contact_links(search(client, "นายกสมาคมโบราณ")) == []


def test_one_or_two_characters_look_through_the_newest_records_and_say_so(
    client, sign_in, submit, make_organisation, make_contact, monkeypatch
):
    monkeypatch.setattr(queries, "SHORT_SCOPE", 2)
    organisation = make_organisation()
    old = submit(organisation, title="ฌฌ โครงการเก่า")
    new = submit(organisation, title="ฌฌ โครงการใหม่")
    submit(organisation, title="โครงการล่าสุด")
    sign_in("staff")
    html = search(client, "ฌฌ")
    assert _proposal_links(html) == [new]  # the old one is beyond the newest two
    assert "looks through the newest 2 contacts and proposals only" in html
    html = search(client, "ฌฌ โครงการเก่า")
    assert _proposal_links(html) == [old]  # three characters or more: every record
    assert "looks through the newest" not in html
