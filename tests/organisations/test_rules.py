"""The rules beneath the pages: the 77 provinces, name comparison, Thai phone numbers, and
the services' refusals."""

from __future__ import annotations

import pytest

from registry.db import db
from registry.formats import thai_phone_digits
from registry.organisations import services
from registry.organisations.models import Organisation, name_key
from registry.organisations.provinces import BY_CODE, PROVINCES, province_name, sorted_provinces


def test_there_are_77_provinces_each_once():
    assert len(PROVINCES) == 77
    assert len(BY_CODE) == 77
    assert len({p.name_th for p in PROVINCES}) == 77
    assert len({p.name_en for p in PROVINCES}) == 77
    assert all(len(p.code) == 2 and p.code.isdigit() for p in PROVINCES)


@pytest.mark.parametrize(
    ("code", "thai", "english"),
    [
        ("10", "กรุงเทพมหานคร", "Bangkok"),
        ("20", "ชลบุรี", "Chon Buri"),
        ("38", "บึงกาฬ", "Bueng Kan"),  # the newest province (2554)
        ("50", "เชียงใหม่", "Chiang Mai"),
        ("84", "สุราษฎร์ธานี", "Surat Thani"),
        ("96", "นราธิวาส", "Narathiwat"),
    ],
)
def test_province_names(code, thai, english):
    assert province_name(code) == thai
    assert province_name(code, "en") == english


def test_provinces_sort_in_thai_dictionary_order():
    names = [p.name_th for p in sorted_provinces("th")]
    assert names[:2] == ["กระบี่", "กรุงเทพมหานคร"]
    # a leading vowel sorts after its consonant: เชียงใหม่ among the ช, not after ฮ
    assert names.index("ชุมพร") < names.index("เชียงราย") < names.index("ตรัง")
    assert names[-1] == "อุบลราชธานี"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("สมาคมไทยไอโอที", " สมาคมไทยไอโอที "),
        ("Thai IoT  Association", "thai iot association"),
        ("สมาคม\u200bไทยไอโอที", "สมาคมไทยไอโอที"),
        ("ทำ", "ท\u0e4d\u0e32"),  # sara am as one character or as nikhahit + sara aa
    ],
)
def test_names_compare_equal_whatever_the_spacing_and_case(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("02 123 4567", "021234567"),
        ("038-123-456", "038123456"),
        ("0812345678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("+66-2-123-4567", "021234567"),
        ("12345", None),
        ("02 123 456", None),  # 8 digits
        ("081 234 567 89", None),  # 11 digits
        ("1 234 567 890", None),  # does not start with 0
        ("+44 20 7946 0958", None),
        ("02.123.4567", None),
        ("-02 123 4567", None),
        ("+66 02 123 4567", None),  # the national 0 is dropped after +66
        ("00 123 4567", None),
    ],
)
def test_thai_phone_numbers(typed, digits):
    assert thai_phone_digits(typed) == digits


def test_services_refuse_a_bad_profile_with_the_field_named(app, db_session, make_organisation):
    existing = make_organisation("สมาคมที่มีอยู่แล้ว", registration_number="X-1")
    base = {"name_th": "สมาคมใหม่", "kind": "association"}
    cases = [
        ({"name_th": " "}, "name_th", None),
        ({"kind": None}, "kind", None),
        ({"province": "00"}, "province", None),
        ({"name_th": "สมาคมที่มีอยู่แล้ว"}, "name_th", existing),
        ({"registration_number": "x-1"}, "registration_number", existing),
    ]
    with app.app_context():
        for changes, field, existing_id in cases:
            with pytest.raises(services.OrganisationError) as refused:
                services.create_organisation(actor=None, **(base | changes))
            assert (refused.value.field, refused.value.existing_id) == (field, existing_id)


def test_an_update_changes_only_the_fields_given(app, db_session, make_organisation):
    organisation_id = make_organisation("สมาคมเดิม", province="10", phone="02 123 4567")
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        services.update_organisation(organisation, actor=None, province="20")
        assert (organisation.province, organisation.phone) == ("20", "02 123 4567")
        assert organisation.name_th == "สมาคมเดิม"


def test_a_duplicate_saved_at_the_same_moment_is_refused_not_a_crash(
    app, db_session, make_organisation, monkeypatch, count_organisations
):
    make_organisation("สมาคมที่บันทึกพร้อมกัน")
    before = count_organisations()
    monkeypatch.setattr(services, "find_by_name", lambda _name: None)  # the check saw nothing yet
    with app.app_context(), pytest.raises(services.OrganisationError):
        services.create_organisation(actor=None, name_th="สมาคมที่บันทึกพร้อมกัน", kind="company")
    assert count_organisations() == before
