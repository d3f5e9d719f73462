"""Staff register organisations, edit their profiles and make them inactive; bad input is
refused at the field, and nothing is saved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.db import db
from registry.organisations.models import Organisation, OrganisationKind, OrganisationStatus

NEW = {
    "name_th": "สมาคมผู้ทดสอบซอฟต์แวร์ไทย",
    "name_en": "Thai Software Testing Association",
    "acronym": "TSTA",
    "kind": "association",
    "status": "active",
    "registration_number": "2560-0123/1",
    "province": "20",
    "address": "99 ถนนสุขุมวิท\nอำเภอศรีราชา จังหวัดชลบุรี 20110",
    "website": "https://www.tsta.example",
    "email": "Info@TSTA.example",
    "phone": "+66 38 123 456",
    "notes": "",
}


def _find(app, name_th: str) -> Organisation | None:
    with app.app_context():
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.name_th == name_th)
        )
        if organisation is not None:
            db.session.expunge(organisation)
        return organisation


def _profile(organisation_id, get_organisation) -> dict:
    """The edit form's data for an existing organisation, as it stands (with the version
    the form carries)."""
    organisation = get_organisation(organisation_id)
    data = {name: getattr(organisation, name) or "" for name in NEW}
    return data | {
        "kind": organisation.kind.value,
        "status": organisation.status.value,
        "lock_version": str(organisation.lock_version),
    }


def test_staff_register_an_organisation_and_the_change_is_audited(
    app, client, sign_in, audit_events
):
    sign_in("staff")
    response = client.post("/organisations/new", data=NEW)
    assert response.status_code == 302
    organisation = _find(app, NEW["name_th"])
    assert response.headers["Location"] == f"/organisations/{organisation.id}"
    assert organisation.status is OrganisationStatus.ACTIVE
    assert organisation.province == "20"
    assert organisation.email == "info@tsta.example"
    assert organisation.registration_number == "2560-0123/1"
    assert organisation.notes is None  # empty text is stored as nothing
    ((action, changes),) = audit_events(organisation.id)
    assert action == "created"
    assert changes["name_th"] == [None, NEW["name_th"]]
    assert changes["province"] == [None, "20"]


def test_the_profile_page_shows_the_details_in_thai(app, client, sign_in):
    sign_in("staff")
    client.post("/organisations/new", data=NEW)
    organisation = _find(app, NEW["name_th"])
    body = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "ชลบุรี" in body
    assert "ภาคีที่ร่วมมืออยู่" in body  # the status label, translated
    assert "อำเภอศรีราชา" in body and "<br>" in body  # the address keeps its lines
    assert 'href="https://www.tsta.example"' in body
    assert 'href="mailto:info@tsta.example"' in body


def test_admin_may_register_organisations_too(app, client, sign_in):
    sign_in("admin")
    assert client.post("/organisations/new", data=NEW).status_code == 302


def test_staff_edit_a_profile_and_the_before_and_after_are_audited(
    client, sign_in, make_organisation, get_organisation, audit_events
):
    organisation_id = make_organisation("สมาคมชื่อเดิม")
    sign_in("staff")
    data = _profile(organisation_id, get_organisation) | {
        "name_th": "สมาคมชื่อใหม่",
        "province": "50",
        "phone": "081-234-5678",
    }
    response = client.post(f"/organisations/{organisation_id}/edit", data=data)
    assert response.status_code == 302
    organisation = get_organisation(organisation_id)
    assert (organisation.name_th, organisation.province) == ("สมาคมชื่อใหม่", "50")
    action, changes = audit_events(organisation_id)[-1]
    assert action == "updated"
    assert changes["name_th"] == ["สมาคมชื่อเดิม", "สมาคมชื่อใหม่"]
    assert changes["phone"] == [None, "081-234-5678"]


def test_the_edit_form_shows_the_current_profile(client, sign_in, make_organisation):
    organisation_id = make_organisation("สมาคมไทยไอโอที", province="10", phone="02 123 4567")
    sign_in("staff")
    response = client.get(f"/organisations/{organisation_id}/edit")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="สมาคมไทยไอโอที"' in body
    assert '<option selected value="10">กรุงเทพมหานคร</option>' in body
    assert "ภูเก็ต" in body and "นราธิวาส" in body


def test_staff_deactivate_and_reactivate_an_organisation_which_is_never_deleted(
    client, sign_in, make_organisation, get_organisation, audit_events
):
    organisation_id = make_organisation(status=OrganisationStatus.ACTIVE)
    sign_in("staff")
    page = client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "data-confirm=" in page  # the browser asks before deactivating
    assert client.post(f"/organisations/{organisation_id}/deactivate").status_code == 302
    assert get_organisation(organisation_id).status is OrganisationStatus.INACTIVE
    assert client.post(f"/organisations/{organisation_id}/reactivate").status_code == 302
    assert get_organisation(organisation_id).status is OrganisationStatus.ACTIVE
    actions = [action for action, _ in audit_events(organisation_id)]
    assert actions[-2:] == ["deactivated", "reactivated"]
    assert audit_events(organisation_id)[-2][1]["status"] == ["active", "inactive"]


def test_deactivating_twice_says_so_and_changes_nothing(
    client, sign_in, make_organisation, audit_events
):
    organisation_id = make_organisation(status=OrganisationStatus.INACTIVE)
    sign_in("staff")
    before = audit_events(organisation_id)
    response = client.post(f"/organisations/{organisation_id}/deactivate", follow_redirects=True)
    assert "องค์กรนี้มีสถานะไม่ใช้งานอยู่แล้ว" in response.get_data(as_text=True)
    assert audit_events(organisation_id) == before


def test_an_inactive_organisation_keeps_its_status_when_edited(
    client, sign_in, make_organisation, get_organisation
):
    organisation_id = make_organisation(status=OrganisationStatus.INACTIVE)
    sign_in("staff")
    page = client.get(f"/organisations/{organisation_id}/edit").get_data(as_text=True)
    assert 'name="status"' not in page
    data = _profile(organisation_id, get_organisation) | {"status": "active", "notes": "ปิดตัว"}
    assert client.post(f"/organisations/{organisation_id}/edit", data=data).status_code == 302
    organisation = get_organisation(organisation_id)
    assert (organisation.status, organisation.notes) == (OrganisationStatus.INACTIVE, "ปิดตัว")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name_th": ""}, "name_th", "กรุณากรอกข้อมูล"),
        ({"name_th": "   "}, "name_th", "กรุณากรอกข้อมูล"),
        ({"name_th": "ก" * 301}, "name_th", "300"),
        ({"kind": ""}, "kind", "กรุณากรอกข้อมูล"),
        ({"kind": "cartel"}, "kind", "ประเภทขององค์กร"),
        ({"status": "inactive"}, "status", "อยู่ระหว่างการติดต่อ"),
        ({"email": "not-an-email"}, "email", "อีเมล"),
        ({"email": "info@tsta"}, "email", "อีเมล"),
        ({"phone": "12345"}, "phone", "หมายเลขโทรศัพท์"),
        ({"phone": "02 123 45678 9"}, "phone", "หมายเลขโทรศัพท์"),
        ({"phone": "+1 202 555 0100"}, "phone", "หมายเลขโทรศัพท์"),
        ({"phone": "02-123-4567 ต่อ 12"}, "phone", "หมายเลขโทรศัพท์"),
        ({"phone": "(02) 123 4567"}, "phone", "หมายเลขโทรศัพท์"),
        ({"website": "www.tsta.example"}, "website", "https://"),
        ({"website": "ftp://tsta.example"}, "website", "https://"),
        ({"website": "javascript:alert(1)"}, "website", "https://"),
        ({"website": "https://"}, "website", "https://"),
        ({"website": "https://tsta.example:port/"}, "website", "https://"),
        ({"website": "https://tsta example"}, "website", "https://"),
        ({"province": "99"}, "province", "77"),
        ({"province": "Bangkok"}, "province", "77"),
        ({"registration_number": "2560 0123"}, "registration_number", "ขีด (-)"),
        ({"registration_number": ".1234/2560"}, "registration_number", "จุด (.)"),
        ({"registration_number": "1" * 31}, "registration_number", "30"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_saved(
    client, sign_in, count_organisations, changes, field, message
):
    sign_in("staff")
    before = count_organisations()
    response = client.post("/organisations/new", data=NEW | changes)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    error = body.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert count_organisations() == before


@pytest.mark.parametrize(
    "phone", ["02 123 4567", "021234567", "081-234-5678", "+66 81 234 5678", "+6621234567"]
)
def test_thai_phone_numbers_are_accepted(client, sign_in, count_organisations, phone):
    sign_in("staff")
    before = count_organisations()
    assert client.post("/organisations/new", data=NEW | {"phone": phone}).status_code == 302
    assert count_organisations() == before + 1


@pytest.mark.parametrize(
    "same_name",
    [
        "สมาคมผู้ทดสอบซอฟต์แวร์ไทย",
        "  สมาคมผู้ทดสอบซอฟต์แวร์ไทย ",
        "สมาคมผู้ทดสอบ\u200bซอฟต์แวร์ไทย",  # a zero-width space, pasted from the web
    ],
)
def test_a_duplicate_name_is_refused_with_a_link_to_the_existing_record(
    client, sign_in, make_organisation, count_organisations, same_name
):
    existing_id = make_organisation(NEW["name_th"])
    sign_in("staff")
    before = count_organisations()
    response = client.post("/organisations/new", data=NEW | {"name_th": same_name})
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="name_th-error">', 1)[1].split("</div>")[0]
    assert "มีองค์กรที่ใช้ชื่อนี้ลงทะเบียนไว้แล้ว" in error
    assert f'<a href="/organisations/{existing_id}">' in error
    assert count_organisations() == before


def test_a_duplicate_name_ignores_case_and_spacing(client, sign_in, make_organisation):
    make_organisation("Thai  IoT Association")
    sign_in("staff")
    response = client.post("/organisations/new", data=NEW | {"name_th": "thai iot ASSOCIATION"})
    assert response.status_code == 422


def test_a_duplicate_registration_number_is_refused_at_the_field(
    client, sign_in, make_organisation, count_organisations
):
    existing_id = make_organisation(registration_number="2560-0123/1")
    sign_in("staff")
    before = count_organisations()
    data = NEW | {"registration_number": "2560-0123/1"}
    response = client.post("/organisations/new", data=data)
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="registration_number-error">', 1)[1]
    assert "เลขทะเบียนนี้เป็นของอีกองค์กรหนึ่ง" in error.split("</div>")[0]
    assert f'href="/organisations/{existing_id}"' in error.split("</div>")[0]
    assert count_organisations() == before


def test_renaming_onto_another_organisations_name_is_refused_and_nothing_changes(
    client, sign_in, make_organisation, get_organisation, audit_events
):
    make_organisation("สมาคมปัญญาประดิษฐ์ประเทศไทย")
    organisation_id = make_organisation("สมาคมอื่น")
    sign_in("staff")
    before = audit_events(organisation_id)
    data = _profile(organisation_id, get_organisation) | {
        "name_th": "สมาคมปัญญาประดิษฐ์ประเทศไทย",
        "notes": "ไม่ควรบันทึก",
    }
    response = client.post(f"/organisations/{organisation_id}/edit", data=data)
    assert response.status_code == 422
    organisation = get_organisation(organisation_id)
    assert (organisation.name_th, organisation.notes) == ("สมาคมอื่น", None)
    assert audit_events(organisation_id) == before


def test_saving_a_profile_unchanged_keeps_its_own_name_and_number(
    client, sign_in, make_organisation, get_organisation
):
    organisation_id = make_organisation("สมาคมเดิม", registration_number="A-1")
    sign_in("staff")
    data = _profile(organisation_id, get_organisation)
    assert client.post(f"/organisations/{organisation_id}/edit", data=data).status_code == 302


@pytest.mark.parametrize("role", ["representative", "secretary"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/organisations/"),
        ("GET", "/organisations/{id}"),
        ("GET", "/organisations/new"),
        ("POST", "/organisations/new"),
        ("GET", "/organisations/{id}/edit"),
        ("POST", "/organisations/{id}/edit"),
        ("POST", "/organisations/{id}/deactivate"),
        ("POST", "/organisations/{id}/reactivate"),
    ],
)
def test_representatives_and_secretaries_are_refused(
    client, sign_in, make_organisation, get_organisation, role, method, path
):
    organisation_id = make_organisation()
    sign_in(role)
    response = client.open(path.format(id=organisation_id), method=method, data=NEW)
    # A representative asking for a record by id is told "not found": nothing leaks.
    hidden = role == "representative" and "{id}" in path
    assert response.status_code == (404 if hidden else 403)
    assert get_organisation(organisation_id).status is OrganisationStatus.PROSPECT


def test_the_menu_shows_organisations_to_staff_only(client, sign_in):
    sign_in("secretary")
    assert 'href="/organisations/"' not in client.get("/").get_data(as_text=True)
    client.post("/sign-out")
    sign_in("staff")
    assert 'href="/organisations/"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/organisations/999999"),
        ("GET", "/organisations/999999/edit"),
        ("POST", "/organisations/999999/edit"),
        ("POST", "/organisations/999999/deactivate"),
        ("POST", "/organisations/999999/reactivate"),
        ("GET", "/organisations/99999999999"),
    ],
)
def test_an_unknown_organisation_is_404(client, sign_in, method, path):
    sign_in("staff")
    assert client.open(path, method=method, data=NEW).status_code == 404


def test_the_profile_reads_in_english_when_chosen(client, sign_in, make_organisation):
    organisation_id = make_organisation(
        "มหาวิทยาลัยเกษตรศาสตร์ วิทยาเขตศรีราชา", province="20", kind=OrganisationKind.UNIVERSITY
    )
    sign_in("staff")
    client.post("/language", data={"locale": "en"})
    body = client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "Chon Buri" in body and "University" in body and "Prospect" in body
