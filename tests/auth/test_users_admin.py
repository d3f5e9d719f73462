"""The administrator's user pages: create, edit, deactivate, reset a password; bad input."""

from __future__ import annotations

import email
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth.models import Role, User
from registry.db import db
from tests.conftest import PASSWORD, read_version, sign_in_client


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


NEW = {
    "full_name": "นางสาวมาลี ทดสอบ",
    "email": "malee@example.go.th",
    "role": "staff",
    "organisation_id": "",
    "password": "temporary-pass-2568",
}


def test_admin_creates_an_account_that_must_change_its_password(app, client, sign_in):
    sign_in("admin")
    response = client.post("/admin/users/new", data=NEW)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == NEW["email"]))
        assert user.role is Role.STAFF and user.must_change_password
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.record_id == user.id, AuditEvent.action == "created"
            )
        )
        assert event.changes["email"] == [None, NEW["email"]]
        assert event.changes["password_hash"] == ["•••", "•••"]
    fresh = app.test_client()
    sign_in_client(fresh, NEW["email"], NEW["password"])
    assert fresh.get("/").headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "อีเมล"),
        ({"email": ""}, "email", "กรุณากรอก"),
        ({"full_name": ""}, "full_name", "กรุณากรอก"),
        ({"password": "short"}, "password", "10"),
        ({"password": "1234567890123"}, "password", "เดา"),
        ({"role": "emperor"}, "role", ""),
        ({"role": "representative"}, "organisation_id", "องค์กร"),
        ({"organisation_id": "abc"}, "organisation_id", ""),
        ({"full_name": "x" * 201}, "full_name", "200"),
    ],
)
def test_bad_new_account_is_refused_at_the_field_and_nothing_saved(
    app, client, sign_in, changes, field, message
):
    sign_in("admin")
    before = _count_users(app)
    response = client.post("/admin/users/new", data=NEW | changes)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    assert message in body
    assert _count_users(app) == before


def test_duplicate_email_is_refused(app, client, sign_in, make_user, get_user):
    existing = get_user(make_user("staff")).email
    sign_in("admin")
    before = _count_users(app)
    response = client.post("/admin/users/new", data=NEW | {"email": existing.upper()})
    assert response.status_code == 422
    assert "มีบัญชีผู้ใช้ที่ใช้อีเมลนี้อยู่แล้ว" in response.get_data(as_text=True)
    assert _count_users(app) == before


def test_admin_creates_a_representative_for_an_organisation(
    app, client, sign_in, make_organisation
):
    organisation_id = make_organisation("สมาคมไทยไอโอที")
    sign_in("admin")
    data = NEW | {"role": "representative", "organisation_id": str(organisation_id)}
    assert client.post("/admin/users/new", data=data).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == NEW["email"]))
        assert user.organisation_id == organisation_id


def test_edit_changes_the_account_and_records_before_and_after(app, client, sign_in, make_user):
    target = make_user("staff", full_name="นายเดิม ชื่อเก่า")
    sign_in("admin")
    with app.app_context():
        email_address = db.session.get(User, target).email
    data = {"full_name": "นายใหม่ ชื่อใหม่", "email": email_address, "role": "secretary"}
    data |= read_version(client, f"/admin/users/{target}")
    assert client.post(f"/admin/users/{target}", data=data).status_code == 302
    with app.app_context():
        user = db.session.get(User, target)
        assert (user.full_name, user.role) == ("นายใหม่ ชื่อใหม่", Role.SECRETARY)
        event = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.record_id == target, AuditEvent.action == "updated"
            )
        ).one()
        assert event.changes["full_name"] == ["นายเดิม ชื่อเก่า", "นายใหม่ ชื่อใหม่"]
        assert event.changes["role"] == ["staff", "secretary"]


def test_admin_cannot_demote_or_deactivate_themselves(app, client, sign_in):
    admin_id = sign_in("admin")
    with app.app_context():
        address = db.session.get(User, admin_id).email
    data = {"full_name": "Admin", "email": address, "role": "staff"}
    data |= read_version(client, f"/admin/users/{admin_id}")
    response = client.post(f"/admin/users/{admin_id}", data=data)
    assert response.status_code == 422
    client.post(f"/admin/users/{admin_id}/deactivate")
    with app.app_context():
        admin = db.session.get(User, admin_id)
        assert admin.role is Role.ADMIN and admin.active


def test_deactivation_ends_the_users_sessions_and_reactivation_restores_access(
    app, client, sign_in, make_user, get_user
):
    target = make_user("staff")
    target_client = sign_in_client(app.test_client(), get_user(target).email)
    assert target_client.get("/").status_code == 200
    sign_in("admin")
    assert client.post(f"/admin/users/{target}/deactivate").status_code == 302
    assert not get_user(target).active
    assert target_client.get("/").status_code == 302  # signed out everywhere
    assert client.post(f"/admin/users/{target}/reactivate").status_code == 302
    sign_in_client(app.test_client(), get_user(target).email)


def test_reset_password_mails_the_user_and_forces_a_change(
    app, client, sign_in, make_user, get_user
):
    target = make_user("secretary")
    old_session = sign_in_client(app.test_client(), get_user(target).email)
    sign_in("admin")
    mail_folder = Path(app.config["MAIL_FOLDER"])
    before = set(mail_folder.glob("*.eml")) if mail_folder.exists() else set()
    response = client.post(
        f"/admin/users/{target}/reset-password", data={"new_password": "temporary-2568-x"}
    )
    assert response.status_code == 302
    assert old_session.get("/").status_code == 302
    user = get_user(target)
    assert user.must_change_password
    (sent,) = set(mail_folder.glob("*.eml")) - before
    message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    assert message["To"] == user.email
    assert "temporary-2568-x" not in message.get_body().get_content()
    fresh = sign_in_client(app.test_client(), user.email, "temporary-2568-x")
    assert fresh.get("/").headers["Location"] == "/account/password"


def test_reset_password_refuses_a_weak_password(app, client, sign_in, make_user, get_user):
    target = make_user("staff")
    sign_in("admin")
    response = client.post(f"/admin/users/{target}/reset-password", data={"new_password": "abc"})
    assert response.status_code == 303
    assert not get_user(target).must_change_password
    sign_in_client(app.test_client(), get_user(target).email, PASSWORD)


def test_unknown_user_is_404(client, sign_in):
    sign_in("admin")
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


def test_user_list_filters_by_role_and_state(client, sign_in, make_user, get_user):
    secretary = get_user(make_user("secretary")).email
    staff = get_user(make_user("staff")).email
    sign_in("admin")
    body = client.get("/admin/users?role=secretary").get_data(as_text=True)
    assert secretary in body and staff not in body
    assert client.get("/admin/users?role=nonsense&state=weird&page=abc").status_code == 200
