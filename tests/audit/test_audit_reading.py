"""The audit log reads as the rest of the registry: field labels, names for ids, Thai yes/no,
Buddhist-Era dates in Bangkok time, and filters that find events by the words shown."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from registry import audit
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.db import db
from registry.organisations.models import Contact, Organisation


def _record(app, actor_id, action, record_type, changes, at=None, record_id=1) -> int:
    """An audit event as a service records it, committed."""
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        event = audit.record_event(
            actor, action, record_type=record_type, record_id=record_id, changes=changes
        )
        if at is not None:
            event.at = at
        db.session.commit()
        return event.id


def _table(body: str) -> str:
    """The log's table, as text (the filters' lists of names left out)."""
    start = body.index("<table")
    return html.unescape(re.sub(r"\s+", " ", body[start : body.index("</table>", start)]))


def test_fields_read_by_their_labels_and_values_as_the_pages_show_them(
    app, client, sign_in, make_user
):
    admin = sign_in("admin")
    staff = make_user("staff", full_name="สมศรี ใจดี")
    _record(
        app,
        admin,
        "recorded endorsement",
        "proposal_endorsements",
        {
            "endorsed_by_id": [None, staff],
            "recorded_by_staff": [False, True],
            "endorsed_on": [None, "2026-12-07"],
            "withdrawn_at": [None, "2026-12-07T06:30:00"],
            "lock_version": [1, 2],
        },
        at=datetime(2026, 12, 7, 17, 5),  # UTC: already 8 December in Bangkok
    )
    table = _table(client.get("/admin/audit/?record_type=proposal_endorsements").get_data(True))
    # Labels, not column names; the version is not shown.
    assert "ผู้ให้หรือผู้บันทึกการสนับสนุน" in table and "endorsed_by_id" not in table
    assert "บันทึกโดยเจ้าหน้าที่" in table and "recorded_by_staff" not in table
    assert "lock_version" not in table
    # The person's name for the id; Thai yes/no for booleans; BE dates, Bangkok times.
    assert "— → สมศรี ใจดี" in table
    assert "ไม่ใช่ → ใช่" in table and "False" not in table and "True" not in table
    assert "— → 7 ธันวาคม 2569" in table and "2026-12-07" not in table
    assert "— → 7 ธ.ค. 2569 13.30 น." in table
    # The event's own time: Bangkok, Buddhist Era.
    assert "8 ธ.ค. 2569 00.05 น." in table


def test_choices_read_by_their_labels(app, client, sign_in, make_user):
    admin = sign_in("admin")
    _record(app, admin, "updated", "users", {"role": ["staff", "admin"], "locale": [None, "en"]})
    table = _table(client.get("/admin/audit/?record_type=users&action=updated").get_data(True))
    assert "บทบาท" in table and "เจ้าหน้าที่ DGTi → ผู้ดูแลระบบ" in table
    assert "ภาษา" in table and "— → English" in table and "locale" not in table


def test_the_pages_english_reads_the_same_log_in_english(app, client, sign_in, make_user):
    admin = sign_in("admin")
    client.post("/language", data={"locale": "en"})
    _record(app, admin, "updated", "proposal_endorsements", {"recorded_by_staff": [True, False]})
    table = _table(client.get("/admin/audit/?record_type=proposal_endorsements").get_data(True))
    assert "Recorded by staff" in table and "Yes → No" in table


def test_an_id_whose_record_is_gone_reads_as_its_number(app, client, sign_in):
    admin = sign_in("admin")
    _record(app, admin, "updated", "proposal_endorsements", {"endorsed_by_id": [None, 987654]})
    table = _table(client.get("/admin/audit/?record_type=proposal_endorsements").get_data(True))
    assert "— → #987654" in table


def test_filters_find_events_by_the_thai_words_shown(app, client, sign_in, make_user):
    target = make_user("staff")
    sign_in("admin")
    client.post(f"/admin/users/{target}/deactivate")
    shown = "<td>ระงับการใช้งาน</td>"
    # The action by its Thai name (as the table shows it), and by part of it.
    assert shown in client.get("/admin/audit/?action=ระงับการใช้งาน").get_data(True)
    assert shown in client.get("/admin/audit/?action= ระงับ ").get_data(True)
    # The record type by its Thai name; another type's name finds nothing of it.
    assert shown in client.get("/admin/audit/?record_type=บัญชีผู้ใช้").get_data(True)
    assert shown not in client.get("/admin/audit/?record_type=การประชุม").get_data(True)
    # The changed field by its label ("active" is shown as สถานะการใช้งาน or ใช้งาน...).
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "deactivated")
        ).one()
        assert "active" in event.changes
    assert shown in client.get("/admin/audit/?field=active").get_data(True)
    assert shown not in client.get("/admin/audit/?field=เลขทะเบียน").get_data(True)


def test_the_field_filter_finds_a_thai_label(app, client, sign_in):
    sign_in("admin")
    client.post("/language", data={"locale": "en"})
    client.post("/language", data={"locale": "th"})
    body = client.get("/admin/audit/?field=ภาษา").get_data(True)
    assert "<td>เปลี่ยนภาษา</td>" in body
    assert "<td>เปลี่ยนภาษา</td>" not in client.get("/admin/audit/?field=อีเมล").get_data(True)


@pytest.mark.parametrize("name", ["action", "record_type", "field", "actor"])
def test_an_overlong_filter_gets_a_thai_message_not_an_error(client, sign_in, name):
    sign_in("admin")
    response = client.get(f"/admin/audit/?{name}={'ก' * 101}")
    assert response.status_code == 422
    body = response.get_data(True)
    assert "is-invalid" in body and "ไม่เกิน 100 ตัวอักษร" in body


@pytest.mark.parametrize("name", ["action", "record_type", "field", "actor"])
@pytest.mark.parametrize("value", ["%00", "a%0Ab", "%1B"])
def test_a_control_character_in_a_filter_gets_a_thai_message_not_an_error(
    client, sign_in, name, value
):
    sign_in("admin")
    response = client.get(f"/admin/audit/?{name}={value}")
    assert response.status_code == 422
    body = response.get_data(True)
    assert "is-invalid" in body and "อักขระควบคุม" in body


@pytest.mark.parametrize(
    "query", ["field=%25", "action=%25_%25", "field=' OR 1=1 --", "action=<b>x</b>"]
)
def test_odd_filter_values_are_searched_as_words_never_a_500(client, sign_in, query):
    sign_in("admin")
    response = client.get(f"/admin/audit/?{query}")
    assert response.status_code == 200
    assert "<b>x</b>" not in response.get_data(True)


def _statements(app, client, url) -> list[str]:
    """The SQL statements of one request of the page (after one that fills what a process
    keeps between requests: the account's session, the settings)."""
    client.get(url)
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return seen


def test_names_for_ids_are_read_in_one_query_per_kind_not_per_row(
    app, client, sign_in, make_user, make_organisation
):
    admin = sign_in("admin")
    url = "/admin/audit/?record_type=contacts"

    def add(k):
        for _ in range(k):
            person = make_user("staff")
            organisation = make_organisation()
            _record(
                app,
                admin,
                "updated",
                "contacts",
                {"organisation_id": [None, organisation], "active": [True, False]},
            )
            _record(app, admin, "updated", "invitations", {"invited_by_id": [None, person]})

    add(2)
    small = _statements(app, client, url)
    add(8)
    large = _statements(app, client, url)
    assert len(small) == len(large), "\n".join(large)
    with app.app_context():
        names = db.session.scalars(sa.select(Organisation.name_th)).all()
    body = client.get(url).get_data(True)
    assert sum(name in body for name in names) >= 10
    url = "/admin/audit/?record_type=invitations"
    assert len(_statements(app, client, url)) == len(small)


def test_personal_data_export_leaves_out_internal_columns(
    app, client, sign_in, make_contact, make_user
):
    admin = sign_in("admin")
    contact_id = make_contact(first_name="สมชาย", email="somchai@example.or.th")
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        with audit.change(contact, db.session.get(User, admin), "updated"):
            contact.position = "ผู้อำนวยการ"
        db.session.commit()
        organisation_id = contact.organisation_id
    # An account in the person's name, at their organisation: part of the export too.
    make_user("representative", email="somchai@example.or.th", organisation_id=organisation_id)
    response = client.get(f"/organisations/contacts/{contact_id}/personal-data.json")
    assert response.status_code == 200, response.status_code
    data = response.get_json()
    assert data["contact"]["first_name"] == "สมชาย" and data["accounts"]
    assert data["history"] and "position" in data["history"][-1]["changes"]
    text = response.get_data(True)
    for internal in ("lock_version", "sort_key", "session_version", "search_text", "name_key"):
        assert internal not in text, internal


def test_fields_named_by_any_form_of_the_record_and_file_particulars(app, client, sign_in):
    admin = sign_in("admin")
    _record(
        app,
        admin,
        "created",
        "proposal_endorsements",
        {
            "id": [None, 7],
            "withdrawal_reason": [None, "ซ้ำ"],
            "letter_path": [None, "endorsements/7/letter.pdf"],
            "letter_filename": [None, "หนังสือ.pdf"],
            "letter_size": [None, 2048],
        },
    )
    _record(app, admin, "created", "meeting_attendance", {"kind": [None, "guest"]})
    table = _table(client.get("/admin/audit/?action=created&record_type=proposal").get_data(True))
    # The withdraw form's label; the file by its name and size; not where it is stored.
    assert "<dt>เหตุผล (ถ้ามี)</dt><dd>— → ซ้ำ</dd>" in table, table
    assert "<dt>หนังสือสนับสนุน</dt><dd>— → หนังสือ.pdf</dd>" in table
    assert "<dt>ขนาดไฟล์ (ไบต์)</dt><dd>— → 2048</dd>" in table
    assert "letter.pdf" not in table and "letter_path" not in table
    assert "<dt>Id</dt>" not in table and "— → 7 " not in table
    table = _table(client.get("/admin/audit/?record_type=meeting_attendance").get_data(True))
    assert "— → ผู้เข้าร่วมประชุม" in table and "guest" not in table
