"""The page of one organisation stays bounded however big the organisation: its contacts come
a page at a time, its timeline is kept between requests until the next write, and it links to
the full lists of the organisation's agreements and proposals."""

from __future__ import annotations

import re

import pytest

from registry.auth.models import User
from registry.db import db
from registry.organisations import queries, services
from registry.organisations.models import Contact, Organisation

PER_PAGE = queries.CONTACTS_PER_PAGE


def _names(html: str) -> list[str]:
    """The contacts listed, in order (their links)."""
    section = html.split('id="contacts-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="/organisations/contacts/\d+">([^<]+)</a>', section)


@pytest.fixture
def crowded(make_organisation, make_contact):
    """An organisation with a page and a few of people, one former, one erased."""
    organisation = make_organisation()
    ids = [make_contact(organisation, first_name=f"คน{n:02d}") for n in range(PER_PAGE + 4)]
    former = make_contact(organisation, first_name="อดีต", active=False)
    make_contact(organisation, first_name="ลบแล้ว", erased_at=db.func.now())
    return organisation, ids, former


def test_contacts_come_a_page_at_a_time_and_page_two_shows_the_rest(client, sign_in, crowded):
    organisation, ids, _former = crowded
    sign_in("staff")
    with client.get(f"/organisations/{organisation}") as first:
        html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert _names(html)[:2] == ["นางสาวคน00 ใจดี", "นางสาวคน01 ใจดี"]
    assert len(_names(html)) == PER_PAGE
    assert f'href="/organisations/{organisation}?page=2#contacts"' in html
    assert "ผู้ติดต่อทั้งหมด 30 ราย" in html
    with client.get(f"/organisations/{organisation}?page=2") as second:
        rest = _names(second.get_data(as_text=True))
    # the current people first, then the former one; the erased one nowhere
    assert rest == [f"นางสาวคน{n:02d} ใจดี" for n in range(PER_PAGE, PER_PAGE + 4)] + [
        "นางสาวอดีต ใจดี"
    ]
    assert not any("ลบแล้ว" in name for name in _names(html) + rest)
    # each person's invitation button still posts to their own address, with the CSRF field
    assert f'action="/organisations/contacts/{ids[0]}/invite"' in html


@pytest.mark.parametrize(
    ("page", "first_shown"),
    [("abc", True), ("0", True), ("-2", True), ("", True), ("3", False),
     ("99999999999999999999", False)],
)  # fmt: skip
def test_bad_or_far_page_values_answer_a_normal_page(client, sign_in, crowded, page, first_shown):
    organisation, _ids, _former = crowded
    sign_in("staff")
    with client.get(f"/organisations/{organisation}", query_string={"page": page}) as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (len(_names(html)) == PER_PAGE) is first_shown
    if not first_shown:
        assert _names(html) == []
        assert f'href="/organisations/{organisation}#contacts"' in html  # back to the first


def test_my_association_pages_its_contacts_too(client, sign_in, crowded):
    organisation, _ids, _former = crowded
    sign_in("representative", organisation_id=organisation)
    with client.get("/organisations/mine") as first:
        html = first.get_data(as_text=True)
    assert len(_names(html)) == PER_PAGE
    assert 'href="/organisations/mine?page=2#contacts"' in html
    assert "/invite" not in html  # representatives invite nobody
    with client.get("/organisations/mine?page=2") as second:
        assert len(_names(second.get_data(as_text=True))) == 5
    with client.get("/organisations/mine?page=99999999999999999999") as far:
        assert far.status_code == 200


def test_a_short_list_has_no_pages(client, sign_in, make_organisation, make_contact):
    organisation = make_organisation()
    make_contact(organisation)
    sign_in("staff")
    with client.get(f"/organisations/{organisation}") as response:
        html = response.get_data(as_text=True)
    assert len(_names(html)) == 1 and "?page=" not in html


def _timeline(html: str) -> str:
    return html.split('id="timeline-heading"', 1)[1].split("</section>", 1)[0]


