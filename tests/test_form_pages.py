"""Every form page behaves one way (``registry.web.form_page``): it shows the form, saves
through a service, puts a refusal at its field with 422 and keeps nothing of it, refuses a
save from an outdated form with 409 where the record is versioned, and a create form sent
twice creates once.

First the helper itself on a real page and a real database, then one page of each kind:
a create page, an edit page, the settings page and the account's password page.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from registry.auth import services as accounts
from registry.auth.models import Role, User
from registry.committees.models import Committee
from registry.db import db
from registry.organisations.forms import NewOrganisationForm
from registry.organisations.models import Organisation, OrganisationKind
from registry.rules import RuleError
from registry.settings import services as settings
from registry.web import PageRefusal, form_page
from tests.committees.test_pages import COMMITTEE
from tests.conftest import (
    PASSWORD,
    assert_refused_as_outdated,
    audit_actions,
    form_fields,
    form_token,
    submit_twice,
)

NEW_ORGANISATION = {"name_th": "สมาคมหน้าแบบฟอร์ม", "kind": "association", "status": "prospect"}


def field_error(html: str, field: str) -> str | None:
    """The error shown at a field of the page (None: the field shows none)."""
    found = re.search(rf'id="{field}-error">(.*?)</div>', html, re.S)
    return found.group(1).strip() if found else None


def organisations_named(app, name_th: str) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Organisation.id).where(Organisation.name_th == name_th))
        )


# --- the helper ---------------------------------------------------------------------------


def _post(app, data: dict):
    return app.test_request_context("/organisations/new", method="POST", data=data)


def test_a_refusal_is_shown_at_its_field_with_422_and_nothing_it_began_is_kept(app, db_session):
    with _post(app, NEW_ORGANISATION):
        form = NewOrganisationForm()

        def save():
            db.session.add(Organisation(name_th="สมาคมครึ่งทาง", kind=OrganisationKind.ASSOCIATION))
            db.session.flush()
            raise RuleError("ปฏิเสธที่ช่องนี้", "name_en")

        page, status = form_page(
            form, save, template="organisations/form.html", done="-", then="/", organisation=None
        )
        db.session.commit()  # a later commit in the request keeps nothing of the refused save
        assert status == 422
        assert form.name_en.errors == ["ปฏิเสธที่ช่องนี้"]
        assert field_error(page, "name_en") == "ปฏิเสธที่ช่องนี้"
    assert organisations_named(app, "สมาคมครึ่งทาง") == []


def test_a_refusal_that_names_no_field_goes_to_the_default_field_else_above_the_form(
    app, db_session
):
    def refuse():
        raise RuleError("ปฏิเสธทั้งแบบฟอร์ม")

    with _post(app, NEW_ORGANISATION):
        form = NewOrganisationForm()
        _page, status = form_page(
            form, refuse, template="organisations/form.html", done="-", then="/",
            default_field="name_th", organisation=None,
        )  # fmt: skip
        assert (status, form.name_th.errors) == (422, ["ปฏิเสธทั้งแบบฟอร์ม"])
    with _post(app, NEW_ORGANISATION):
        form = NewOrganisationForm()
        _page, status = form_page(
            form, refuse, template="organisations/form.html", done="-", then="/", organisation=None
        )
        assert (status, form.refusal, form.errors) == (422, "ปฏิเสธทั้งแบบฟอร์ม", {})


def test_a_form_that_does_not_validate_is_never_saved_and_answers_422(app, db_session):
    saved = []
    with _post(app, {"kind": "association"}):  # no Thai name
        form = NewOrganisationForm()
        page, status = form_page(
            form, lambda: saved.append(1), template="organisations/form.html", done="-",
            then="/", organisation=None,
        )  # fmt: skip
        assert status == 422
        assert field_error(page, "name_th")
    assert saved == []


def test_a_saved_form_goes_where_the_saved_record_says_with_its_message(app, db_session):
    with _post(app, NEW_ORGANISATION):
        form = NewOrganisationForm()
        response = form_page(
            form,
            lambda: 42,
            template="organisations/form.html",
            done=lambda made: f"saved {made}",
            then=lambda made: f"/somewhere/{made}",
        )
        assert (response.status_code, response.headers["Location"]) == (302, "/somewhere/42")
        from flask import get_flashed_messages

        assert get_flashed_messages(with_categories=True) == [("success", "saved 42")]


# --- a create page ------------------------------------------------------------------------


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        (
            "/organisations/new",
            {"kind": "association", "status": "prospect"},
            "name_th",
            "มีองค์กรที่ใช้ชื่อนี้ลงทะเบียนไว้แล้ว",
        ),
        (
            "/committees/new",
            {k: v for k, v in COMMITTEE.items() if k != "name_th"},
            "name_th",
            "มีคณะกรรมการชื่อนี้อยู่แล้ว",
        ),
    ],
)
def test_a_create_page_refuses_a_taken_name_at_its_field_and_the_corrected_form_creates(
    app, client, staff, make_organisation, url, data, field, message
):
    if url == "/organisations/new":
        make_organisation("สมาคมชื่อซ้ำ")
        taken = {"name_th": "สมาคมชื่อซ้ำ"}
    else:
        assert client.post(url, data=data | {"name_th": "คณะกรรมการชื่อซ้ำ"}).status_code == 302
        taken = {"name_th": "คณะกรรมการชื่อซ้ำ"}
    token = form_token(client, url)
    before = audit_actions(app, url.split("/")[1])

    refused = client.post(url, data=data | taken | {"submission": token})

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    error = field_error(html, field)
    assert error and (message is None or message in error), html[:300]
    assert "http://localhost" not in (refused.headers.get("Location") or "")
    assert audit_actions(app, url.split("/")[1]) == before
    corrected = client.post(url, data=data | {"name_th": "ชื่อใหม่ที่ไม่ซ้ำ", "submission": token})
    assert corrected.status_code == 302  # the refused create kept no token


def test_a_new_account_sent_twice_is_opened_once_and_a_taken_email_is_refused_at_its_field(
    app, client, sign_in
):
    sign_in(Role.ADMIN)
    data = {
        "email": "form.page@example.go.th",
        "full_name": "นางสาวแบบ ฟอร์ม",
        "role": "staff",
        "organisation_id": "",
        "password": "a-long-enough-password-1",
    }
    first, second = submit_twice(client, "/admin/users/new", data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == "/admin/users"
    with app.app_context():
        [user] = db.session.scalars(sa.select(User.id).where(User.email == data["email"]))
    assert audit_actions(app, "users", user) == ["created"]

    again = client.post(
        "/admin/users/new", data=data | {"submission": form_token(client, "/admin/users/new")}
    )
    assert again.status_code == 422
    assert field_error(again.get_data(as_text=True), "email") == "มีบัญชีผู้ใช้ที่ใช้อีเมลนี้อยู่แล้ว"
    assert audit_actions(app, "users", user) == ["created"]


def test_a_new_committee_sent_twice_is_set_up_once(app, client, staff):
    data = COMMITTEE | {"name_th": "คณะกรรมการสองครั้ง"}
    first, second = submit_twice(client, "/committees/new", data)
    assert first.status_code == second.status_code == 302
    with app.app_context():
        [committee] = db.session.scalars(
            sa.select(Committee.id).where(Committee.name_th == data["name_th"])
        )
    assert second.headers["Location"] == first.headers["Location"] == f"/committees/{committee}"


# --- an edit page -------------------------------------------------------------------------


def test_an_edit_page_refuses_a_taken_name_at_its_field_and_a_stale_save_with_409(
    app, client, staff, make_organisation
):
    make_organisation("สมาคมที่มีอยู่")
    organisation = make_organisation("สมาคมที่แก้ไข")
    url = f"/organisations/{organisation}/edit"
    opened = form_fields(client, url)
    before = audit_actions(app, "organisations", organisation)

    refused = client.post(url, data=opened | {"name_th": "สมาคมที่มีอยู่"})
    assert refused.status_code == 422
    error = field_error(refused.get_data(as_text=True), "name_th")
    assert error and "มีองค์กรที่ใช้ชื่อนี้ลงทะเบียนไว้แล้ว" in error
    assert audit_actions(app, "organisations", organisation) == before

    assert client.post(url, data=opened | {"name_en": "First save"}).status_code == 302
    stale = client.post(url, data=opened | {"name_en": "Second save"})
    assert_refused_as_outdated(stale, who=None, shows={}, kept={"name_en": "Second save"})
    with app.app_context():
        assert db.session.get(Organisation, organisation).name_en == "First save"
    assert len(audit_actions(app, "organisations", organisation)) == len(before) + 1


# --- the settings page --------------------------------------------------------------------


def test_the_settings_page_refuses_a_stale_save_with_409_and_saves_a_current_one(
    app, client, sign_in
):
    admin = sign_in(Role.ADMIN)
    url = "/admin/settings/"
    opened = form_fields(client, url)
    with app.app_context():
        settings.set_setting("thai_numerals", True, db.session.get(User, admin), lock_version=0)

    stale = client.post(url, data=opened)
    again = assert_refused_as_outdated(stale, who=None, shows={}, kept={})
    with app.app_context():
        assert settings.get_setting("thai_numerals") is True
    assert client.post(url, data=again).status_code == 302
    with app.app_context():
        assert settings.get_setting("thai_numerals") is False

    approvals = client.post(
        "/admin/settings/approvals",
        data={"approvals-lock_version": "7", "approvals-separate_approver": "y"},
    )
    assert approvals.status_code == 409
    assert 'id="conflict"' in approvals.get_data(as_text=True)


# --- the account's password page ----------------------------------------------------------


def test_the_password_page_refuses_a_wrong_current_password_at_its_field_and_changes_nothing(
    app, client, sign_in
):
    user = sign_in(Role.STAFF)
    url = "/account/password"
    refused = client.post(
        url,
        data={
            "current_password": "not-my-password",
            "new_password": "a-new-long-password-2",
            "confirm": "a-new-long-password-2",
        },
    )
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "current_password") == (
        "รหัสผ่านปัจจุบันไม่ถูกต้อง"
    )
    with app.app_context():
        account = db.session.get(User, user)
        assert accounts.verify_password(account, PASSWORD)
    assert audit_actions(app, "users", user).count("changed password") == 0


# --- the helper's options, for the pages that need them -------------------------------------


def test_an_answer_replaces_the_redirect_and_the_message(app, db_session):
    from flask import get_flashed_messages

    with _post(app, NEW_ORGANISATION):
        form = NewOrganisationForm()
        answered = form_page(
            form, lambda: "secret-1", template="organisations/form.html",
            answer=lambda secret: (f"shown once: {secret}", 201),
        )  # fmt: skip
        assert answered == ("shown once: secret-1", 201)
        assert get_flashed_messages() == []


def test_a_reshaping_post_shows_the_form_again_unsaved_and_unvalidated(app, db_session):
    saved = []
    with _post(app, {"kind": "association"}):  # would not validate: no Thai name
        form = NewOrganisationForm()
        page, status = form_page(
            form, lambda: saved.append(1), template="organisations/form.html", done="-",
            then="/", reshape=lambda: True, organisation=None,
        )  # fmt: skip
        assert (status, form.errors, saved) == (200, {}, [])
        assert field_error(page, "name_th") is None


def test_the_shown_context_is_made_after_a_refusal_is_undone_and_never_after_a_save(
    app, db_session
):
    seen = []

    def shown() -> dict:
        seen.append(organisations_named(app, "สมาคมที่ถูกปฏิเสธ"))
        return {"organisation": None}

    def refused_save():
        db.session.add(Organisation(name_th="สมาคมที่ถูกปฏิเสธ", kind=OrganisationKind.ASSOCIATION))
        db.session.flush()
        raise RuleError("ปฏิเสธ", "name_th")

    with _post(app, NEW_ORGANISATION):
        _page, status = form_page(
            NewOrganisationForm(), refused_save, template="organisations/form.html", done="-",
            then="/", shown_with=shown,
        )  # fmt: skip
    assert (status, seen) == (422, [[]])
    with _post(app, NEW_ORGANISATION):
        response = form_page(
            NewOrganisationForm(), lambda: None, template="organisations/form.html", done="-",
            then="/", shown_with=shown,
        )  # fmt: skip
    assert response.status_code == 302 and len(seen) == 1


def test_a_page_refusal_answers_with_its_own_status_above_the_form(app, db_session):
    def refuse():
        raise PageRefusal("ลองใหม่ภายหลัง", 429)

    with _post(app, NEW_ORGANISATION):
        form = NewOrganisationForm()
        _page, status = form_page(
            form, refuse, template="organisations/form.html", done="-", then="/",
            organisation=None,
        )  # fmt: skip
        assert (status, form.refusal, form.errors) == (429, "ลองใหม่ภายหลัง", {})


# --- sign-in and the token page -------------------------------------------------------------


def test_a_refused_sign_in_is_said_above_the_form_in_thai_with_401(client, make_user, get_user):
    email = get_user(make_user("staff")).email
    refused = client.post("/sign-in", data={"email": email, "password": "not-the-password"})
    assert refused.status_code == 401
    html = refused.get_data(as_text=True)
    alert = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>\s*<form', html)
    assert alert and "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in alert.group(1)


def test_the_token_page_refuses_bad_values_at_their_field_and_issues_one_token_however_often_sent(
    app, client, sign_in
):
    from registry.api.models import ApiToken

    admin = sign_in(Role.ADMIN)

    def tokens() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken))

    refused = client.post(
        "/admin/api-tokens/new",
        data={"user_id": str(admin), "name": "", "expires_on": "31/02/2570",
              "submission": form_token(client, "/admin/api-tokens/new")},
    )  # fmt: skip
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert field_error(html, "name") == "กรุณากรอกข้อมูลในช่องนี้"
    assert field_error(html, "expires_on")
    assert tokens() == 0
    first, second = submit_twice(
        client, "/admin/api-tokens/new", {"user_id": str(admin), "name": "ระบบรายงาน"}
    )
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert second.status_code == 302
    assert tokens() == 1
