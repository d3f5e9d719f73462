"""People are found through an index of their own (SQLite: an FTS5 trigram table, migration
0021; PostgreSQL: the trigram index of their folded text), which every write keeps in step:
a person is found by what their record says now, never by what it said before."""

from __future__ import annotations

from registry.db import db
from registry.organisations import services
from registry.organisations.models import Contact

from .test_search import search


def _found(client, text: str) -> set[int]:
    """The people the search page lists for ``text`` (their ids)."""
    html = search(client, text, kind="contacts")
    prefix = 'href="/organisations/contacts/'
    return {int(part.split('"', 1)[0]) for part in html.split(prefix)[1:]}


def test_a_new_person_is_found_by_name_position_and_address(client, sign_in, make_contact):
    person = make_contact(
        first_name="วรรณวิสาข์", last_name="ศรีสะอาด", position="ผู้ประสานงานนวัตกรรม",
        email="wannawisa@innovate.example",
    )  # fmt: skip
    sign_in("staff")
    assert _found(client, "วรรณวิสาข์ ศรี") == {person}  # the written name, across its parts
    assert _found(client, "นางสาววรรณ") == {person}  # with the title
    assert _found(client, "ประสานงานนวัต") == {person}  # position
    assert _found(client, "WANNAWISA@Innov") == {person}  # address, any case
    assert _found(client, "วรรณวิสาข์ไม่มี") == set()


def test_an_edited_person_is_found_by_the_new_text_only(app, client, sign_in, make_contact):
    person = make_contact(first_name="จันทร์เพ็ญ", position="เลขานุการสมาคม", email="chan@old.example")
    with app.app_context():
        contact = db.session.get(Contact, person)
        services.update_contact(
            contact, actor=None, first_name="ดวงพร", position="เหรัญญิก", email="duang@new.example"
        )
    sign_in("staff")
    assert _found(client, "ดวงพร") == {person}
    assert _found(client, "เหรัญญิก") == {person}
    assert _found(client, "duang@new") == {person}
    assert _found(client, "จันทร์เพ็ญ") == set()
    assert _found(client, "เลขานุการสมาคม") == set()
    assert _found(client, "chan@old") == set()


def test_an_erased_person_is_not_found_by_what_they_were(app, client, sign_in, make_contact):
    person = make_contact(first_name="ลบทิ้งแล้ว", position="ที่ปรึกษาพิเศษ", email="gone@erase.example")
    with app.app_context():
        services.erase_contact(db.session.get(Contact, person), actor=None)
    sign_in("staff")
    assert _found(client, "ลบทิ้งแล้ว") == set()
    assert _found(client, "ที่ปรึกษาพิเศษ") == set()
    assert _found(client, "gone@erase") == set()


def test_a_name_is_found_as_it_was_typed_whatever_the_order_of_its_marks(
    client, sign_in, make_contact
):
    """A tone mark typed before a vowel below the letter ("ฟู้", not the usual "ฟู้") is kept as
    typed; the same letters typed the same way find the person (the organisation's search
    text, which writes every name in one order, did not)."""
    person = make_contact(first_name="ภ้ามฟู้สเข่ร", last_name="สุงวงศ์")
    sign_in("staff")
    assert _found(client, "ามฟ้") == {person}  # the tone mark as typed, after ฟ
    assert _found(client, "ภ้ามฟู้") == {person}