def test_the_kept_timeline_shows_a_change_at_once(app, client, sign_in, make_organisation):
    organisation = make_organisation()
    staff = sign_in("staff")
    with client.get(f"/organisations/{organisation}") as before:
        assert "แก้ไข" not in _timeline(before.get_data(as_text=True))
    with client.get(f"/organisations/{organisation}") as again:  # from the kept copy
        assert "แก้ไข" not in _timeline(again.get_data(as_text=True))
    with app.app_context():
        services.update_organisation(
            db.session.get(Organisation, organisation),
            actor=db.session.get(User, staff),
            website="https://changed.example.or.th",
        )
    with client.get(f"/organisations/{organisation}") as after:
        html = after.get_data(as_text=True)
    assert "changed.example.or.th" in html
    assert "แก้ไข" in _timeline(html)


def test_the_kept_timeline_is_kept_per_language(app, client, sign_in, make_organisation):
    organisation = make_organisation()
    staff = sign_in("staff")
    with app.app_context():
        services.update_organisation(
            db.session.get(Organisation, organisation),
            actor=db.session.get(User, staff),
            website="https://changed.example.or.th",
        )
    with client.get(f"/organisations/{organisation}") as thai:
        assert "แก้ไข" in _timeline(thai.get_data(as_text=True))
    client.post("/language", data={"locale": "en"}).close()
    with client.get(f"/organisations/{organisation}") as english:
        timeline = _timeline(english.get_data(as_text=True))
    assert "updated" in timeline and "แก้ไข" not in timeline
    client.post("/language", data={"locale": "th"}).close()
    with client.get(f"/organisations/{organisation}") as thai_again:
        assert "แก้ไข" in _timeline(thai_again.get_data(as_text=True))


def test_the_kept_timeline_is_kept_per_organisation(app, client, sign_in, make_organisation):
    first, second = make_organisation("สมาคมหนึ่งไทม์ไลน์"), make_organisation("สมาคมสองไทม์ไลน์")
    staff = sign_in("staff")
    with app.app_context():
        for organisation in (first, second):
            services.update_organisation(
                db.session.get(Organisation, organisation),
                actor=db.session.get(User, staff),
                website=f"https://o{organisation}.example.or.th",
            )
    for organisation, own, other in ((first, "หนึ่ง", "สอง"), (second, "สอง", "หนึ่ง")):
        with client.get(f"/organisations/{organisation}") as response:
            timeline = _timeline(response.get_data(as_text=True))
        assert f"สมาคม{own}ไทม์ไลน์" in timeline and f"สมาคม{other}ไทม์ไลน์" not in timeline


def test_a_second_view_reads_fewer_statements(client, sign_in, make_organisation, statements):
    organisation = make_organisation()
    sign_in("staff")
    with statements() as cold, client.get(f"/organisations/{organisation}") as response:
        assert response.status_code == 200
    with statements() as warm, client.get(f"/organisations/{organisation}") as response:
        assert response.status_code == 200
    assert len(warm) < len(cold)


def test_the_page_links_to_the_full_lists(client, sign_in, make_organisation):
    organisation = make_organisation()
    sign_in("staff")
    with client.get(f"/organisations/{organisation}") as response:
        html = response.get_data(as_text=True)
    assert f'href="/agreements/?partner={organisation}"' in html
    assert f'href="/proposals/?organisation={organisation}"' in html
    assert f'href="/proposals/?endorsed_by={organisation}"' in html


def test_the_contacts_query_leaves_out_the_erased(app, make_organisation, make_contact):
    organisation = make_organisation()
    make_contact(organisation, erased_at=db.func.now())
    kept = make_contact(organisation)
    with app.app_context():
        assert [c.id for c in db.session.scalars(queries.contacts_of(organisation))] == [kept]
        assert db.session.get(Contact, kept) is not None


def test_the_timeline_orders_a_thai_calendar_day_against_utc_times():
    """A date is a day in Thailand: an event at 00.30 on that day (17.30 UTC the day before)
    comes after the day began, and an event at 23.00 the evening before comes before it."""
    from datetime import date, datetime

    from registry.organisations.timeline import Entry

    day = Entry(at=date(2026, 11, 22), what="endorsed")
    just_after = Entry(at=datetime(2026, 11, 21, 17, 30), what="deactivated")
    evening_before = Entry(at=datetime(2026, 11, 21, 16, 0), what="updated")
    ordered = sorted([day, just_after, evening_before], key=lambda e: e.sort_key, reverse=True)
    assert [entry.what for entry in ordered] == ["deactivated", "endorsed", "updated"]
