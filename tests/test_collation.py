"""Names in Thai dictionary order: the stored sort key, kept with every write, on both databases."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa

from registry import audit
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.collation import person_sort_key, sort_key
from registry.committees.queries import contact_choices
from registry.db import db
from registry.organisations.models import Contact, Organisation

#: The order of the Royal Institute dictionary: the consonant first (เ แ โ ใ ไ do not send a
#: name after ฮ), consonants before vowels (กอ before กา), tone marks only breaking ties;
#: Latin names (case ignored) before Thai ones.
DICTIONARY_ORDER = [
    "Apple Thailand",
    "ATSI",
    "ก่อการดี",
    "กา",
    "ก่า",
    "ก้า",
    "เกษตรก้าวหน้า",
    "แก้วกาญจนา",
    "โกดังไทย",
    "ขอนแก่นพัฒนา",
    "ใจดีพัฒนา",
    "ไทยไอโอที",
    "ศูนย์ทดสอบ",
    "เอไอไทย",
    "ฮอนด้า",
]


def test_the_key_sorts_names_in_dictionary_order():
    shuffled = sorted(DICTIONARY_ORDER, key=lambda name: name[::-1])
    assert sorted(shuffled, key=sort_key) == DICTIONARY_ORDER
    # Code-point order, the fault this key corrects, puts the leading vowels after ฮ.
    assert sorted(DICTIONARY_ORDER).index("เกษตรก้าวหน้า") > sorted(DICTIONARY_ORDER).index("ฮอนด้า")


@pytest.mark.parametrize(
    ("shorter", "longer"),
    [("กา", "กาก"), ("สมาคม", "สมาคม ไทย"), ("ก่า", "กาก"), ("เก", "เกก")],
)
def test_a_name_sorts_before_the_longer_names_it_begins(shorter, longer):
    assert sort_key(shorter) < sort_key(longer)


def test_the_key_ignores_case_spacing_and_invisible_characters():
    assert sort_key("  Thai\u200b  IoT ") == sort_key("thai iot")
    assert sort_key("เกษตร") == sort_key("เ\u200bกษตร")


def test_a_family_name_only_separates_people_of_the_same_given_name():
    people = [("สมชาย", "ฮาดี"), ("สมชาย", "กล้าหาญ"), ("สม", "ฮาดี"), ("เสมอ", "ใจดี")]
    ordered = sorted(people, key=lambda person: sort_key(*person))
    assert ordered == [("สม", "ฮาดี"), ("สมชาย", "กล้าหาญ"), ("สมชาย", "ฮาดี"), ("เสมอ", "ใจดี")]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("นายสมชาย ใจดี", "สมชาย ใจดี"),
        ("นางสาวเกศินี ทองดี", "เกศินี ทองดี"),
        ("ผศ.ดร. อนันต์ ศรีสุข", "อนันต์ ศรีสุข"),
        ("Dr. Anan Srisuk", "anan srisuk"),
        ("Mr Smith", "smith"),
        ("นาย", "นาย"),  # a title alone is the name
        ("Drake Lee", "drake lee"),  # not a title: no space after "dr"
    ],
)
def test_people_sort_by_their_name_not_their_title(written, name):
    assert person_sort_key(written) == sort_key(name)


# --- stored and used by the lists, on SQLite and PostgreSQL ----------------------------------


def test_the_database_orders_the_stored_keys_as_the_dictionary(app, make_organisation):
    ids = {make_organisation(name): name for name in reversed(DICTIONARY_ORDER)}
    with app.app_context():
        names = db.session.scalars(
            sa.select(Organisation.name_th)
            .where(Organisation.id.in_(ids))
            .order_by(Organisation.sort_key, Organisation.id)
        ).all()
    assert names == DICTIONARY_ORDER


def test_the_list_of_organisations_is_in_dictionary_order(client, sign_in, make_organisation):
    for name in reversed(DICTIONARY_ORDER):
        make_organisation(f"{name} สมาคมเรียง")
    sign_in("staff")
    page = client.get("/organisations/", query_string={"q": "สมาคมเรียง", "status": "all"})
    html = page.get_data(as_text=True)
    positions = [html.index(f"{name} สมาคมเรียง") for name in DICTIONARY_ORDER]
    assert positions == sorted(positions)


def test_renaming_an_organisation_moves_it_in_the_list(app, make_organisation):
    first = make_organisation("ฮอนด้าสมาคม")
    second = make_organisation("ฮาร์ดแวร์สมาคม")
    with app.app_context():
        organisation = db.session.get(Organisation, first)
        with audit.change(organisation, None, "renamed (test)"):
            organisation.name_th = "เกษตรสมาคม"
        db.session.commit()
        ordered = db.session.scalars(
            sa.select(Organisation.id)
            .where(Organisation.id.in_([first, second]))
            .order_by(Organisation.sort_key)
        ).all()
        assert ordered == [first, second]
        assert db.session.get(Organisation, first).sort_key == sort_key("เกษตรสมาคม")


def test_people_in_the_pickers_are_in_dictionary_order(app, make_organisation, make_contact):
    home = make_organisation("สมาคมคนเรียงชื่อ")
    for first, last in [("ไพโรจน์", "ใจดี"), ("กมล", "แก้วดี"), ("เกศินี", "ทองดี")]:
        make_contact(home, first_name=first, last_name=last)
    with app.app_context():
        groups = dict(contact_choices())
    names = [label for _id, label in groups["สมาคมคนเรียงชื่อ"]]
    assert [name.split(" ")[0] for name in names] == ["นางสาวกมล", "นางสาวเกศินี", "นางสาวไพโรจน์"]


def test_a_contacts_key_follows_a_change_of_either_name(app, make_contact):
    contact_id = make_contact(first_name="สมชาย", last_name="ใจดี")
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        with audit.change(contact, None, "renamed (test)"):
            contact.last_name = "แก้วดี"
        db.session.commit()
        assert contact.sort_key == sort_key("สมชาย", "แก้วดี")
        with audit.change(contact, None, "renamed (test)"):
            contact.first_name = "เอกชัย"
        db.session.commit()
        assert contact.sort_key == sort_key("เอกชัย", "แก้วดี")


def test_accounts_sort_by_name_without_title(app, make_user):
    ids = [
        make_user(full_name="นายฮาดี ทดสอบ"),
        make_user(full_name="นางสาวเกศินี ทดสอบ"),
        make_user(full_name="ดร. กมล ทดสอบ"),
    ]
    with app.app_context():
        ordered = db.session.scalars(
            sa.select(User.full_name).where(User.id.in_(ids)).order_by(User.sort_key)
        ).all()
    assert ordered == ["ดร. กมล ทดสอบ", "นางสาวเกศินี ทดสอบ", "นายฮาดี ทดสอบ"]


def test_the_key_is_not_an_audited_change(app, make_organisation):
    organisation_id = make_organisation("สมาคมก่อนเปลี่ยน")
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        with audit.change(organisation, None, "renamed (test)"):
            organisation.name_th = "เสมาคมหลังเปลี่ยน"
        db.session.commit()
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "renamed (test)")
        ).one()
        assert "name_th" in str(event.changes) and "sort_key" not in str(event.changes)


def test_the_migration_gives_existing_rows_their_keys(make_app):
    app = make_app()
    with app.app_context():
        flask_migrate.downgrade(revision="0016_user_sessions")
        with db.engine.begin() as connection:
            for n, name in enumerate(reversed(DICTIONARY_ORDER), start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO organisations (id, name_th, name_key, kind, status,"
                        " search_text, lock_version, created_at, updated_at) VALUES (:id, :name,"
                        " :name, 'association', 'active', '', 1, '2026-01-01', '2026-01-01')"
                    ),
                    {"id": n, "name": name},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            names = connection.execute(
                sa.text("SELECT name_th FROM organisations ORDER BY sort_key, id")
            ).scalars().all()
    assert names == DICTIONARY_ORDER
