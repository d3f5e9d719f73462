"""No silent overwrite in the administrator's forms: an account or the settings saved from a
form opened before someone else's save are refused (409) with who changed what, keep what
was typed, and write nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.auth import services
from registry.auth.models import Role, User
from registry.db import db
from registry.settings import services as settings
from registry.settings.models import Setting
from tests.conftest import (
    BAD_VERSIONS,
    assert_refused_as_outdated,
    form_fields,
    sign_in_client,
    with_version,
)


@pytest.fixture
def other_admin(make_user):
    """The administrator who saves first."""
    return make_user(Role.ADMIN, full_name="นายผู้ดูแล คนแรก")


@pytest.fixture
def events(app):
    """How many audit events of one kind of record there are (a refused save adds none)."""

    def count(record_type: str) -> int:
        with app.app_context():
            return db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.record_type == record_type
                )
            )

    return count


# --- accounts -----------------------------------------------------------------------------


def test_an_account_saved_from_an_outdated_form_is_refused_with_who_changed_what(
    app, client, sign_in, make_user, other_admin, get_user, events
):
    target = make_user(Role.STAFF, full_name="นางสาวเดิม ชื่อเดิม")
    sign_in(Role.ADMIN)
    url = f"/admin/users/{target}"
    opened = form_fields(client, url)
    with app.app_context():
        user = db.session.get(User, target)
        services.update_user(
            user,
            full_name="นางสาวใหม่ ชื่อใหม่",
            email=user.email,
            role=Role.STAFF,
            organisation_id=None,
            actor=db.session.get(User, other_admin),
            lock_version=user.lock_version,
        )
    before = events("users")

    response = client.post(url, data=opened | {"role": "secretary"})

    again = assert_refused_as_outdated(
        response,
        who="นายผู้ดูแล คนแรก",
        shows={"ชื่อ-นามสกุล": "นางสาวใหม่ ชื่อใหม่"},
        kept={"role": "secretary", "full_name": "นางสาวเดิม ชื่อเดิม"},
    )
    account = get_user(target)
    assert (account.full_name, account.role) == ("นางสาวใหม่ ชื่อใหม่", Role.STAFF)
    assert events("users") == before
    assert client.post(url, data=again | {"full_name": account.full_name}).status_code == 302
    assert get_user(target).role is Role.SECRETARY


def test_a_sign_in_meanwhile_does_not_make_an_open_account_form_outdated(
    app, client, sign_in, make_user, get_user
):
    """The account's own sign-in is not an edit of the account: an administrator's form
    opened before it still saves, and the sign-in time is kept."""
    target = make_user(Role.STAFF, full_name="นายเข้าระบบ ระหว่างนั้น")
    sign_in(Role.ADMIN)
    url = f"/admin/users/{target}"
    opened = form_fields(client, url)
    sign_in_client(app.test_client(), get_user(target).email)
    signed_in_at = get_user(target).last_sign_in_at
    assert signed_in_at is not None
    response = client.post(url, data=opened | {"role": "secretary"})
    assert response.status_code in (302, 303)
    saved = get_user(target)
    assert saved.role is Role.SECRETARY
    assert saved.last_sign_in_at == signed_in_at


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_an_account_form_without_a_good_version_saves_nothing(
    client, sign_in, make_user, get_user, events, version
):
    target = make_user(Role.STAFF)
    sign_in(Role.ADMIN)
    url = f"/admin/users/{target}"
    before = events("users")
    data = with_version(form_fields(client, url), version) | {"role": "secretary"}
    assert client.post(url, data=data).status_code == 409
    assert get_user(target).role is Role.STAFF
    assert events("users") == before


# --- settings -----------------------------------------------------------------------------


def _thai_numerals(app) -> bool:
    with app.app_context():
        return settings.get_setting("thai_numerals")


def test_settings_saved_from_an_outdated_form_are_refused(
    app, client, sign_in, other_admin, events
):
    sign_in(Role.ADMIN)
    url = "/admin/settings/"
    opened = form_fields(client, url)
    assert opened["lock_version"] == "0"  # never set yet
    with app.app_context():
        settings.set_setting(
            "thai_numerals", True, db.session.get(User, other_admin), lock_version=0
        )
    before = events("settings")

    response = client.post(url, data={"lock_version": opened["lock_version"]})

    again = assert_refused_as_outdated(
        response,
        who="นายผู้ดูแล คนแรก",
        shows={"แสดงตัวเลขเป็นเลขไทย (๐–๙) ในหน้าภาษาไทย": "ใช่"},
        kept={},
    )
    assert "thai_numerals" not in again  # left unticked, as the user sent it
    assert _thai_numerals(app) is True
    assert events("settings") == before
    assert again["lock_version"] == "1"
    assert client.post(url, data=again).status_code == 302
    assert _thai_numerals(app) is False


def test_settings_saved_from_a_current_form_go_through(app, client, sign_in):
    sign_in(Role.ADMIN)
    url = "/admin/settings/"
    response = client.post(url, data=form_fields(client, url) | {"thai_numerals": "y"})
    assert response.status_code == 302
    assert _thai_numerals(app) is True
    response = client.post(url, data=form_fields(client, url) | {"thai_numerals": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Setting, "thai_numerals").lock_version == 1  # nothing changed


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.5", "๑", "99999"])
def test_settings_without_a_good_version_save_nothing(app, client, sign_in, events, version):
    sign_in(Role.ADMIN)
    url = "/admin/settings/"
    data = with_version(form_fields(client, url), version) | {"thai_numerals": "y"}
    before = events("settings")
    assert client.post(url, data=data).status_code == 409
    assert _thai_numerals(app) is False
    assert events("settings") == before
